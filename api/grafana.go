package api

// The Grafana JSON datasource (simpod-json-datasource 0.6.x) under /grafana/: metric
// discovery, payload options, template variables and ad hoc filter keys. The queries
// themselves are in grafana_query.go. Requests are decoded leniently: Grafana sends
// more fields than these, payload values may be strings or lists, and a variable that
// was not replaced arrives as "$name".

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/hetleerplein/leerplein/warehouse"
)

// Metrics served beside the KPI catalogue and the monthly series.
const (
	// metricOverview is a table: per KPI with a target, the latest value, target and status.
	metricOverview = "overzicht"
	// metricMilestones answers annotation queries: the policy milestones of milestones().
	metricMilestones = "mijlpalen"
	// metricBreaks answers annotation queries: the series breaks of verzuim_meldingen
	// (warehouse.SeriesBreak, read from mart.leeftijdsregels).
	metricBreaks = "reeksbreuken"
)

// Values of the "weergave" payload: how a KPI query is answered.
const (
	viewSeries = "tijdreeks" // the series and its companion "<id> doel" series (default)
	viewStatus = "status"    // one series "<id> op koers": 1 on track, 0 not, null without a target
	viewTable  = "tabel"     // a table: school year, value, target, status, suppressed
	viewLatest = "laatste"   // a table of one row, for a stat panel: the latest figure and its school year
)

// allValue is what the dashboards send for "all" (the variables' allValue); the other
// spellings are what Grafana sends when a variable has no custom all value.
func isAll(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "alle", "all", "$__all", "*", ".*":
		return true
	}
	return strings.HasPrefix(v, "$") // a variable Grafana did not replace
}

// grafanaPayload is a target's payload: the selected filters and view. Values arrive
// as strings, as lists of strings (multi-select) or, in code mode, as a JSON string.
type grafanaPayload map[string]string

func (p *grafanaPayload) UnmarshalJSON(b []byte) error {
	out := grafanaPayload{}
	*p = out
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		return nil
	}
	if b[0] == '"' { // a payload typed as raw JSON text
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		if strings.TrimSpace(s) == "" {
			return nil
		}
		b = []byte(s)
	}
	var raw map[string]any
	if err := json.Unmarshal(b, &raw); err != nil {
		return fmt.Errorf("payload is not a JSON object: %w", err)
	}
	for k, v := range raw {
		switch x := v.(type) {
		case string:
			out[k] = x
		case float64, bool:
			out[k] = fmt.Sprint(x)
		case []any:
			if len(x) == 1 {
				out[k] = fmt.Sprint(x[0])
			} else if len(x) > 1 {
				out[k] = "(" + joinAny(x, "|") + ")"
			}
		}
	}
	return nil
}

func joinAny(xs []any, sep string) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = fmt.Sprint(x)
	}
	return strings.Join(parts, sep)
}

