package demo

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"time"
)

// gemeente is a municipality of region 25 with its share of the youth population.
type gemeente struct {
	code, naam, sub string
	weight          float64
	tot             time.Time // last day it existed; zero when it still exists
}

// regionGemeenten mirrors reference/regio.csv. Haarlemmerliede en Spaarnwoude merged into
// Haarlemmermeer (outside the region) on 1 January 2019.
func regionGemeenten() []gemeente {
	return []gemeente{
		{"GM0375", "Beverwijk", "ijmond", 41, time.Time{}},
		{"GM0377", "Bloemendaal", "zk", 23, time.Time{}},
		{"GM0392", "Haarlem", "zk", 160, time.Time{}},
		{"GM0393", "Haarlemmerliede en Spaarnwoude", "zk", 6, day(2018, time.December, 31)},
		{"GM0396", "Heemskerk", "ijmond", 39, time.Time{}},
		{"GM0397", "Heemstede", "zk", 27, time.Time{}},
		{"GM0453", "Velsen", "ijmond", 68, time.Time{}},
		{"GM0473", "Zandvoort", "zk", 17, time.Time{}},
	}
}

// person is one synthetic resident. Everyone lives in one municipality for life; some
// leave the region at 18 or 19 (students moving away).
type person struct {
	bsn   string
	birth time.Time
	sex   string // M, V, X
	gem   *gemeente
	leave int // age at which the person left the region; 0 = stays
}

// inRegion tells whether the person lives in the region on t: not yet moved away, and
// the municipality still exists.
func (p *person) inRegion(t time.Time) bool {
	if p.leave > 0 && age(p.birth, t) >= p.leave {
		return false
	}
	return p.gem.tot.IsZero() || !t.After(p.gem.tot)
}

// population is every synthetic resident, per sub-region ordered by birth date.
type population struct {
	gems []gemeente
	zk   []*person
	ij   []*person
	bsns bsnSeq
	// planZK and planIJ are how many persons of zk and ij the first ten years were drawn
	// from: those born up to 1 October 2020. The younger cohorts, added for the years
	// after the plan, come after them and are drawn from only from 2025-2026 on.
	planZK, planIJ int
}

// bsnSeq hands out distinct nine-digit numbers that pass the eleven test.
type bsnSeq struct{ n uint64 }

// next returns a fresh BSN. The counter is scrambled by a bijection onto
// [1 000 000, 100 000 000) so the numbers do not look sequential (about one in ten starts
// with a 0, like the old 8-digit numbers); the ninth digit makes the eleven test hold.
func (s *bsnSeq) next() string {
	for {
		s.n++
		prefix := 1_000_000 + (s.n*7919+21_345_678)%99_000_000
		digits := fmt.Sprintf("%08d", prefix)
		sum := 0
		for i, c := range digits {
			sum += (9 - i) * int(c-'0')
		}
		if d9 := sum % 11; d9 < 10 && prefix != 0 {
			return fmt.Sprintf("%s%d", digits, d9)
		}
	}
}

// elevenTest reports whether s is a valid 9-digit BSN (9·d1 + … + 2·d8 − d9 ≡ 0 mod 11).
func elevenTest(s string) bool {
	if len(s) == 8 {
		s = "0" + s
	}
	if len(s) != 9 || s == "000000000" {
		return false
	}
	sum := 0
	for i, c := range s {
		if c < '0' || c > '9' {
			return false
		}
		w := 9 - i
		if i == 8 {
			w = -1
		}
		sum += w * int(c-'0')
	}
	return sum%11 == 0
}

