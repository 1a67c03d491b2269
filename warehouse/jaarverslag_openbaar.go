package warehouse

import (
	"fmt"
	"strings"
)

// Small-number protection of the annual report (`leerplein report jaarverslag
// --openbaar`), with the method of Suppress. What a reader can add up, and so what the
// protection must cover:
//
//   - every Sum of the layout: the `totaal` rows and columns, the `subtotaal_*` rows,
//     tabel6's `totaal` column and tabel1's `subtotaal_18_23` (the region as the sum
//     of its sub-regions);
//   - the sums definitions.md states that the layout cannot hold as a Sum
//     (jaarverslagImplied): a part that is not printed is a residual, an unpublished
//     count that is protected like a printed one (a count below the threshold must
//     not be derivable, e.g. youths of geslacht X from tabel1's subtotal);
//   - figures printed twice (jaarverslagSame): tabel5's `totaal` column is tabel4's,
//     tabel8 is tabel9's grand total; each pair is one figure to the protection, so
//     both copies are shown or hidden together.
//
// Percentages (tabel7's vsv_pct, any Percent column) are not counts: a percentage is
// hidden when a count of its row is hidden, since with the other count it would give
// the hidden one back (vsvers = pct · deelnemers / 100). The layout holds no other
// non-count figures; a non-integer value in a count column is refused.

// OpenbaarCell is one figure of the annual report protected for publication: the cell,
// and whether and why it is hidden. A hidden cell's Waarde is zero, so that a caller
// cannot publish it by mistake. A cell that is not a value (geen_gegevens,
// niet_van_toepassing) keeps its Status and is never hidden: it discloses no count.
type OpenbaarCell struct {
	Cell
	Onderdrukt Suppression
}

// PublishedStatus is the cell's status as published: onderdrukt when hidden.
func (c OpenbaarCell) PublishedStatus() Status {
	if c.Onderdrukt.Hidden() {
		return StatusOnderdrukt
	}
	return c.Status
}

// impliedSum is a sum that definitions.md states and the layout does not compute:
// Total = Σ Parts + Rest, in every column (Rows) or every row (!Rows) of the table.
type impliedSum struct {
	Tabel string
	// Rows is true when Total and Parts are rows (the sum runs down each column), false
	// when they are columns.
	Rows  bool
	Total string
	Parts []string
	// Rest names the unpublished line Total − Σ Parts, a count in its own right; empty
	// when the definitions make the sum exact.
	Rest string
	// Partial allows parts to be absent (tabel7 has only the delivered rows): the
	// rest then holds them.
	Partial bool
}

// jaarverslagImplied lists the sums of definitions.md beyond the layout's Sums.
func jaarverslagImplied() []impliedSum {
	return []impliedSum{
		// tabel1: subtotaal_5_18 counts every geslacht, jongens and meisjes only M and V;
		// the rest is geslacht X.
		{Tabel: "tabel1", Rows: true, Total: "subtotaal_5_18", Parts: []string{"jongens_5_18", "meisjes_5_18"}, Rest: "~geslacht_x_5_18"},
		// tabel5: `totaal` also counts measures without an afdoening yet.
		{Tabel: "tabel5", Total: "totaal", Parts: []string{"leerstraf", "geldboete", "taakstraf", "overig"}, Rest: "~zonder_afdoening"},
		// tabel6: an episode's soort is ABSOLUUT or LANGDURIG_RELATIEF (feeds.md), so the
		// two rows split `thuiszitters` exactly; the other two rows are subsets of it.
		{Tabel: "tabel6", Rows: true, Total: "thuiszitters", Parts: []string{"absoluut", "langdurig_relatief"}},
		{Tabel: "tabel6", Rows: true, Total: "thuiszitters", Parts: []string{"langer_dan_3_maanden"}, Rest: "~korter"},
		{Tabel: "tabel6", Rows: true, Total: "thuiszitters", Parts: []string{"opgelost"}, Rest: "~niet_opgelost"},
		// tabel7: a gebied's total is the sum of its sectors, computed or as DUO
		// delivered it (then the rest holds what the sectors do not).
		{Tabel: "tabel7", Rows: true, Total: "totaal_regio", Parts: []string{"vo_regio", "mbo_regio", "vavo_regio"}, Rest: "~overig_regio", Partial: true},
		{Tabel: "tabel7", Rows: true, Total: "totaal_landelijk", Parts: []string{"vo_landelijk", "mbo_landelijk", "vavo_landelijk"}, Rest: "~overig_landelijk", Partial: true},
	}
}

