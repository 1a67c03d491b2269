package demo

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"time"
)

// melding is one absence report.
type melding struct {
	id        string
	p         *person
	onderwijs string
	soort     string
	datum     time.Time // meldingsdatum
	start     time.Time // zero: not delivered
	uren      float64   // < 0: not delivered
	brin      string
	note      string
	row       string // the tabel3 row it is counted in; "" when the table leaves it out
	measured  bool   // has a HALT or PV
}

// daySampler draws dates of a school year with a seasonal weight per day.
type daySampler struct {
	days []time.Time
	cum  []float64
}

// newSampler weighs the days of year y for reports or measures of a kind: weekdays,
// fewer in school holidays, luxe reports in the days before a holiday, and the covid
// school closures of spring 2020 and winter 2020-2021.
func newSampler(y int, kind string) *daySampler {
	s := &daySampler{}
	total := 0.0
	for t := begin(y); !t.After(end(y)); t = addDays(t, 1) {
		w := []float64{0.3, 0.9, 1, 1.2, 1, 1.15, 1.1, 1.2, 1, 0.95, 1, 0.6}[(int(t.Month())+4)%12]
		if wd := t.Weekday(); wd == time.Saturday || wd == time.Sunday {
			w *= 0.04
		}
		md := int(t.Month())*100 + t.Day()
		holiday := md >= 713 || md <= 825 || (md >= 1017 && md <= 1025) || md >= 1222 || md <= 105 ||
			(md >= 217 && md <= 225) || (md >= 427 && md <= 505)
		before := (md >= 1005 && md < 1017) || (md >= 1210 && md < 1222) || (md >= 205 && md < 217) ||
			(md >= 415 && md < 427) || (md >= 628 && md < 713)
		switch {
		case holiday && kind == "ABSOLUUT":
			w *= 0.5
		case holiday:
			w *= 0.08
		case before && kind == "LUXE":
			w *= 5
		}
		if (t.After(day(2020, 3, 15)) && t.Before(day(2020, 6, 8))) || (t.After(day(2020, 12, 15)) && t.Before(day(2021, 2, 8))) {
			w *= 0.2
		}
		total += w
		s.days = append(s.days, t)
		s.cum = append(s.cum, total)
	}
	return s
}

func (s *daySampler) draw(r *rand.Rand) time.Time {
	x := r.Float64() * s.cum[len(s.cum)-1]
	return s.days[sort.SearchFloat64s(s.cum, x)]
}

// ageRange is the plausible age on meldingsdatum for a school type of origin.
func ageRange(adult bool, soort string) (int, int) {
	switch {
	case adult && (soort == "WEC" || soort == "WVO"):
		return 18, 20
	case adult:
		return 18, 22
	case soort == "WPO":
		return 5, 12
	case soort == "WVO":
		return 12, 17
	case soort == "WEB":
		return 16, 17
	}
	return 7, 17
}

// notes are the free texts case workers type into `opmerking` (they make the encoding matter).
func notes() []string {
	return []string{"", "", "", "Ouders geïnformeerd", "Gesprek met leerling en ouders; zorgcoördinator ingeschakeld",
		"Vakantie vóór de herfstvakantie, boete € 100 overwogen", "Leerling ziek gemeld, maar gezien in café",
		"Schoolarts ingeschakeld", "Overleg met mentor: ‘geen motivatie’", "Reünie familie in het buitenland",
		"Vader geeft aan dat zoon ’s ochtends niet uit bed komt", "Verzuim ná waarschuwing"}
}

