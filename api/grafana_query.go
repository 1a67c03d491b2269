package api

import (
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/hetleerplein/leerplein/warehouse"
)

// grafanaQueryRequest is the part of a /query request this server reads.
type grafanaQueryRequest struct {
	Range struct {
		From string `json:"from"`
		To   string `json:"to"`
	} `json:"range"`
	Targets []grafanaTarget `json:"targets"`
	Filters []grafanaFilter `json:"filters"` // ad hoc filters
}

// grafanaTarget is one query of a panel or an annotation.
type grafanaTarget struct {
	RefID   string         `json:"refId"`
	Target  string         `json:"target"`
	Type    string         `json:"type"` // "table" from older plugin versions
	Hide    bool           `json:"hide"`
	Payload grafanaPayload `json:"payload"`
}

// grafanaFilter is an ad hoc filter: key subregio or gemeente, operator "=".
type grafanaFilter struct {
	Key      string `json:"key"`
	Operator string `json:"operator"`
	Value    string `json:"value"`
}

// timeRange is the dashboard's time range; a zero bound does not limit.
type timeRange struct{ from, to time.Time }

func (r timeRange) contains(t time.Time) bool {
	return (r.from.IsZero() || !t.Before(r.from)) && (r.to.IsZero() || !t.After(r.to))
}

func (r timeRange) overlaps(start, end time.Time) bool {
	return (r.to.IsZero() || !start.After(r.to)) && (r.from.IsZero() || !end.Before(r.from))
}

// parseGrafanaTime reads an ISO time; anything else ("now-6h" slipped through) is zero.
func parseGrafanaTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

// timeSeries is a time series response; each datapoint is [value or null, unix ms].
type timeSeries struct {
	Target     string  `json:"target"`
	Datapoints [][]any `json:"datapoints"`
}

// table is a table response.
type table struct {
	Type    string        `json:"type"` // always "table"
	Columns []tableColumn `json:"columns"`
	Rows    [][]any       `json:"rows"`
}

type tableColumn struct {
	Text string `json:"text"`
	Type string `json:"type"`
}

// frame is a data frame response (used for annotations).
type frame struct {
	Name   string       `json:"name"`
	RefID  string       `json:"refId,omitempty"`
	Fields []frameField `json:"fields"`
}

type frameField struct {
	Name   string `json:"name"`
	Type   string `json:"type"`
	Values []any  `json:"values"`
}

// grafanaQuery answers POST /query: per target a KPI series with its target series, a
// status series or a table, the monthly series, the overview table or the milestones.
func (s *Server) grafanaQuery(c *gin.Context) (any, error) {
	var req grafanaQueryRequest
	if err := decodeGrafana(c, &req); err != nil {
		return nil, err
	}
	rng := timeRange{from: parseGrafanaTime(req.Range.From), to: parseGrafanaTime(req.Range.To)}
	adhoc := map[string]string{}
	for _, f := range req.Filters {
		if f.Operator != "" && f.Operator != "=" {
			return nil, badParam("filters", "operator %q on %q is not supported; use =", f.Operator, f.Key)
		}
		if f.Key != "subregio" && f.Key != "gemeente" {
			return nil, badParam("filters", "unknown filter key %q; use subregio or gemeente", f.Key)
		}
		adhoc[f.Key] = f.Value
	}
	out := []any{}
	for _, t := range req.Targets {
		if t.Hide || strings.TrimSpace(t.Target) == "" {
			continue
		}
		if t.Payload == nil {
			t.Payload = grafanaPayload{}
		}
		for k, v := range adhoc {
			if isAll(t.Payload[k]) {
				t.Payload[k] = v
			}
		}
		res, err := s.grafanaTargetResult(c, t, rng)
		if err != nil {
			return nil, err
		}
		out = append(out, res...)
	}
	return out, nil
}