// sameFigure is a figure printed in two tables.
type sameFigure struct{ a, b [3]string } // tabel, rij, kolom

// jaarverslagSame lists the figures definitions.md gives twice.
func jaarverslagSame() []sameFigure {
	var out []sameFigure
	// tabel5 is tabel4's selection: its `totaal` column counts every measure.
	for _, r := range verzuimRows() {
		out = append(out, sameFigure{[3]string{"tabel4", r.Key, "totaal"}, [3]string{"tabel5", r.Key, "totaal"}})
	}
	// tabel8 counts the trajectories tabel9 sorts.
	return append(out, sameFigure{[3]string{"tabel9", "totaal", "totaal"}, [3]string{"tabel8", "rmc_ers", "aantal"}})
}

// JaarverslagOpenbaar protects the annual report's cells for publication: counts from
// 1 to drempel−1 are hidden, and further figures so that none of them can be derived
// from the totals, subtotals and figures printed beside them (see Suppress). Cells of
// several school years are protected per year. The result holds the cells in the order
// given; a hidden cell has Waarde zero. cells must be whole tables as Jaarverslag gives
// them, laid out by layout.
func JaarverslagOpenbaar(cells []Cell, layout []Table, drempel int) ([]OpenbaarCell, error) {
	if drempel < 2 {
		return nil, fmt.Errorf("warehouse: jaarverslag openbaar: threshold %d: use 2 or more (1 hides nothing)", drempel)
	}
	byYear := map[string][]int{}
	var years []string
	for i, c := range cells {
		if _, ok := byYear[c.Schooljaar]; !ok {
			years = append(years, c.Schooljaar)
		}
		byYear[c.Schooljaar] = append(byYear[c.Schooljaar], i)
	}
	out := make([]OpenbaarCell, len(cells))
	for _, y := range years {
		idx := byYear[y]
		year := make([]Cell, len(idx))
		for k, i := range idx {
			year[k] = cells[i]
		}
		st, err := protectJaarverslag(year, layout, drempel)
		if err != nil {
			return nil, fmt.Errorf("warehouse: jaarverslag openbaar %s: %w", y, err)
		}
		for k, i := range idx {
			out[i] = OpenbaarCell{Cell: cells[i], Onderdrukt: st[k]}
			if st[k].Hidden() {
				out[i].Waarde = Number{}
			}
		}
	}
	return out, nil
}

// jaarverslagModel is the annual report of one year as Suppress sees it: a variable per
// count (one for a figure printed twice, one per residual) and the sums among them.
type jaarverslagModel struct {
	values []int64
	rels   []Relation
	vars   map[[3]string]int // (tabel, rij, kolom) → variable; residual lines too
}

func (m *jaarverslagModel) newVar(key [3]string, v int64) int {
	m.vars[key] = len(m.values)
	m.values = append(m.values, v)
	return m.vars[key]
}

// JaarverslagSums is the annual report of one school year as its small-number
// protection sees it: a variable per count (one for a figure printed twice, one per
// residual line), the sums among them, and which variables are residuals that are never
// printed. It is for a caller that protects the report together with other figures
// (the dashboard's pattern); protectJaarverslag protects it on its own.
type JaarverslagSums struct {
	Values      []int64
	Relations   []Relation
	Unpublished []bool
	// Vars maps a printed count (tabel, rij, kolom) to its variable; both copies of a
	// figure printed twice map to the same one.
	Vars map[[3]string]int
}

