package warehouse

import (
	"math"
	"testing"
)

// TestCurveKaplanMeierByHand checks the estimator on six episodes computed by hand.
//
// Days followed, e = offer, c = censored: 10e, 20c, 20e, 30e, 40c, 50e.
//
//	day 10: 6 waiting, 1 offer → S = 5/6            share 1/6 = 16.67%
//	day 20: 5 waiting (the one censored on day 20 still counts), 1 offer
//	        → S = 5/6 · 4/5 = 2/3                   share 33.33%; then 2 leave
//	day 30: 3 waiting, 1 offer → S = 2/3 · 2/3 = 4/9 share 5/9 = 55.56%; then 1 leaves
//	day 40: censored → 1 waiting
//	day 50: 1 waiting, 1 offer → S = 0               share 100%
//
// Greenwood: v = Σ d/(n(n−d)) = 1/30, then + 1/20, then + 1/6; the band of S is
// S^exp(±1.96 · √v / |ln S|), so on day 10 (S = 5/6, se = 1.0014) the share lies in
// 2.53% … 72.69%, on day 20 in 9.56% … 80.54%, on day 30 in 21.51% … 93.38%; on day 50
// S = 0 and the band is the point.
func TestCurveKaplanMeierByHand(t *testing.T) {
	obs := []kmObs{{50, true}, {20, false}, {10, true}, {40, false}, {30, true}, {20, true}}
	steps := kaplanMeier(obs)
	want := []struct {
		day, atRisk, events int
		share, low, high    float64
	}{
		{10, 6, 1, 16.67, 2.53, 72.69},
		{20, 5, 1, 33.33, 9.56, 80.54},
		{30, 3, 1, 55.56, 21.51, 93.38},
		{50, 1, 1, 100, 100, 100},
	}
	if len(steps) != len(want) {
		t.Fatalf("%d steps, want %d: %+v", len(steps), len(want), steps)
	}
	for i, w := range want {
		st := steps[i]
		got := []float64{st.t, float64(st.atRisk), float64(st.events), ratPercent(st.share), floatPercent(st.low), floatPercent(st.high)}
		exp := []float64{float64(w.day), float64(w.atRisk), float64(w.events), w.share, w.low, w.high}
		for k, name := range []string{"day", "at_risk", "events", "share", "low", "high"} {
			if math.Abs(got[k]-exp[k]) > 1e-9 {
				t.Errorf("step %d %s = %v, want %v", i, name, got[k], exp[k])
			}
		}
	}
	// Between steps the curve is flat: the share by day 45 is that of day 30.
	if s, ok := kmShareAt(obs, steps, 45); !ok || ratPercent(s) != 55.56 {
		t.Errorf("share by day 45 = %v (reached %v), want 55.56", s, ok)
	}
}

// TestCurveKaplanMeierBeyondFollowUp checks that the estimate says nothing past the
// longest follow-up when that one was censored.
func TestCurveKaplanMeierBeyondFollowUp(t *testing.T) {
	obs := []kmObs{{5, true}, {8, false}}
	steps := kaplanMeier(obs)
	if _, ok := kmShareAt(obs, steps, 9); ok {
		t.Error("share by day 9 is estimated, want none: nobody was followed that long")
	}
	if s, ok := kmShareAt(obs, steps, 8); !ok || ratPercent(s) != 50 {
		t.Errorf("share by day 8 = %v (%v), want 50", s, ok)
	}
}

// TestCurveThreeMonthBoundary pins the 3-month mark to the KPI's: an offer on the day
// three calendar months after the start counts, one a day later does not. Moving the
// boundary a day either way gives 100% or 0% instead of 50%.
func TestCurveThreeMonthBoundary(t *testing.T) {
	for _, tc := range []struct {
		name string
		eps  []offerEpisode
		want float64
	}{
		{"on the mark and a day after", []offerEpisode{{offered: true, days: 91, markDays: 91}, {offered: true, days: 92, markDays: 91}}, 50},
		{"a day before and on the mark", []offerEpisode{{offered: true, days: 89, markDays: 90}, {offered: true, days: 90, markDays: 90}}, 100},
		{"short and long months", []offerEpisode{{offered: true, days: 90, markDays: 90}, {offered: true, days: 91, markDays: 90}, {offered: true, days: 92, markDays: 92}}, 66.67},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var c OfferCurve
			c.fill(tc.eps)
			if c.At3Months == nil || *c.At3Months != tc.want {
				t.Errorf("share at 3 months = %v, want %v", fmtFloat(c.At3Months), tc.want)
			}
		})
	}
}

func fmtFloat(p *float64) any {
	if p == nil {
		return "null"
	}
	return *p
}
