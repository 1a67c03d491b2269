package api

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hetleerplein/leerplein/warehouse"
)

// The JSON shapes of the KPI API; api/openapi.json describes the same.

type catalogueJSON struct {
	KPIs          []kpiDefJSON  `json:"kpis"`
	MonthlySeries []monthlyJSON `json:"monthly_series"`
	DataAsOf      *time.Time    `json:"data_as_of"`
}

type kpiDefJSON struct {
	ID            string         `json:"id"`
	Unit          string         `json:"unit"`
	TitleNL       string         `json:"title_nl"`
	TitleEN       string         `json:"title_en"`
	DescriptionNL string         `json:"description_nl"`
	DescriptionEN string         `json:"description_en"`
	TargetRule    targetRuleJSON `json:"target_rule"`
	Filters       []string       `json:"filters"`
	Source        string         `json:"source"`
	Query         string         `json:"query"`
	// SeriesBreaks are those its series carries (docs/definitions.md, "Rules in force
	// on a date"), so a dashboard knows them before it reads a series.
	SeriesBreaks []seriesBreakJSON `json:"series_breaks"`
}

type monthlyJSON struct {
	ID            string   `json:"id"`
	Unit          string   `json:"unit"`
	TitleNL       string   `json:"title_nl"`
	TitleEN       string   `json:"title_en"`
	DescriptionNL string   `json:"description_nl"`
	DescriptionEN string   `json:"description_en"`
	Verzuimsoort  []string `json:"verzuimsoort"`
	Filters       []string `json:"filters"`
}

type targetRuleJSON struct {
	Kind         string   `json:"kind"`
	BaselineYear *string  `json:"baseline_year"`
	Reduction    *float64 `json:"reduction"`
	Limit        *float64 `json:"limit"`
	TextNL       string   `json:"text_nl"`
	TextEN       string   `json:"text_en"`
}

type seriesJSON struct {
	ID         string         `json:"id"`
	Unit       string         `json:"unit"`
	Filter     filterJSON     `json:"filter"`
	Baseline   *baselineJSON  `json:"baseline"`
	TargetRule targetRuleJSON `json:"target_rule"`
	OnTrack    *bool          `json:"on_track"`
	Points     []pointJSON    `json:"points"`
	DataAsOf   *time.Time     `json:"data_as_of"`
	Coverage   *coverageJSON  `json:"coverage"`
	// InProgress is absent when no school year of the series is in progress.
	InProgress *inProgressJSON `json:"in_progress,omitempty"`
	// SeriesBreaks: the school years from which the KPI counts under a changed age rule
	// (warehouse.SeriesBreak); [] for none.
	SeriesBreaks []seriesBreakJSON `json:"series_breaks"`
}

// seriesBreakJSON is one warehouse.SeriesBreak.
type seriesBreakJSON struct {
	SchoolYear string `json:"school_year"`
	From       string `json:"from"` // YYYY-MM-DD
	NoteNL     string `json:"note_nl"`
	NoteEN     string `json:"note_en"`
}

func seriesBreaksOut(bs []warehouse.SeriesBreak) []seriesBreakJSON {
	out := make([]seriesBreakJSON, 0, len(bs))
	for _, b := range bs {
		out = append(out, seriesBreakJSON{SchoolYear: b.SchoolYear, From: b.From.Format("2006-01-02"), NoteNL: b.NoteNL, NoteEN: b.NoteEN})
	}
	return out
}

// coverageJSON says what a series over a mixed area leaves out, and why.
type coverageJSON struct {
	NoteNL    string         `json:"note_nl"`
	NoteEN    string         `json:"note_en"`
	Sentences []sentenceJSON `json:"sentences"`
	Excluded  []excludedJSON `json:"excluded"`
}

type sentenceJSON struct {
	Reason string `json:"reason"` // bestond_niet, leerplicht_lokaal
	Van    string `json:"van"`
	Tot    string `json:"tot"`
	NL     string `json:"nl"`
	EN     string `json:"en"`
}

type excludedJSON struct {
	Gemeente string `json:"gemeente"`
	Naam     string `json:"naam"`
	Figure   string `json:"figure"`
	Reason   string `json:"reason"` // bestond_niet, leerplicht_lokaal
	Van      string `json:"van"`
	Tot      string `json:"tot"`
}

type filterJSON struct {
	Subregio *string `json:"subregio"`
	Gemeente *string `json:"gemeente"`
	Van      string  `json:"van"`
	Tot      string  `json:"tot"`
}

