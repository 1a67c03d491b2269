package warehouse

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hetleerplein/leerplein/warehouse/tekst"
)

// OfferCurveKPI is the KPI whose "within three months" the offer curve draws over time:
// the curve's share at three months is that KPI's percentage where nothing is censored
// before the mark.
const OfferCurveKPI = "thuiszitters_aanbod_binnen_3_maanden_pct"

// offerQuery is the sql/metrics/ file with one row per episode of the curve.
const offerQuery = "thuiszitters_tijd_tot_aanbod"

// FilterSoort narrows the offer curve to one soort of homebound episode.
const FilterSoort = "soort"

// soorten are the values of FilterSoort (dim_thuiszitter_soort.rij).
var soorten = []string{"absoluut", "langdurig_relatief"}

// offerEpisode is one row of sql/metrics/thuiszitters_tijd_tot_aanbod.sql.
type offerEpisode struct {
	year, gemeente, soort string
	offered               bool
	days                  int // to the offer, or to the censoring
	markDays              int // to the 3-month mark (89 to 92)
}

// CurveFilter is a KPI filter plus the soort of episode ("" for both).
type CurveFilter struct {
	KPIFilter
	Soort string
}

// OfferCurves is the time to an offer per school year of start, for one filter: the
// share of homebound episodes that had an offer after d days, by Kaplan–Meier.
type OfferCurves struct {
	Filter CurveFilter // resolved: Van and Tot filled in, codes canonical
	// Through is the latest covered day: an episode still without an offer is censored
	// there. Nil before any homebound episode is loaded.
	Through  *time.Time
	DataAsOf time.Time
	Curves   []OfferCurve // one per school year of the filter, in order
	// Coverage is what the area leaves out (a gemeente that did not exist), as for the KPI.
	Coverage *CoverageNote
	// NoteNL explains censoring to the reader in one sentence.
	NoteNL string
}

// OfferCurve is the Kaplan–Meier curve of the episodes that started in one school year.
// Counts are exact; the API hides them from the bestuur role.
type OfferCurve struct {
	SchoolYear string
	// Status is that of the KPI in the year and area: niet_van_toepassing (no gemeente
	// of the filter existed) or geen_gegevens (the feed does not cover the year) leave
	// the curve empty; empty for a curve.
	Status Status
	Lopend bool
	// Episodes started in the year (the KPI's base); Censored of them had no offer.
	Episodes, Censored int
	Steps              []CurveStep
	// At3Months is the share (percent) with an offer within three calendar months of
	// their own start, the KPI's boundary; nil without episodes, or when no episode has
	// been followed that long yet.
	At3Months *float64
	// Suppressed is set by the API for small numbers: the curve is then not shown.
	Suppressed bool
}

// CurveStep is the curve right after a day on which at least one offer was made.
type CurveStep struct {
	Day            int // days since the start
	AtRisk, Events int // still waiting at the start of the day; offered that day
	// Offered is the estimated share (percent, 2 decimals) with an offer by Day; Low and
	// High its 95% band.
	Offered, Low, High float64
}

// readOffers reads sql/metrics/thuiszitters_tijd_tot_aanbod.sql into the snapshot.
func (s *KPISnapshot) readOffers(ctx context.Context, q querier) error {
	query, err := metricsQuery(offerQuery)
	if err != nil {
		return err
	}
	rows, err := q.QueryContext(ctx, query, queryArgs(query, todayArg(s.Today))...)
	if err != nil {
		return fmt.Errorf("warehouse: kpi %s: %w", offerQuery, err)
	}
	defer rows.Close()
	for rows.Next() {
		var e offerEpisode
		var through time.Time
		if err := rows.Scan(&e.year, &e.gemeente, &e.soort, &e.offered, &e.days, &e.markDays, &through); err != nil {
			return fmt.Errorf("warehouse: kpi %s: %w", offerQuery, err)
		}
		s.offers = append(s.offers, e)
		s.offersThrough = ptr(through.UTC())
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("warehouse: kpi %s: %w", offerQuery, err)
	}
	return nil
}

// OfferCurves computes the time-to-offer curves for filter f as of today (the real
// date), with exact counts; see KPISnapshot.OfferCurves.
func (db *DB) OfferCurves(ctx context.Context, f CurveFilter) (OfferCurves, error) {
	return db.OfferCurvesOn(ctx, f, Today(time.Now()))
}

