package demo

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// traject is one Doorstroompunt/RMC trajectory.
type traject struct {
	id            string
	p             *person
	meld, start   time.Time
	einde         time.Time // zero while running
	resultaat     string
	monitoring    bool
	specialisatie string
}

// buildTrajecten generates the trajectories year by year. tabel9 of year Y sorts the
// trajectories active in Y into voor_verslagjaar (melddatum before begin(Y): every
// trajectory carried over from Y-1, plus fresh ones of youths known for years) and nieuw;
// a trajectory still running at end(Y) is monitoring / in_traject in Y and comes back in
// Y+1 as voor_verslagjaar. Per year the allocator decides which carried trajectories run
// on and which end with which result, and how many fresh ones start, to hit the plan.
// Every year up to last.
func buildTrajecten(pop *population, last int) ([]*traject, error) {
	r := rng("rmc", 0)
	var all []*traject
	seq := map[int]int{}
	// mk makes a trajectory of a youth aged 18 to 23 at the start (monitoring: 18 or 19;
	// over22: 23 to 26, the target group the law of 2026 adds).
	mk := func(mon, over22 bool, meld, start time.Time) (*traject, error) {
		lo, hi := 18, 23
		switch {
		case mon:
			hi = 19
		case over22:
			lo, hi = 23, 26
		}
		sub := "zk"
		if r.Float64() < 0.43 {
			sub = "ijmond"
		}
		p := pop.pick(r, sub, start, addDays(start, 1500), lo, hi, func(p *person) bool { return p.gem.tot.IsZero() })
		if p == nil {
			return nil, fmt.Errorf("demo: no person for a trajectory starting %s", start.Format(time.DateOnly))
		}
		y := schoolYear(start)
		seq[y]++
		t := &traject{id: fmt.Sprintf("RMC%d-%05d", y, seq[y]), p: p, meld: meld, start: start, monitoring: mon}
		if r.IntN(20) < 9 {
			t.specialisatie = []string{"WET", "JOBCOACH", "JOBCOACH", "HUISBEZOEK", "JIKP", "JIKP", "SCHULDEN", "INBURGERING", "PWET"}[r.IntN(9)]
		}
		all = append(all, t)
		return t, nil
	}
	// Trajectories running on 1 August 2015.
	var open []*traject
	for i := range 600 {
		start := randDay(r, day(2013, 9, 1), day(2015, 7, 25))
		t, err := mk(i < 170, false, addDays(start, -r.IntN(400)), start)
		if err != nil {
			return nil, err
		}
		open = append(open, t)
	}
	for y := FirstYear; y <= last; y++ {
		voor, nieuw, ok := seedTabel9(y)
		if !ok {
			voor, nieuw = rmcTrendColumns(y, open)
		}
		next, err := rmcYear(r, y, open, voor, nieuw, mk)
		if err != nil {
			return nil, err
		}
		open = next
	}
	return all, nil
}

// rmcTrendColumns derives tabel9 of a year without seed from the caseload trend and the
// trajectories carried in: 5% fresh starts of youths known before, monitoring mostly
// running on, results in their typical shares.
func rmcTrendColumns(y int, open []*traject) (voor, nieuw t9col) {
	total, running, mon := rmcTrend(y)
	cm := 0
	for _, t := range open {
		if t.monitoring {
			cm++
		}
	}
	cr := len(open) - cm
	fresh := (total + 10) / 20
	v := len(open) + fresh
	voor.monitoring = min(mon, (cm*3+2)/4)
	nieuw.monitoring = mon - voor.monitoring
	voor.inTraject = (cr*3 + fresh*2 + 5) / 10
	nieuw.inTraject = running - mon - voor.inTraject
	copy(voor.results[:], apportion(v-voor.monitoring-voor.inTraject, rmcResultWeights()))
	copy(nieuw.results[:], apportion(total-v-nieuw.monitoring-nieuw.inTraject, rmcResultWeights()))
	return voor, nieuw
}