// newPopulation builds the residents. Cohorts are defined by their age on 1 October 2018,
// the peildatum whose tabel1 is published: the cohorts tabel1 counts that day have
// exactly the seed's sizes; the others (younger, older, or already moved away) are sized
// to continue the trend, so the other peildata look alike.
func newPopulation() *population {
	refDate := peil(2018)
	pop := &population{gems: regionGemeenten()}
	r := rng("population", 0)
	add := func(sub string, a, n int, sexFn func() string, leaveFn func() int) {
		lo := refDate.AddDate(-(a + 1), 0, 1)
		hi := refDate.AddDate(-a, 0, 0)
		for range n {
			b := randDay(r, lo, hi)
			for b.Month() == time.February && b.Day() == 29 {
				b = randDay(r, lo, hi) // no leap-day birthdays: their age is ambiguous
			}
			p := &person{bsn: pop.bsns.next(), birth: b, sex: sexFn(), gem: pop.pickGemeente(r, sub), leave: leaveFn()}
			if sub == "zk" {
				pop.zk = append(pop.zk, p)
			} else {
				pop.ij = append(pop.ij, p)
			}
		}
	}
	sexMV := func(pm float64) func() string {
		return func() string {
			if r.Float64() < pm {
				return "M"
			}
			return "V"
		}
	}
	adultSex := func() string {
		x := r.Float64()
		switch {
		case x < 0.003:
			return "X"
		case x < 0.503:
			return "M"
		}
		return "V"
	}
	stay := func() int { return 0 }
	mayLeave := func() int { // 12% of Zuid-Kennemerland youths move away at 18 or 19
		if r.Float64() < 0.12 {
			return 18 + r.IntN(2)
		}
		return 0
	}
	// tabel1 2018-2019: 5–18 (Zuid-Kennemerland only) by sex, 18–23 by sub-region.
	ages := func(lo, hi int) []float64 {
		w := make([]float64, 0, hi-lo+1)
		for a := lo; a <= hi; a++ {
			w = append(w, 1+0.012*float64(a-11)) // births fell in the 2010s
		}
		return w
	}
	for i, n := range apportion(seedTabel1Totaal("jongens_5_18"), ages(5, 17)) {
		add("zk", 5+i, n, func() string { return "M" }, mayLeave)
	}
	for i, n := range apportion(seedTabel1Totaal("meisjes_5_18"), ages(5, 17)) {
		add("zk", 5+i, n, func() string { return "V" }, mayLeave)
	}
	for i, n := range apportion(seedTabel1Totaal("18_23_zk"), ages(18, 22)) {
		add("zk", 18+i, n, adultSex, stay)
	}
	for i, n := range apportion(seedTabel1Totaal("18_23_ijmond"), ages(18, 22)) {
		add("ijmond", 18+i, n, adultSex, stay)
	}
	// Cohorts outside the 2018 bands, present in other years (and for RMC up to 27).
	for a := -2; a <= 4; a++ {
		add("zk", a, 2500-12*(5-a), sexMV(0.512), mayLeave)
	}
	for a := 23; a <= 31; a++ {
		add("zk", a, 2290, adultSex, stay)
	}
	for a := 18; a <= 31; a++ { // those who left at 18 or 19 before 1 October 2018
		add("zk", a, 300, adultSex, func() int { return 18 + r.IntN(min(2, a-17)) })
	}
	for a := -2; a <= 17; a++ {
		add("ijmond", a, 1745, sexMV(0.512), stay)
	}
	for a := 23; a <= 31; a++ {
		add("ijmond", a, 1700, adultSex, stay)
	}
	pop.planZK, pop.planIJ = len(pop.zk), len(pop.ij)
	// The cohorts born after 1 October 2020, for the years after the plan: every child
	// who can be 4 by end(LastYear), from a stream of their own so that the persons above
	// keep their birth dates and BSNs. Births keep falling slowly.
	r = rng("population", 1)
	for a := -3; refDate.AddDate(-(a+1), 0, 1).AddDate(4, 0, 0).Before(end(LastYear)); a-- {
		add("zk", a, 2500-12*(5-a), sexMV(0.512), mayLeave)
		add("ijmond", a, 1745, sexMV(0.512), stay)
	}
	byBirth := func(s []*person) {
		sort.SliceStable(s, func(i, j int) bool { return s[i].birth.Before(s[j].birth) })
	}
	byBirth(pop.zk)
	byBirth(pop.ij)
	if !sorted(pop.zk[:pop.planZK], pop.zk[pop.planZK:]) || !sorted(pop.ij[:pop.planIJ], pop.ij[pop.planIJ:]) {
		panic("demo: the cohorts after the plan must be born after every earlier person")
	}
	return pop
}

// sorted reports whether everyone in later is born after everyone in earlier.
func sorted(earlier, later []*person) bool {
	return len(earlier) == 0 || len(later) == 0 || later[0].birth.After(earlier[len(earlier)-1].birth)
}

// pickGemeente draws a municipality of the sub-region by population weight.
func (pop *population) pickGemeente(r *rand.Rand, sub string) *gemeente {
	var idx []int
	var w []float64
	for i, g := range pop.gems {
		if g.sub == sub {
			idx = append(idx, i)
			w = append(w, g.weight)
		}
	}
	return &pop.gems[idx[pickWeighted(r, w)]]
}

// sub returns the persons of a sub-region, ordered by birth date.
func (pop *population) sub(s string) []*person {
	if s == "zk" {
		return pop.zk
	}
	return pop.ij
}

// drawable returns the persons of sub-region s a record dated t is drawn from: before
// 2025-2026 only the persons of the first ten years (a 4-year-old exemption of
// 2024-2025 would otherwise draw from a longer list, and change), after that everyone.
func (pop *population) drawable(s string, t time.Time) []*person {
	ps := pop.sub(s)
	if t.Before(begin(planYear + 1)) {
		if s == "zk" {
			return ps[:pop.planZK]
		}
		return ps[:pop.planIJ]
	}
	return ps
}

// pick returns a random person of sub-region s who lives in the region on t and still
// on until (interval records pass a later date), whose age on t lies in [lo, hi] and who
// satisfies ok (nil: anyone). It returns nil when nobody fits.
func (pop *population) pick(r *rand.Rand, s string, t, until time.Time, lo, hi int, ok func(*person) bool) *person {
	ps := pop.drawable(s, t)
	first := t.AddDate(-(hi + 1), 0, 1) // born on or after: age <= hi
	last := t.AddDate(-lo, 0, 0)        // born on or before: age >= lo
	i := sort.Search(len(ps), func(i int) bool { return !ps[i].birth.Before(first) })
	j := sort.Search(len(ps), func(i int) bool { return ps[i].birth.After(last) })
	if j <= i {
		return nil
	}
	for range 200 {
		p := ps[i+r.IntN(j-i)]
		a := age(p.birth, t)
		if a < lo || a > hi || !p.inRegion(t) || !p.inRegion(until) {
			continue
		}
		if ok == nil || ok(p) {
			return p
		}
	}
	return nil
}

// bornOn returns a random person of sub-region s born on date b who lives in the region
// on t and satisfies ok, or nil.
func (pop *population) bornOn(r *rand.Rand, s string, b, t time.Time, ok func(*person) bool) *person {
	ps := pop.drawable(s, t)
	i := sort.Search(len(ps), func(i int) bool { return !ps[i].birth.Before(b) })
	var cands []*person
	for ; i < len(ps) && ps[i].birth.Equal(b); i++ {
		if ps[i].inRegion(t) && (ok == nil || ok(ps[i])) {
			cands = append(cands, ps[i])
		}
	}
	if len(cands) == 0 {
		return nil
	}
	return cands[r.IntN(len(cands))]
}
