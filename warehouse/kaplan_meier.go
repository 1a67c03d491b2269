package warehouse

import (
	"math"
	"math/big"
	"sort"
)

// kmObs is one episode for the Kaplan–Meier estimator: the time it was followed for, and
// whether it ended in the event (an offer) or was censored then (no offer yet, or none
// before it ended).
type kmObs struct {
	t     float64
	event bool
}

// kmStep is the estimate right after a time at which at least one event happened.
type kmStep struct {
	t              float64
	atRisk, events int
	// share is 1 − S(t), the share with an event by t, exact: survival is a product of
	// fractions, kept as a rational so that a curve without censoring gives exactly
	// events/n (and so the KPI's percentage, rounded the same way).
	share *big.Rat
	// low and high are the 95% band of share from Greenwood's variance on the
	// log(−log S) scale (it stays within 0…1); equal to share where S is 1 or 0.
	low, high float64
}

// kaplanMeier estimates the share with an event by each event time. At a time with
// both events and censorings the censored episodes still count as at risk (they were
// followed up to that time): the usual convention. obs is sorted in place.
func kaplanMeier(obs []kmObs) []kmStep {
	sort.Slice(obs, func(i, j int) bool { return obs[i].t < obs[j].t })
	var steps []kmStep
	surv := big.NewRat(1, 1)
	greenwood := 0.0 // Σ d / (n (n − d)) over the steps so far
	atRisk := len(obs)
	for i := 0; i < len(obs); {
		t := obs[i].t
		events, leaving := 0, 0
		for ; i < len(obs) && obs[i].t == t; i++ {
			leaving++
			if obs[i].event {
				events++
			}
		}
		if events > 0 {
			surv.Mul(surv, big.NewRat(int64(atRisk-events), int64(atRisk)))
			if atRisk > events {
				greenwood += float64(events) / (float64(atRisk) * float64(atRisk-events))
			}
			st := kmStep{t: t, atRisk: atRisk, events: events, share: new(big.Rat).Sub(big.NewRat(1, 1), surv)}
			st.low, st.high = logLogBand(surv, greenwood)
			steps = append(steps, st)
		}
		atRisk -= leaving
	}
	return steps
}

// logLogBand is the 95% band of the share 1 − S from Greenwood's variance: with
// v = Σ d/(n(n−d)), the standard error of log(−log S) is √v / |log S|, and S's band is
// S^exp(±1.96·se).
func logLogBand(surv *big.Rat, greenwood float64) (low, high float64) {
	s, _ := surv.Float64()
	if s <= 0 || s >= 1 || greenwood == 0 {
		return 1 - s, 1 - s
	}
	se := math.Sqrt(greenwood) / math.Abs(math.Log(s))
	sLow := math.Pow(s, math.Exp(1.96*se))   // the lower bound of S …
	sHigh := math.Pow(s, math.Exp(-1.96*se)) // … and the upper
	return 1 - sHigh, 1 - sLow
}

// kmShareAt is the share with an event by time t (the last step at or before it), and
// whether the estimate reaches t: it does not when every episode followed up to t or
// beyond is missing — the longest follow-up ended before t without the share reaching
// 1 — for then the data say nothing about t.
func kmShareAt(obs []kmObs, steps []kmStep, t float64) (*big.Rat, bool) {
	share := new(big.Rat)
	for _, st := range steps {
		if st.t > t {
			break
		}
		share = st.share
	}
	if share.Cmp(big.NewRat(1, 1)) == 0 {
		return share, true
	}
	for _, o := range obs {
		if o.t >= t {
			return share, true
		}
	}
	return nil, false
}

// ratPercent is 100 · r rounded half away from zero to 2 decimals exactly as percentage
// rounds the KPIs (truncated to thousandths, then rounded), for 0 ≤ r ≤ 1.
func ratPercent(r *big.Rat) float64 {
	th := new(big.Int).Mul(r.Num(), big.NewInt(100000))
	th.Quo(th, r.Denom())
	n := (th.Int64() + 5) / 10
	return float64(n) / 100
}

// floatPercent is 100 · x rounded to 2 decimals, for the band (an approximation anyway).
func floatPercent(x float64) float64 { return math.Round(x*10000) / 100 }
