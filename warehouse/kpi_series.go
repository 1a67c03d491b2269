package warehouse

import (
	"context"
	"math"
	"strconv"
	"strings"
	"time"
)

// KPISeries computes the yearly series of KPI id for filter f, with exact figures
// (suppression of small numbers is the API's business: it knows the caller's role).
// The API serves the same from a snapshot it keeps per load.
func (db *DB) KPISeries(ctx context.Context, id string, f KPIFilter) (KPISeries, error) {
	def, err := LookupKPI(id)
	if err != nil {
		return KPISeries{}, err
	}
	var queries []string
	if def.calc.table != "" {
		queries = []string{def.calc.table}
	}
	s, err := db.readSnapshot(ctx, queries, Today(time.Now()), false)
	if err != nil {
		return KPISeries{}, err
	}
	return s.Series(id, f)
}

// MonthlyAbsence counts the absence reports of tabel3's selection per calendar month
// and verzuimsoort (verzuim_meldingen_maand), for the school years of f: twelve months
// times relatief, luxe and absoluut per school year, zeros included.
func (db *DB) MonthlyAbsence(ctx context.Context, f KPIFilter) ([]MonthPoint, error) {
	s, err := db.readSnapshot(ctx, []string{"verzuim_meldingen"}, Today(time.Now()), false)
	if err != nil {
		return nil, err
	}
	rf, err := s.ResolveFilter(f, true)
	if err != nil {
		return nil, err
	}
	return s.MonthlyAbsence(rf)
}

// Series computes KPI id for filter f from the snapshot.
func (s *KPISnapshot) Series(id string, f KPIFilter) (KPISeries, error) {
	def, rf, err := s.resolve(id, f)
	if err != nil {
		return KPISeries{}, err
	}
	out := KPISeries{ID: def.ID, Unit: def.Unit, TargetRule: def.Target, DataAsOf: s.State.DataAsOf, Filter: rf, Points: []KPIPoint{}}
	in := s.gemeenteSet(rf)
	rule := def.Target
	var baseline *KPIPoint
	if rule.BaselineYear != "" && s.hasYear(rule.BaselineYear) {
		b := s.point(def, rule.BaselineYear, in)
		baseline = &b
		out.Baseline = &b
	}
	for _, y := range s.yearsBetween(rf.Van, rf.Tot) {
		p := s.point(def, y, in)
		// A figure that is not the bureau's to count has no target either: a gemeente
		// that did not exist, or leerplicht it runs itself, is not held to one.
		if p.Status != StatusNietVanToepassing {
			p.Target = s.target(def, y, baseline)
		}
		// Only a value of a whole school year is judged against a target.
		if p.Target != nil && p.Value != nil && p.Status.IsValue() && !p.Lopend {
			ok := *p.Value <= *p.Target
			if rule.Kind == TargetMinPct {
				ok = *p.Value >= *p.Target
			}
			p.OnTrack = &ok
		}
		out.Points = append(out.Points, p)
	}
	out.Coverage = s.coverageNote(def, rf)
	out.SeriesBreaks = s.SeriesBreaksOf(def)
	if y := s.yearInProgress(); y != "" && def.calc.vsvSector == "" {
		var target *float64
		if st := s.figureStatus(def.calc.figuren, y, in); st != StatusNietVanToepassing {
			target = s.target(def, y, baseline)
		}
		out.InProgress = s.inProgress(def, y, rf, in, target)
	}
	return out, nil
}

// point is the value of def in year y over the gemeenten of in (nil: all), with its
// status and whether the year was in progress.
func (s *KPISnapshot) point(def KPIDef, year string, in map[string]bool) KPIPoint {
	p := KPIPoint{SchoolYear: year, Date: yearBegin(year), Status: s.figureStatus(def.calc.figuren, year, in), Lopend: s.lopend[year]}
	if p.Lopend {
		p.Through = s.throughOf(def.calc.figuren, year)
	}
	c := def.calc
	switch {
	case c.vsvSector == "TOTAAL":
		if r, ok := s.vsv[vsvKey{year, "REGIO", "TOTAAL"}]; ok {
			p.Value = ptr(float64(r.vsvers))
		}
	case c.vsvSector != "":
		if r, ok := s.vsv[vsvKey{year, "REGIO", c.vsvSector}]; ok {
			p.Value = ptr(percentage(r.vsvers, r.deelnemers))
			p.Base = ptr(float64(r.deelnemers))
		}
	case c.den != "":
		num := s.sum(c.table, c.num, year, in)
		den := s.sum(c.table, c.den, year, in)
		p.Base = ptr(float64(den))
		if den > 0 {
			p.Value = ptr(c.percentage(num, den))
		}
	default:
		p.Value = ptr(float64(s.sum(c.table, c.num, year, in)))
	}
	return p
}