// grafanaTargetResult answers one target.
func (s *Server) grafanaTargetResult(c *gin.Context, t grafanaTarget, rng timeRange) ([]any, error) {
	id := strings.TrimSpace(t.Target)
	switch id {
	case metricMilestones:
		return []any{milestoneFrame(t.RefID, rng)}, nil
	case metricBreaks:
		series, err := s.kpiSeries(c, "verzuim_meldingen", warehouse.KPIFilter{})
		if err != nil {
			return nil, err
		}
		return []any{breakFrame(t.RefID, rng, series.SeriesBreaks)}, nil
	case metricOverview:
		tb, err := s.overviewTable(c, t.Payload, rng)
		return []any{tb}, err
	case warehouse.MonthlyID:
		return s.monthlySeries(c, t.Payload, rng)
	}
	def, err := warehouse.LookupKPI(id)
	if err != nil {
		return nil, badParam("target", "unknown metric %q; POST /grafana/metrics lists them", id)
	}
	f, err := s.grafanaFilter(c, def, t.Payload)
	if err != nil {
		return nil, err
	}
	series, err := s.kpiSeries(c, def.ID, f)
	if err != nil {
		return nil, err
	}
	view := strings.ToLower(strings.TrimSpace(t.Payload["weergave"]))
	if strings.EqualFold(t.Type, "table") {
		view = viewTable
	}
	switch view {
	case viewTable:
		return []any{kpiTable(series, rng)}, nil
	case viewStatus:
		return []any{statusSeries(series, rng)}, nil
	case viewLatest:
		return []any{latestTable(series, rng)}, nil
	case "", viewSeries, "timeserie", "timeseries":
		out := []any{valueSeries(series, rng)}
		if def.Target.Kind != warehouse.TargetNone {
			out = append(out, targetSeries(series, rng))
		}
		return out, nil
	default:
		return nil, badParam("weergave", "unknown view %q; use %s, %s, %s or %s", view, viewSeries, viewStatus, viewTable, viewLatest)
	}
}

// grafanaFilter builds the KPI filter from a payload. Filters the KPI does not support
// (sub-region or gemeente on a regional DUO figure) are left out rather than refused, so
// one dashboard variable can apply to every panel.
func (s *Server) grafanaFilter(c *gin.Context, def warehouse.KPIDef, p grafanaPayload) (warehouse.KPIFilter, error) {
	var f warehouse.KPIFilter
	snap, err := s.snapshot(c)
	if err != nil {
		return f, err
	}
	if def.Supports(warehouse.FilterSubregio) {
		if f.Subregio, err = resolveSubregio(snap, p["subregio"]); err != nil {
			return f, err
		}
	}
	if def.Supports(warehouse.FilterGemeente) {
		if f.Gemeente, err = resolveGemeente(snap, p["gemeente"]); err != nil {
			return f, err
		}
	}
	if v := p["van"]; !isAll(v) {
		f.Van = v
	}
	if v := p["tot"]; !isAll(v) {
		f.Tot = v
	}
	return f, nil
}

func unixMs(t time.Time) int64 { return t.UnixMilli() }

func numOrNil(v *float64) any {
	if v == nil {
		return nil
	}
	return *v
}

func valueSeries(s warehouse.KPISeries, rng timeRange) timeSeries {
	ts := timeSeries{Target: s.ID, Datapoints: [][]any{}}
	for _, p := range s.Points {
		// A figure that is not a value (no data, not the bureau's to count, suppressed)
		// gets no datapoint: Grafana would draw a null as 0 or join the line over it.
		if v, _ := shown(p.Value, p.Suppressed, p.Status); rng.contains(p.Date) && v != nil {
			ts.Datapoints = append(ts.Datapoints, []any{*v, unixMs(p.Date)})
		}
	}
	return ts
}

// targetSeries is the companion "<id> doel": the target that applies in each year, as
// it is judged (judgedBound): for a count the largest whole number that meets it, 30 for
// a target of 30.6, so that a panel showing whole numbers never rounds it up to 31.
func targetSeries(s warehouse.KPISeries, rng timeRange) timeSeries {
	ts := timeSeries{Target: s.ID + " doel", Datapoints: [][]any{}}
	for _, p := range s.Points {
		if !rng.contains(p.Date) {
			continue
		}
		var v any
		if p.Target != nil {
			v = judgedBound(s.Unit, s.TargetRule.Kind, *p.Target)
		}
		ts.Datapoints = append(ts.Datapoints, []any{v, unixMs(p.Date)})
	}
	return ts
}

// statusSeries is "<id> op koers": 1 when on track, 0 when not, null without a target.
func statusSeries(s warehouse.KPISeries, rng timeRange) timeSeries {
	ts := timeSeries{Target: s.ID + " op koers", Datapoints: [][]any{}}
	for _, p := range s.Points {
		if rng.contains(p.Date) {
			ts.Datapoints = append(ts.Datapoints, []any{onTrackNumber(judged(p)), unixMs(p.Date)})
		}
	}
	return ts
}

// onTrackNumber is a judgement as a number: 1 on track, 0 not, null when not judged.
func onTrackNumber(b *bool) any {
	switch {
	case b == nil:
		return nil
	case *b:
		return 1
	default:
		return 0
	}
}

// labelOnderdrukt is how Grafana names a suppressed figure, as the built-in dashboard
// does. It does not say "fewer than 5": a figure hidden to protect another one need not
// be small.
const labelOnderdrukt = "te weinig om te tonen"

