package demo

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"sort"
	"time"
)

// leerling is one row of the leerlingen extract of a peildatum.
type leerling struct {
	p     *person
	soort string // onderwijssoort
	brin  string
	sk    string // startkwalificatie J, N or empty
}

// buildLeerlingen selects the residents the BRP extract of 1 October of year y holds —
// 5 to 17 in Zuid-Kennemerland (IJmond runs leerplicht locally), 18 to 22 in the whole
// region (18 to 26 from the law of 2026 on: first peildatum 1 October 2026), plus a few
// just outside the bands (a 4-year-old about to turn 5, a 23-year-old — from 2026 a
// 27-year-old — who just did) that tabel1 must leave out — and gives each a school type.
// For 2018 the school types reproduce tabel1 of the seed exactly; other years keep its
// proportions, and the youths of 23 to 26 are mostly out of school.
func buildLeerlingen(pop *population, y int) ([]leerling, error) {
	t := peil(y)
	adultMax := 22 // the oldest age of the extract's adult band on t
	if !t.Before(lawDay()) {
		adultMax = 26
	}
	groups := map[string][]*person{}
	var edge []*person
	for _, ps := range [][]*person{pop.zk, pop.ij} {
		for _, p := range ps {
			if !p.inRegion(t) {
				continue
			}
			a := age(p.birth, t)
			zk := p.gem.sub == "zk"
			switch {
			case zk && a >= 5 && a <= 17:
				groups["5_18_"+p.sex] = append(groups["5_18_"+p.sex], p)
			case a >= 18 && a <= 22:
				groups["18_23_"+p.gem.sub] = append(groups["18_23_"+p.gem.sub], p)
			case a >= 23 && a <= adultMax:
				groups["23_27_"+p.gem.sub] = append(groups["23_27_"+p.gem.sub], p)
			case zk && a == 4 && age(p.birth, addDays(t, 7)) == 5, a == adultMax+1 && age(p.birth, addDays(t, -7)) == adultMax:
				edge = append(edge, p)
			}
		}
	}
	r := rng("leerlingen", y)
	var out []leerling
	for _, g := range []struct{ key, seedRow string }{
		{"5_18_M", "jongens_5_18"}, {"5_18_V", "meisjes_5_18"}, {"5_18_X", ""},
		{"18_23_zk", "18_23_zk"}, {"18_23_ijmond", "18_23_ijmond"},
		{"23_27_zk", ""}, {"23_27_ijmond", ""},
	} {
		ps := groups[g.key]
		if len(ps) == 0 && g.key[:2] == "23" {
			continue // before the law of 2026: not in the extract
		}
		var quota [6]int
		switch {
		case y == 2018 && g.seedRow != "":
			quota = seedTabel1(g.seedRow)
			if n := seedTabel1Totaal(g.seedRow); n != len(ps) {
				return nil, fmt.Errorf("demo: leerlingen 2018 %s: %d persons, seed has %d", g.key, len(ps), n)
			}
		case y == 2018 && len(ps) > 0:
			return nil, fmt.Errorf("demo: leerlingen 2018: %d persons of sex X aged 5-17, seed has none", len(ps))
		case g.key[:2] == "23":
			copy(quota[:], apportion(len(ps), over22Extract()))
		default:
			var w []float64
			for i := range 6 {
				if g.seedRow == "" {
					w = append(w, float64(seedTabel1("jongens_5_18")[i]+seedTabel1("meisjes_5_18")[i]))
				} else {
					w = append(w, float64(seedTabel1(g.seedRow)[i]))
				}
			}
			copy(quota[:], apportion(len(ps), w))
		}
		out = append(out, assignSchool(r, ps, quota, t, g.key[:2] != "5_")...)
	}
	for _, p := range edge {
		l := leerling{p: p, soort: "WPO", brin: brin(p, "WPO")}
		if age(p.birth, t) > 18 {
			l = leerling{p: p, soort: "GEEN", sk: "J"}
		}
		out = append(out, l)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].p.bsn < out[j].p.bsn }) // BSNs are unique
	return out, nil
}