// throughOf is the last day the figures of a year in progress count: the earliest over
// the KPI's figures (nil when none of them has a dated feed in the year).
func (s *KPISnapshot) throughOf(figuren []string, year string) *time.Time {
	var out *time.Time
	for _, f := range figuren {
		if t, ok := s.through[statusKey{f, year}]; ok && (out == nil || t.Before(*out)) {
			out = ptr(t)
		}
	}
	return out
}

// target is the target that applies to year y under def's rule; nil when none does.
func (s *KPISnapshot) target(def KPIDef, year string, baseline *KPIPoint) *float64 {
	r := def.Target
	reduced := func() *float64 {
		if baseline == nil || baseline.Value == nil || !baseline.Status.IsValue() || baseline.Lopend || year <= r.BaselineYear {
			return nil
		}
		return ptr(math.Round(*baseline.Value*(1-r.Reduction)*100) / 100)
	}
	switch r.Kind {
	case TargetReduction:
		return reduced()
	case TargetMax, TargetMinPct:
		return r.Limit
	case TargetMaxAndReduction:
		t := reduced()
		if t == nil || (r.Limit != nil && *r.Limit < *t) {
			return r.Limit
		}
		return t
	case TargetNational:
		if row, ok := s.vsv[vsvKey{year, "LANDELIJK", def.calc.vsvSector}]; ok {
			return ptr(percentage(row.vsvers, row.deelnemers))
		}
	}
	return nil
}

// percentage is 100 · num / den rounded half away from zero to 2 decimals, exactly as
// tabel7 computes vsv_pct: the quotient truncated to thousandths (integer division),
// then rounded; 0 when den is 0. Counts are not negative.
func percentage(num, den int64) float64 {
	if den == 0 {
		return 0
	}
	thousandths := 100000 * num / den
	return float64((thousandths+5)/10) / 100
}

// percentage is num/den as a percentage with the KPI's decimals: 2 unless it says 1.
func (c kpiCalc) percentage(num, den int64) float64 {
	if c.decimals == 1 {
		return percentage1(num, den)
	}
	return percentage(num, den)
}

// percentage1 is 100 · num / den rounded half away from zero to 1 decimal, exactly (no
// truncation first): tenths = round(1000 · num / den); 0 when den is 0. Counts are not
// negative, so half away from zero is half up.
func percentage1(num, den int64) float64 {
	if den == 0 {
		return 0
	}
	tenths := (2000*num + den) / (2 * den)
	return float64(tenths) / 10
}

// sum adds column col of a metrics table over the rows of year and the gemeenten of in.
func (s *KPISnapshot) sum(table, col, year string, in map[string]bool) int64 {
	t := s.counts[table]
	if t == nil {
		return 0
	}
	k, ok := t.measures[col]
	if !ok {
		return 0
	}
	var n int64
	for g, sums := range t.byYear[year] {
		if in == nil || in[g] {
			n += sums[k]
		}
	}
	return n
}

// MonthlyAbsence gives verzuim_meldingen_maand for the (resolved) filter f from the
// snapshot: per school year of f, twelve months times relatief, luxe, absoluut.
func (s *KPISnapshot) MonthlyAbsence(f KPIFilter) ([]MonthPoint, error) {
	rf, err := s.ResolveFilter(f, true)
	if err != nil {
		return nil, err
	}
	in := s.gemeenteSet(rf)
	type key struct {
		month time.Time
		soort string
	}
	counts := make(map[key]int64)
	if t := s.counts["verzuim_meldingen"]; t != nil {
		k := t.measures["aantal"]
		for _, r := range t.rows {
			if in == nil || in[r.gemeente] {
				counts[key{r.month, r.soort}] += r.vals[k]
			}
		}
	}
	def, err := LookupKPI("verzuim_meldingen")
	if err != nil {
		return nil, err
	}
	var out []MonthPoint
	for _, y := range s.yearsBetween(rf.Van, rf.Tot) {
		begin := yearBegin(y)
		status := s.figureStatus(def.calc.figuren, y, in)
		for m := 0; m < 12; m++ {
			month := begin.AddDate(0, m, 0)
			st := status
			if !s.Today.IsZero() && month.After(s.Today) {
				st = StatusGeenGegevens
			}
			for _, soort := range []string{"relatief", "luxe", "absoluut"} {
				out = append(out, MonthPoint{Month: month, SchoolYear: y, Verzuimsoort: soort,
					Value: ptr(float64(counts[key{month, soort}])), Status: st, Lopend: s.lopend[y]})
			}
		}
	}
	return out, nil
}

