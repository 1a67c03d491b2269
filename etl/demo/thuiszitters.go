package demo

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"time"
)

// episode is one homebound episode (thuiszitter dossier).
type episode struct {
	id           string
	p            *person
	soort        string // ABSOLUUT, LANGDURIG_RELATIEF
	start, einde time.Time
	aanbod       time.Time
	opgelost     bool
	reden        string
	carried      int // school years it has been carried into
}

// buildEpisodes generates the homebound episodes year by year. Episodes still running at
// the end of a year are carried into the next, where some end and some run on; each year
// the new episodes are cut to hit tabel6 of the plan:
//
//	thuiszitters = carried + new
//	langer       = carried + new that last (or run) longer than 3 months within the year
//	opgelost     = ended within the year with opgelost = J
//
// New episodes fall in four kinds: long and ended (c), short and ended (d, at most
// exactly 3 months), long and still running (e), short because they started in the last
// three months of the year (f). The youths are 6 to 15 at the start, so an episode
// carried for two years still counts (age under 18 on the first day of the year). Every
// year up to last.
func buildEpisodes(pop *population, last int) ([]*episode, error) {
	var all []*episode
	seq := map[int]int{}
	newID := func(start time.Time) string {
		y := schoolYear(start)
		seq[y]++
		return fmt.Sprintf("TZ%d-%04d", y, seq[y])
	}
	busy := map[*person]bool{}
	for _, sub := range []string{"zk", "ijmond"} {
		r := rng("thuiszitters-"+sub, 0)
		// Episodes running on 1 August 2015, begun in the year before.
		var open []*episode
		for range map[string]int{"zk": 26, "ijmond": 10}[sub] {
			start := randDay(r, day(2014, 9, 1), day(2015, 7, 20))
			e := &episode{soort: soortOf(r), start: start}
			e.p = pop.pick(r, sub, begin(2015), end(2017), 7, 15, func(p *person) bool { return !busy[p] && p.gem.tot.IsZero() })
			if e.p == nil {
				return nil, fmt.Errorf("demo: no person for an episode in %s", sub)
			}
			busy[e.p] = true
			e.id = newID(start)
			setAanbod(r, e, 0.6)
			open = append(open, e)
			all = append(all, e)
		}
		for y := FirstYear; y <= last; y++ {
			next, made, err := episodeYear(r, pop, y, sub, open, busy, newID)
			if err != nil {
				return nil, err
			}
			all = append(all, made...)
			open = next
		}
	}
	return all, nil
}

// soortOf draws absoluut or langdurig relatief verzuim.
func soortOf(r *rand.Rand) string {
	if r.IntN(2) == 0 {
		return "ABSOLUUT"
	}
	return "LANGDURIG_RELATIEF"
}

