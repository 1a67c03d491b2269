package api

import (
	"slices"
	"strconv"
	"time"

	"github.com/hetleerplein/leerplein/warehouse"
)

// The school year in progress to date, its same period in earlier years and its
// forecast (warehouse.InProgress; docs/forecast.md), as the API serves them.

type inProgressJSON struct {
	SchoolYear string       `json:"school_year"`
	Through    *string      `json:"through"`
	Value      *float64     `json:"value"`
	Suppressed bool         `json:"suppressed"`
	Status     *string      `json:"status"`
	SamePeriod []periodJSON `json:"same_period"`
	Forecast   forecastJSON `json:"forecast"`
	NoteNL     *string      `json:"note_nl"`
	NoteEN     *string      `json:"note_en"`
}

type periodJSON struct {
	SchoolYear string   `json:"school_year"`
	Through    string   `json:"through"`
	Value      *float64 `json:"value"`
	Suppressed bool     `json:"suppressed"`
	Status     *string  `json:"status"`
}

type forecastJSON struct {
	Value      *float64 `json:"value"`
	Low        *float64 `json:"low"`
	High       *float64 `json:"high"`
	Interval   float64  `json:"interval"`
	PTargetMet *float64 `json:"p_target_met"`
	ShareToDat *float64 `json:"share_to_date"`
	BasedOn    []string `json:"based_on"`
	Suppressed bool     `json:"suppressed"`
	Status     *string  `json:"status"`
	Method     string   `json:"method"`
	MethodNL   string   `json:"method_nl"`
	ReasonNL   *string  `json:"reason_nl"`
	ReasonEN   *string  `json:"reason_en"`
}

