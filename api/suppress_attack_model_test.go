package api

import (
	"sort"
	"strings"
	"time"

	"github.com/hetleerplein/leerplein/warehouse"
	"github.com/hetleerplein/leerplein/warehouse/suppresstest"
)

// The attacker's equations (suppress_attack_test.go collects the figures): per school
// year, every sum the documentation states, solved at once.

func (r *attackReader) allYears() []string {
	seen := map[string]bool{}
	for k := range r.shown {
		if parts := strings.Split(k, "|"); len(parts) == 3 {
			seen[parts[2]] = true
		}
	}
	var out []string
	for y := range seen {
		out = append(out, y)
	}
	sort.Strings(out)
	return out
}

// monthEnd is the last day of month (yyyy-mm) as yyyy-mm-dd.
func monthEnd(month string) string {
	t, err := time.Parse("2006-01", month)
	if err != nil {
		return month
	}
	return t.AddDate(0, 1, -1).Format(time.DateOnly)
}

// attackModel is the reader's equations for one school year.
type attackModel struct {
	values []int64
	know   []suppresstest.Knowledge
	name   []string
	rest   map[int]bool
	index  map[string]int
	rels   []warehouse.Relation
}

// variable is the figure under key as an unknown or a known value.
func (m *attackModel) variable(r *attackReader, key string) (int, bool) {
	if i, ok := m.index[key]; ok {
		return i, true
	}
	e, ok := r.exact[key]
	if !ok {
		return 0, false
	}
	i := len(m.values)
	m.index[key] = i
	m.values = append(m.values, int64(e))
	m.name = append(m.name, key)
	switch {
	case r.shown[key] != nil:
		m.know = append(m.know, suppresstest.Known)
	case e >= 1 && e < 5:
		m.know = append(m.know, suppresstest.Small)
	default:
		m.know = append(m.know, suppresstest.NotSmall)
	}
	return i, true
}

// sum adds total = Σ parts, with an unknown rest when the figures leave one.
func (m *attackModel) sum(r *attackReader, total string, parts []string) {
	t, ok := m.variable(r, total)
	if !ok {
		return
	}
	rel := warehouse.Relation{Total: t}
	rest := m.values[t]
	for _, p := range parts {
		if i, ok := m.variable(r, p); ok { // a part without a figure is in the rest
			rel.Parts = append(rel.Parts, i)
			rest -= m.values[i]
		}
	}
	if rest < 0 {
		return
	}
	if rest > 0 {
		i := len(m.values)
		m.values = append(m.values, rest)
		m.name = append(m.name, total+" minus "+strings.Join(parts, " + "))
		m.rest[i] = true
		k := suppresstest.Unknown
		if rest < 5 {
			k = suppresstest.Small
		}
		m.know = append(m.know, k)
		rel.Parts = append(rel.Parts, i)
	}
	m.rels = append(m.rels, rel)
}

// solve attacks one school year with every sum the reader knows.
func (r *attackReader) solve(year string) {
	m := &attackModel{index: map[string]int{}, rest: map[int]bool{}}
	months := map[string][]string{} // area → the months of the year (yyyy-mm), in order
	for k, y := range r.years {
		if y != year {
			continue
		}
		parts := strings.Split(k, "|")
		if parts[3] == "totaal" && parts[1] == "regio" {
			months["all"] = append(months["all"], parts[2])
		}
	}
	sort.Strings(months["all"])
	soorten := []string{"relatief", "luxe", "absoluut"}
	for _, a := range r.areas {
		if len(a.parts) > 0 {
			for _, kpi := range r.counts {
				var parts []string
				for _, p := range a.parts {
					parts = append(parts, yearKey(kpi, p, year))
				}
				m.sum(r, yearKey(kpi, a.key, year), parts)
			}
			for _, month := range months["all"] {
				for _, s := range append(soorten, "totaal") {
					var parts []string
					for _, p := range a.parts {
						parts = append(parts, monthFigKey(p, month, s))
					}
					m.sum(r, monthFigKey(a.key, month, s), parts)
				}
			}
		}
		m.sum(r, yearKey("thuiszitters", a.key, year), []string{yearKey("thuiszitters_langer_dan_3_maanden", a.key, year)})
		var totals []string
		for _, month := range months["all"] {
			var parts []string
			for _, s := range soorten {
				parts = append(parts, monthFigKey(a.key, month, s))
			}
			m.sum(r, monthFigKey(a.key, month, "totaal"), parts)
			totals = append(totals, monthFigKey(a.key, month, "totaal"))
		}
		if len(totals) > 0 {
			m.sum(r, yearKey("verzuim_meldingen", a.key, year), totals)
		}
		// The year to date: part of its year, summed over areas like the year, and for
		// the absence reports the months that ended by its last day plus the days since.
		for _, kpi := range r.counts {
			if _, ok := r.through[kpi+"|"+year]; !ok {
				continue
			}
			k := ytdKey(kpi, a.key, year)
			m.sum(r, yearKey(kpi, a.key, year), []string{k})
			if len(a.parts) > 0 {
				var parts []string
				for _, p := range a.parts {
					parts = append(parts, ytdKey(kpi, p, year))
				}
				m.sum(r, k, parts)
			}
		}
		if through, ok := r.through["verzuim_meldingen|"+year]; ok {
			var ended []string
			for _, month := range months["all"] {
				if monthEnd(month) <= through {
					ended = append(ended, monthFigKey(a.key, month, "totaal"))
				}
			}
			m.sum(r, ytdKey("verzuim_meldingen", a.key, year), ended)
		}
	}
	var hidden []int
	for i, k := range m.know {
		if k != suppresstest.Known {
			hidden = append(hidden, i)
		}
	}
	small := func(i int) bool { return m.values[i] >= 1 && m.values[i] < 5 }
	for _, i := range suppresstest.Determined(m.rels, hidden) {
		switch {
		case !m.rest[i]:
			r.finding("hidden %s (%d) follows from the figures shown", m.name[i], m.values[i])
		case small(i):
			r.finding("the unpublished count %s = %d follows from the figures shown", m.name[i], m.values[i])
		}
	}
	for _, i := range suppresstest.Settled(m.values, m.rels, m.know, 5) {
		if small(i) {
			r.finding("the small count %s = %d is settled by the ranges a reader narrows", m.name[i], m.values[i])
		}
	}
}
