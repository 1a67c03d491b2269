package api

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/hetleerplein/leerplein/warehouse"
)

// The suppression pattern of one load: every count the bestuur role can request, as
// one table for warehouse.SuppressUnpublished, with the sums a reader can form from
// separate requests:
//
//   - areas: a sub-region is the sum of its gemeenten, the region the sum of its
//     sub-regions (and of any gemeente outside them), in every KPI, year and month;
//   - parts: a KPI whose count is a part of another's (KPIDef.PartOf) adds up with an
//     unpublished rest to the other, per area and year;
//   - months: a month's `totaal` is the sum of its verzuimsoorten, and the twelve
//     months of a school year add up to the yearly KPI (warehouse.MonthlyOf);
//   - the year to date (kpi_progress.go): a period is part of its whole year, adds up
//     over areas like the year, and the absence reports to date hold the months that
//     ended by then;
//   - a sum that is not exact in the data (the region counts a gemeente outside the
//     configuration, a part has no figure) gets the difference as an unpublished rest,
//     protected when it is small; one whose parts exceed the total is no sum a reader
//     can use, and is left out.
//
// Years share no sum, nor do unrelated KPIs: Suppress protects those parts apart.
// Percentages are not in the table (their base is never shown, so no sum of shown
// figures reaches one); they are suppressed when their base is small.
//
// Where several cells would protect a small count about equally well, the one the
// board misses least is hidden, and a dear cell is shown again where a few cheaper ones
// protect in its place (warehouse.SuppressCosts, with cellCost): in the monthly series
// luxe and absoluut before relatief, the main kind of absence, before the month's
// totaal, and a gemeente's figure before a sub-region's before the region's; any
// monthly figure before a yearly one (a KPI, the year to date, the annual report).
// Without it the region, whose absoluut is small in most months, lost a third of its
// monthly relatief.

// cellKey names one count of the pattern.
type cellKey struct {
	kpi   string    // a KPI id, or warehouse.MonthlyID
	area  string    // areaKey
	year  string    // school year
	month time.Time // monthly series only
	soort string    // monthly series only: relatief, luxe, absoluut, totaal
	cel   [3]string // the annual report only (kpi reportKPI): tabel, rij, kolom
}

// reportKPI marks a cell of the annual report in the pattern.
const reportKPI = "jaarverslag"

// reportKey names a count of the annual report of year.
func reportKey(year string, cel [3]string) cellKey {
	return cellKey{kpi: reportKPI, year: year, cel: cel}
}

// areaKey names the area a resolved filter selects: "" for the region.
func areaKey(f warehouse.KPIFilter) string {
	switch {
	case f.Gemeente != "":
		return "gemeente:" + f.Gemeente
	case f.Subregio != "":
		return "subregio:" + f.Subregio
	}
	return ""
}

// suppressionPattern says, for one load, which counts the bestuur role sees hidden.
// It is immutable once built and safe for concurrent use.
type suppressionPattern struct {
	threshold int
	cells     map[cellKey]warehouse.Suppression
	// percentRows: a percentage KPI whose source is a row of the annual report (tabel7's
	// vsv_pct) is hidden where a count of that row is, as on the report: with the count
	// beside it, the percentage would give it back.
	percentRows map[string][2]string // KPI id → tabel, rij
	hiddenRows  map[[3]string]bool   // school year, tabel, rij → a count is hidden
}

// hidden reports whether the count under k is suppressed. A count outside the pattern
// (none is expected) falls back to the primary rule on v.
func (p *suppressionPattern) hidden(k cellKey, v float64) bool {
	if st, ok := p.cells[k]; ok {
		return st.Hidden()
	}
	return isSmall(v, p.threshold)
}

// series is s as the bestuur role sees it. s.Filter must be resolved.
func (p *suppressionPattern) series(s warehouse.KPISeries) warehouse.KPISeries {
	area := areaKey(s.Filter)
	out := hideSeries(s, func(pt warehouse.KPIPoint) bool {
		if s.Unit == warehouse.UnitPercent {
			if row, ok := p.percentRows[s.ID]; ok && area == "" && p.hiddenRows[[3]string{pt.SchoolYear, row[0], row[1]}] {
				return true
			}
			return pt.Base != nil && isSmall(*pt.Base, p.threshold)
		}
		return p.hidden(cellKey{kpi: s.ID, area: area, year: pt.SchoolYear}, *pt.Value)
	})
	out.InProgress = p.inProgress(out)
	return out
}