// rmcYear allocates school year y and returns the trajectories running at end(y). After
// the plan, a share of the new regular trajectories (over22Share) are of youths aged 23
// to 26 who became known on or after 1 January 2026.
func rmcYear(r *rand.Rand, y int, open []*traject, voor, nieuw t9col,
	mk func(bool, bool, time.Time, time.Time) (*traject, error)) ([]*traject, error) {
	var mon, reg []*traject
	for _, t := range open {
		if t.monitoring {
			mon = append(mon, t)
		} else {
			reg = append(reg, t)
		}
	}
	shuffle(r, mon)
	shuffle(r, reg)
	rv := 0
	for _, n := range voor.results {
		rv += n
	}
	stayMon := min(len(mon), voor.monitoring)
	endMon := len(mon) - stayMon
	lo := max(0, len(reg)+endMon-rv)
	hi := min(len(reg), voor.inTraject)
	if lo > hi {
		return nil, fmt.Errorf("demo: rmc %d: %d carried trajectories do not fit tabel9", y, len(open))
	}
	stayReg := min(hi, max(lo, voor.inTraject-(voor.inTraject*12+50)/100))
	freshEnd := rv - endMon - (len(reg) - stayReg)
	running := append(append([]*traject{}, mon[:stayMon]...), reg[:stayReg]...)
	voorResults := resultList(r, voor.results)
	var ending []*traject // voor_verslagjaar trajectories that end in y, carried ones first
	ending = append(append(ending, mon[stayMon:]...), reg[stayReg:]...)
	for k, t := range ending {
		lo := begin(y)
		if t.start.After(lo) {
			lo = t.start
		}
		t.einde = randDay(r, lo, end(y))
		if k == 0 {
			t.einde = begin(y) // ended on the first day: still active in y
		}
	}
	// Fresh trajectories of youths known before this year.
	oldMeld := func(k int) time.Time {
		if k == 0 {
			return addDays(begin(y), -1)
		}
		return randDay(r, begin(y).AddDate(-4, 0, 0), addDays(begin(y), -2))
	}
	k := 0
	for _, g := range []struct {
		n    int
		mon  bool
		ends bool
	}{{voor.monitoring - stayMon, true, false}, {voor.inTraject - stayReg, false, false}, {freshEnd, false, true}} {
		for range g.n {
			start := randDay(r, begin(y), addDays(end(y), -20))
			t, err := mk(g.mon, false, oldMeld(k), start)
			if err != nil {
				return nil, err
			}
			k++
			if g.ends {
				t.einde = randDay(r, earliest(addDays(start, 14), end(y)), end(y))
				ending = append(ending, t)
			} else {
				running = append(running, t)
			}
		}
	}
	for i, t := range ending {
		t.resultaat = voorResults[i]
	}
	// New trajectories: youths who became known this year.
	nieuwResults := resultList(r, nieuw.results)
	k = 0
	for _, g := range []struct {
		n    int
		mon  bool
		ends bool
	}{{nieuw.monitoring, true, false}, {nieuw.inTraject, false, false}, {len(nieuwResults), false, true}} {
		for range g.n {
			over22 := y > planYear && !g.mon && k > 0 && r.Float64() < over22Share(y)
			from := begin(y)
			if over22 {
				from = latest(from, lawDay())
			}
			meld := randDay(r, from, end(y))
			if g.ends {
				meld = randDay(r, from, addDays(end(y), -60))
			}
			if k == 0 {
				meld = begin(y) // known since the first day: nieuw, not voor_verslagjaar
			}
			start := earliest(addDays(meld, r.IntN(45)), end(y))
			t, err := mk(g.mon, over22, meld, start)
			if err != nil {
				return nil, err
			}
			if g.ends {
				t.einde = randDay(r, earliest(addDays(start, 7), end(y)), end(y))
				if k == len(nieuwResults)-1+nieuw.monitoring+nieuw.inTraject {
					t.einde = end(y) // ended on the last day of the year
				}
				t.resultaat = nieuwResults[k-nieuw.monitoring-nieuw.inTraject]
			} else {
				running = append(running, t)
			}
			k++
		}
	}
	return running, nil
}

// resultList expands result counts into a shuffled list of result codes.
func resultList(r *rand.Rand, counts [8]int) []string {
	var out []string
	for i, n := range counts {
		for range n {
			out = append(out, rmcResults()[i])
		}
	}
	shuffle(r, out)
	return out
}

// earliest returns the earlier of two dates.
func earliest(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}
