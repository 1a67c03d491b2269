package api

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hetleerplein/leerplein/warehouse"
)

// The attacker below is a board member with a bestuur token who requests every figure
// on every channel the role reaches — the KPI API in JSON, CSV and rows, Grafana's
// /query (series, status, table and overview) and the monthly series, which the
// dashboard reads too — for every area, one request at a time, and then adds up and
// subtracts what came back. It knows the sums from the documentation, written out here
// apart from suppress_pattern.go:
//   - a sub-region is the sum of its gemeenten (as /grafana/variable lists them), the
//     region the sum of its sub-regions and any gemeente outside them;
//   - thuiszitters_langer_dan_3_maanden counts a part of thuiszitters (the rest, the
//     shorter episodes, is never shown: an unknown, protected when it is small);
//   - a month's totaal is the sum of its verzuimsoorten, a school year's
//     verzuim_meldingen the sum of its twelve months.
// It then solves all the sums of a school year at once (suppresstest.Determined) and
// narrows the ranges "<5" leaves (suppresstest.Settled, as if the reader knew which
// hidden figures are small), and reports every hidden figure that follows. It also
// reports a channel that shows what another hides, a figure that differs from the
// analyst's, a small count shown, and a target or status that gives a hidden figure
// away.

// apiArea is an area a reader can request: its query parameter and its parts.
type apiArea struct {
	key, param string
	parts      []string // area keys that add up to it
}

// attackReader collects what the bestuur role is shown and what the analist is.
type attackReader struct {
	t      *testing.T
	w      *demoWarehouse
	base   string
	areas  []apiArea
	shown  map[string]*float64 // figure key → value shown to bestuur; nil when hidden
	seenBy map[string]string   // figure key → the first channel that showed it
	exact  map[string]float64  // figure key → the analyst's value
	years  map[string]string   // monthly figure key → its school year
	counts []string            // the count KPIs with a breakdown by gemeente
	// through is, per KPI and school year ("kpi|year"), the last day of its period to
	// date (in_progress and same_period), when the series has a year in progress.
	through map[string]string
	found   []string
}

func yearKey(kpi, area, year string) string { return kpi + "|" + area + "|" + year }

// ytdKey names a KPI's figure from 1 August up to its period's last day.
func ytdKey(kpi, area, year string) string { return "tot_heden:" + kpi + "|" + area + "|" + year }

func monthFigKey(area, month, soort string) string {
	return warehouse.MonthlyID + "|" + area + "|" + month + "|" + soort
}

// attackAPI runs the attacker against the server at base and returns its findings.
func attackAPI(t *testing.T, w *demoWarehouse, base string) []string {
	t.Helper()
	r := &attackReader{t: t, w: w, base: base, shown: map[string]*float64{}, seenBy: map[string]string{},
		exact: map[string]float64{}, years: map[string]string{}, through: map[string]string{}}
	r.readAreas()
	var cat catalogueJSON
	r.getJSON("/api/v1/kpis", "bestuur", &cat)
	if len(cat.KPIs) == 0 {
		t.Fatal("the catalogue is empty")
	}
	for _, d := range cat.KPIs {
		areas := r.areas
		if !slicesContains(d.Filters, "gemeente") {
			areas = r.areas[:1]
		} else if d.Unit == warehouse.UnitCount {
			r.counts = append(r.counts, d.ID)
		}
		for _, a := range areas {
			r.readSeries(d, a)
		}
	}
	for _, a := range r.areas {
		r.readMonthly(a)
		r.readOverview(a, cat)
	}
	for _, year := range r.allYears() {
		r.readReportPage(year, cat)
	}
	for _, year := range r.allYears() {
		r.solve(year)
	}
	return r.found
}

