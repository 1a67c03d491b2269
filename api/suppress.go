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
//     percentage of) is from 1 to threshold−1.
//   - complementary: where a response holds a total and its parts, no group may have
//     exactly one suppressed cell, else it could be derived by subtraction; the smallest
//     other non-zero cell of the group is suppressed too (a zero only when there is no
//     other), until every group is safe.
//   - derived: a target computed from a suppressed baseline (10% below it) would give
//     the baseline back, so it is suppressed too, and on_track with it; a suppressed
//     value has no on_track either.

// isSmall reports whether a count must be suppressed under threshold.
func isSmall(v float64, threshold int) bool { return v >= 1 && v < float64(threshold) }

// suppressSeries hides the small numbers of a yearly series. It returns a copy.
func suppressSeries(s warehouse.KPISeries, threshold int) warehouse.KPISeries {
	small := func(p warehouse.KPIPoint) bool {
		if p.Value == nil {
			return false
		}
		if s.Unit == warehouse.UnitPercent {
			return p.Base != nil && isSmall(*p.Base, threshold)
		}
		return isSmall(*p.Value, threshold)
	}
	hide := func(p *warehouse.KPIPoint) {
		if small(*p) {
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

// suppressCells applies primary and complementary suppression to vals. Each group
// lists the indexes of cells that add up: a total and its parts (the order does not
// matter: any one of them is the others' sum or difference). It returns which cells
// are suppressed; nil values (no figure) are never suppressed nor chosen.
func suppressCells(vals []*float64, groups [][]int, threshold int) []bool {
	hidden := make([]bool, len(vals))
	for i, v := range vals {
		hidden[i] = v != nil && isSmall(*v, threshold)
	}
	for changed := true; changed; {
		changed = false
		for _, g := range groups {
			n := 0
			for _, i := range g {
				if hidden[i] {
					n++
				}
			}
			if n != 1 {
				continue
			}
			best := -1
			for _, i := range g {
				if hidden[i] || vals[i] == nil {
					continue
				}
				if best < 0 || better(*vals[i], *vals[best]) {
					best = i
				}
			}
			if best >= 0 {
				hidden[best] = true
				changed = true
			}
		}
	}
	return hidden
}

// better prefers a non-zero cell, then the smaller: suppressing a zero protects less,
// suppressing a large cell loses more.
func better(a, b float64) bool {
	if (a == 0) != (b == 0) {
		return b == 0
	}
	return a < b
}

// verzuimsoortOrder is the order of the monthly series' verzuimsoorten.
var verzuimsoortOrder = map[string]int{"relatief": 0, "luxe": 1, "absoluut": 2, "totaal": 3}

// withMonthTotals adds a `totaal` point per month (the sum of its verzuimsoorten) and
// sorts by month, then verzuimsoort.
func withMonthTotals(points []warehouse.MonthPoint) []warehouse.MonthPoint {
	type tot struct {
		year string
		sum  float64
	}
	totals := map[time.Time]*tot{}
	var out []warehouse.MonthPoint
	for _, p := range points {
		out = append(out, p)
		t := totals[p.Month]
		if t == nil {
			t = &tot{year: p.SchoolYear}
			totals[p.Month] = t
		}
		if p.Value != nil {
			t.sum += *p.Value
		}
	}
	for m, t := range totals {
		v := t.sum
		out = append(out, warehouse.MonthPoint{Month: m, SchoolYear: t.year, Verzuimsoort: "totaal", Value: &v})
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Month.Equal(out[j].Month) {
			return out[i].Month.Before(out[j].Month)
		}
		return verzuimsoortOrder[out[i].Verzuimsoort] < verzuimsoortOrder[out[j].Verzuimsoort]
	})
	return out
}

// suppressMonths hides small monthly counts, with each month's total and its
// verzuimsoorten as one group. It returns a copy.
func suppressMonths(points []warehouse.MonthPoint, threshold int) []warehouse.MonthPoint {
	vals := make([]*float64, len(points))
	byMonth := map[time.Time][]int{}
	var months []time.Time
	for i, p := range points {
		vals[i] = p.Value
		if _, ok := byMonth[p.Month]; !ok {
			months = append(months, p.Month)
		}
		byMonth[p.Month] = append(byMonth[p.Month], i)
	}
	groups := make([][]int, 0, len(months))
	for _, m := range months {
		groups = append(groups, byMonth[m])
	}
	hidden := suppressCells(vals, groups, threshold)
	out := make([]warehouse.MonthPoint, len(points))
	for i, p := range points {
		if hidden[i] {
			p.Value, p.Suppressed = nil, true
		}
		out[i] = p
	}
	return out
}