// OfferCurvesOn is OfferCurves as the figures stand on today.
func (db *DB) OfferCurvesOn(ctx context.Context, f CurveFilter, today time.Time) (OfferCurves, error) {
	s, err := db.readSnapshot(ctx, nil, today, true)
	if err != nil {
		return OfferCurves{}, err
	}
	return s.OfferCurves(f)
}

// OfferCurves computes, from the snapshot, one Kaplan–Meier curve per school year of
// start for the episodes of filter f. It costs a sort of the year's episodes per
// curve; the API caches the result per load and filter.
func (s *KPISnapshot) OfferCurves(f CurveFilter) (OfferCurves, error) {
	def, rf, err := s.resolve(OfferCurveKPI, f.KPIFilter)
	if err != nil {
		return OfferCurves{}, err
	}
	soort, err := parseSoort(f.Soort)
	if err != nil {
		return OfferCurves{}, err
	}
	out := OfferCurves{Filter: CurveFilter{KPIFilter: rf, Soort: soort}, DataAsOf: s.State.DataAsOf,
		Coverage: s.coverageNote(def, rf), NoteNL: censoringNoteNL(s.offersThrough)}
	if s.offersThrough != nil {
		out.Through = ptr(*s.offersThrough)
	}
	in := s.gemeenteSet(rf)
	byYear := map[string][]offerEpisode{}
	for _, e := range s.offers {
		if (in == nil || in[e.gemeente]) && (soort == "" || e.soort == soort) {
			byYear[e.year] = append(byYear[e.year], e)
		}
	}
	for _, y := range s.yearsBetween(rf.Van, rf.Tot) {
		c := OfferCurve{SchoolYear: y, Status: s.figureStatus(def.calc.figuren, y, in), Lopend: s.lopend[y], Steps: []CurveStep{}}
		if c.Status.IsValue() {
			c.fill(byYear[y])
		}
		out.Curves = append(out.Curves, c)
	}
	return out, nil
}

// fill computes the curve of the episodes of one school year: on days since the start
// for the steps, and on each episode's own 3-month clock (days / days to its mark) for
// the share at three months, so that the mark is the KPI's calendar months exactly.
func (c *OfferCurve) fill(eps []offerEpisode) {
	c.Episodes = len(eps)
	if len(eps) == 0 {
		return
	}
	days := make([]kmObs, len(eps))
	clock := make([]kmObs, len(eps))
	for i, e := range eps {
		if !e.offered {
			c.Censored++
		}
		days[i] = kmObs{t: float64(e.days), event: e.offered}
		clock[i] = kmObs{t: float64(e.days) / float64(e.markDays), event: e.offered}
	}
	for _, st := range kaplanMeier(days) {
		c.Steps = append(c.Steps, CurveStep{Day: int(st.t), AtRisk: st.atRisk, Events: st.events,
			Offered: ratPercent(st.share), Low: floatPercent(st.low), High: floatPercent(st.high)})
	}
	if share, ok := kmShareAt(clock, kaplanMeier(clock), 1); ok {
		c.At3Months = ptr(ratPercent(share))
	}
}

// parseSoort checks the soort filter: absoluut or langdurig_relatief, any case.
func parseSoort(v string) (string, error) {
	v = strings.ToLower(strings.TrimSpace(v))
	if v == "" {
		return "", nil
	}
	for _, s := range soorten {
		if v == s {
			return v, nil
		}
	}
	return "", &ParamError{Param: FilterSoort,
		Msg: "unknown soort " + strconv.Quote(v) + "; use absoluut or langdurig_relatief",
		NL:  "onbekende soort " + strconv.Quote(v) + "; kies absoluut of langdurig_relatief"}
}

// censoringNoteNL says in one sentence what the curve does with episodes without an
// offer, for the reader of the KPI page.
func censoringNoteNL(through *time.Time) string {
	last := "de laatste dag met gegevens"
	if through != nil {
		last += " (" + tekst.Datum(*through) + ")"
	}
	return "Een thuiszitter zonder aanbod telt mee tot het einde van de episode of tot " + last +
		" en valt daarna uit de berekening (Kaplan-Meier), zodat wie nog wacht het aandeel niet ten onrechte omlaag trekt."
}