// statusLabel is a figure's status as a table cell shows it (Dutch): empty for a
// value of a whole year, "lopend" for a year in progress.
func statusLabel(st *string, lopend bool) string {
	switch {
	case st != nil && warehouse.Status(*st) == warehouse.StatusOnderdrukt:
		return labelOnderdrukt
	case st != nil:
		return warehouse.Status(*st).Label()
	case lopend:
		return "lopend"
	}
	return ""
}

// schoolYearLabel names the school year of a figure shown on its own (a stat panel, the
// overview) with what the figure is when it is not a whole year's value:
// "2024-2025 (lopend)", "2019-2020 (n.v.t.)".
func schoolYearLabel(p warehouse.KPIPoint, st *string) string {
	l := statusLabel(st, p.Lopend)
	if l == "lopend" && p.Through != nil {
		l += " t/m " + p.Through.Format("2-1-2006") // "2024-2025 (lopend t/m 1-3-2025)"
	}
	if l != "" {
		return p.SchoolYear + " (" + l + ")"
	}
	return p.SchoolYear
}

// doelLabel is the target of a point as it is judged ("≤ 30"); empty without one.
func doelLabel(s warehouse.KPISeries, target *float64) string {
	if target == nil {
		return ""
	}
	return targetLabel(s.Unit, s.TargetRule.Kind, *target)
}

// onTrackText is the status as the tables show it: "ja", "nee" or "" without a target.
func onTrackText(b *bool) string {
	switch {
	case b == nil:
		return ""
	case *b:
		return "ja"
	default:
		return "nee"
	}
}

// kpiTable is the "tabel" view: a row per school year, the target as it is judged.
func kpiTable(s warehouse.KPISeries, rng timeRange) table {
	tb := table{Type: "table", Columns: []tableColumn{
		{"Tijd", "time"}, {"Schooljaar", "string"}, {"Waarde", "number"}, {"Doel", "string"},
		{"Op koers", "string"}, {"Onderdrukt", "boolean"}, {"Status", "string"},
	}, Rows: [][]any{}}
	for _, p := range s.Points {
		if rng.contains(p.Date) {
			v, st := shown(p.Value, p.Suppressed, p.Status)
			tb.Rows = append(tb.Rows, []any{unixMs(p.Date), p.SchoolYear, numOrNil(v), doelLabel(s, p.Target),
				onTrackText(judged(p)), p.Suppressed, statusLabel(st, p.Lopend)})
		}
	}
	return tb
}

// latestTable is the "laatste" view, for a stat panel: one row for the figure a panel
// shows on its own (latestShown), with its school year beside it, so that a panel never
// carries an old figure over a gap as if it were current. Doel is the target as it is
// judged ("≤ 30"); Op koers is 1, 0 or null when the point is not judged (a year in
// progress, no value).
func latestTable(s warehouse.KPISeries, rng timeRange) table {
	tb := table{Type: "table", Columns: []tableColumn{
		{"Schooljaar", "string"}, {"Waarde", "number"}, {"Doel", "string"}, {"Op koers", "number"}, {"Status", "string"},
	}, Rows: [][]any{}}
	if p := latestShown(s.Points, rng); p != nil {
		v, st := shown(p.Value, p.Suppressed, p.Status)
		tb.Rows = append(tb.Rows, []any{schoolYearLabel(*p, st), numOrNil(v), doelLabel(s, p.Target),
			onTrackNumber(judged(*p)), statusLabel(st, p.Lopend)})
	}
	return tb
}

// overviewTable is one row per KPI with a target: the point latestShown picks in the
// range. Counts and percentages share one column, so value and target are written out
// ("1.139", "69,23%", "≤ 1.348"): a column's one number format would round some of them
// to a number the status contradicts (99.96% shown as 100.0%, "nee").
func (s *Server) overviewTable(c *gin.Context, p grafanaPayload, rng timeRange) (table, error) {
	tb := table{Type: "table", Columns: []tableColumn{
		{"KPI", "string"}, {"Schooljaar", "string"}, {"Waarde", "string"}, {"Doel", "string"},
		{"Op koers", "string"}, {"Eenheid", "string"}, {"Doelstelling", "string"},
	}, Rows: [][]any{}}
	for _, def := range warehouse.KPICatalogue() {
		if def.Target.Kind == warehouse.TargetNone {
			continue
		}
		f, err := s.grafanaFilter(c, def, p)
		if err != nil {
			return tb, err
		}
		series, err := s.kpiSeries(c, def.ID, f)
		if err != nil {
			return tb, err
		}
		last := latestShown(series.Points, rng)
		unit := "aantal"
		if def.Unit == warehouse.UnitPercent {
			unit = "%"
		}
		row := []any{def.TitleNL, "", "", "", "", unit, def.Target.TextNL}
		if last != nil {
			v, st := shown(last.Value, last.Suppressed, last.Status)
			row[1], row[2], row[3], row[4] = schoolYearLabel(*last, st), valueLabel(def.Unit, v), doelLabel(series, last.Target), onTrackText(judged(*last))
		}
		tb.Rows = append(tb.Rows, row)
	}
	return tb, nil
}