// ResolveFilter checks f against the region and the data and fills in its defaults:
// Van and Tot become the first and latest school year with data (a wider range is
// narrowed to the data), codes become canonical. byGemeente says whether the series
// has rows by gemeente at all; if not, subregio and gemeente are refused.
func (s *KPISnapshot) ResolveFilter(f KPIFilter, byGemeente bool) (KPIFilter, error) {
	out := KPIFilter{Subregio: strings.ToLower(strings.TrimSpace(f.Subregio)), Gemeente: strings.ToUpper(strings.TrimSpace(f.Gemeente))}
	regional := "this KPI comes from the regional DUO figures, which have no breakdown by sub-region or gemeente; leave it out"
	regionalNL := "dit cijfer komt uit de regionale DUO-cijfers, die geen uitsplitsing naar subregio of gemeente hebben; laat deze parameter weg"
	if out.Subregio != "" {
		if !byGemeente {
			return KPIFilter{}, &ParamError{Param: FilterSubregio, Msg: regional, NL: regionalNL}
		}
		if !s.hasSubregio(out.Subregio) {
			return KPIFilter{}, &ParamError{Param: FilterSubregio, Msg: "unknown sub-region " + strconv.Quote(f.Subregio) + "; use one of " + s.subregioCodes(),
				NL: "onbekende subregio " + strconv.Quote(f.Subregio) + "; kies uit " + s.subregioCodes()}
		}
	}
	if out.Gemeente != "" {
		if !byGemeente {
			return KPIFilter{}, &ParamError{Param: FilterGemeente, Msg: regional, NL: regionalNL}
		}
		g, ok := s.gemeente(out.Gemeente)
		if !ok {
			return KPIFilter{}, &ParamError{Param: FilterGemeente, Msg: "unknown gemeente " + strconv.Quote(f.Gemeente) + "; use a CBS code of the region, e.g. " + s.exampleGemeente(),
				NL: "onbekende gemeente " + strconv.Quote(f.Gemeente) + "; gebruik een CBS-code van een gemeente in de regio, bijvoorbeeld " + s.exampleGemeente()}
		}
		if out.Subregio != "" && g.Subregio != out.Subregio {
			return KPIFilter{}, &ParamError{Param: FilterGemeente, Msg: g.Code + " (" + g.Naam + ") is not in sub-region " + out.Subregio,
				NL: g.Code + " (" + g.Naam + ") ligt niet in subregio " + out.Subregio}
		}
	}
	for _, p := range []struct {
		name string
		val  string
		dst  *string
	}{{FilterVan, f.Van, &out.Van}, {FilterTot, f.Tot, &out.Tot}} {
		v := strings.TrimSpace(p.val)
		if v == "" {
			continue
		}
		if err := ValidateSchooljaar(v); err != nil {
			return KPIFilter{}, &ParamError{Param: p.name, Msg: strings.TrimPrefix(err.Error(), ErrInvalidSchooljaar.Error()+" "),
				NL: "ongeldig schooljaar " + strconv.Quote(v) + "; schrijf twee opeenvolgende jaren, bijvoorbeeld 2018-2019"}
		}
		*p.dst = v
	}
	if out.Van != "" && out.Tot != "" && out.Van > out.Tot {
		return KPIFilter{}, &ParamError{Param: FilterVan, Msg: "van (" + out.Van + ") is after tot (" + out.Tot + ")",
			NL: "van (" + out.Van + ") ligt na tot (" + out.Tot + ")"}
	}
	if len(s.Years) == 0 {
		return out, nil
	}
	first, last := s.Years[0], s.Years[len(s.Years)-1]
	if out.Van == "" || out.Van < first {
		out.Van = first
	}
	if out.Tot == "" || out.Tot > last {
		out.Tot = last
	}
	return out, nil
}

// gemeenteSet is the set of gemeenten a filter selects; nil selects all.
func (s *KPISnapshot) gemeenteSet(f KPIFilter) map[string]bool {
	switch {
	case f.Gemeente != "":
		return map[string]bool{f.Gemeente: true}
	case f.Subregio != "":
		in := map[string]bool{}
		for _, g := range s.Gemeenten {
			if g.Subregio == f.Subregio {
				in[g.Code] = true
			}
		}
		return in
	}
	return nil
}

// yearsBetween lists the snapshot's school years from van to tot inclusive.
func (s *KPISnapshot) yearsBetween(van, tot string) []string {
	var out []string
	for _, y := range s.Years {
		if y >= van && y <= tot {
			out = append(out, y)
		}
	}
	return out
}

func (s *KPISnapshot) hasYear(y string) bool {
	for _, x := range s.Years {
		if x == y {
			return true
		}
	}
	return false
}

func (s *KPISnapshot) hasSubregio(code string) bool {
	for _, r := range s.Subregios {
		if r.Code == code {
			return true
		}
	}
	return false
}