// months is the monthly series (with its totals) of the resolved filter f as the
// bestuur role sees it. It returns a copy.
func (p *suppressionPattern) months(points []warehouse.MonthPoint, f warehouse.KPIFilter) []warehouse.MonthPoint {
	area := areaKey(f)
	out := make([]warehouse.MonthPoint, len(points))
	for i, mp := range points {
		k := cellKey{kpi: warehouse.MonthlyID, area: area, year: mp.SchoolYear, month: mp.Month, soort: mp.Verzuimsoort}
		if mp.Value != nil && p.hidden(k, *mp.Value) {
			mp.Value, mp.Suppressed = nil, true
		}
		out[i] = mp
	}
	return out
}

// patternTable is the table being built: cells, their values and the sums among them.
type patternTable struct {
	index       map[cellKey]int
	values      []int64
	unpublished []bool
	rels        []warehouse.Relation
}

// add makes k a cell with value v; a cell without a figure (nil) is not added.
func (t *patternTable) add(k cellKey, v *float64) error {
	if v == nil {
		return nil
	}
	if *v < 0 || *v != float64(int64(*v)) {
		return fmt.Errorf("api: suppression: %s %s %s = %v is not a count", k.kpi, k.area, k.year, *v)
	}
	t.index[k] = len(t.values)
	t.values = append(t.values, int64(*v))
	t.unpublished = append(t.unpublished, false)
	return nil
}

// sum records total = Σ parts (+ an unpublished rest when the data leave one). A part
// without a figure falls into the rest (the total may still count it); a total without
// one gives no sum.
func (t *patternTable) sum(total cellKey, parts []cellKey) {
	ti, ok := t.index[total]
	if !ok {
		return
	}
	rel := warehouse.Relation{Total: ti}
	rest := t.values[ti]
	for _, k := range parts {
		if pi, ok := t.index[k]; ok {
			rel.Parts = append(rel.Parts, pi)
			rest -= t.values[pi]
		}
	}
	switch {
	case rest < 0:
		return // the parts count more than the total: no sum to solve
	case rest > 0:
		rel.Parts = append(rel.Parts, len(t.values))
		t.values = append(t.values, rest)
		t.unpublished = append(t.unpublished, true)
	}
	t.rels = append(t.rels, rel)
}

// area is one area a reader can request: its filter and, for the sums, its parts.
type area struct {
	key    string
	filter warehouse.KPIFilter
	parts  []string // area keys that add up to it
}

// areasOf lists the region, its sub-regions and its gemeenten, each with its parts.
func areasOf(snap *warehouse.KPISnapshot) []area {
	region := area{}
	var subs, gems []area
	known := map[string]bool{}
	for _, s := range snap.Subregios {
		f := warehouse.KPIFilter{Subregio: s.Code}
		known[s.Code] = true
		subs = append(subs, area{key: areaKey(f), filter: f})
		region.parts = append(region.parts, areaKey(f))
	}
	for _, g := range snap.Gemeenten {
		f := warehouse.KPIFilter{Gemeente: g.Code}
		gems = append(gems, area{key: areaKey(f), filter: f})
		if !known[g.Subregio] {
			region.parts = append(region.parts, areaKey(f))
			continue
		}
		for i := range subs {
			if subs[i].filter.Subregio == g.Subregio {
				subs[i].parts = append(subs[i].parts, areaKey(f))
			}
		}
	}
	return append(append([]area{region}, subs...), gems...)
}