func textOrNil(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// inProgressOut is the JSON of ip; nil for none.
func inProgressOut(ip *warehouse.InProgress) *inProgressJSON {
	if ip == nil {
		return nil
	}
	v, st := shown(ip.Value, ip.Suppressed, ip.Status)
	out := &inProgressJSON{SchoolYear: ip.SchoolYear, Value: v, Suppressed: ip.Suppressed, Status: st,
		SamePeriod: make([]periodJSON, 0, len(ip.SamePeriod)), NoteNL: textOrNil(ip.NoteNL), NoteEN: textOrNil(ip.NoteEN)}
	if ip.HasThrough {
		out.Through = dateOrNil(&ip.Through)
	}
	for _, p := range ip.SamePeriod {
		v, st := shown(p.Value, p.Suppressed, p.Status)
		out.SamePeriod = append(out.SamePeriod, periodJSON{SchoolYear: p.SchoolYear, Through: p.Through.Format("2006-01-02"),
			Value: v, Suppressed: p.Suppressed, Status: st})
	}
	f := ip.Forecast
	fj := forecastJSON{Interval: f.Interval, Suppressed: f.Suppressed, Method: f.Method, MethodNL: f.MethodNL,
		ReasonNL: textOrNil(f.ReasonNL), ReasonEN: textOrNil(f.ReasonEN), BasedOn: []string{}}
	if _, st := shown(nil, f.Suppressed, f.Status); st != nil {
		fj.Status = st
	} else {
		fj.Value, fj.Low, fj.High, fj.PTargetMet, fj.ShareToDat = f.Value, f.Low, f.High, f.PTargetMet, f.Share
		if f.BasedOn != nil {
			fj.BasedOn = f.BasedOn
		}
	}
	out.Forecast = fj
	return out
}

// cloneInProgress copies ip deeply enough that the caller may modify it.
func cloneInProgress(ip *warehouse.InProgress) *warehouse.InProgress {
	if ip == nil {
		return nil
	}
	c := *ip
	c.SamePeriod = slices.Clone(ip.SamePeriod)
	c.Forecast.BasedOn = slices.Clone(ip.Forecast.BasedOn)
	return &c
}

// ytdKPI names the year-to-date count of KPI id in the suppression pattern.
func ytdKPI(id string) string { return "ytd:" + id }

// inProgress is s.InProgress as the bestuur role sees it (s is already suppressed by
// hideSeries): a small figure to date is hidden like a small yearly one, from the same
// pattern; a hidden figure to date is not forecast; a forecast drawing on a hidden
// yearly figure is hidden; and without its target (suppressed with the baseline) there
// is no chance of meeting it.
func (p *suppressionPattern) inProgress(s warehouse.KPISeries) *warehouse.InProgress {
	ip := cloneInProgress(s.InProgress)
	if ip == nil {
		return nil
	}
	area := areaKey(s.Filter)
	hide := func(per *warehouse.Period) {
		if per.Value != nil && per.Status.IsValue() {
			small := false
			if s.Unit == warehouse.UnitPercent {
				small = per.Base != nil && isSmall(*per.Base, p.threshold)
			} else {
				small = p.hidden(cellKey{kpi: ytdKPI(s.ID), area: area, year: per.SchoolYear}, *per.Value)
			}
			if small {
				per.Value, per.Suppressed = nil, true
			}
		}
		per.Base = nil
	}
	hide(&ip.Period)
	for i := range ip.SamePeriod {
		hide(&ip.SamePeriod[i])
	}
	hidden := ip.Suppressed
	for _, y := range ip.Forecast.BasedOn {
		if st, ok := p.cells[cellKey{kpi: s.ID, area: area, year: y}]; ok && st.Hidden() {
			hidden = true
		}
	}
	if hidden && ip.Forecast.Status.IsValue() {
		ip.Forecast = warehouse.Forecast{Interval: ip.Forecast.Interval, Suppressed: true, Status: warehouse.StatusOnderdrukt,
			Method: ip.Forecast.Method, MethodNL: ip.Forecast.MethodNL}
	}
	for _, pt := range s.Points {
		if pt.SchoolYear == ip.SchoolYear && pt.TargetSuppressed {
			ip.Forecast.PTargetMet = nil
		}
	}
	return ip
}

// addInProgress puts the counts to date of every area into the pattern t, with the
// sums a reader can form: the areas, the whole year (of which the period is a part), a
// KPI's part (PartOf), and, for the absence reports, the months the period spans.
func addInProgress(t *patternTable, snap *warehouse.KPISnapshot, counts []warehouse.KPIDef, areas []area) error {
	type ytd struct {
		years   []string
		through map[string]warehouse.Period
	}
	byKPI := map[string]ytd{}
	for _, d := range counts {
		if !d.Supports(warehouse.FilterGemeente) {
			continue
		}
		for _, a := range areas {
			s, err := snap.Series(d.ID, a.filter)
			if err != nil {
				return err
			}
			ip := s.InProgress
			if ip == nil || !ip.HasThrough {
				continue
			}
			periods := append([]warehouse.Period{ip.Period}, ip.SamePeriod...)
			y := byKPI[d.ID]
			if y.through == nil {
				y.through = map[string]warehouse.Period{}
				for _, per := range periods {
					y.years = append(y.years, per.SchoolYear)
					y.through[per.SchoolYear] = per
				}
				byKPI[d.ID] = y
			}
			for _, per := range periods {
				if err := t.add(cellKey{kpi: ytdKPI(d.ID), area: a.key, year: per.SchoolYear}, figure(per.Value, per.Status)); err != nil {
					return err
				}
			}
		}
	}
	for id, y := range byKPI {
		def, err := warehouse.LookupKPI(id)
		if err != nil {
			return err
		}
		for _, a := range areas {
			for _, year := range y.years {
				k := cellKey{kpi: ytdKPI(id), area: a.key, year: year}
				if len(a.parts) > 0 || a.key == "" {
					parts := make([]cellKey, len(a.parts))
					for i, pa := range a.parts {
						parts[i] = k
						parts[i].area = pa
					}
					t.sum(k, parts)
				}
				t.sum(cellKey{kpi: id, area: a.key, year: year}, []cellKey{k})
				if def.PartOf != "" {
					t.sum(cellKey{kpi: ytdKPI(def.PartOf), area: a.key, year: year}, []cellKey{k})
				}
				if id == warehouse.MonthlyOf {
					// The months that ended by the period's last day, and the rest.
					var months []cellKey
					through := y.through[year].Through
					first, _ := strconv.Atoi(year[:4])
					for m := time.Date(first, time.August, 1, 0, 0, 0, 0, time.UTC); !m.AddDate(0, 1, -1).After(through); m = m.AddDate(0, 1, 0) {
						months = append(months, cellKey{kpi: warehouse.MonthlyID, area: a.key, year: year, month: m, soort: "totaal"})
					}
					t.sum(k, months)
				}
			}
		}
	}
	return nil
}