// NewJaarverslagSums builds the sums of one school year's cells, laid out by layout.
func NewJaarverslagSums(cells []Cell, layout []Table) (JaarverslagSums, error) {
	m, err := newJaarverslagModel(cells, layout)
	if err != nil {
		return JaarverslagSums{}, err
	}
	out := JaarverslagSums{Values: m.values, Relations: m.rels, Unpublished: make([]bool, len(m.values)),
		Vars: map[[3]string]int{}}
	for k, v := range m.vars {
		if strings.HasPrefix(k[1], "~") || strings.HasPrefix(k[2], "~") {
			out.Unpublished[v] = true
			continue
		}
		out.Vars[k] = v
	}
	return out, nil
}

// protectJaarverslag gives the suppression of each cell of one school year.
func protectJaarverslag(cells []Cell, layout []Table, drempel int) ([]Suppression, error) {
	m, err := newJaarverslagModel(cells, layout)
	if err != nil {
		return nil, err
	}
	state, err := Suppress(m.values, m.rels, drempel)
	if err != nil {
		return nil, err
	}
	return cellStates(cells, layout, func(key [3]string) Suppression {
		if v, ok := m.vars[key]; ok {
			return state[v]
		}
		return Shown
	}), nil
}

// ProtectJaarverslagWith applies a protection decided elsewhere to one school year's
// cells: state gives each printed count's suppression by (tabel, rij, kolom); a
// percentage is hidden when a count of its row is, as in JaarverslagOpenbaar. A hidden
// cell's Waarde is zero.
func ProtectJaarverslagWith(cells []Cell, layout []Table, state func(key [3]string) Suppression) []OpenbaarCell {
	st := cellStates(cells, layout, state)
	out := make([]OpenbaarCell, len(cells))
	for i, c := range cells {
		out[i] = OpenbaarCell{Cell: c, Onderdrukt: st[i]}
		if st[i].Hidden() {
			out[i].Waarde = Number{}
		}
	}
	return out
}

// cellStates gives each cell its suppression: a count's from state, a percentage's from
// the counts of its row; a cell that is not a value is never hidden.
func cellStates(cells []Cell, layout []Table, state func(key [3]string) Suppression) []Suppression {
	percent := percentOf(layout)
	out := make([]Suppression, len(cells))
	hiddenRow := map[[2]string]bool{}
	for i, c := range cells {
		if percent(c) || !c.Status.IsValue() {
			continue
		}
		out[i] = state([3]string{c.Tabel, c.Rij, c.Kolom})
		if out[i].Hidden() {
			hiddenRow[[2]string{c.Tabel, c.Rij}] = true
		}
	}
	for i, c := range cells {
		if percent(c) && hiddenRow[[2]string{c.Tabel, c.Rij}] {
			out[i] = SuppressedComplementary
		}
	}
	return out
}

// percentOf tells whether a cell is in a percentage column of layout.
func percentOf(layout []Table) func(Cell) bool {
	tables := map[string]Table{}
	for _, t := range layout {
		tables[t.Key] = t
	}
	return func(c Cell) bool {
		for _, l := range tables[c.Tabel].Cols {
			if l.Key == c.Kolom {
				return l.Percent
			}
		}
		return false
	}
}