// buildPattern protects every count of snap at once; see the top of this file.
func buildPattern(snap *warehouse.KPISnapshot, reports map[string]warehouse.AnnualReport, threshold int) (*suppressionPattern, error) {
	t := &patternTable{index: map[cellKey]int{}}
	areas := areasOf(snap)
	byGemeente := func(d warehouse.KPIDef) []area {
		if d.Supports(warehouse.FilterGemeente) {
			return areas
		}
		return areas[:1]
	}
	var counts []warehouse.KPIDef
	for _, d := range warehouse.KPICatalogue() {
		if d.Unit != warehouse.UnitCount {
			continue
		}
		counts = append(counts, d)
		for _, a := range byGemeente(d) {
			s, err := snap.Series(d.ID, a.filter)
			if err != nil {
				return nil, fmt.Errorf("api: suppression: %s %s: %w", d.ID, a.key, err)
			}
			for _, p := range s.Points {
				if err := t.add(cellKey{kpi: d.ID, area: a.key, year: p.SchoolYear}, figure(p.Value, p.Status)); err != nil {
					return nil, err
				}
			}
		}
	}
	monthly := map[string][]warehouse.MonthPoint{} // by area
	for _, a := range areas {
		points, err := snap.MonthlyAbsence(a.filter)
		if err != nil {
			return nil, fmt.Errorf("api: suppression: %s %s: %w", warehouse.MonthlyID, a.key, err)
		}
		monthly[a.key] = withMonthTotals(points)
		for _, p := range monthly[a.key] {
			if err := t.add(monthKey(a.key, p), figure(p.Value, p.Status)); err != nil {
				return nil, err
			}
		}
	}

	// Areas: the same figure of each part adds up to the area's.
	for _, a := range areas {
		if len(a.parts) == 0 && a.key != "" {
			continue // a gemeente
		}
		of := func(k cellKey) []cellKey {
			parts := make([]cellKey, len(a.parts))
			for i, pa := range a.parts {
				parts[i] = k
				parts[i].area = pa
			}
			return parts
		}
		for _, d := range counts {
			if !d.Supports(warehouse.FilterGemeente) {
				continue
			}
			for _, y := range snap.Years {
				k := cellKey{kpi: d.ID, area: a.key, year: y}
				t.sum(k, of(k))
			}
		}
		for _, p := range monthly[a.key] {
			k := monthKey(a.key, p)
			t.sum(k, of(k))
		}
	}
	// Parts of KPIs, months of the year and verzuimsoorten of the month, per area.
	for _, a := range areas {
		for _, d := range counts {
			if d.PartOf == "" {
				continue
			}
			for _, y := range snap.Years {
				t.sum(cellKey{kpi: d.PartOf, area: a.key, year: y}, []cellKey{{kpi: d.ID, area: a.key, year: y}})
			}
		}
		yearMonths := map[string][]cellKey{}
		var soorten []cellKey
		for _, p := range monthly[a.key] {
			k := monthKey(a.key, p)
			if p.Verzuimsoort != "totaal" {
				soorten = append(soorten, k)
				continue
			}
			t.sum(k, soorten)
			soorten = nil
			yearMonths[p.SchoolYear] = append(yearMonths[p.SchoolYear], k)
		}
		for y, months := range yearMonths {
			t.sum(cellKey{kpi: warehouse.MonthlyOf, area: a.key, year: y}, months)
		}
	}

	if err := addInProgress(t, snap, counts, areas); err != nil {
		return nil, fmt.Errorf("api: suppression: year to date: %w", err)
	}

	if err := addReports(t, snap, reports, counts); err != nil {
		return nil, fmt.Errorf("api: suppression: annual report: %w", err)
	}

	cost := make([]int, len(t.values))
	for k, i := range t.index {
		cost[i] = cellCost(k)
	}
	st, err := warehouse.SuppressCosts(t.values, t.rels, t.unpublished, cost, threshold)
	if err != nil {
		return nil, fmt.Errorf("api: suppression: %w", err)
	}
	p := &suppressionPattern{threshold: threshold, cells: make(map[cellKey]warehouse.Suppression, len(t.index)),
		percentRows: map[string][2]string{}, hiddenRows: map[[3]string]bool{}}
	for k, i := range t.index {
		p.cells[k] = st[i]
		if k.kpi == reportKPI && st[i].Hidden() {
			p.hiddenRows[[3]string{k.year, k.cel[0], k.cel[1]}] = true
		}
	}
	for _, d := range warehouse.KPICatalogue() {
		if tabel, rij, _, ok := reportSource(d); ok && d.Unit == warehouse.UnitPercent {
			p.percentRows[d.ID] = [2]string{tabel, rij}
		}
	}
	return p, nil
}

// The annual report (/jaarverslag) shows bestuur figures the KPIs show too: the KPI
// catalogue names, as a KPI's source, the report cell that is its regional figure
// ("tabel6 thuiszitters/totaal"), and in a table with a column per sub-region the same
// row under a sub-region's column is that sub-region's figure. Both channels take their
// protection from this one pattern, so neither shows what the other hides. The reports
// come in with their own sums (warehouse.JaarverslagSums: totals, subtotals, residual
// lines, figures printed twice), and each KPI figure is tied to its report cell.

