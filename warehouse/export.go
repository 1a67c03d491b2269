package warehouse

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// FigureExports are the names of the figure exports: `leerplein export NAME` and
// GET /api/v1/exports/{name}.
var FigureExports = []string{"leerplichttelling", "vsv"}

// FigureExport builds the named figure export (one of FigureExports) for a school year.
func (db *DB) FigureExport(ctx context.Context, name, schooljaar string) (Export, error) {
	switch name {
	case "leerplichttelling":
		t, err := db.Leerplichttelling(ctx, schooljaar)
		if err != nil {
			return Export{}, err
		}
		return LeerplichtExport(t), nil
	case "vsv":
		return db.VSVExport(ctx, schooljaar)
	}
	return Export{}, fmt.Errorf("warehouse: export %q: %w", name, ErrNotFound)
}

// Export is a set of tables handed to DUO/OCW or published: what `leerplein export`
// writes as a workbook (one sheet per table) or in machine form (CSV). A public export
// is protected against disclosure of small numbers with Protect.
type Export struct {
	Name       string // leerplichttelling, vsv
	Title      string // Dutch
	Schooljaar string
	Tables     []ExportTable
	// Notes are the paragraphs of the explanation that goes with the export (Dutch).
	Notes []string
	// Drempel is the threshold of small-number protection: counts from 1 to Drempel−1
	// are hidden. 0 when the figures are exact.
	Drempel int
	// Made is the day the figures were made, stamped in the workbook; zero: today.
	Made time.Time

	csv csvForm
}

// ExportTable is one printed table of an export: one sheet of the workbook.
type ExportTable struct {
	Sheet    string // sheet name: unique, at most 31 characters
	Title    string
	Subtitle string
	Tabel    string // the kind of table: leerplichttelling, tabel7, tabel9
	Gebied   Gebied
	// Rows and Cols lay the table out. A line with Sum is a total of the lines it names;
	// it is not computed here (the cells hold every figure), but tells Protect which
	// figures add up.
	Rows, Cols []Line
	Note       string
	// Remarks explain this year's statuses (Dutch), printed under the Note.
	Remarks []string
	// Cells are the figures, in print order; a row and column without a cell is not
	// part of the table (printed empty).
	Cells []ExportCell
}

// ExportCell is one figure of an export table: a value, or a Status (its Waarde is then
// zero); Onderdrukt says whether and why small-number protection hides it.
type ExportCell struct {
	Rij, Kolom string
	Waarde     Number
	Status     Status
	Onderdrukt Suppression
}

// status is the cell's status as published: onderdrukt when protection hides it.
func (c ExportCell) status() Status {
	if c.Onderdrukt.Hidden() {
		return StatusOnderdrukt
	}
	return c.Status
}

// cell returns the index of the cell at (rij, kolom), or −1.
func (t ExportTable) cell(rij, kolom string) int {
	for i, c := range t.Cells {
		if c.Rij == rij && c.Kolom == kolom {
			return i
		}
	}
	return -1
}