// readReportPage reads the annual report page /jaarverslag of a school year as bestuur
// sees it (the report protected for publication) and records every cell that is a KPI's
// figure, as the catalogue's source names it ("tabel6 thuiszitters/totaal": the region;
// the same row under a sub-region's column: that sub-region). A cell the page hides
// while the KPI API shows it, or the other way round, is a finding, and what the page
// shows joins the attacker's equations.
func (r *attackReader) readReportPage(year string, cat catalogueJSON) {
	page := pageFigures(string(r.send(http.MethodGet, "/jaarverslag?schooljaar="+year, "", "bestuur")))
	for _, d := range cat.KPIs {
		tabel, cell, ok := strings.Cut(d.Source, " ")
		rij, kolom, ok2 := strings.Cut(cell, "/")
		if !ok || !ok2 || !strings.HasPrefix(tabel, "tabel") {
			continue
		}
		cols := map[string]string{kolom: "regio"}
		if kolom == "totaal" {
			for _, a := range r.areas {
				if sub, ok := strings.CutPrefix(a.key, "subregio:"); ok {
					cols[sub] = a.key
				}
			}
		}
		for col, area := range cols {
			text, ok := page[tabel+"/"+rij+"/"+col]
			if !ok {
				continue
			}
			key := yearKey(d.ID, area, year)
			if _, known := r.seenBy[key]; !known {
				continue // a figure the KPI API does not give for this year
			}
			switch v, hidden := reportPageValue(text); {
			case hidden:
				r.see("the report page", key, nil)
			case v != nil:
				r.see("the report page", key, v)
			}
		}
	}
}

// reportPageValue reads a cell as the page shows it: a Dutch number, hidden ("<5" or
// "x"), or a status label (neither).
func reportPageValue(text string) (v *float64, hidden bool) {
	if text == "<5" || text == "x" {
		return nil, true
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(strings.ReplaceAll(text, ".", ""), ",", "."), 64)
	if err != nil {
		return nil, false
	}
	return &f, false
}

func slicesContains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

func (r *attackReader) finding(format string, args ...any) {
	r.found = append(r.found, fmt.Sprintf(format, args...))
}

// send makes a request as role and returns the body; anything but 200 is fatal.
func (r *attackReader) send(method, path, body, role string) []byte {
	r.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, r.base+path, rd)
	if err != nil {
		r.t.Fatal(err)
	}
	res := r.w.do(r.t, req, role)
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		r.t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK {
		r.t.Fatalf("%s %s as %s: status %d: %.300s", method, path, role, res.StatusCode, data)
	}
	return data
}

func (r *attackReader) getJSON(path, role string, v any) {
	r.t.Helper()
	if err := json.Unmarshal(r.send(http.MethodGet, path, "", role), v); err != nil {
		r.t.Fatalf("GET %s: %v", path, err)
	}
}

func (r *attackReader) postJSON(path, body string, v any) {
	r.t.Helper()
	if err := json.Unmarshal(r.send(http.MethodPost, path, body, "bestuur"), v); err != nil {
		r.t.Fatalf("POST %s: %v", path, err)
	}
}

// readAreas learns the region's structure as Grafana's variables give it.
func (r *attackReader) readAreas() {
	var subs, all []variableItem
	r.postJSON("/grafana/variable", `{"payload": {"target": "subregios"}}`, &subs)
	r.postJSON("/grafana/variable", `{"payload": {"target": "gemeenten"}}`, &all)
	region := apiArea{key: "regio"}
	inSub := map[string]bool{}
	var areas []apiArea
	for _, s := range subs {
		var gems []variableItem
		r.postJSON("/grafana/variable", `{"payload": {"target": "gemeenten `+s.Value+`"}}`, &gems)
		a := apiArea{key: "subregio:" + s.Value, param: "subregio=" + url.QueryEscape(s.Value)}
		for _, g := range gems {
			a.parts = append(a.parts, "gemeente:"+g.Value)
			inSub[g.Value] = true
		}
		region.parts = append(region.parts, a.key)
		areas = append(areas, a)
	}
	for _, g := range all {
		areas = append(areas, apiArea{key: "gemeente:" + g.Value, param: "gemeente=" + url.QueryEscape(g.Value)})
		if !inSub[g.Value] {
			region.parts = append(region.parts, "gemeente:"+g.Value)
		}
	}
	r.areas = append([]apiArea{region}, areas...)
}

// see records that channel showed v (nil: hidden) for figure key, and checks it
// against what other channels showed.
func (r *attackReader) see(channel, key string, v *float64) {
	if first, ok := r.seenBy[key]; ok {
		prev := r.shown[key]
		if (prev == nil) != (v == nil) || (v != nil && *v != *prev) {
			r.finding("%s: %s shows %s, %s showed %s", key, channel, show(v), first, show(prev))
		}
		return
	}
	r.seenBy[key], r.shown[key] = channel, v
}