// latestShown is the point a panel shows on its own: the last point in the range that
// has a value (a year in progress included) or a suppressed one; when there is none, the
// last point in the range, so that its status shows; nil when the range holds no point.
func latestShown(points []warehouse.KPIPoint, rng timeRange) *warehouse.KPIPoint {
	var last *warehouse.KPIPoint
	for i := len(points) - 1; i >= 0; i-- {
		p := &points[i]
		if !rng.contains(p.Date) {
			continue
		}
		if (p.Value != nil && p.Status.IsValue()) || p.Suppressed {
			return p
		}
		if last == nil {
			last = p
		}
	}
	return last
}

// monthlySeries is verzuim_meldingen_maand as one series per verzuimsoort (without the
// total: the dashboards stack the parts).
func (s *Server) monthlySeries(c *gin.Context, p grafanaPayload, rng timeRange) ([]any, error) {
	snap, err := s.snapshot(c)
	if err != nil {
		return nil, err
	}
	var f warehouse.KPIFilter
	if f.Subregio, err = resolveSubregio(snap, p["subregio"]); err != nil {
		return nil, err
	}
	if f.Gemeente, err = resolveGemeente(snap, p["gemeente"]); err != nil {
		return nil, err
	}
	if v := p["van"]; !isAll(v) {
		f.Van = v
	}
	if v := p["tot"]; !isAll(v) {
		f.Tot = v
	}
	points, _, err := s.monthlyAbsence(c, f)
	if err != nil {
		return nil, err
	}
	bySoort := map[string]*timeSeries{}
	var order []string
	for _, mp := range points {
		if mp.Verzuimsoort == "totaal" || !rng.contains(mp.Month) {
			continue
		}
		ts, ok := bySoort[mp.Verzuimsoort]
		if !ok {
			ts = &timeSeries{Target: warehouse.MonthlyID + " " + mp.Verzuimsoort, Datapoints: [][]any{}}
			bySoort[mp.Verzuimsoort] = ts
			order = append(order, mp.Verzuimsoort)
		}
		if v, _ := shown(mp.Value, mp.Suppressed, mp.Status); v != nil {
			ts.Datapoints = append(ts.Datapoints, []any{*v, unixMs(mp.Month)})
		}
	}
	out := make([]any, 0, len(order))
	for _, soort := range order {
		out = append(out, *bySoort[soort])
	}
	return out, nil
}

// milestoneFrame answers an annotation query: the milestones within the range.
// breakFrame is an annotation per series break in rng: a point in time at its first day,
// titled with the school year, the Dutch note as text.
func breakFrame(refID string, rng timeRange, breaks []warehouse.SeriesBreak) frame {
	fields := []frameField{
		{Name: "time", Type: "time", Values: []any{}},
		{Name: "title", Type: "string", Values: []any{}},
		{Name: "text", Type: "string", Values: []any{}},
		{Name: "tags", Type: "other", Values: []any{}},
	}
	for _, b := range breaks {
		if !rng.overlaps(b.From, b.From) {
			continue
		}
		fields[0].Values = append(fields[0].Values, unixMs(b.From))
		fields[1].Values = append(fields[1].Values, "Reeksbreuk vanaf "+b.SchoolYear)
		fields[2].Values = append(fields[2].Values, b.NoteNL)
		fields[3].Values = append(fields[3].Values, []string{"reeksbreuk"})
	}
	return frame{Name: metricBreaks, RefID: refID, Fields: fields}
}

func milestoneFrame(refID string, rng timeRange) frame {
	fields := []frameField{
		{Name: "time", Type: "time", Values: []any{}},
		{Name: "timeEnd", Type: "time", Values: []any{}},
		{Name: "title", Type: "string", Values: []any{}},
		{Name: "text", Type: "string", Values: []any{}},
		{Name: "tags", Type: "other", Values: []any{}},
	}
	for _, m := range milestones() {
		if !rng.overlaps(m.Start, m.End) {
			continue
		}
		fields[0].Values = append(fields[0].Values, unixMs(m.Start))
		fields[1].Values = append(fields[1].Values, unixMs(m.End))
		fields[2].Values = append(fields[2].Values, m.Title)
		fields[3].Values = append(fields[3].Values, m.Text)
		fields[4].Values = append(fields[4].Values, m.Tags)
	}
	return frame{Name: metricMilestones, RefID: refID, Fields: fields}
}