// buildMeldingen generates the absence reports of every year up to last: the counted
// ones of the plan, with a few on the edges (the first and last day of the year, the day
// before and on the 18th birthday), and reports tabel3 leaves out (SIGNAAL, LUXE at 18+,
// RELATIEF at 23+ before the law of 2026, at 27). From 2025-2026 on come the RELATIEF
// reports of youths aged 23 to 26 the law of 2026 brings (lawReports).
func buildMeldingen(pop *population, last int) ([]*melding, error) {
	var all []*melding
	for y := FirstYear; y <= last; y++ {
		r := rng("meldingen", y)
		samplers := map[string]*daySampler{}
		sampler := func(k string) *daySampler {
			if samplers[k] == nil {
				samplers[k] = newSampler(y, k)
			}
			return samplers[k]
		}
		var year []*melding
		add := func(p *person, t time.Time, soort, ond, row string) {
			m := &melding{p: p, onderwijs: ond, soort: soort, datum: t, row: row, uren: -1,
				brin: brin(p, ond), note: notes()[r.IntN(len(notes()))]}
			switch soort {
			case "RELATIEF":
				m.uren, m.start = float64(8+r.IntN(90))+0.5*float64(r.IntN(2)), addDays(t, -7-r.IntN(28))
			case "LUXE":
				m.uren, m.start = float64(4*(1+r.IntN(10))), addDays(t, -1-r.IntN(9))
			case "ABSOLUUT":
				m.start = addDays(t, -5-r.IntN(55))
			case "SIGNAAL":
				m.uren, m.start = float64(2+r.IntN(15)), addDays(t, -7-r.IntN(21))
			}
			if r.IntN(20) == 0 {
				m.start = time.Time{}
			}
			year = append(year, m)
		}
		plan := tabel3Plan(y)
		for i, row := range tabel3Rows() {
			var seen []*person
			for j, ond := range onderwijs() {
				lo, hi := ageRange(row.adult, ond)
				for k := range plan[i][j] {
					t := sampler(row.soort).draw(r)
					var p *person
					switch {
					case row.name == "relatief" && ond == "WVO" && k < 2: // first and last day of the year
						t = []time.Time{begin(y), end(y)}[k]
					case row.name == "relatief" && ond == "WEB" && k == 0: // turns 18 tomorrow: still a minor
						p, t = birthdayPerson(r, pop, sampler(row.soort), "zk", 18, 1, t)
					case row.name == "relatief_18plus_zk" && ond == "WEB" && k == 0: // on the 18th birthday
						p, t = birthdayPerson(r, pop, sampler(row.soort), "zk", 18, 0, t)
					}
					if p == nil && len(seen) > 0 && r.Float64() < 0.12 { // a repeat report
						q := seen[r.IntN(len(seen))]
						if a := age(q.birth, t); a >= lo && a <= hi && q.inRegion(t) {
							p = q
						}
					}
					for try := 0; p == nil; try++ {
						if try > 50 {
							return nil, fmt.Errorf("demo: no person for %s %s in %d", row.name, ond, y)
						}
						if p = pop.pick(r, row.sub, t, t, lo, hi, nil); p == nil && k >= 2 {
							t = sampler(row.soort).draw(r)
						}
					}
					seen = append(seen, p)
					add(p, t, row.soort, ond, row.name)
				}
			}
		}
		counted := len(year)
		for range counted / 5 { // preventive signals
			t := sampler("SIGNAAL").draw(r)
			sub, lo, hi, ond := "zk", 12, 17, []string{"WPO", "WEC", "WVO", "WVO", "WEB", "WEB"}[r.IntN(6)]
			if ond == "WPO" {
				lo, hi = 6, 12
			}
			if r.IntN(7) == 0 {
				sub, lo, hi, ond = []string{"zk", "ijmond"}[r.IntN(2)], 18, 22, "WEB"
			}
			if p := pop.pick(r, sub, t, t, lo, hi, nil); p != nil {
				add(p, t, "SIGNAAL", ond, "")
			}
		}
		for k := range 3 { // luxe at 18+: a holiday of a student, not in the table
			t := sampler("LUXE").draw(r)
			if p := pop.pick(r, []string{"zk", "ijmond", "zk"}[k], t, t, 18, 19, nil); p != nil {
				add(p, t, "LUXE", "WEB", "")
			}
		}
		if p, t := birthdayPerson(r, pop, sampler("RELATIEF"), "ijmond", 23, 0, time.Time{}); p != nil { // 23 today
			add(p, t, "RELATIEF", "WEB", over22Row("ijmond", t))
		}
		t := sampler("RELATIEF").draw(r)
		if p := pop.pick(r, "zk", t, t, 24, 25, nil); p != nil {
			add(p, t, "RELATIEF", "ONBEKEND", over22Row("zk", t))
		}
		if y > planYear {
			if err := addLawReports(r, pop, y, sampler("RELATIEF"), add); err != nil {
				return nil, err
			}
		}
		sort.SliceStable(year, func(i, j int) bool { return year[i].datum.Before(year[j].datum) })
		for i, m := range year {
			m.id = fmt.Sprintf("VM%02d-%05d", y%100, i+1)
		}
		all = append(all, year...)
	}
	return all, nil
}

// over22Row is the tabel3 row of a RELATIEF report of a youth aged 23 to 26 in sub-region
// sub: none before the law of 2026, relatief_18plus_<sub> from 1 January 2026.
func over22Row(sub string, t time.Time) string {
	if t.Before(lawDay()) {
		return ""
	}
	return "relatief_18plus_" + sub
}

// addLawReports adds the RELATIEF reports of youths aged 23 to 26 in a year after the
// plan (lawReports), all dated on or after 1 January 2026, and the edges of the law: in
// 2025-2026 a report of a 24-year-old on 31 December 2025 (before the law: not counted)
// and one on 1 January 2026 (counted); from 2026-2027 a report on the 27th birthday (not
// counted).
func addLawReports(r *rand.Rand, pop *population, y int, smp *daySampler,
	add func(p *person, t time.Time, soort, ond, row string)) error {
	for _, sub := range []string{"zk", "ijmond"} {
		for j, n := range apportion(lawReports(y, sub), over22Reports()) {
			ond := onderwijs()[j]
			for range n {
				var p *person
				var t time.Time
				for try := 0; p == nil; try++ {
					if try > 50 {
						return fmt.Errorf("demo: no person aged 23 to 26 for a report in %d %s", y, sub)
					}
					t = smp.draw(r)
					for t.Before(lawDay()) { // 2025-2026: only the months under the law
						t = smp.draw(r)
					}
					p = pop.pick(r, sub, t, t, 23, 26, nil)
				}
				add(p, t, "RELATIEF", ond, over22Row(sub, t))
			}
		}
	}
	if y == schoolYear(lawDay()) {
		for _, t := range []time.Time{addDays(lawDay(), -1), lawDay()} {
			if p := pop.pick(r, "zk", t, t, 24, 24, nil); p != nil {
				add(p, t, "RELATIEF", "WEB", over22Row("zk", t))
			}
		}
		return nil
	}
	if p, t := birthdayPerson(r, pop, smp, "zk", 27, 0, time.Time{}); p != nil { // 27 today
		add(p, t, "RELATIEF", "WEB", "")
	}
	return nil
}

// birthdayPerson finds a person of sub-region s and a report date on which they are
// `years` old, with their birthday `daysAhead` days later (0: today is the birthday).
// When none is found it returns nil and the fallback date.
func birthdayPerson(r *rand.Rand, pop *population, smp *daySampler, s string, years, daysAhead int, fallback time.Time) (*person, time.Time) {
	for range 200 {
		t := smp.draw(r)
		b := addDays(t, daysAhead).AddDate(-years, 0, 0)
		if p := pop.bornOn(r, s, b, t, nil); p != nil && age(p.birth, t) == years-min(daysAhead, 1) {
			return p, t
		}
	}
	return nil, fallback
}
