package api

import (
	"sort"
	"time"

	"github.com/hetleerplein/leerplein/warehouse"
)

// Small-number rules for the bestuur role (analysts see exact figures):
//
//   - primary: a count from 1 to threshold−1 is suppressed (value null, suppressed
//     true); zero is shown. A percentage is suppressed when its base (the number it is a
//     percentage of, never shown) is from 1 to threshold−1.
//   - complementary: a reader can request every area, KPI and year, one at a time, and
//     add up or subtract what comes back. So the counts are protected once per load
//     over all of them together (suppress_pattern.go): each gemeente, sub-region and
//     the region, every school year, every count KPI and the monthly series, with
//     the sums among them. Every response is cut from that one pattern, so no
//     combination of requests gives back a hidden count.
//   - derived: a target computed from a suppressed baseline (10% below it) would give
//     the baseline back, so it is suppressed too, and on_track with it; a suppressed
//     value has no on_track either.

// isSmall reports whether a count must be suppressed under threshold.
func isSmall(v float64, threshold int) bool { return v >= 1 && v < float64(threshold) }

// hideSeries suppresses the points of s for which hidden says so (the baseline
// included), and the targets derived from a hidden baseline. Bases are dropped: the
// bestuur role never sees them. It returns a copy.
func hideSeries(s warehouse.KPISeries, hidden func(p warehouse.KPIPoint) bool) warehouse.KPISeries {
	hide := func(p *warehouse.KPIPoint) {
		if p.Value != nil && hidden(*p) {
			p.Value, p.OnTrack, p.Suppressed = nil, nil, true
		}
		p.Base = nil
	}
	out := s
	baselineHidden := false
	if s.Baseline != nil {
		b := *s.Baseline
		hide(&b)
		baselineHidden = b.Suppressed
		out.Baseline = &b
	}
	derived := s.TargetRule.Kind == warehouse.TargetReduction || s.TargetRule.Kind == warehouse.TargetMaxAndReduction
	out.Points = make([]warehouse.KPIPoint, len(s.Points))
	for i, p := range s.Points {
		hide(&p)
		if baselineHidden && derived && p.Target != nil && p.SchoolYear > s.TargetRule.BaselineYear {
			p.Target, p.OnTrack, p.TargetSuppressed = nil, nil, true
		}
		out.Points[i] = p
	}
	return out
}

// verzuimsoortOrder is the order of the monthly series' verzuimsoorten.
var verzuimsoortOrder = map[string]int{"relatief": 0, "luxe": 1, "absoluut": 2, "totaal": 3}

// withMonthTotals adds a `totaal` point per month (the sum of its verzuimsoorten, with
// the month's status) and sorts by month, then verzuimsoort.
func withMonthTotals(points []warehouse.MonthPoint) []warehouse.MonthPoint {
	type tot struct {
		year   string
		sum    float64
		status warehouse.Status // the month's: every verzuimsoort of a month has it
		lopend bool
	}
	totals := map[time.Time]*tot{}
	var out []warehouse.MonthPoint
	for _, p := range points {
		out = append(out, p)
		t := totals[p.Month]
		if t == nil {
			t = &tot{year: p.SchoolYear, status: p.Status, lopend: p.Lopend}
			totals[p.Month] = t
		}
		if p.Value != nil {
			t.sum += *p.Value
		}
	}
	for m, t := range totals {
		v := t.sum
		out = append(out, warehouse.MonthPoint{Month: m, SchoolYear: t.year, Verzuimsoort: "totaal", Value: &v,
			Status: t.status, Lopend: t.lopend})
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Month.Equal(out[j].Month) {
			return out[i].Month.Before(out[j].Month)
		}
		return verzuimsoortOrder[out[i].Verzuimsoort] < verzuimsoortOrder[out[j].Verzuimsoort]
	})
	return out
}