// decodeGrafana reads a JSON request body into v; an empty body leaves v as it is.
// Unknown fields are ignored (Grafana adds fields between versions).
func decodeGrafana(c *gin.Context, v any) error {
	raw, err := io.ReadAll(io.LimitReader(c.Request.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("grafana: read body: %w", err)
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return badParam("body", "not the JSON this endpoint expects: %v", err)
	}
	return nil
}

// grafanaRoot is the datasource's "Save & test": 200 when the warehouse answers.
func (s *Server) grafanaRoot(c *gin.Context) (any, error) {
	if _, err := s.snapshot(c); err != nil {
		return nil, err
	}
	return map[string]string{"status": "ok", "message": "Het Leerplein: gegevensbron werkt"}, nil
}

// metricOption is one entry of /metrics.
type metricOption struct {
	Label    string          `json:"label"`
	Value    string          `json:"value"`
	Payloads []payloadOption `json:"payloads"`
}

// payloadOption is one payload field of a metric; options are fetched from
// /metric-payload-options when Options is empty.
type payloadOption struct {
	Label        string         `json:"label"`
	Name         string         `json:"name"`
	Type         string         `json:"type"`
	Placeholder  string         `json:"placeholder,omitempty"`
	ReloadMetric bool           `json:"reloadMetric"`
	Width        int            `json:"width,omitempty"`
	Options      []selectOption `json:"options,omitempty"`
}

// selectOption is a choice in a select box (/metric-payload-options, payload options).
type selectOption struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

func filterPayloads(subregio, gemeente bool) []payloadOption {
	var out []payloadOption
	if subregio {
		out = append(out, payloadOption{Label: "Subregio", Name: "subregio", Type: "select", Placeholder: "alle subregio's", Width: 30})
	}
	if gemeente {
		out = append(out, payloadOption{Label: "Gemeente", Name: "gemeente", Type: "select", Placeholder: "alle gemeenten", Width: 30})
	}
	return out
}

func viewPayload() payloadOption {
	return payloadOption{Label: "Weergave", Name: "weergave", Type: "select", Width: 30, Options: []selectOption{
		{Label: "Tijdreeks met doel", Value: viewSeries},
		{Label: "Status (1 = op koers, 0 = niet)", Value: viewStatus},
		{Label: "Tabel per schooljaar", Value: viewTable},
		{Label: "Laatste schooljaar (één rij, voor een stat-paneel)", Value: viewLatest},
	}}
}

// grafanaMetricList is every metric the datasource answers, with its payload fields.
func grafanaMetricList() []metricOption {
	var out []metricOption
	for _, d := range warehouse.KPICatalogue() {
		p := filterPayloads(d.Supports(warehouse.FilterSubregio), d.Supports(warehouse.FilterGemeente))
		p = append(p, viewPayload())
		out = append(out, metricOption{Label: d.TitleNL, Value: d.ID, Payloads: p})
	}
	out = append(out,
		metricOption{Label: "Verzuimmeldingen per maand, naar soort", Value: warehouse.MonthlyID, Payloads: filterPayloads(true, true)},
		metricOption{Label: "Overzicht van alle doelen (tabel)", Value: metricOverview, Payloads: filterPayloads(true, true)},
		metricOption{Label: "Beleidsmijlpalen (annotaties)", Value: metricMilestones, Payloads: []payloadOption{}},
		metricOption{Label: "Reeksbreuken verzuimmeldingen (annotaties)", Value: metricBreaks, Payloads: []payloadOption{}},
	)
	return out
}

// grafanaMetrics lists the metrics (POST /metrics). The request's current metric and
// payload do not narrow the list: the query editor shows all of them.
func (s *Server) grafanaMetrics(c *gin.Context) (any, error) {
	var req struct {
		Metric  string         `json:"metric"`
		Payload grafanaPayload `json:"payload"`
	}
	if err := decodeGrafana(c, &req); err != nil {
		return nil, err
	}
	return grafanaMetricList(), nil
}

// grafanaMetricPayloadOptions lists the choices of one payload field (POST
// /metric-payload-options): sub-regions, gemeenten (of the chosen sub-region), views.
func (s *Server) grafanaMetricPayloadOptions(c *gin.Context) (any, error) {
	var req struct {
		Metric  string         `json:"metric"`
		Payload grafanaPayload `json:"payload"`
		Name    string         `json:"name"`
	}
	if err := decodeGrafana(c, &req); err != nil {
		return nil, err
	}
	snap, err := s.snapshot(c)
	if err != nil {
		return nil, err
	}
	out := []selectOption{}
	switch req.Name {
	case "subregio":
		out = append(out, selectOption{Label: "Alle subregio's", Value: "alle"})
		for _, sr := range snap.Subregios {
			out = append(out, selectOption{Label: sr.Naam, Value: sr.Code})
		}
	case "gemeente":
		out = append(out, selectOption{Label: "Alle gemeenten", Value: "alle"})
		sub, err := resolveSubregio(snap, req.Payload["subregio"])
		if err != nil {
			return nil, err
		}
		for _, g := range gemeenteLabels(snap) {
			if sub == "" || g.Subregio == sub {
				out = append(out, selectOption{Label: g.Naam, Value: g.Code})
			}
		}
	case "weergave":
		out = viewPayload().Options
	case "van", "tot":
		for _, y := range snap.Years {
			out = append(out, selectOption{Label: y, Value: y})
		}
	}
	return out, nil
}

// gemeenteLabels lists the gemeenten for a Grafana choice: the current ones first, then
// those that did not exist in the latest school year, named with their years
// ("Haarlemmerliede en Spaarnwoude (t/m 2018-2019)") so that nobody takes them for a
// current gemeente.
func gemeenteLabels(snap *warehouse.KPISnapshot) []webOption {
	current, former := gemeenteChoices(snap)
	for _, o := range former {
		o.Naam += " (" + o.Periode + ")"
		current = append(current, o)
	}
	return current
}

// variableItem is one value of a template variable.
type variableItem struct {
	Text  string `json:"__text"`
	Value string `json:"__value"`
}

// grafanaVariable answers a query variable (POST /variable). The query is
// "gemeenten [subregio]", "subregios", "schooljaren" or "kpis".
func (s *Server) grafanaVariable(c *gin.Context) (any, error) {
	var req struct {
		Payload json.RawMessage `json:"payload"`
		Target  string          `json:"target"` // older plugins send the query here
	}
	if err := decodeGrafana(c, &req); err != nil {
		return nil, err
	}
	query := req.Target
	if len(req.Payload) > 0 {
		var p struct {
			Target string `json:"target"`
		}
		if err := json.Unmarshal(req.Payload, &p); err == nil && p.Target != "" {
			query = p.Target
		} else {
			var str string
			if json.Unmarshal(req.Payload, &str) == nil && str != "" {
				query = str
			}
		}
	}
	snap, err := s.snapshot(c)
	if err != nil {
		return nil, err
	}
	words := strings.Fields(query)
	if len(words) == 0 {
		return nil, badParam("payload.target", "empty variable query; use gemeenten, subregios, schooljaren or kpis")
	}
	out := []variableItem{}
	switch strings.ToLower(words[0]) {
	case "gemeenten", "gemeente":
		sub := ""
		if len(words) > 1 {
			if sub, err = resolveSubregio(snap, words[1]); err != nil {
				return nil, err
			}
		}
		for _, g := range gemeenteLabels(snap) {
			if sub == "" || g.Subregio == sub {
				out = append(out, variableItem{Text: g.Naam, Value: g.Code})
			}
		}
	case "subregios", "subregio":
		for _, sr := range snap.Subregios {
			out = append(out, variableItem{Text: sr.Naam, Value: sr.Code})
		}
	case "schooljaren", "schooljaar":
		for _, y := range snap.Years {
			out = append(out, variableItem{Text: y, Value: y})
		}
	case "kpis", "kpi":
		for _, d := range warehouse.KPICatalogue() {
			out = append(out, variableItem{Text: d.TitleNL, Value: d.ID})
		}
	default:
		return nil, badParam("payload.target", "unknown variable query %q; use gemeenten, subregios, schooljaren or kpis", query)
	}
	return out, nil
}

// tagKey is an ad hoc filter key.
type tagKey struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

// grafanaTagKeys lists the ad hoc filter keys (POST /tag-keys).
func (s *Server) grafanaTagKeys(c *gin.Context) (any, error) {
	return []tagKey{{Type: "string", Text: "subregio"}, {Type: "string", Text: "gemeente"}}, nil
}

// grafanaTagValues lists the values of an ad hoc filter key (POST /tag-values): names,
// which the filters accept as well as codes.
func (s *Server) grafanaTagValues(c *gin.Context) (any, error) {
	var req struct {
		Key string `json:"key"`
	}
	if err := decodeGrafana(c, &req); err != nil {
		return nil, err
	}
	snap, err := s.snapshot(c)
	if err != nil {
		return nil, err
	}
	type tagValue struct {
		Text string `json:"text"`
	}
	out := []tagValue{}
	switch req.Key {
	case "subregio":
		for _, sr := range snap.Subregios {
			out = append(out, tagValue{Text: sr.Naam})
		}
	case "gemeente":
		for _, g := range snap.Gemeenten {
			out = append(out, tagValue{Text: g.Naam})
		}
	default:
		return nil, badParam("key", "unknown filter key %q; use subregio or gemeente", req.Key)
	}
	return out, nil
}

// resolveSubregio turns a sub-region code or name into its code; "" for all.
func resolveSubregio(snap *warehouse.KPISnapshot, v string) (string, error) {
	if isAll(v) {
		return "", nil
	}
	if strings.ContainsAny(v, "|{}") {
		return "", badParam("subregio", "one sub-region at a time, got %q: make the variable single-valued or give it the all value \"alle\"", v)
	}
	for _, sr := range snap.Subregios {
		if strings.EqualFold(v, sr.Code) || strings.EqualFold(v, sr.Naam) {
			return sr.Code, nil
		}
	}
	return "", badParam("subregio", "unknown sub-region %q; POST /grafana/variable with target \"subregios\" lists them", v)
}

// resolveGemeente turns a CBS code or a gemeente name into its code; "" for all.
func resolveGemeente(snap *warehouse.KPISnapshot, v string) (string, error) {
	if isAll(v) {
		return "", nil
	}
	if strings.ContainsAny(v, "|{}") {
		return "", badParam("gemeente", "one gemeente at a time, got %q: make the variable single-valued or give it the all value \"alle\"", v)
	}
	for _, g := range snap.Gemeenten {
		if strings.EqualFold(v, g.Code) || strings.EqualFold(v, g.Naam) {
			return g.Code, nil
		}
	}
	return "", badParam("gemeente", "unknown gemeente %q; POST /grafana/variable with target \"gemeenten\" lists them", v)
}