// assignSchool gives the persons of one tabel1 row their school types, quota[i] of
// onderwijs()[i], in a way that fits their age: special education and unknowns anywhere,
// not enrolled mostly among the oldest, primary school for the youngest, mbo for the
// oldest minors and the youngest adults.
func assignSchool(r *rand.Rand, ps []*person, quota [6]int, t time.Time, adult bool) []leerling {
	ageOf := func(p *person) float64 { return float64(age(p.birth, t)) }
	flat := func(*person) float64 { return 1 }
	var out []leerling
	give := func(sel []*person, soort string) {
		for _, p := range sel {
			l := leerling{p: p, soort: soort, brin: brin(p, soort)}
			l.sk = startkwalificatie(r, ageOf(p), soort)
			out = append(out, l)
		}
	}
	rest := ps
	var sel []*person
	sel, rest = takeWeighted(r, rest, quota[1], flat)
	give(sel, "WEC")
	sel, rest = takeWeighted(r, rest, quota[4], flat)
	give(sel, "ONBEKEND")
	if !adult {
		sel, rest = takeWeighted(r, rest, quota[5], func(p *person) float64 { return math.Max(1, ageOf(p)-12) })
		give(sel, "GEEN")
		sel, rest = takeWeighted(r, rest, quota[0], func(p *person) float64 { return math.Pow(2, 12-ageOf(p)) })
		give(sel, "WPO")
		sel, rest = takeWeighted(r, rest, quota[3], func(p *person) float64 { return math.Pow(3, ageOf(p)-17) })
		give(sel, "WEB")
		give(rest, "WVO")
		return out
	}
	sel, rest = takeWeighted(r, rest, quota[0], flat)
	give(sel, "WPO")
	sel, rest = takeWeighted(r, rest, quota[2], func(p *person) float64 { return math.Pow(6, 18-ageOf(p)) })
	give(sel, "WVO")
	sel, rest = takeWeighted(r, rest, quota[3], func(p *person) float64 { return math.Pow(math.Max(23-ageOf(p), 0.5), 2) })
	give(sel, "WEB")
	give(rest, "GEEN")
	return out
}

// takeWeighted draws k persons without replacement, each with probability proportional
// to w (Efraimidis–Spirakis keys), and returns them and the rest, both in input order.
func takeWeighted(r *rand.Rand, ps []*person, k int, w func(*person) float64) (sel, rest []*person) {
	if k <= 0 {
		return nil, ps
	}
	type keyed struct {
		i   int
		key float64
	}
	keys := make([]keyed, len(ps))
	for i, p := range ps {
		keys[i] = keyed{i, math.Log(r.Float64()+1e-300) / w(p)}
	}
	sort.Slice(keys, func(a, b int) bool { // a total order: the result does not depend on the algorithm
		return keys[a].key > keys[b].key || (keys[a].key == keys[b].key && keys[a].i < keys[b].i)
	})
	chosen := make([]bool, len(ps))
	for _, kk := range keys[:min(k, len(keys))] {
		chosen[kk.i] = true
	}
	for i, p := range ps {
		if chosen[i] {
			sel = append(sel, p)
		} else {
			rest = append(rest, p)
		}
	}
	return sel, rest
}

// startkwalificatie is J for most adults out of school (they left with a diploma), for
// some mbo students, N for other enrolled youths from 16 on, and empty below 16.
func startkwalificatie(r *rand.Rand, a float64, soort string) string {
	switch {
	case a < 16:
		return ""
	case soort == "GEEN" && a >= 18:
		return yesNo(r.Float64() < 0.62)
	case soort == "WEB" && a >= 18:
		return yesNo(r.Float64() < 0.25)
	case soort == "ONBEKEND":
		return ""
	}
	return "N"
}

func yesNo(b bool) string {
	if b {
		return "J"
	}
	return "N"
}

// brin is the school a person attends for a school type: stable per person, so a youth
// keeps the school from year to year. Codes look like real BRINs (two digits, two letters).
func brin(p *person, soort string) string {
	n := map[string]int{"WPO": 74, "WEC": 9, "WVO": 23, "WEB": 5}[soort]
	if n == 0 {
		return ""
	}
	h := fnv.New32a()
	fmt.Fprintf(h, "%s/%s", p.bsn, soort)
	i := int(h.Sum32()) % n
	base := map[string]int{"WPO": 0, "WEC": 74, "WVO": 83, "WEB": 106}[soort] + i
	return fmt.Sprintf("%02d%c%c", 10+base%30, 'A'+byte(base*7%26), 'A'+byte(base*11%26))
}