type baselineJSON struct {
	SchoolYear string   `json:"school_year"`
	Value      *float64 `json:"value"`
	Suppressed bool     `json:"suppressed"`
	Status     *string  `json:"status"`
	Lopend     bool     `json:"lopend"`
}

type pointJSON struct {
	SchoolYear       string   `json:"school_year"`
	Value            *float64 `json:"value"`
	Target           *float64 `json:"target"`
	OnTrack          *bool    `json:"on_track"`
	Suppressed       bool     `json:"suppressed"`
	TargetSuppressed bool     `json:"target_suppressed,omitempty"`
	Status           *string  `json:"status"`
	Lopend           bool     `json:"lopend"`
	Through          *string  `json:"through"`
}

// rowJSON is one point as a flat row (format=rows, for Grafana's Infinity datasource).
type rowJSON struct {
	ID         string    `json:"id"`
	SchoolYear string    `json:"school_year"`
	Date       time.Time `json:"date"`
	Value      *float64  `json:"value"`
	Target     *float64  `json:"target"`
	OnTrack    *bool     `json:"on_track"`
	Suppressed bool      `json:"suppressed"`
	Status     *string   `json:"status"`
	Lopend     bool      `json:"lopend"`
	Through    *string   `json:"through"`
	Unit       string    `json:"unit"`
}

type monthSeriesJSON struct {
	ID       string           `json:"id"`
	Unit     string           `json:"unit"`
	Filter   filterJSON       `json:"filter"`
	Points   []monthPointJSON `json:"points"`
	DataAsOf *time.Time       `json:"data_as_of"`
}

type monthPointJSON struct {
	Month        string    `json:"month"` // 2018-08
	Date         time.Time `json:"date"`
	SchoolYear   string    `json:"school_year"`
	Verzuimsoort string    `json:"verzuimsoort"`
	Value        *float64  `json:"value"`
	Suppressed   bool      `json:"suppressed"`
	Status       *string   `json:"status"`
	Lopend       bool      `json:"lopend"`
}

type monthRowJSON struct {
	ID string `json:"id"`
	monthPointJSON
	Unit string `json:"unit"`
}

func ruleJSON(r warehouse.TargetRule) targetRuleJSON {
	out := targetRuleJSON{Kind: r.Kind, Limit: r.Limit, TextNL: r.TextNL, TextEN: r.TextEN}
	if r.BaselineYear != "" {
		by, red := r.BaselineYear, r.Reduction
		out.BaselineYear, out.Reduction = &by, &red
	}
	return out
}

func defJSON(d warehouse.KPIDef, breaks []warehouse.SeriesBreak) kpiDefJSON {
	return kpiDefJSON{ID: d.ID, Unit: d.Unit, TitleNL: d.TitleNL, TitleEN: d.TitleEN,
		DescriptionNL: d.DescriptionNL, DescriptionEN: d.DescriptionEN,
		TargetRule: ruleJSON(d.Target), Filters: d.Filters, Source: d.Source, Query: d.Query,
		SeriesBreaks: seriesBreaksOut(breaks)}
}

func monthlyCatalogue() []monthlyJSON {
	return []monthlyJSON{{
		ID: warehouse.MonthlyID, Unit: warehouse.UnitCount,
		TitleNL:       "Verzuimmeldingen per maand",
		TitleEN:       "Absence reports per month",
		DescriptionNL: "Verzuimmeldingen per kalendermaand en verzuimsoort (dezelfde selectie als de verzuimmeldingen per schooljaar), met het totaal per maand.",
		DescriptionEN: "Absence reports per calendar month and verzuimsoort (the selection of verzuim_meldingen), with the total per month.",
		Verzuimsoort:  []string{"relatief", "luxe", "absoluut", "totaal"},
		Filters:       []string{warehouse.FilterSubregio, warehouse.FilterGemeente, warehouse.FilterVan, warehouse.FilterTot},
	}}
}

func filterOut(f warehouse.KPIFilter) filterJSON {
	out := filterJSON{Van: f.Van, Tot: f.Tot}
	if f.Subregio != "" {
		v := f.Subregio
		out.Subregio = &v
	}
	if f.Gemeente != "" {
		v := f.Gemeente
		out.Gemeente = &v
	}
	return out
}

// jsonBody encodes v as a cacheable response.
func jsonBody(v any) (*body, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // JSON, not HTML: keep "<" and "&" readable
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("api: encode: %w", err)
	}
	data := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	return &body{contentType: "application/json; charset=utf-8", data: data, private: true}, nil
}