func show(v *float64) string {
	if v == nil {
		return "nothing"
	}
	return strconv.FormatFloat(*v, 'f', -1, 64)
}

func query(a apiArea, extra string) string {
	q := []string{}
	if a.param != "" {
		q = append(q, a.param)
	}
	if extra != "" {
		q = append(q, extra)
	}
	if len(q) == 0 {
		return ""
	}
	return "?" + strings.Join(q, "&")
}

// readSeries reads one KPI of one area on every channel, as bestuur and as analist.
func (r *attackReader) readSeries(d kpiDefJSON, a apiArea) {
	path := "/api/v1/kpis/" + d.ID
	var exact, s seriesJSON
	r.getJSON(path+query(a, ""), "analist", &exact)
	r.getJSON(path+query(a, ""), "bestuur", &s)
	if len(exact.Points) != len(s.Points) {
		r.t.Fatalf("%s %s: bestuur gets %d points, analist %d", d.ID, a.key, len(s.Points), len(exact.Points))
	}
	hiddenYear := map[string]bool{}
	for i, p := range s.Points {
		k := yearKey(d.ID, a.key, p.SchoolYear)
		e := exact.Points[i]
		if e.Value != nil {
			r.exact[k] = *e.Value
		}
		r.see("json", k, p.Value)
		hiddenYear[p.SchoolYear] = p.Value == nil
		switch {
		case p.Suppressed != (p.Value == nil && e.Value != nil):
			r.finding("%s: suppressed %v with value %s (analist %s)", k, p.Suppressed, show(p.Value), show(e.Value))
		case p.Value != nil && (e.Value == nil || *p.Value != *e.Value):
			r.finding("%s: bestuur sees %s, analist %s", k, show(p.Value), show(e.Value))
		case p.Value != nil && d.Unit == warehouse.UnitCount && *p.Value >= 1 && *p.Value < 5:
			r.finding("%s: the small count %v is shown", k, *p.Value)
		case p.Value == nil && p.OnTrack != nil:
			r.finding("%s: hidden, but on_track says %v", k, *p.OnTrack)
		case p.Suppressed != (statusText(p.Status) == string(warehouse.StatusOnderdrukt)):
			r.finding("%s: suppressed %v, status %q", k, p.Suppressed, statusText(p.Status))
		}
	}
	if b := s.Baseline; b != nil {
		r.see("json baseline", yearKey(d.ID, a.key, b.SchoolYear), b.Value)
		derived := d.TargetRule.Kind == warehouse.TargetReduction || d.TargetRule.Kind == warehouse.TargetMaxAndReduction
		for _, p := range s.Points {
			if derived && b.Value == nil && p.Target != nil && p.SchoolYear > b.SchoolYear {
				r.finding("%s: the target %v gives the hidden baseline %s back", yearKey(d.ID, a.key, p.SchoolYear), *p.Target, b.SchoolYear)
			}
			if derived && b.Value == nil && p.OnTrack != nil && p.SchoolYear > b.SchoolYear {
				r.finding("%s: on_track compares with the hidden baseline %s", yearKey(d.ID, a.key, p.SchoolYear), b.SchoolYear)
			}
		}
	}

	// The school year in progress to date and the same period of earlier years.
	if ip := s.InProgress; ip != nil && exact.InProgress != nil && ip.Through != nil {
		periods := append([]periodJSON{{SchoolYear: ip.SchoolYear, Through: *ip.Through, Value: ip.Value, Suppressed: ip.Suppressed}}, ip.SamePeriod...)
		exactPeriods := append([]periodJSON{{SchoolYear: exact.InProgress.SchoolYear, Value: exact.InProgress.Value}}, exact.InProgress.SamePeriod...)
		for i, per := range periods {
			k := ytdKey(d.ID, a.key, per.SchoolYear)
			if i < len(exactPeriods) && exactPeriods[i].Value != nil {
				r.exact[k] = *exactPeriods[i].Value
			}
			r.through[d.ID+"|"+per.SchoolYear] = per.Through
			r.see("json in_progress", k, per.Value)
			if per.Value != nil && d.Unit == warehouse.UnitCount && *per.Value >= 1 && *per.Value < 5 {
				r.finding("%s: the small count %v is shown", k, *per.Value)
			}
		}
	}

	// CSV and rows.
	for _, rec := range r.csv(path + query(a, "format=csv")) {
		r.see("csv", yearKey(d.ID, a.key, rec[1]), parseOptional(r.t, rec[3]))
	}
	var rows []rowJSON
	r.getJSON(path+query(a, "format=rows"), "bestuur", &rows)
	for _, row := range rows {
		r.see("rows", yearKey(d.ID, a.key, row.SchoolYear), row.Value)
	}

	// Grafana: the series with its target, the status, the table and the latest figure.
	payload := map[string]string{}
	if a.param != "" {
		kv := strings.SplitN(a.param, "=", 2)
		payload[kv[0]], _ = url.QueryUnescape(kv[1])
	}
	target := func(ref, view string) string {
		p := map[string]string{"weergave": view}
		for k, v := range payload {
			p[k] = v
		}
		b, _ := json.Marshal(map[string]any{"refId": ref, "target": d.ID, "payload": p})
		return string(b)
	}
	body := `{"range": {"from": "2000-01-01T00:00:00Z", "to": "2100-01-01T00:00:00Z"}, "targets": [` +
		target("A", viewSeries) + "," + target("B", viewStatus) + "," + target("C", viewTable) + "," + target("D", viewLatest) + `]}`
	var out []json.RawMessage
	r.postJSON("/grafana/query", body, &out)
	for _, raw := range out {
		var ts timeSeries
		var tb table
		if json.Unmarshal(raw, &tb) == nil && tb.Type == "table" {
			if tb.Columns[0].Text == "Schooljaar" { // the latest figure: "2024-2025 (lopend)", value
				for _, row := range tb.Rows {
					r.see("grafana laatste", yearKey(d.ID, a.key, yearOfLabel(row[0].(string))), numberOf(row[1]))
				}
				continue
			}
			for _, row := range tb.Rows {
				r.see("grafana tabel", yearKey(d.ID, a.key, row[1].(string)), numberOf(row[2]))
			}
			continue
		}
		if err := json.Unmarshal(raw, &ts); err != nil {
			r.t.Fatalf("grafana %s: %v", d.ID, err)
		}
		for _, dp := range ts.Datapoints {
			year := schoolYearAt(dp[1])
			switch ts.Target {
			case d.ID:
				r.see("grafana", yearKey(d.ID, a.key, year), numberOf(dp[0]))
			case d.ID + " op koers":
				if dp[0] != nil && hiddenYear[year] {
					r.finding("%s: hidden, but Grafana's status says %v", yearKey(d.ID, a.key, year), dp[0])
				}
			}
		}
	}
}

