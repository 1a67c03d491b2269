package warehouse

import (
	"errors"
	"fmt"
	"time"
)

// ErrNotFound is returned for a KPI id the catalogue does not hold, so the API can
// answer 404 rather than 500.
var ErrNotFound = errors.New("not found")

// ParamError is a filter value the warehouse cannot use (an unknown gemeente, a school
// year out of range); the API answers 400 and names Param.
type ParamError struct {
	Param string // subregio, gemeente, van, tot; run, feed, gemeente, reden of the quarantine
	Msg   string // what is wrong and what to do: English for the KPI API, Dutch for the steward's quarantine
	// NL is Msg in Dutch where the warehouse has it (the KPI filters), for a channel a
	// board member reads (the offer curve); empty otherwise.
	NL string
}

func (e *ParamError) Error() string { return fmt.Sprintf("parameter %s: %s", e.Param, e.Msg) }

// Units of a KPI value: a count of reports, episodes, … or a percentage (0–100).
const (
	UnitCount   = "count"
	UnitPercent = "percent"
)

// Kinds of target rule. A KPI has exactly one rule; max_and_reduction carries two
// limits that must both hold (vsv_nieuw).
const (
	// TargetReduction: value(Y) <= (1 − Reduction) · value(BaselineYear) for Y after
	// the baseline year; no target for the baseline year and before.
	TargetReduction = "reduction"
	// TargetMax: value(Y) <= Limit in every year.
	TargetMax = "max"
	// TargetMaxAndReduction: both TargetMax (Limit, every year) and TargetReduction
	// (after BaselineYear). The target of a point is the stricter of the two that
	// apply, so value <= target exactly when both hold.
	TargetMaxAndReduction = "max_and_reduction"
	// TargetMinPct: value(Y) >= Limit (100%) in every year.
	TargetMinPct = "min_pct"
	// TargetNational: value(Y) <= the national (landelijk) value of the same year.
	TargetNational = "national"
	// TargetNone: a context figure without a target.
	TargetNone = "none"
)

// Filters a KPI may support; the catalogue lists the ones that apply.
const (
	FilterSubregio = "subregio"
	FilterGemeente = "gemeente"
	FilterVan      = "van"
	FilterTot      = "tot"
)

// KPIFilter narrows a series: to a sub-region or a gemeente (where the rows carry a
// gemeente), and to the school years Van … Tot (inclusive, "2016-2017"). Empty fields do
// not filter; empty Van/Tot mean the first/latest school year with data.
type KPIFilter struct{ Subregio, Gemeente, Van, Tot string }

// TargetRule is the policy target of a KPI, as the covenant states it.
type TargetRule struct {
	Kind         string   // one of the Target* constants
	BaselineYear string   // "2018-2019" for reduction rules, "" otherwise
	Reduction    float64  // 0.10 for "10% below the baseline"
	Limit        *float64 // 500 for vsv_nieuw, 100 for the percentage; nil otherwise
	TextNL       string   // the target in a sentence, for people
	TextEN       string
}

// KPIDef is one entry of the KPI catalogue: what the figure is and how it is judged.
type KPIDef struct {
	ID, Unit, TitleNL, TitleEN, DescriptionNL, DescriptionEN string
	Target                                                   TargetRule
	// Filters lists the parameters the series accepts ("subregio", "gemeente", "van",
	// "tot"). KPIs from the DUO figures (tabel7) are regional only: van and tot.
	Filters []string
	// Source says which annual-report cell the value equals ("tabel3 totaal/totaal"),
	// or how it is computed when it is not a cell.
	Source string
	// Query is the file under sql/metrics/ that counts it: the documentation of the rule.
	Query string
	// PartOf is the count KPI this one counts a part of, in every area and year
	// (thuiszitters_langer_dan_3_maanden of thuiszitters), "" for none: protecting small
	// numbers must cover the difference of the two as well.
	PartOf string

	calc kpiCalc
}

// kpiCalc says how a KPI is computed from the snapshot: a count column (num) of a
// metrics table, a percentage num/den of two, or a row of the vsv figures; and which
// figures (sql/marts/03_figuren.sql) it sums, which decide its status.
type kpiCalc struct {
	table, num, den string
	vsvSector       string // TOTAAL: vsvers of the region; VO, MBO: percentage
	figuren         []string
	// regel is the age rule of mart.leeftijdsregels the KPI counts by, whose changes are
	// series breaks ("" for none).
	regel string
	// decimals of a percentage num/den: 0 means the usual 2 (as tabel7's vsv_pct);
	// 1 for onderwijs_of_werk_pct.
	decimals int
}

