package demo

import (
	"fmt"
	"sort"
	"time"
)

// maatregel is one measure taken on an absence report.
type maatregel struct {
	id        string
	meldingID string
	datum     time.Time
	soort     string // GESPREK, WAARSCHUWING, DOORVERWIJZING, HALT, PV
	afdoening string // empty while pending
	// bekend is the day the afdoening became known (zero: with the measure); an export
	// made before it shows the measure still pending.
	bekend  time.Time
	counted string // the tabel4 row it is counted in ("" when not counted)
}

// buildMaatregelen generates the measures: per year the HALT referrals and official
// reports (PV) of the plan, each on an earlier report of a minor of the right verzuimsoort
// (often from the previous school year), with the outcomes of tabel5; a few HALT/PV the
// tables leave out (on an 18-year-old's report, on a report that never arrives); and the
// talks, warnings and referrals that follow most reports. Every year up to last.
func buildMaatregelen(meldingen []*melding, last int) ([]*maatregel, error) {
	pools := map[string][]*melding{} // counted reports of minors per verzuimsoort, by date
	var adults []*melding
	for _, m := range meldingen {
		switch {
		case m.row == "relatief" || m.row == "luxe" || m.row == "absoluut":
			pools[m.soort] = append(pools[m.soort], m)
		case m.row != "" && m.soort == "RELATIEF":
			adults = append(adults, m)
		}
	}
	var out []*maatregel
	for y := FirstYear; y <= last; y++ {
		r := rng("maatregelen", y)
		smp := newSampler(y, "MAATREGEL")
		// on finds an unused report of the pool made 10 to 240 days before a measure date.
		on := func(pool []*melding) (*melding, time.Time, error) {
			for range 500 {
				t := smp.draw(r)
				lo := sort.Search(len(pool), func(i int) bool { return !pool[i].datum.Before(addDays(t, -240)) })
				hi := sort.Search(len(pool), func(i int) bool { return pool[i].datum.After(addDays(t, -10)) })
				for k := 0; k < 20 && hi > lo; k++ {
					if m := pool[lo+r.IntN(hi-lo)]; !m.measured {
						m.measured = true
						return m, t, nil
					}
				}
			}
			return nil, time.Time{}, fmt.Errorf("demo: no report left for a measure in %d", y)
		}
		plan := haltPVPlan(y)
		for _, g := range []struct {
			soort, maatregel string
			n                int
		}{
			{"RELATIEF", "HALT", plan.haltRel}, {"RELATIEF", "PV", plan.pvRel},
			{"LUXE", "PV", plan.pvLuxe}, {"ABSOLUUT", "PV", plan.pvAbs},
		} {
			var outcomes []string
			if g.maatregel == "HALT" {
				for range g.n {
					outcomes = append(outcomes, "LEERSTRAF")
				}
			} else {
				for i, n := range pvOutcomes(y, g.soort, g.n) {
					for range n {
						outcomes = append(outcomes, afdoeningen()[i])
					}
				}
				shuffle(r, outcomes)
			}
			for i, afd := range outcomes {
				m, t, err := on(pools[g.soort])
				if err != nil {
					return nil, err
				}
				var bekend time.Time
				switch {
				case y == planYear && g.maatregel == "PV" && t.After(day(2025, 3, 1)) && r.IntN(5) < 3:
					afd = "" // the court had not decided when the plan's last year was exported
				case y == 2021 && g.maatregel == "HALT" && i < 2:
					afd = "" // delivered without outcome; a HALT referral is always a leerstraf
				case y > planYear && g.maatregel == "HALT":
					bekend = addDays(t, 14+r.IntN(60)) // the HALT office reports back
				case y > planYear:
					bekend = addDays(t, 30+r.IntN(180)) // the court decides
				}
				out = append(out, &maatregel{meldingID: m.id, datum: t, soort: g.maatregel, afdoening: afd, bekend: bekend, counted: m.row})
			}
		}
		if m, t, err := on(adults); err == nil { // a PV on the report of an 18-year-old: not counted
			out = append(out, &maatregel{meldingID: m.id, datum: t, soort: "PV", afdoening: "OVERIG"})
		}
		if y == 2016 { // its report was never delivered
			out = append(out, &maatregel{meldingID: "VM16-99999", datum: day(2017, 3, 14), soort: "PV"})
		}
	}
	r := rng("maatregelen-overig", 0)
	for _, m := range meldingen {
		for _, f := range []struct {
			soort    string
			p        float64
			lo, span int
		}{{"GESPREK", 0.5, 2, 20}, {"WAARSCHUWING", 0.15, 14, 46}, {"DOORVERWIJZING", 0.05, 20, 70}} {
			if r.Float64() < f.p {
				if t := addDays(m.datum, f.lo+r.IntN(f.span)); !t.After(end(last)) {
					out = append(out, &maatregel{meldingID: m.id, datum: t, soort: f.soort})
				}
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].datum.Before(out[j].datum) })
	seq := map[int]int{}
	for _, m := range out {
		y := schoolYear(m.datum)
		seq[y]++
		m.id = fmt.Sprintf("MR%02d-%05d", y%100, seq[y])
	}
	return out, nil
}