// shown is what a channel shows of a figure: its status (nil for a value, a count of 0
// included) and its value, which is nil whenever the status is set: a figure that is
// not a value is never a number (definitions.md, "Coverage"). Suppression is decided
// by the API and comes first; the other statuses come from the warehouse's model
// (sql/marts/04_figuur_status.sql).
func shown(v *float64, suppressed bool, st warehouse.Status) (*float64, *string) {
	switch {
	case suppressed:
		s := string(warehouse.StatusOnderdrukt)
		return nil, &s
	case !st.IsValue():
		s := string(st)
		return nil, &s
	}
	return v, nil
}

// judged is on_track as a channel shows it: only for a full-year value.
func judged(p warehouse.KPIPoint) *bool {
	if p.Suppressed || !p.Status.IsValue() || p.Lopend || p.Value == nil {
		return nil
	}
	return p.OnTrack
}

func statusText(st *string) string {
	if st == nil {
		return ""
	}
	return *st
}

// dateOrNil writes a day as the API writes dates (2026-12-03), nil for none.
func dateOrNil(t *time.Time) *string {
	if t == nil {
		return nil
	}
	d := t.Format(time.DateOnly)
	return &d
}

func coverageOut(c *warehouse.CoverageNote) *coverageJSON {
	if c == nil {
		return nil
	}
	out := &coverageJSON{NoteNL: c.NL, NoteEN: c.EN, Sentences: make([]sentenceJSON, 0, len(c.Sentences)),
		Excluded: make([]excludedJSON, 0, len(c.Excluded))}
	for _, x := range c.Sentences {
		out.Sentences = append(out.Sentences, sentenceJSON{Reason: x.Reden, Van: x.Van, Tot: x.Tot, NL: x.NL, EN: x.EN})
	}
	for _, e := range c.Excluded {
		out.Excluded = append(out.Excluded, excludedJSON{Gemeente: e.Gemeente, Naam: e.Naam, Figure: e.Figuur, Reason: e.Reden, Van: e.Van, Tot: e.Tot})
	}
	return out
}

// renderSeries writes a series in the requested format.
func renderSeries(s warehouse.KPISeries, kq kpiQuery) (*body, error) {
	switch kq.format {
	case "csv":
		return seriesCSV(s, kq.decimal)
	case "rows":
		rows := make([]rowJSON, 0, len(s.Points))
		for _, p := range s.Points {
			v, st := shown(p.Value, p.Suppressed, p.Status)
			rows = append(rows, rowJSON{ID: s.ID, SchoolYear: p.SchoolYear, Date: p.Date, Value: v,
				Target: p.Target, OnTrack: judged(p), Suppressed: p.Suppressed, Status: st, Lopend: p.Lopend,
				Through: dateOrNil(p.Through), Unit: s.Unit})
		}
		return jsonBody(rows)
	}
	out := seriesJSON{ID: s.ID, Unit: s.Unit, Filter: filterOut(s.Filter), TargetRule: ruleJSON(s.TargetRule),
		Points: make([]pointJSON, 0, len(s.Points)), DataAsOf: timeOrNil(s.DataAsOf), Coverage: coverageOut(s.Coverage),
		InProgress: inProgressOut(s.InProgress), SeriesBreaks: seriesBreaksOut(s.SeriesBreaks)}
	if s.Baseline != nil {
		b := s.Baseline
		v, st := shown(b.Value, b.Suppressed, b.Status)
		out.Baseline = &baselineJSON{SchoolYear: b.SchoolYear, Value: v, Suppressed: b.Suppressed, Status: st, Lopend: b.Lopend}
	}
	for _, p := range s.Points {
		v, st := shown(p.Value, p.Suppressed, p.Status)
		out.Points = append(out.Points, pointJSON{SchoolYear: p.SchoolYear, Value: v, Target: p.Target,
			OnTrack: judged(p), Suppressed: p.Suppressed, TargetSuppressed: p.TargetSuppressed, Status: st, Lopend: p.Lopend,
			Through: dateOrNil(p.Through)})
		if (p.Value != nil && p.Status.IsValue() && !p.Lopend) || p.Suppressed {
			out.OnTrack = judged(p) // the latest full-year point with a figure
		}
	}
	return jsonBody(out)
}