func (s *KPISnapshot) subregioCodes() string {
	var codes []string
	for _, r := range s.Subregios {
		codes = append(codes, r.Code)
	}
	if len(codes) == 0 {
		return "(none: no region loaded yet)"
	}
	return strings.Join(codes, ", ")
}

func (s *KPISnapshot) gemeente(code string) (Gemeente, bool) {
	for _, g := range s.Gemeenten {
		if g.Code == code {
			return g, true
		}
	}
	return Gemeente{}, false
}

func (s *KPISnapshot) exampleGemeente() string {
	if len(s.Gemeenten) == 0 {
		return "GM0392 (no region loaded yet)"
	}
	return s.Gemeenten[0].Code
}

// yearBegin is begin(Y), 1 August of the school year's first year, UTC.
func yearBegin(schooljaar string) time.Time {
	y, _ := strconv.Atoi(schooljaar[:4])
	return time.Date(y, time.August, 1, 0, 0, 0, 0, time.UTC)
}

// figureStatus combines the statuses of figuren in year over the gemeenten of in (nil:
// all) with AreaStatus: a KPI over several figures or gemeenten is the sum over the
// parts for which it applies.
func (s *KPISnapshot) figureStatus(figuren []string, year string, in map[string]bool) Status {
	var parts []Status
	for _, f := range figuren {
		for _, g := range s.status[statusKey{f, year}] {
			if in == nil || g.gemeente == "" || in[g.gemeente] {
				parts = append(parts, g.status)
			}
		}
	}
	if len(parts) == 0 {
		return StatusGeenGegevens // a year the snapshot has no status for: nothing known
	}
	return AreaStatus(parts)
}

// Excluded is a gemeente whose rows a KPI does not count in a school year, and why.
type Excluded struct {
	Figuur   string // the figure of the KPI (sql/marts/03_figuren.sql)
	Gemeente string // CBS code
	// Reden is bestond_niet (the gemeente did not exist during the year) or
	// leerplicht_lokaal (the figure is of the leerplicht task, which the gemeente runs
	// itself).
	Reden string
}

// Excluded lists the gemeenten of filter f whose rows KPI id does not count in year: what
// a figure over a mixed area leaves out ("IJmond: alleen meldingen van 18 jaar en
// ouder; leerplicht wordt daar lokaal uitgevoerd"). A KPI of several figures (the two
// parts of verzuim_meldingen) can leave a gemeente out of one and count it in another.
func (s *KPISnapshot) Excluded(id, year string, f KPIFilter) ([]Excluded, error) {
	def, rf, err := s.resolve(id, f)
	if err != nil {
		return nil, err
	}
	return s.excluded(def, year, rf), nil
}

// SeriesBreaksOf are the series breaks of KPI def (nil for a KPI whose rule never
// changed): what its series carries, for the catalogue too.
func (s *KPISnapshot) SeriesBreaksOf(def KPIDef) []SeriesBreak {
	if def.calc.regel == "" {
		return nil
	}
	return s.breaks[def.calc.regel]
}

// resolve looks up KPI id and resolves f for it.
func (s *KPISnapshot) resolve(id string, f KPIFilter) (KPIDef, KPIFilter, error) {
	def, err := LookupKPI(id)
	if err != nil {
		return KPIDef{}, KPIFilter{}, err
	}
	rf, err := s.ResolveFilter(f, def.Supports(FilterGemeente))
	return def, rf, err
}

// excluded is Excluded for a resolved filter.
func (s *KPISnapshot) excluded(def KPIDef, year string, rf KPIFilter) []Excluded {
	in := s.gemeenteSet(rf)
	var out []Excluded
	for _, fig := range def.calc.figuren {
		for _, g := range s.status[statusKey{fig, year}] {
			if g.status == StatusNietVanToepassing && g.gemeente != "" && (in == nil || in[g.gemeente]) {
				out = append(out, Excluded{Figuur: fig, Gemeente: g.gemeente, Reden: g.reden})
			}
		}
	}
	return out
}

// GemeenteStatus is what KPI id is for one gemeente in year: a value (empty),
// geen_gegevens or niet_van_toepassing; a KPI without gemeenten (vsv) gives the
// region's status.
func (s *KPISnapshot) GemeenteStatus(id, year, gemeente string) (Status, error) {
	def, err := LookupKPI(id)
	if err != nil {
		return "", err
	}
	return s.figureStatus(def.calc.figuren, year, map[string]bool{gemeente: true}), nil
}

// Lopend reports whether school year was still in progress on the snapshot's day.
func (s *KPISnapshot) Lopend(schooljaar string) bool { return s.lopend[schooljaar] }