// Supports reports whether the KPI accepts the filter parameter name.
func (d KPIDef) Supports(filter string) bool {
	for _, f := range d.Filters {
		if f == filter {
			return true
		}
	}
	return false
}

// KPIPoint is the value of a KPI in one school year, with the target that applies to
// that year and whether the value meets it.
type KPIPoint struct {
	SchoolYear string
	Date       time.Time // begin(Y): 1 August of the first year, UTC
	Value      *float64  // nil when there is no figure (vsv not delivered, no base)
	Target     *float64  // nil when no target applies to this year, or the figure is niet_van_toepassing
	OnTrack    *bool     // nil when Target or Value is nil, or the point is no full-year value
	Suppressed bool      // set by the API for small numbers; the warehouse gives exact figures
	// TargetSuppressed is set by the API when the target would reveal a suppressed
	// baseline (Target is then nil).
	TargetSuppressed bool
	// Base is the denominator of a percentage (nil for counts): the API suppresses a
	// percentage whose base is small. Never shown to a bestuur caller.
	Base *float64
	// Status is what the point is (sql/marts/04_figuur_status.sql, combined over the
	// filter's gemeenten by AreaStatus): empty for a value, else geen_gegevens (a feed
	// does not cover the year) or niet_van_toepassing (not the bureau's to count for
	// any gemeente of the filter). When it is set, Value is not a figure and must not be
	// shown: the warehouse still fills it as before (a sum over the rows counted, zero
	// here), so the API's values are unchanged until it shows Status; OnTrack is nil.
	Status Status
	// Lopend is true when the school year was still in progress on the snapshot's day:
	// the value is year-to-date, and a target for a whole year does not judge it
	// (OnTrack is nil).
	Lopend bool
	// Through is, for a year in progress, the last day its figures count (the earliest
	// of the last counting dates of its feeds in the year, never after the snapshot's
	// day); nil for a finished year or when no dated feed covers the year.
	Through *time.Time
}

// KPISeries is a KPI over school years for one filter.
type KPISeries struct {
	ID, Unit   string
	Baseline   *KPIPoint // the point of the rule's baseline year; nil without one or outside the data
	TargetRule TargetRule
	Points     []KPIPoint
	DataAsOf   time.Time // when the latest committed load finished; zero before any load
	Filter     KPIFilter // the filter as applied: Van and Tot filled in, codes canonical
	// Coverage says what the series leaves out of its area (gemeenten that did not exist,
	// leerplicht run locally); nil when it leaves nothing out.
	Coverage *CoverageNote
	// InProgress is the school year in progress to date, with the same period of earlier
	// years and a forecast; nil when no school year of the filter is in progress, or the
	// KPI is not counted from dated events (docs/forecast.md).
	InProgress *InProgress
	// SeriesBreaks mark the school years from which the KPI counts under a changed rule
	// (mart.leeftijdsregels), whether or not the filter's years reach them; nil for none.
	SeriesBreaks []SeriesBreak
}

// MonthPoint is the number of absence reports in one calendar month of one
// verzuimsoort (the selection of tabel3, so the twelve months of a school year add up to
// its verzuim_meldingen value).
type MonthPoint struct {
	Month        time.Time // first day of the month, UTC
	SchoolYear   string    // the school year the month belongs to
	Verzuimsoort string    // relatief, luxe, absoluut
	Value        *float64
	Suppressed   bool // set by the API for small numbers
	// Status is the month's status: that of verzuim_meldingen in its school year over the
	// filter, and geen_gegevens for a month that had not begun on the snapshot's day.
	// When it is set, Value is not a figure (the warehouse leaves it as before).
	Status Status
	// Lopend: the month's school year was in progress on the snapshot's day.
	Lopend bool
}

// MonthlyID is the id of the monthly absence series, served beside the catalogue.
const MonthlyID = "verzuim_meldingen_maand"

// MonthlyOf is the KPI whose yearly value the monthly series adds up to: the twelve
// months of a school year, all verzuimsoorten, give that year's value in every area.
const MonthlyOf = "verzuim_meldingen"

func ptr[T any](v T) *T { return &v }