// Protect hides small counts and the figures they could be derived from (Suppress):
// the relations are the totals of every table's layout, and, for tables of the same
// kind, the region as the sum of its gemeenten. A percentage is hidden with a count of
// its row: it would give that count back. It may be called once.
func (e *Export) Protect(drempel int) error {
	if e.Drempel != 0 {
		return fmt.Errorf("warehouse: export %s: already protected", e.Name)
	}
	if drempel < 2 {
		return fmt.Errorf("warehouse: export %s: threshold %d: use 2 or more (1 hides nothing)", e.Name, drempel)
	}
	type ref struct{ table, cell int }
	var refs []ref
	var values []int64
	index := map[ref]int{}
	for ti, t := range e.Tables {
		percent := map[string]bool{}
		for _, c := range t.Cols {
			percent[c.Key] = c.Percent
		}
		for ci, c := range t.Cells {
			if percent[c.Kolom] || !c.Status.IsValue() {
				continue // a status is not a value: no variable, no part of a sum
			}
			if !c.Waarde.IsInteger() || c.Waarde.hundredths < 0 {
				return fmt.Errorf("warehouse: export %s: %s %s/%s = %s is not a count", e.Name, t.Sheet, c.Rij, c.Kolom, c.Waarde)
			}
			index[ref{ti, ci}] = len(values)
			refs = append(refs, ref{ti, ci})
			values = append(values, c.Waarde.hundredths/100)
		}
	}
	var rels []Relation
	add := func(total int, parts []int) {
		if total >= 0 && len(parts) > 0 {
			rels = append(rels, Relation{Total: total, Parts: parts})
		}
	}
	at := func(ti int, rij, kolom string) int {
		ci := e.Tables[ti].cell(rij, kolom)
		if ci < 0 {
			return -1
		}
		if v, ok := index[ref{ti, ci}]; ok {
			return v
		}
		return -1
	}
	for ti, t := range e.Tables {
		for _, r := range t.Rows {
			for _, c := range t.Cols {
				var parts []int
				for _, p := range r.Sum {
					if v := at(ti, p, c.Key); v >= 0 {
						parts = append(parts, v)
					}
				}
				add(at(ti, r.Key, c.Key), parts)
				parts = nil
				for _, p := range c.Sum {
					if v := at(ti, r.Key, p); v >= 0 {
						parts = append(parts, v)
					}
				}
				add(at(ti, r.Key, c.Key), parts)
			}
		}
	}
	for ti, t := range e.Tables {
		if t.Gebied.Code != RegioCode {
			continue
		}
		for _, c := range t.Cells {
			var parts []int
			for gi, g := range e.Tables {
				if gi != ti && g.Tabel == t.Tabel && g.Gebied.Code != RegioCode {
					if v := at(gi, c.Rij, c.Kolom); v >= 0 {
						parts = append(parts, v)
					}
				}
			}
			add(at(ti, c.Rij, c.Kolom), parts)
		}
	}
	st, err := Suppress(values, rels, drempel)
	if err != nil {
		return fmt.Errorf("warehouse: export %s: %w", e.Name, err)
	}
	for i, r := range refs {
		e.Tables[r.table].Cells[r.cell].Onderdrukt = st[i]
	}
	for ti := range e.Tables {
		t := &e.Tables[ti]
		percent := map[string]bool{}
		for _, c := range t.Cols {
			percent[c.Key] = c.Percent
		}
		hiddenRow := map[string]bool{}
		for _, c := range t.Cells {
			if !percent[c.Kolom] && c.Onderdrukt.Hidden() {
				hiddenRow[c.Rij] = true
			}
		}
		for ci, c := range t.Cells {
			if percent[c.Kolom] && hiddenRow[c.Rij] {
				t.Cells[ci].Onderdrukt = SuppressedComplementary
			}
		}
	}
	e.Drempel = drempel
	return nil
}

// Toelichting is the explanation that goes with the export: its notes and, for a
// protected export, the method of protection (Dutch).
func (e Export) Toelichting() []string {
	out := append([]string{e.Title + ", schooljaar " + e.Schooljaar + "."}, e.Notes...)
	if e.Drempel == 0 {
		return append(out, "Deze uitvoer bevat de exacte aantallen en is niet bestemd voor publicatie.")
	}
	d := e.Drempel
	return append(out,
		"Openbare versie: bescherming van kleine aantallen.",
		fmt.Sprintf("Aantallen van 1 tot en met %d zijn vervangen door \"<%d\" (in de CSV: waarde leeg, status onderdrukt). Nullen worden getoond.", d-1, d),
		"Daarnaast zijn enkele andere aantallen weggelaten, aangeduid met \"x\" (in de CSV ook: waarde leeg, status onderdrukt), zodat geen weggelaten aantal kan worden teruggerekend uit de totalen ernaast: "+
			"uit de totalen per rij en kolom, de subtotalen en de som van de gemeenten tot de regio, alle tegelijk. "+
			fmt.Sprintf("Daarbij is ook meegewogen wat \"<%d\" verraadt (het aantal ligt tussen 1 en %d) en dat een met \"x\" weggelaten aantal 0 of ten minste %d is.", d, d-1, d),
		"Een percentage is weggelaten als een aantal in dezelfde regel is weggelaten, omdat het dat aantal anders zou prijsgeven.",
		"Een cel zonder gegevens (\"geen gegevens\") of die niet van toepassing is (\"n.v.t.\") is geen aantal: ze telt niet mee in de bescherming en wordt nooit als 0 getoond.",
		"Waar een regiototaal personen één keer telt en daardoor kleiner kan zijn dan de som van de gemeenten, is het voor de bescherming behandeld als die som: de strengste aanname.",
	)
}

// sheetName makes a valid, unique worksheet name: at most 31 characters, none of
// []:*?/\ .
func sheetName(name string, taken map[string]bool) string {
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return '-'
		}
		return r
	}, name)
	if r := []rune(name); len(r) > 31 {
		name = string(r[:31])
	}
	base := name
	for n := 2; taken[strings.ToLower(name)]; n++ {
		suffix := fmt.Sprintf(" (%d)", n)
		r := []rune(base)
		if len(r)+len(suffix) > 31 {
			r = r[:31-len(suffix)]
		}
		name = string(r) + suffix
	}
	taken[strings.ToLower(name)] = true
	return name
}