// newJaarverslagModel builds the variables and sums of one school year's cells.
func newJaarverslagModel(cells []Cell, layout []Table) (*jaarverslagModel, error) {
	tables := map[string]Table{}
	for _, t := range layout {
		tables[t.Key] = t
	}
	percent := percentOf(layout)
	m := &jaarverslagModel{vars: map[[3]string]int{}}
	// Cells that are not values are no variables and no parts of a sum: a total over
	// parts that do not apply sums those that do.
	notValue := map[[3]string]bool{}
	for _, c := range cells {
		if !c.Status.IsValue() {
			notValue[[3]string{c.Tabel, c.Rij, c.Kolom}] = true
		}
	}
	alias := map[[3]string][3]string{}
	for _, s := range jaarverslagSame() {
		alias[s.b] = s.a
	}
	// First every figure of its own, then the second copies onto the first.
	for pass := 0; pass < 2; pass++ {
		for _, c := range cells {
			if _, ok := tables[c.Tabel]; !ok {
				return nil, fmt.Errorf("cell of %s: no such table in the layout", c.Tabel)
			}
			key := [3]string{c.Tabel, c.Rij, c.Kolom}
			if percent(c) || notValue[key] {
				continue
			}
			first, isCopy := alias[key]
			if (pass == 1) != isCopy {
				continue
			}
			if !c.Waarde.IsInteger() || c.Waarde.hundredths < 0 {
				return nil, fmt.Errorf("%s %s/%s = %s is not a count", c.Tabel, c.Rij, c.Kolom, c.Waarde)
			}
			if _, dup := m.vars[key]; dup {
				return nil, fmt.Errorf("%s %s/%s: cell given twice", c.Tabel, c.Rij, c.Kolom)
			}
			v := c.Waarde.hundredths / 100
			if isCopy {
				if fv, ok := m.vars[first]; ok {
					if m.values[fv] != v {
						return nil, fmt.Errorf("%s %s/%s = %d differs from %s %s/%s = %d; the definitions make them equal",
							c.Tabel, c.Rij, c.Kolom, v, first[0], first[1], first[2], m.values[fv])
					}
					m.vars[key] = fv
					continue
				}
			}
			m.newVar(key, v)
		}
	}

	// The residual lines of the implied sums, added to their table's lines so that the
	// layout's Sums across them (a `totaal` column) apply to them too.
	extRows := map[string][]Line{}
	extCols := map[string][]Line{}
	for _, t := range layout {
		extRows[t.Key] = append([]Line(nil), t.Rows...)
		extCols[t.Key] = append([]Line(nil), t.Cols...)
	}
	var implied []Relation
	for _, s := range jaarverslagImplied() {
		t, ok := tables[s.Tabel]
		if !ok {
			continue
		}
		// at addresses a cell by the sum's line and the crossing line.
		at := func(line, cross string) [3]string {
			if s.Rows {
				return [3]string{s.Tabel, line, cross}
			}
			return [3]string{s.Tabel, cross, line}
		}
		crossing := t.Cols
		if !s.Rows {
			crossing = t.Rows
		}
		restAdded := false
		for _, x := range crossing {
			if x.Percent {
				continue
			}
			total, ok := m.vars[at(s.Total, x.Key)]
			if !ok {
				if notValue[at(s.Total, x.Key)] && s.Rest != "" {
					notValue[at(s.Rest, x.Key)] = true // no figure, so no residual either
				}
				continue // an undelivered tabel7 row, a partial table, or no figure
			}
			rel := Relation{Total: total}
			rest := m.values[total]
			for _, p := range s.Parts {
				pv, ok := m.vars[at(p, x.Key)]
				if !ok {
					if s.Partial || notValue[at(p, x.Key)] {
						continue
					}
					return nil, fmt.Errorf("%s: cell %v is missing", s.Tabel, at(p, x.Key))
				}
				rel.Parts = append(rel.Parts, pv)
				rest -= m.values[pv]
			}
			switch {
			case s.Rest == "" && rest != 0:
				return nil, fmt.Errorf("%s: %s/%s is not the sum of %v, as the definitions have it", s.Tabel, s.Total, x.Key, s.Parts)
			case rest < 0 && !s.Partial:
				return nil, fmt.Errorf("%s: %s/%s is less than the sum of %v, which it counts", s.Tabel, s.Total, x.Key, s.Parts)
			case rest < 0:
				// A delivered total below its sectors: no sum a reader can rely on.
				continue
			case s.Rest != "":
				rel.Parts = append(rel.Parts, m.newVar(at(s.Rest, x.Key), rest))
				restAdded = true
			}
			if len(rel.Parts) > 0 {
				implied = append(implied, rel)
			}
		}
		if restAdded {
			if s.Rows {
				extRows[s.Tabel] = append(extRows[s.Tabel], Line{Key: s.Rest})
			} else {
				extCols[s.Tabel] = append(extCols[s.Tabel], Line{Key: s.Rest})
			}
		}
	}

	// The layout's Sums, over the extended lines.
	for _, t := range layout {
		rows, cols := extRows[t.Key], extCols[t.Key]
		for _, r := range rows {
			for _, c := range cols {
				total, ok := m.vars[[3]string{t.Key, r.Key, c.Key}]
				if !ok {
					continue
				}
				for _, sum := range []struct {
					parts []string
					at    func(string) [3]string
				}{
					{r.Sum, func(p string) [3]string { return [3]string{t.Key, p, c.Key} }},
					{c.Sum, func(p string) [3]string { return [3]string{t.Key, r.Key, p} }},
				} {
					if len(sum.parts) == 0 {
						continue
					}
					rel := Relation{Total: total}
					for _, p := range sum.parts {
						pv, ok := m.vars[sum.at(p)]
						if !ok && notValue[sum.at(p)] {
							continue
						}
						if !ok {
							return nil, fmt.Errorf("%s: cell %v, part of %s/%s, is missing", t.Key, sum.at(p), r.Key, c.Key)
						}
						rel.Parts = append(rel.Parts, pv)
					}
					if len(rel.Parts) > 0 {
						m.rels = append(m.rels, rel)
					}
				}
			}
		}
	}
	m.rels = append(m.rels, implied...)
	return m, nil
}