// readOverview reads Grafana's overview table of one area: the latest figure per KPI.
func (r *attackReader) readOverview(a apiArea, cat catalogueJSON) {
	byTitle := map[string]kpiDefJSON{}
	for _, d := range cat.KPIs {
		byTitle[d.TitleNL] = d
	}
	payload := "{}"
	if a.param != "" {
		kv := strings.SplitN(a.param, "=", 2)
		v, _ := url.QueryUnescape(kv[1])
		payload = fmt.Sprintf(`{%q: %q}`, kv[0], v)
	}
	var out []table
	r.postJSON("/grafana/query", `{"targets": [{"refId": "A", "target": "overzicht", "payload": `+payload+`}]}`, &out)
	for _, tb := range out {
		for _, row := range tb.Rows {
			d := byTitle[row[0].(string)]
			area := a.key
			if !slicesContains(d.Filters, "gemeente") {
				area = "regio"
			}
			if year := yearOfLabel(row[1].(string)); year != "" {
				r.see("grafana overzicht", yearKey(d.ID, area, year), numberOfLabel(r.t, row[2].(string)))
			}
		}
	}
}

// yearOfLabel is the school year of a label such as "2024-2025 (lopend)".
func yearOfLabel(label string) string {
	year, _, _ := strings.Cut(label, " ")
	return year
}