// addReports adds each year's annual report to t, tied to the KPI figures it shows.
func addReports(t *patternTable, snap *warehouse.KPISnapshot, reports map[string]warehouse.AnnualReport, counts []warehouse.KPIDef) error {
	years := make([]string, 0, len(reports))
	for y := range reports {
		years = append(years, y)
	}
	sort.Strings(years) // the same table, and so the same pattern, for the same data
	for _, y := range years {
		r := reports[y]
		sums, err := warehouse.NewJaarverslagSums(r.Cells, r.Layout)
		if err != nil {
			return fmt.Errorf("%s: %w", y, err)
		}
		off := len(t.values)
		t.values = append(t.values, sums.Values...)
		t.unpublished = append(t.unpublished, sums.Unpublished...)
		for _, rel := range sums.Relations {
			shifted := warehouse.Relation{Total: rel.Total + off, Parts: make([]int, len(rel.Parts))}
			for i, p := range rel.Parts {
				shifted.Parts[i] = p + off
			}
			t.rels = append(t.rels, shifted)
		}
		for k, v := range sums.Vars {
			t.index[reportKey(y, k)] = v + off
		}
		for _, d := range counts {
			tabel, rij, kolom, ok := reportSource(d)
			if !ok {
				continue
			}
			t.same(cellKey{kpi: d.ID, year: y}, reportKey(y, [3]string{tabel, rij, kolom}))
			if kolom != "totaal" || !d.Supports(warehouse.FilterSubregio) {
				continue
			}
			for _, sub := range snap.Subregios {
				f := warehouse.KPIFilter{Subregio: sub.Code}
				t.same(cellKey{kpi: d.ID, area: areaKey(f), year: y}, reportKey(y, [3]string{tabel, rij, sub.Code}))
			}
		}
	}
	return nil
}

// reportSource reads the report cell a KPI's catalogue source names: "tabel6
// thuiszitters/totaal" gives tabel6, thuiszitters, totaal; false for a source that is
// not one cell.
func reportSource(d warehouse.KPIDef) (tabel, rij, kolom string, ok bool) {
	tabel, cel, ok1 := strings.Cut(d.Source, " ")
	rij, kolom, ok2 := strings.Cut(cel, "/")
	if !ok1 || !ok2 || !strings.HasPrefix(tabel, "tabel") || strings.ContainsAny(kolom, " ,") {
		return "", "", "", false
	}
	return tabel, rij, kolom, true
}

// same ties two cells that count the same figure: the larger is the smaller plus an
// unpublished rest (none when they agree, as they do when both count the same rows).
func (t *patternTable) same(a, b cellKey) {
	ai, okA := t.index[a]
	bi, okB := t.index[b]
	if !okA || !okB || ai == bi {
		return
	}
	if t.values[ai] >= t.values[bi] {
		t.sum(a, []cellKey{b})
	} else {
		t.sum(b, []cellKey{a})
	}
}

// figure is the value a cell brings into the pattern: nil for a figure that is not a
// value (sql/marts/04_figuur_status.sql: no data, or not the bureau's to count). Such a
// cell is no secret — a reader knows that a gemeente that no longer exists counts
// nothing — so it must never be chosen to hide another; left out, it falls into the
// rest of its sums, where it adds nothing.
func figure(v *float64, st warehouse.Status) *float64 {
	if !st.IsValue() {
		return nil
	}
	return v
}

// monthKey names a point of the monthly series of area a.
func monthKey(a string, p warehouse.MonthPoint) cellKey {
	return cellKey{kpi: warehouse.MonthlyID, area: a, year: p.SchoolYear, month: p.Month, soort: p.Verzuimsoort}
}

// cellCost is what hiding the count under k loses for the board, which steers the
// choice of complementary cells (warehouse.SuppressCosts); see the top of this file.
// In the monthly series the kind of absence counts first — luxe and absoluut (mostly
// small, hidden anyway nearby) cost least, then relatief (the main, large kind), then
// the month's totaal — and then the area: a gemeente's figure before a sub-region's,
// before the region's. Every yearly figure (KPIs, year to date, the annual report)
// costs more than any monthly one.
//
// totaal costs more than relatief because hiding it costs more than itself: the
// months add up to the year, so a hidden month total takes another month's with it.
// On the demo, with totaal below relatief the region showed relatief in all but one
// month but hid 25 month totals, and the whole pattern hid about as many cells as
// without costs; with totaal above, the region hides 13 relatief months and no
// totaal, and the pattern hides an eighth fewer cells.
func cellCost(k cellKey) int {
	if k.kpi != warehouse.MonthlyID {
		return costYearly
	}
	kind := 0 // luxe, absoluut
	switch k.soort {
	case "relatief":
		kind = 1
	case "totaal":
		kind = 2
	}
	level := 0 // a gemeente
	switch {
	case k.area == "":
		level = 2
	case strings.HasPrefix(k.area, "subregio:"):
		level = 1
	}
	return kind*3 + level
}

// costYearly is the cost of a yearly figure, above every monthly one.
const costYearly = 9