// JaarverslagToelichting is the note on the method that goes with a protected annual
// report (Dutch), one paragraph per element.
func JaarverslagToelichting(schooljaar string, drempel int) []string {
	d := drempel
	return []string{
		"Jaarverslag leerplicht en RMC, schooljaar " + schooljaar + ": openbare versie, met bescherming van kleine aantallen.",
		fmt.Sprintf("Aantallen van 1 tot en met %d zijn weggelaten en getoond als \"<%d\" (in de CSV: waarde leeg, status onderdrukt). Nullen worden getoond.", d-1, d),
		"Daarnaast zijn enkele andere aantallen weggelaten, getoond als \"x\" (in de CSV ook: waarde leeg, status onderdrukt), zodat geen weggelaten aantal kan worden teruggerekend: " +
			"niet uit de totalen per rij en kolom, de subtotalen en de som van de subregio's, alle tegelijk, en niet uit de cijfers die in twee tabellen staan " +
			"(het totaal van tabel 5 is dat van tabel 4; tabel 8 is het totaal van tabel 9). " +
			fmt.Sprintf("Daarbij is ook meegewogen wat \"<%d\" verraadt (het aantal ligt tussen 1 en %d) en dat een met \"x\" weggelaten aantal 0 of ten minste %d is.", d, d-1, d),
		"Ook wat uit het verschil van getoonde cijfers volgt, is beschermd als aantal: jongeren met geslacht X (subtotaal 5 t/m 17 jaar min jongens en meisjes, tabel 1), " +
			"maatregelen zonder bekende afdoening (tabel 5), thuiszitters niet langer dan 3 maanden of niet opgelost (tabel 6) en wat een geleverd vsv-totaal meer telt dan de sectoren (tabel 7).",
		"Een percentage is weggelaten als een aantal in dezelfde regel is weggelaten, omdat het dat aantal anders zou prijsgeven.",
		"Een cel zonder gegevens (\"geen gegevens\", status geen_gegevens) of die niet van toepassing is (\"n.v.t.\", status niet_van_toepassing) is geen aantal: " +
			"ze telt niet mee in de bescherming en wordt nooit als 0 getoond. Wat zulke cellen betekenen, staat onder de tabel.",
		"De exacte aantallen staan alleen in de niet-openbare versie van het jaarverslag, die niet bestemd is voor publicatie.",
	}
}
