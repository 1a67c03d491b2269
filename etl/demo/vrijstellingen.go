package demo

import (
	"fmt"
	"sort"
	"time"
)

// vrijstelling is one exemption decision.
type vrijstelling struct {
	id            string
	p             *person
	artikel       string // canonical: 5A
	besluit       time.Time
	ingang, einde time.Time // zero: not delivered
	counted       bool
}

// buildVrijstellingen generates the exemptions of the plan (tabel2) for Zuid-Kennemerland,
// where the bureau runs leerplicht, plus one a year for a 4-year-old (decided before the
// child turns 5: tabel2 leaves it out). One decision a year falls on 1 August. Every
// year up to last.
func buildVrijstellingen(pop *population, last int) ([]*vrijstelling, error) {
	var out []*vrijstelling
	for y := FirstYear; y <= last; y++ {
		r := rng("vrijstellingen", y)
		smp := newSampler(y, "MAATREGEL")
		var year []*vrijstelling
		for i, n := range vrijstellingPlan(y) {
			art := artikelen()[i]
			lo, hi := 5, 17
			switch art {
			case "15":
				lo = 16
			case "3A", "3B":
				lo = 12
			case "11F", "11G":
				hi = 16
			}
			for k := range n {
				var p *person
				var t time.Time
				for try := 0; p == nil; try++ {
					if try > 50 {
						return nil, fmt.Errorf("demo: no person for exemption %s in %d", art, y)
					}
					t = smp.draw(r)
					if art == "5A" && k == 0 {
						t = begin(y)
					}
					p = pop.pick(r, "zk", t, t, lo, hi, nil)
				}
				year = append(year, exemptionDates(&vrijstelling{p: p, artikel: art, besluit: t, counted: true}, r.IntN))
			}
		}
		t := smp.draw(r)
		if p := pop.pick(r, "zk", t, t, 4, 4, func(p *person) bool { return age(p.birth, addDays(t, 60)) == 5 }); p != nil {
			year = append(year, exemptionDates(&vrijstelling{p: p, artikel: "5A", besluit: t}, r.IntN))
		}
		sort.SliceStable(year, func(i, j int) bool { return year[i].besluit.Before(year[j].besluit) })
		for i, v := range year {
			v.id = fmt.Sprintf("VR%d-%04d", y+1, i+1)
		}
		out = append(out, year...)
	}
	return out, nil
}

// exemptionDates sets the period an exemption covers, typical for its article.
func exemptionDates(v *vrijstelling, intn func(int) int) *vrijstelling {
	y := schoolYear(v.besluit)
	v.ingang = addDays(v.besluit, intn(15))
	switch v.artikel {
	case "5A", "3A", "3B", "5C":
		v.einde = end(y)
		if v.ingang.After(addMonths(end(y), -2)) {
			v.einde = end(y + 1)
		}
	case "5B":
		v.einde = time.Time{} // for as long as the objection stands
	case "11F", "11G":
		v.ingang = addDays(v.besluit, 1+intn(30))
		v.einde = addDays(v.ingang, 10+intn(30))
	case "15":
		v.einde = addDays(v.p.birth.AddDate(18, 0, 0), -1) // until the 18th birthday
	}
	if last := addDays(v.p.birth.AddDate(18, 0, 0), -1); !v.einde.IsZero() && v.einde.After(last) {
		v.einde = last // leerplicht ends at 18
	}
	if !v.einde.IsZero() && v.einde.Before(v.ingang) {
		v.ingang = v.besluit // a 17-year-old close to 18: the exemption starts at once
	}
	return v
}