// episodeYear allocates school year y of a sub-region: it ends or carries the open
// episodes and creates the new ones. It returns the episodes open at end(y) and those made.
func episodeYear(r *rand.Rand, pop *population, y int, sub string, open []*episode,
	busy map[*person]bool, newID func(time.Time) string) ([]*episode, []*episode, error) {
	tg := thuiszitterPlan(y, sub)
	carried := len(open)
	short := tg.thuiszitters - tg.langer
	longNew := tg.langer - carried
	if short < 0 || longNew < 0 {
		return nil, nil, fmt.Errorf("demo: thuiszitters %d %s: %d carried do not fit the plan", y, sub, carried)
	}
	f := short / 3
	d := short - f
	e := (longNew*3 + 5) / 10
	c := longNew - e
	// Carried episodes that may run on: the youth is still under 18 on 1 August next year.
	shuffle(r, open)
	var stay, ending []*episode
	want := (carried + 2) / 4
	for _, ep := range open {
		if len(stay) < want && ep.carried < 2 && age(ep.p.birth, begin(y+1)) <= 17 {
			stay = append(stay, ep)
		} else {
			ending = append(ending, ep)
		}
	}
	for _, ep := range open {
		ep.carried++
	}
	// New episodes, with their soort fixed by the plan where it has the split.
	nNew := c + d + e + f
	soorten := make([]string, nNew)
	if tg.absoluut >= 0 {
		abs := tg.absoluut
		for _, ep := range open {
			if ep.soort == "ABSOLUUT" {
				abs--
			}
		}
		if abs < 0 || abs > nNew {
			return nil, nil, fmt.Errorf("demo: thuiszitters %d %s: absoluut split does not fit", y, sub)
		}
		for i := range soorten {
			soorten[i] = map[bool]string{true: "ABSOLUUT", false: "LANGDURIG_RELATIEF"}[i < abs]
		}
		shuffle(r, soorten)
	} else {
		for i := range soorten {
			soorten[i] = soortOf(r)
		}
	}
	var made, running []*episode
	running = append(running, stay...)
	mk := func(kind byte, i int) (*episode, error) {
		ep := &episode{soort: soorten[i]}
		switch kind {
		case 'c':
			ep.start = randDay(r, begin(y), addMonths(end(y), -4))
			ep.einde = randDay(r, addDays(addMonths(ep.start, 3), 1), end(y))
		case 'd':
			ep.start = randDay(r, begin(y), addMonths(end(y), -3))
			ep.einde = randDay(r, addDays(ep.start, 14), addMonths(ep.start, 3))
			if i == c { // exactly three months is not longer than three months
				ep.einde = addMonths(ep.start, 3)
			}
		case 'e':
			ep.start = randDay(r, begin(y), day(y+1, time.April, 15))
		case 'f':
			ep.start = randDay(r, day(y+1, time.May, 2), day(y+1, time.July, 20))
		}
		lo := 6
		if ep.soort == "ABSOLUUT" {
			lo = 9
		}
		if kind == 'c' && i == 0 && sub == "zk" { // ends on the 18th birthday: no longer of compulsory age
			for try := 0; ep.p == nil && try < 100; try++ {
				bd := randDay(r, addMonths(begin(y), 6), end(y))
				ep.start, ep.einde = addMonths(bd, -4-r.IntN(3)), bd
				ep.p = pop.bornOn(r, sub, bd.AddDate(-18, 0, 0), ep.start, func(p *person) bool { return !busy[p] && p.inRegion(bd) && p.gem.tot.IsZero() })
			}
		} else {
			ep.p = pop.pick(r, sub, ep.start, addDays(ep.start, 800), lo, 15, func(p *person) bool { return !busy[p] && p.gem.tot.IsZero() })
		}
		if ep.p == nil {
			return nil, fmt.Errorf("demo: no person for a new episode in %d %s", y, sub)
		}
		busy[ep.p] = true
		ep.id = newID(ep.start)
		setAanbod(r, ep, aanbodShare(y))
		made = append(made, ep)
		return ep, nil
	}
	i := 0
	for _, g := range []struct {
		kind byte
		n    int
	}{{'c', c}, {'d', d}, {'e', e}, {'f', f}} {
		for range g.n {
			ep, err := mk(g.kind, i)
			if err != nil {
				return nil, nil, err
			}
			i++
			if g.kind == 'c' || g.kind == 'd' {
				ending = append(ending, ep)
			} else {
				running = append(running, ep)
			}
		}
	}
	// Carried episodes that end this year: longer than 3 months by construction.
	for k, ep := range ending[:carried-len(stay)] {
		lo := addDays(addMonths(ep.start, 3), 1)
		if lo.Before(begin(y)) {
			lo = begin(y)
		}
		ep.einde = randDay(r, lo, end(y))
		if k == 0 && lo.Equal(begin(y)) { // ends on the first day of the year: still active in it
			ep.einde = begin(y)
		}
	}
	if tg.opgelost > len(ending)-1 {
		return nil, nil, fmt.Errorf("demo: thuiszitters %d %s: %d opgelost of %d endings", y, sub, tg.opgelost, len(ending))
	}
	shuffle(r, ending)
	adult := func(ep *episode) bool { return age(ep.p.birth, ep.einde) >= 18 }
	sort.SliceStable(ending, func(i, j int) bool { return !adult(ending[i]) && adult(ending[j]) }) // turning 18 solves nothing
	for k, ep := range ending {
		ep.opgelost = k < tg.opgelost
		switch {
		case ep.opgelost:
			ep.reden = []string{"SCHOOL", "SCHOOL", "SCHOOL", "ZORG"}[r.IntN(4)]
		case age(ep.p.birth, ep.einde) >= 18:
			ep.reden = "18_JAAR"
		default:
			ep.reden = []string{"VERHUISD", "VRIJSTELLING", "OVERIG", "OVERIG"}[r.IntN(4)]
		}
		if !ep.aanbod.IsZero() && ep.aanbod.After(ep.einde) {
			ep.aanbod = time.Time{}
		}
		delete(busy, ep.p)
	}
	return running, made, nil
}

// setAanbod gives a new episode the date of a suitable offer: within 3 months for a
// share of them, later or never for the rest.
func setAanbod(r *rand.Rand, ep *episode, share float64) {
	switch x := r.Float64(); {
	case x < share:
		ep.aanbod = randDay(r, addDays(ep.start, 5), addMonths(ep.start, 3))
	case x < share+(1-share)*0.6:
		ep.aanbod = addDays(addMonths(ep.start, 3), 1+r.IntN(120))
	}
}