// readMonthly reads the monthly series of one area in JSON, CSV, rows and Grafana.
func (r *attackReader) readMonthly(a apiArea) {
	path := "/api/v1/kpis/" + warehouse.MonthlyID
	var exact, s monthSeriesJSON
	r.getJSON(path+query(a, ""), "analist", &exact)
	r.getJSON(path+query(a, ""), "bestuur", &s)
	if len(exact.Points) != len(s.Points) {
		r.t.Fatalf("%s %s: bestuur gets %d points, analist %d", warehouse.MonthlyID, a.key, len(s.Points), len(exact.Points))
	}
	for i, p := range s.Points {
		k := monthFigKey(a.key, p.Month, p.Verzuimsoort)
		e := exact.Points[i]
		if e.Value == nil {
			r.see("json", k, p.Value)
			continue
		}
		r.exact[k], r.years[k] = *e.Value, p.SchoolYear
		r.see("json", k, p.Value)
		switch {
		case p.Value != nil && *p.Value != *e.Value:
			r.finding("%s: bestuur sees %v, analist %v", k, *p.Value, *e.Value)
		case p.Value != nil && *p.Value >= 1 && *p.Value < 5:
			r.finding("%s: the small count %v is shown", k, *p.Value)
		case p.Suppressed != (statusText(p.Status) == string(warehouse.StatusOnderdrukt)):
			r.finding("%s: suppressed %v, status %q", k, p.Suppressed, statusText(p.Status))
		}
	}
	for _, rec := range r.csv(path + query(a, "format=csv")) {
		r.see("csv", monthFigKey(a.key, rec[1], rec[3]), parseOptional(r.t, rec[4]))
	}
	var rows []monthRowJSON
	r.getJSON(path+query(a, "format=rows"), "bestuur", &rows)
	for _, row := range rows {
		r.see("rows", monthFigKey(a.key, row.Month, row.Verzuimsoort), row.Value)
	}
	payload := "{}"
	if a.param != "" {
		kv := strings.SplitN(a.param, "=", 2)
		v, _ := url.QueryUnescape(kv[1])
		payload = fmt.Sprintf(`{%q: %q}`, kv[0], v)
	}
	var out []timeSeries
	r.postJSON("/grafana/query", `{"range": {"from": "2000-01-01T00:00:00Z", "to": "2100-01-01T00:00:00Z"}, "targets": [{"refId": "A", "target": "`+
		warehouse.MonthlyID+`", "payload": `+payload+`}]}`, &out)
	for _, ts := range out {
		soort := strings.TrimPrefix(ts.Target, warehouse.MonthlyID+" ")
		for _, dp := range ts.Datapoints {
			month := time.UnixMilli(int64(dp[1].(float64))).UTC().Format("2006-01")
			r.see("grafana", monthFigKey(a.key, month, soort), numberOf(dp[0]))
		}
	}
}

// csv fetches a CSV answer as bestuur and returns its records without the header.
func (r *attackReader) csv(path string) [][]string {
	r.t.Helper()
	cr := csv.NewReader(strings.NewReader(string(r.send(http.MethodGet, path, "", "bestuur"))))
	cr.Comma = ';'
	recs, err := cr.ReadAll()
	if err != nil || len(recs) == 0 {
		r.t.Fatalf("GET %s: %v", path, err)
	}
	return recs[1:]
}

// parseOptional reads a CSV number, decimal point or comma; empty is nothing.
func parseOptional(t *testing.T, s string) *float64 {
	if s == "" {
		return nil
	}
	v, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
	if err != nil {
		t.Fatalf("csv number %q: %v", s, err)
	}
	return &v
}

func numberOf(v any) *float64 {
	if f, ok := v.(float64); ok {
		return &f
	}
	return nil
}

// numberOfLabel reads a value the overview writes out ("1.139", "69,23%"); nil for "".
func numberOfLabel(t *testing.T, label string) *float64 {
	if label == "" {
		return nil
	}
	s := strings.ReplaceAll(strings.TrimSuffix(label, "%"), ".", "")
	v, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
	if err != nil {
		t.Fatalf("overview value %q: %v", label, err)
	}
	return &v
}

// schoolYearAt is the school year of a datapoint's time (1 August of its first year).
func schoolYearAt(ms any) string {
	tm := time.UnixMilli(int64(ms.(float64))).UTC()
	y := tm.Year()
	if tm.Month() < time.August {
		y--
	}
	return fmt.Sprintf("%d-%d", y, y+1)
}
