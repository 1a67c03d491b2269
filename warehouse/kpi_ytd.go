package warehouse

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// The school year to date (sql/metrics/jaar_tot_dag.sql): per KPI count, school year and
// gemeente, the count up to every day of the year, read once per load so that the year in
// progress can be set beside earlier years up to the same day, and forecast.

// ytdDays is the length of a day-indexed count: days 0 … 365 of a school year (1 August
// is day 0; a leap year has 366 days) and one slot for rows that become countable only
// after 31 July (an episode started in July is judged in October).
const ytdDays = 367

// ytdTable holds, per "kpi_tabel.teller", school year and gemeente, the cumulative count
// by day of the school year: cum[d] counts the rows countable on day d or before, and
// cum[ytdDays-1] is the whole year.
type ytdTable map[string]map[string]map[string][]int64

// readYTD reads sql/metrics/jaar_tot_dag.sql into cumulative counts.
func readYTD(ctx context.Context, q querier) (ytdTable, error) {
	out := ytdTable{}
	err := queryReportWith(ctx, q, "metrics/jaar_tot_dag.sql", func(rows *sql.Rows) error {
		var tabel, teller, year, gemeente string
		var datum time.Time
		var n int64
		if err := rows.Scan(&tabel, &teller, &year, &datum, &gemeente, &n); err != nil {
			return err
		}
		key := tabel + "." + teller
		byYear := out[key]
		if byYear == nil {
			byYear = map[string]map[string][]int64{}
			out[key] = byYear
		}
		byGemeente := byYear[year]
		if byGemeente == nil {
			byGemeente = map[string][]int64{}
			byYear[year] = byGemeente
		}
		days := byGemeente[gemeente]
		if days == nil {
			days = make([]int64, ytdDays)
			byGemeente[gemeente] = days
		}
		days[dayOfYear(year, datum.UTC())] += n
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("warehouse: kpi year to date: %w", err)
	}
	for _, byYear := range out {
		for _, byGemeente := range byYear {
			for _, days := range byGemeente {
				for d := 1; d < ytdDays; d++ {
					days[d] += days[d-1]
				}
			}
		}
	}
	return out, nil
}

// dayOfYear is the index of day in school year: 0 for 1 August, ytdDays−1 for any day
// after 31 July (and 0 for a day before 1 August, which the model does not give).
func dayOfYear(year string, day time.Time) int {
	d := int(day.Sub(yearBegin(year)).Hours() / 24)
	switch {
	case d < 0:
		return 0
	case day.After(yearEnd(year)):
		return ytdDays - 1
	}
	return d
}

// yearEnd is end(Y), 31 July of the school year's second year, UTC.
func yearEnd(schooljaar string) time.Time { return yearBegin(schooljaar).AddDate(1, 0, -1) }

// SameDay is the day of school year that has through's day and month: the end of "the
// same period" (1 August up to and including that day) in another school year. 29
// February becomes 28 February in a school year without one, so the period never runs
// into March.
func SameDay(schoolYear string, through time.Time) time.Time {
	begin := yearBegin(schoolYear)
	y := begin.Year()
	if through.Month() < time.August {
		y++
	}
	d := through.Day()
	if through.Month() == time.February && d == 29 && !isLeap(y) {
		d = 28
	}
	return time.Date(y, through.Month(), d, 0, 0, 0, 0, time.UTC)
}

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

// hasYTD reports whether def is counted from dated events or episodes, so that it has a
// year to date (sql/metrics/jaar_tot_dag.sql).
func (s *KPISnapshot) hasYTD(def KPIDef) bool {
	_, ok := s.ytd[def.calc.table+"."+def.calc.num]
	return ok
}

// ytdCount is column col of def's table in year up to and including day, over the
// gemeenten of in (nil: all).
func (s *KPISnapshot) ytdCount(table, col, year string, day time.Time, in map[string]bool) int64 {
	idx := ytdDays - 1
	if !day.IsZero() {
		idx = dayOfYear(year, day)
	}
	var n int64
	for g, days := range s.ytd[table+"."+col][year] {
		if in == nil || in[g] {
			n += days[idx]
		}
	}
	return n
}

// Period is a KPI's figure from 1 August up to and including Through in one school year.
type Period struct {
	SchoolYear string
	Through    time.Time
	Value      *float64 // nil for a percentage without a base; never shown when Status is set
	// Base is the denominator of a percentage (judged episodes): the API suppresses a
	// percentage whose base is small. Nil for counts.
	Base       *float64
	Status     Status
	Suppressed bool // set by the API for small numbers
}

// InProgress is the school year in progress to date, beside the same period of the
// previous school year and of the target's baseline year, with a forecast of the whole
// year (docs/forecast.md).
type InProgress struct {
	Period              // the year in progress up to Through (its last day with data)
	HasThrough bool     // false when no dated feed covers the year: nothing to date
	SamePeriod []Period // the previous school year, then the baseline year (if another)
	Forecast   Forecast
	// NoteNL and NoteEN say how the figure to date is counted where that differs from the
	// whole year's rule (an episode counts once it can be judged); empty otherwise.
	NoteNL, NoteEN string
}

// yearInProgress is the school year the snapshot's day falls in, when the data reach it
// and it is not over; "" otherwise.
func (s *KPISnapshot) yearInProgress() string {
	if s.Today.IsZero() {
		return ""
	}
	first := s.Today.Year()
	if s.Today.Month() < time.August {
		first--
	}
	y := schoolYear(first)
	if !s.hasYear(y) || !s.lopend[y] {
		return ""
	}
	return y
}

// inProgress computes year, the year in progress, of def over the gemeenten of in, or
// nil when year is outside [van, tot] or def has no year to date. target is the target
// of the year (nil for none).
func (s *KPISnapshot) inProgress(def KPIDef, year string, rf KPIFilter, in map[string]bool, target *float64) *InProgress {
	if !s.hasYTD(def) || year < rf.Van || year > rf.Tot {
		return nil
	}
	out := &InProgress{}
	out.NoteNL, out.NoteEN = ytdNote(def)
	through := s.throughOf(def.calc.figuren, year)
	if through == nil {
		out.Period = Period{SchoolYear: year, Status: StatusGeenGegevens}
		out.Forecast = noForecast(StatusGeenGegevens, "", "")
		return out
	}
	out.HasThrough = true
	out.Period = s.period(def, year, *through, in)
	prev := schoolYear(yearBegin(year).Year() - 1)
	out.SamePeriod = append(out.SamePeriod, s.period(def, prev, SameDay(prev, *through), in))
	if b := def.Target.BaselineYear; b != "" && b != prev && b < year {
		out.SamePeriod = append(out.SamePeriod, s.period(def, b, SameDay(b, *through), in))
	}
	out.Forecast = s.forecast(def, out.Period, in, target)
	return out
}

// period is def in year from 1 August up to and including day, over in.
func (s *KPISnapshot) period(def KPIDef, year string, day time.Time, in map[string]bool) Period {
	p := Period{SchoolYear: year, Through: day, Status: s.figureStatus(def.calc.figuren, year, in)}
	if !s.hasYear(year) {
		p.Status = StatusGeenGegevens
	}
	c := def.calc
	num := s.ytdCount(c.table, c.num, year, day, in)
	if c.den == "" {
		p.Value = ptr(float64(num))
		return p
	}
	den := s.ytdCount(c.table, c.den, year, day, in)
	p.Base = ptr(float64(den))
	if den > 0 {
		p.Value = ptr(c.percentage(num, den))
	}
	return p
}

// ytdNote says how def's figure to date is counted, where it differs from the whole year.
func ytdNote(def KPIDef) (nl, en string) {
	switch def.ID {
	case "thuiszitters_aanbod_binnen_3_maanden_pct":
		return "Tot nu toe tellen alleen episodes die meer dan drie maanden geleden begonnen: bij een jongere episode kan het aanbod nog op tijd komen. Episodes uit de laatste drie maanden van het schooljaar tellen pas in het jaartotaal.",
			"To date, only episodes that started more than three months ago are counted: a younger episode may still get its offer in time. Episodes started in the last three months of the school year count in the whole year only."
	case "thuiszitters_langer_dan_3_maanden":
		return "Een episode telt mee vanaf de dag dat ze langer dan drie maanden duurt.",
			"An episode counts from the day it has lasted longer than three months."
	case "thuiszitters", "rmc_ers":
		return "Wat op 1 augustus al liep, telt vanaf 1 augustus mee.",
			"What was already running on 1 August counts from 1 August."
	}
	return "", ""
}