// renderMonthly writes the monthly series in the requested format.
func renderMonthly(points []warehouse.MonthPoint, state warehouse.LoadState, f warehouse.KPIFilter, kq kpiQuery) (*body, error) {
	jp := make([]monthPointJSON, 0, len(points))
	for _, p := range points {
		v, st := shown(p.Value, p.Suppressed, p.Status)
		jp = append(jp, monthPointJSON{Month: p.Month.Format("2006-01"), Date: p.Month, SchoolYear: p.SchoolYear,
			Verzuimsoort: p.Verzuimsoort, Value: v, Suppressed: p.Suppressed, Status: st, Lopend: p.Lopend})
	}
	switch kq.format {
	case "csv":
		return monthlyCSV(jp, kq.decimal)
	case "rows":
		rows := make([]monthRowJSON, 0, len(jp))
		for _, p := range jp {
			rows = append(rows, monthRowJSON{ID: warehouse.MonthlyID, monthPointJSON: p, Unit: warehouse.UnitCount})
		}
		return jsonBody(rows)
	}
	return jsonBody(monthSeriesJSON{ID: warehouse.MonthlyID, Unit: warehouse.UnitCount, Filter: filterOut(f),
		Points: jp, DataAsOf: timeOrNil(state.DataAsOf)})
}

// formatNumber writes a value for CSV: no thousands separator, the decimal mark as
// asked (comma for Dutch spreadsheets), empty for no value.
func formatNumber(v *float64, decimal string) string {
	if v == nil {
		return ""
	}
	s := strconv.FormatFloat(*v, 'f', -1, 64)
	if decimal == "comma" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

func formatBool(b *bool) string {
	if b == nil {
		return ""
	}
	return strconv.FormatBool(*b)
}

// csvBody writes records as a CSV for spreadsheets: every field neutralised
// (warehouse.SafeCellText), which leaves numbers as they are.
func csvBody(name string, records [][]string) (*body, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Comma = ';'
	for _, r := range records {
		for i, f := range r {
			r[i] = warehouse.SafeCellText(f)
		}
	}
	if err := w.WriteAll(records); err != nil {
		return nil, fmt.Errorf("api: csv: %w", err)
	}
	return &body{contentType: "text/csv; charset=utf-8", data: buf.Bytes(), private: true}, nil
}

func seriesCSV(s warehouse.KPISeries, decimal string) (*body, error) {
	header := []string{"id", "school_year", "date", "value", "target", "on_track", "suppressed", "unit", "status", "lopend", "through"}
	ip := inProgressOut(s.InProgress)
	if ip != nil {
		// Only a series with a year in progress has these: on that year's row, the figure
		// to date, the previous year to the same day and the forecast.
		header = append(header, "to_date", "same_period_previous", "forecast", "forecast_low", "forecast_high", "p_target_met")
	}
	records := [][]string{header}
	for _, p := range s.Points {
		v, st := shown(p.Value, p.Suppressed, p.Status)
		r := []string{s.ID, p.SchoolYear, p.Date.Format("2006-01-02"), formatNumber(v, decimal),
			formatNumber(p.Target, decimal), formatBool(judged(p)), strconv.FormatBool(p.Suppressed), s.Unit,
			statusText(st), strconv.FormatBool(p.Lopend), statusText(dateOrNil(p.Through))}
		if ip != nil {
			extra := make([]string, 6)
			if p.SchoolYear == ip.SchoolYear {
				extra[0] = formatNumber(ip.Value, decimal)
				if len(ip.SamePeriod) > 0 {
					extra[1] = formatNumber(ip.SamePeriod[0].Value, decimal)
				}
				f := ip.Forecast
				extra[2], extra[3], extra[4] = formatNumber(f.Value, decimal), formatNumber(f.Low, decimal), formatNumber(f.High, decimal)
				extra[5] = formatNumber(f.PTargetMet, decimal)
			}
			r = append(r, extra...)
		}
		records = append(records, r)
	}
	return csvBody(s.ID, records)
}

func monthlyCSV(points []monthPointJSON, decimal string) (*body, error) {
	records := [][]string{{"id", "month", "school_year", "verzuimsoort", "value", "suppressed", "status", "lopend"}}
	for _, p := range points {
		records = append(records, []string{warehouse.MonthlyID, p.Month, p.SchoolYear, p.Verzuimsoort,
			formatNumber(p.Value, decimal), strconv.FormatBool(p.Suppressed), statusText(p.Status), strconv.FormatBool(p.Lopend)})
	}
	return csvBody(warehouse.MonthlyID, records)
}
