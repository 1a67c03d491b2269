package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/hetleerplein/leerplein/dashboards"
	"github.com/hetleerplein/leerplein/warehouse"
)

// grafanaSpecPath is the JSON datasource contract, relative to this package.
const grafanaSpecPath = "../../shared/vendor/grafana/simpod-json-datasource.openapi.yaml"

// loadGrafanaSpec loads the contract, or skips the test when shared/ is absent.
func loadGrafanaSpec(t *testing.T) *openapi3.T {
	t.Helper()
	if _, err := os.Stat(grafanaSpecPath); errors.Is(err, fs.ErrNotExist) {
		t.Skipf("Grafana JSON datasource contract not found at %s (the shared/ folder beside the repository); cannot run the contract test", grafanaSpecPath)
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile(grafanaSpecPath)
	if err != nil {
		t.Fatalf("load %s: %v", grafanaSpecPath, err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("the contract itself is invalid: %v", err)
	}
	return doc
}

// grafanaCall is one request to the datasource and what must come back.
type grafanaCall struct {
	name   string
	method string
	path   string // under /grafana, as the contract names it: "/query"
	body   string
	role   string // bearer token role; "" sends none
	status int
	check  func(t *testing.T, body []byte)
	// lenient marks a request Grafana may send although the contract does not describe
	// it; only the response is validated.
	lenient bool
}

// send makes the call against the real server and validates request and response
// against the contract (responses with status 200 only: errors are ours).
func (gc grafanaCall) send(t *testing.T, w *demoWarehouse, base string, doc *openapi3.T) []byte {
	t.Helper()
	req, err := http.NewRequest(gc.method, base+"/grafana"+gc.path, strings.NewReader(gc.body))
	if err != nil {
		t.Fatal(err)
	}
	if gc.body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res := w.do(t, req, gc.role)
	defer res.Body.Close()
	got, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != gc.status {
		t.Fatalf("status: got %d, want %d; body: %s", res.StatusCode, gc.status, got)
	}
	if gc.status == http.StatusOK {
		validateGrafana(t, doc, gc, res, got)
	}
	return got
}

// validateGrafana checks one exchange against the contract with kin-openapi.
func validateGrafana(t *testing.T, doc *openapi3.T, gc grafanaCall, res *http.Response, got []byte) {
	t.Helper()
	ctx := context.Background()
	item := doc.Paths.Find(gc.path)
	if item == nil {
		t.Fatalf("the contract has no path %s", gc.path)
	}
	op := item.GetOperation(gc.method)
	if op == nil {
		t.Fatalf("the contract has no %s %s", gc.method, gc.path)
	}
	// The contract's paths are relative to the datasource URL (…/grafana).
	req, _ := http.NewRequest(gc.method, "http://leerplein"+gc.path, strings.NewReader(gc.body))
	if gc.body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	route := &routers.Route{Spec: doc, Path: gc.path, PathItem: item, Method: gc.method, Operation: op}
	in := &openapi3filter.RequestValidationInput{Request: req, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true}}
	if err := openapi3filter.ValidateRequest(ctx, in); err != nil && !gc.lenient {
		t.Errorf("the test's request does not match the contract (make it look like Grafana's): %v", err)
	}
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: res.StatusCode, Header: res.Header,
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	out.SetBodyBytes(got)
	if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
		t.Errorf("response does not validate against %s:\n%v\nbody: %.600s", grafanaSpecPath, err, got)
	}
}

// rangeBody is the time range part of a Grafana request: the demo's ten school years.
const rangeBody = `"range": {"from": "2015-01-01T00:00:00.000Z", "to": "2026-11-25T00:00:00.000Z",
	"raw": {"from": "now-11y", "to": "now"}}, "rangeRaw": {"from": "now-11y", "to": "now"},
	"interval": "1d", "intervalMs": 86400000, "maxDataPoints": 1200, "panelId": 2,
	"scopedVars": {"__interval": {"text": "1d", "value": "1d"}}`

func queryBody(targets string, filters string) string {
	if filters == "" {
		filters = "[]"
	}
	return `{"app": "dashboard", "requestId": "Q100", "timezone": "browser", ` + rangeBody +
		`, "targets": ` + targets + `, "filters": ` + filters + `}`
}

// begin is the timestamp of school year y's point: 1 August, UTC, in ms.
func begin(year int) float64 {
	return float64(time.Date(year, time.August, 1, 0, 0, 0, 0, time.UTC).UnixMilli())
}

type tsJSON struct {
	Target     string        `json:"target"`
	Datapoints [][2]*float64 `json:"datapoints"`
}

// seriesAt returns the value of the named series at ms, and whether the point exists.
func seriesAt(t *testing.T, body []byte, target string, ms float64) (*float64, bool) {
	t.Helper()
	var out []tsJSON
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatalf("not a list of time series: %v; body %.300s", err, body)
	}
	for _, s := range out {
		if s.Target != target {
			continue
		}
		for _, dp := range s.Datapoints {
			if dp[1] != nil && *dp[1] == ms {
				return dp[0], true
			}
		}
		return nil, false
	}
	t.Fatalf("no series %q in %.300s", target, body)
	return nil, false
}

func wantValue(t *testing.T, body []byte, target string, ms, want float64) {
	t.Helper()
	got, ok := seriesAt(t, body, target, ms)
	switch {
	case !ok:
		t.Errorf("%s: no point at %s", target, time.UnixMilli(int64(ms)).UTC().Format("2006-01-02"))
	case got == nil:
		t.Errorf("%s at %s: got null, want %v", target, time.UnixMilli(int64(ms)).UTC().Format("2006-01-02"), want)
	case *got < want-1e-9 || *got > want+1e-9:
		t.Errorf("%s at %s: got %v, want %v", target, time.UnixMilli(int64(ms)).UTC().Format("2006-01-02"), *got, want)
	}
}

func wantNull(t *testing.T, body []byte, target string, ms float64) {
	t.Helper()
	got, ok := seriesAt(t, body, target, ms)
	if !ok || got != nil {
		t.Errorf("%s at %s: got %v (present %v), want null", target, time.UnixMilli(int64(ms)).UTC().Format("2006-01-02"), got, ok)
	}
}

func wantContains(subs ...string) func(t *testing.T, body []byte) {
	return func(t *testing.T, body []byte) {
		t.Helper()
		for _, s := range subs {
			if !bytes.Contains(body, []byte(s)) {
				t.Errorf("body lacks %s: %.500s", s, body)
			}
		}
	}
}

func wantLacks(subs ...string) func(t *testing.T, body []byte) {
	return func(t *testing.T, body []byte) {
		t.Helper()
		for _, s := range subs {
			if bytes.Contains(body, []byte(s)) {
				t.Errorf("body has %s, it should not: %.500s", s, body)
			}
		}
	}
}

func all(checks ...func(t *testing.T, body []byte)) func(t *testing.T, body []byte) {
	return func(t *testing.T, body []byte) {
		t.Helper()
		for _, c := range checks {
			c(t, body)
		}
	}
}

func TestGrafanaDatasourceContract(t *testing.T) {
	doc := loadGrafanaSpec(t)
	w := loadDemo(t)
	ts := w.server(t)

	calls := []grafanaCall{
		{name: "health", method: "GET", path: "/", role: "bestuur", status: 200},
		{name: "health without token", method: "GET", path: "/", status: 401},
		{name: "metrics", method: "POST", path: "/metrics", body: `{"metric": "", "payload": {}}`, role: "bestuur", status: 200,
			check: all(wantContains(`"value":"verzuim_meldingen"`, `"label":"Verzuimmeldingen"`, `"value":"vsv_nieuw"`,
				`"value":"verzuim_meldingen_maand"`, `"value":"overzicht"`, `"value":"mijlpalen"`, `"value":"reeksbreuken"`, `"name":"gemeente"`, `"name":"weergave"`),
				checkRegionalPayloads)},
		{name: "metrics with the fields Grafana adds", method: "POST", path: "/metrics",
			body: `{"metric": "verzuim_meldingen", "payload": {"subregio": "zk", "weergave": ["tabel"]}, "datasource": {"uid": "leerplein"}}`,
			role: "analist", status: 200, check: wantContains(`"value":"thuiszitters"`)},
		{name: "payload options: gemeenten of a sub-region", method: "POST", path: "/metric-payload-options",
			body: `{"metric": "verzuim_meldingen", "payload": {"subregio": "ijmond"}, "name": "gemeente"}`, role: "bestuur", status: 200,
			check: all(wantContains(`"value":"alle"`, `"label":"Velsen"`), wantLacks(`"label":"Haarlem"`))},
		{name: "payload options: sub-regions", method: "POST", path: "/metric-payload-options",
			body: `{"metric": "verzuim_meldingen", "payload": {}, "name": "subregio"}`, role: "bestuur", status: 200,
			check: wantContains(`"value":"zk"`, `"value":"ijmond"`)},
		{name: "payload options: views", method: "POST", path: "/metric-payload-options",
			body: `{"metric": "thuiszitters", "payload": {}, "name": "weergave"}`, role: "bestuur", status: 200,
			check: wantContains(`"value":"tijdreeks"`, `"value":"status"`, `"value":"tabel"`, `"value":"laatste"`)},
		{name: "query: series with its target series", method: "POST", path: "/query",
			body: queryBody(`[{"refId": "A", "target": "verzuim_meldingen", "payload": {}, "datasource": {"type": "simpod-json-datasource", "uid": "leerplein"}, "editorMode": "builder"}]`, ""),
			role: "analist", status: 200, check: func(t *testing.T, b []byte) {
				wantValue(t, b, "verzuim_meldingen", begin(2018), 1498)
				wantNull(t, b, "verzuim_meldingen doel", begin(2018)) // the baseline year has no target
				// The target 0.9 × 1498 = 1348.2 as judged: a count meets it exactly when it is at most 1348.
				wantValue(t, b, "verzuim_meldingen doel", begin(2019), 1348)
			}},
		{name: "query: the same for bestuur (1498 is not small)", method: "POST", path: "/query",
			body: queryBody(`[{"refId": "A", "target": "verzuim_meldingen", "payload": {"subregio": "alle", "gemeente": "$gemeente"}}]`, ""),
			role: "bestuur", status: 200, check: func(t *testing.T, b []byte) { wantValue(t, b, "verzuim_meldingen", begin(2018), 1498) }},
		{name: "query: time range limits the points", method: "POST", path: "/query",
			body: `{"range": {"from": "2018-01-01T00:00:00Z", "to": "2019-01-01T00:00:00Z"}, "targets": [{"refId": "A", "target": "verzuim_meldingen"}]}`,
			role: "analist", status: 200, check: func(t *testing.T, b []byte) {
				wantValue(t, b, "verzuim_meldingen", begin(2018), 1498)
				if _, ok := seriesAt(t, b, "verzuim_meldingen", begin(2019)); ok {
					t.Error("a point outside the range was returned")
				}
			}},
		{name: "query: a context KPI has no target series", method: "POST", path: "/query",
			body: queryBody(`[{"refId": "A", "target": "rmc_ers", "payload": {}}]`, ""), role: "analist", status: 200,
			check: all(wantContains(`"target":"rmc_ers"`), wantLacks(`"rmc_ers doel"`))},
		{name: "query: status series", method: "POST", path: "/query",
			body: queryBody(`[{"refId": "A", "target": "verzuim_meldingen", "payload": {"weergave": "status"}}]`, ""), role: "analist", status: 200,
			check: func(t *testing.T, b []byte) {
				wantNull(t, b, "verzuim_meldingen op koers", begin(2018))
				if v, ok := seriesAt(t, b, "verzuim_meldingen op koers", begin(2019)); !ok || v == nil || (*v != 0 && *v != 1) {
					t.Errorf("status 2019: got %v, want 0 or 1", v)
				}
			}},
		{name: "query: table target (type table, as older plugins send it)", method: "POST", path: "/query",
			body: queryBody(`[{"refId": "A", "target": "verzuim_meldingen", "type": "table", "payload": {}}]`, ""), role: "analist", status: 200,
			check: wantContains(`"type":"table"`, `"text":"Schooljaar"`, `"2018-2019",1498,"",""`, `"2019-2020",1139,"≤ 1.348","ja"`)},
		{name: "query: table through the weergave payload", method: "POST", path: "/query",
			body: queryBody(`[{"refId": "A", "target": "thuiszitters", "payload": {"weergave": "tabel"}}]`, ""), role: "bestuur", status: 200,
			check: wantContains(`"type":"table"`, `"text":"Onderdrukt"`)},
		{name: "query: a table names a suppressed figure in words, not with an unexplained x", method: "POST", path: "/query",
			body: queryBody(`[{"refId": "A", "target": "thuiszitters_langer_dan_3_maanden", "payload": {"gemeente": "GM0453", "weergave": "tabel"}}]`, ""),
			role: "bestuur", status: 200,
			check: all(wantContains(`"2024-2025",null,"","",true,"te weinig om te tonen"]`), wantLacks(`"x"]`))},
		{name: "query: overview table", method: "POST", path: "/query",
			body: queryBody(`[{"refId": "A", "target": "overzicht", "payload": {"subregio": "alle"}}]`, ""), role: "bestuur", status: 200,
			check: all(wantContains(`"Verzuimmeldingen","2024-2025"`, `"≤ 1.348"`, `"Thuiszitters met aanbod binnen 3 maanden","2024-2025"`, `"≥ 100%"`,
				`"Nieuwe voortijdig schoolverlaters","2023-2024","482","≤ 500","ja"`, `"5,31%","≤ 4,76% (landelijk)","nee"`, `"≤ 4,76% (landelijk)"`), wantLacks(`"RMC-trajecten`), checkOverviewRows)},
		{name: "query: monthly series by verzuimsoort", method: "POST", path: "/query",
			body: queryBody(`[{"refId": "A", "target": "verzuim_meldingen_maand", "payload": {}}]`, ""), role: "analist", status: 200,
			check: all(wantContains(`"verzuim_meldingen_maand relatief"`, `"verzuim_meldingen_maand luxe"`, `"verzuim_meldingen_maand absoluut"`), checkMonthlySum)},
		{name: "query: annotations (policy milestones)", method: "POST", path: "/query",
			body: queryBody(`[{"refId": "Mijlpalen", "target": "mijlpalen", "payload": {}}]`, ""), role: "bestuur", status: 200,
			check: wantContains(`"name":"time"`, `"name":"timeEnd"`, `"name":"title"`, `"name":"text"`, `"name":"tags"`,
				`Nulmeting regionaal convenant (2018-2019)`, `VSV-doel 2024: hoogstens 500`, `Wetswijziging`)},
		{name: "query: annotations (series breaks of verzuim_meldingen)", method: "POST", path: "/query",
			body: queryBody(`[{"refId": "Reeksbreuken", "target": "reeksbreuken", "payload": {}}]`, ""), role: "bestuur", status: 200,
			check: wantContains(`"name":"time"`, `"name":"title"`, `"name":"text"`, `Reeksbreuk vanaf 2025-2026`, `1767225600000`,
				`Vanaf 1 januari 2026 tellen ook meldingen van 23 t/m 26 jaar mee`)},
		{name: "query: several targets, hidden ones left out", method: "POST", path: "/query",
			body: queryBody(`[{"refId": "A", "target": "thuiszitters"}, {"refId": "B", "target": "vsv_nieuw", "payload": {"gemeente": "GM0392"}}, {"refId": "C", "target": "halt_pv", "hide": true}]`, ""),
			role: "analist", status: 200, check: all(wantContains(`"target":"thuiszitters"`, `"target":"vsv_nieuw doel"`), wantLacks(`halt_pv`))},
		{name: "query: ad hoc filter by gemeente name", method: "POST", path: "/query",
			body: queryBody(`[{"refId": "A", "target": "verzuim_meldingen", "payload": {}}]`, `[{"key": "gemeente", "operator": "=", "value": "Haarlem"}]`),
			role: "analist", status: 200, check: func(t *testing.T, b []byte) {
				got, _ := seriesAt(t, b, "verzuim_meldingen", begin(2018))
				if got == nil || *got <= 0 || *got >= 1498 {
					t.Errorf("Haarlem 2018-2019: got %v, want a part of the regional 1498", got)
				}
			}},
		{name: "query: payload as a JSON string (code mode)", method: "POST", path: "/query",
			body: queryBody(`[{"refId": "A", "target": "verzuim_meldingen", "payload": "{\"subregio\": \"zk\"}"}]`, ""), role: "analist", status: 200,
			lenient: true, check: wantContains(`"target":"verzuim_meldingen"`)},
		{name: "query: empty target list", method: "POST", path: "/query", body: queryBody(`[]`, ""), role: "bestuur", status: 200,
			check: wantContains(`[]`)},
		{name: "query: unknown metric", method: "POST", path: "/query",
			body: queryBody(`[{"refId": "A", "target": "bestaat_niet"}]`, ""), role: "bestuur", status: 400, check: wantContains(`"parameter":"target"`)},
		{name: "query: unknown gemeente", method: "POST", path: "/query",
			body: queryBody(`[{"refId": "A", "target": "thuiszitters", "payload": {"gemeente": "GM9999"}}]`, ""), role: "bestuur", status: 400,
			check: wantContains(`"parameter":"gemeente"`)},
		{name: "query: a multi-value gemeente is refused", method: "POST", path: "/query",
			body: queryBody(`[{"refId": "A", "target": "thuiszitters", "payload": {"gemeente": ["GM0392", "GM0375"]}}]`, ""), role: "bestuur", status: 400,
			check: wantContains(`"parameter":"gemeente"`, `one gemeente at a time`)},
		{name: "query: unsupported ad hoc operator", method: "POST", path: "/query",
			body: queryBody(`[{"refId": "A", "target": "thuiszitters"}]`, `[{"key": "gemeente", "operator": "!=", "value": "Haarlem"}]`),
			role: "bestuur", status: 400, check: wantContains(`"parameter":"filters"`)},
		{name: "query: not JSON", method: "POST", path: "/query", body: `{"targets": [`, role: "bestuur", status: 400,
			check: wantContains(`"parameter":"body"`)},
		{name: "query without token", method: "POST", path: "/query", body: queryBody(`[]`, ""), status: 401},
		{name: "variable: gemeenten", method: "POST", path: "/variable", body: `{"payload": {"target": "gemeenten"}, ` + rangeBody + `}`,
			role: "bestuur", status: 200, check: all(wantContains(`{"__text":"Haarlem","__value":"GM0392"}`, `"__text":"Velsen"`,
				// A gemeente merged away is offered last and named with its years, not as a current one.
				`{"__text":"Zandvoort","__value":"GM0473"},{"__text":"Haarlemmerliede en Spaarnwoude (t/m 2018-2019)","__value":"GM0393"}]`),
				wantLacks(`"__text":"Haarlemmerliede en Spaarnwoude",`))},
		{name: "variable: gemeenten of a sub-region", method: "POST", path: "/variable", body: `{"payload": {"target": "gemeenten zk"}}`,
			role: "bestuur", status: 200, check: all(wantContains(`"__value":"GM0392"`), wantLacks(`"__text":"Velsen"`))},
		{name: "variable: gemeenten of all sub-regions", method: "POST", path: "/variable", body: `{"payload": {"target": "gemeenten alle"}}`,
			role: "bestuur", status: 200, check: wantContains(`"__value":"GM0392"`, `"__text":"Velsen"`)},
		{name: "variable: sub-regions", method: "POST", path: "/variable", body: `{"payload": {"target": "subregios"}}`,
			role: "bestuur", status: 200, check: wantContains(`{"__text":"Zuid-Kennemerland","__value":"zk"}`, `"__value":"ijmond"`)},
		{name: "variable: school years", method: "POST", path: "/variable", body: `{"payload": {"target": "schooljaren"}}`,
			role: "bestuur", status: 200, check: wantContains(`"__value":"2015-2016"`, `"__value":"2018-2019"`, `"__value":"2024-2025"`)},
		{name: "variable: KPIs", method: "POST", path: "/variable", body: `{"payload": {"target": "kpis"}}`,
			role: "bestuur", status: 200, check: wantContains(`{"__text":"Thuiszitters","__value":"thuiszitters"}`)},
		{name: "variable: unknown", method: "POST", path: "/variable", body: `{"payload": {"target": "scholen"}}`,
			role: "bestuur", status: 400, check: wantContains(`"parameter":"payload.target"`)},
		{name: "tag keys", method: "POST", path: "/tag-keys", body: `{}`, role: "bestuur", status: 200,
			check: wantContains(`{"type":"string","text":"subregio"}`, `{"type":"string","text":"gemeente"}`)},
		{name: "tag values: gemeente", method: "POST", path: "/tag-values", body: `{"key": "gemeente"}`, role: "bestuur", status: 200,
			check: wantContains(`{"text":"Haarlem"}`, `{"text":"Velsen"}`)},
		{name: "tag values: unknown key", method: "POST", path: "/tag-values", body: `{"key": "school"}`, role: "bestuur", status: 400,
			check: wantContains(`"parameter":"key"`)},
	}
	for _, gc := range calls {
		t.Run(gc.name, func(t *testing.T) {
			got := gc.send(t, w, ts.URL, doc)
			if gc.check != nil {
				gc.check(t, got)
			}
		})
	}
}

// checkRegionalPayloads: the DUO figures are regional, so they offer no gemeente.
func checkRegionalPayloads(t *testing.T, body []byte) {
	t.Helper()
	var metrics []metricOption
	if err := json.Unmarshal(body, &metrics); err != nil {
		t.Fatal(err)
	}
	for _, m := range metrics {
		def, err := warehouse.LookupKPI(m.Value)
		if err != nil {
			continue
		}
		for _, p := range m.Payloads {
			if (p.Name == "gemeente" || p.Name == "subregio") && !def.Supports(p.Name) {
				t.Errorf("%s offers payload %s, which the KPI does not support", m.Value, p.Name)
			}
		}
	}
}

// checkOverviewRows: one row per KPI with a target, its target as a label, status "ja"
// or "nee" where there is one.
func checkOverviewRows(t *testing.T, body []byte) {
	t.Helper()
	var out []struct {
		Rows [][]any `json:"rows"`
	}
	if err := json.Unmarshal(body, &out); err != nil || len(out) != 1 {
		t.Fatalf("want one table: %v %.200s", err, body)
	}
	want := 0
	for _, d := range warehouse.KPICatalogue() {
		if d.Target.Kind != warehouse.TargetNone {
			want++
		}
	}
	if len(out[0].Rows) != want {
		t.Errorf("rows: got %d, want %d (one per KPI with a target)", len(out[0].Rows), want)
	}
	for _, r := range out[0].Rows {
		if d, ok := r[3].(string); !ok || (d != "" && !strings.HasPrefix(d, "≤ ") && !strings.HasPrefix(d, "≥ ")) {
			t.Errorf("%v: Doel %#v, want a label such as \"≤ 30\"", r[0], r[3])
		}
		if s := r[4]; s != "ja" && s != "nee" && s != "" {
			t.Errorf("%v: status %v, want ja, nee or empty", r[0], s)
		}
	}
}

// checkMonthlySum: the months of 2018-2019 add up to the yearly 1498.
func checkMonthlySum(t *testing.T, body []byte) {
	t.Helper()
	var out []tsJSON
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatal(err)
	}
	from, to := begin(2018), begin(2019)
	sum := 0.0
	for _, s := range out {
		for _, dp := range s.Datapoints {
			if dp[0] != nil && *dp[1] >= from && *dp[1] < to {
				sum += *dp[0]
			}
		}
	}
	if sum != 1498 {
		t.Errorf("months of 2018-2019 add up to %v, want 1498", sum)
	}
}

// TestDashboardTargetsAreServed checks every query of every provisioned dashboard
// against the real server: its metric is listed by /metrics, and the query itself, with
// the dashboard variables at "alle", answers 200 with a response the contract accepts.
func TestDashboardTargetsAreServed(t *testing.T) {
	doc := loadGrafanaSpec(t)
	w := loadDemo(t)
	ts := w.server(t)

	listed := grafanaCall{method: "POST", path: "/metrics", body: `{}`, role: "bestuur", status: 200}.send(t, w, ts.URL, doc)
	var metrics []metricOption
	if err := json.Unmarshal(listed, &metrics); err != nil {
		t.Fatal(err)
	}
	served := map[string]bool{}
	for _, m := range metrics {
		served[m.Value] = true
	}
	boards, err := dashboards.All()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range boards {
		t.Run(d.File, func(t *testing.T) {
			targets := dashboardTargets(t, d)
			if len(targets) == 0 {
				t.Fatal("the dashboard has no queries")
			}
			for _, raw := range targets {
				var tg struct {
					Target string `json:"target"`
				}
				_ = json.Unmarshal(raw, &tg)
				if !served[tg.Target] {
					t.Errorf("target %q is not a metric /grafana/metrics serves", tg.Target)
					continue
				}
				body := strings.ReplaceAll(string(raw), `"$subregio"`, `"alle"`)
				body = strings.ReplaceAll(body, `"$gemeente"`, `"alle"`)
				grafanaCall{method: "POST", path: "/query", body: queryBody("["+body+"]", ""), role: "bestuur", status: 200}.send(t, w, ts.URL, doc)
			}
		})
	}
}

// dashboardTargets returns the raw JSON of every Leerplein query of d (panels and
// annotations), checked against the walker of package dashboards.
func dashboardTargets(t *testing.T, d dashboards.Dashboard) []json.RawMessage {
	t.Helper()
	var model struct {
		Panels []struct {
			Targets []json.RawMessage `json:"targets"`
		} `json:"panels"`
		Annotations struct {
			List []struct {
				Datasource struct{ UID string } `json:"datasource"`
				Target     json.RawMessage      `json:"target"`
			} `json:"list"`
		} `json:"annotations"`
	}
	if err := json.Unmarshal(d.Raw, &model); err != nil {
		t.Fatal(err)
	}
	var out []json.RawMessage
	for _, p := range model.Panels {
		out = append(out, p.Targets...)
	}
	for _, a := range model.Annotations.List {
		if a.Datasource.UID == dashboards.DatasourceUID {
			out = append(out, a.Target)
		}
	}
	if len(out) != len(d.Targets()) {
		t.Errorf("found %d queries, dashboards.Targets finds %d", len(out), len(d.Targets()))
	}
	return out
}

// TestGrafanaRootWithoutSlash: Grafana's "Save & test" may ask for the datasource URL
// itself (…/grafana, no slash); it must end in 200 with the token still accepted.
func TestGrafanaRootWithoutSlash(t *testing.T) {
	w := loadDemo(t)
	ts := w.server(t)
	req, _ := http.NewRequest("GET", ts.URL+"/grafana", nil)
	res := w.do(t, req, "bestuur")
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("GET /grafana: got %d, want 200", res.StatusCode)
	}
}

// TestGrafanaSuppressesSmallNumbersForBestuur: the same query gives an analyst small
// counts and the board nulls in their place.
func TestGrafanaSuppressesSmallNumbersForBestuur(t *testing.T) {
	doc := loadGrafanaSpec(t)
	w := loadDemo(t)
	ts := w.server(t)
	body := queryBody(`[{"refId": "A", "target": "vrijstellingen", "payload": {"gemeente": "GM0393"}}]`, "")
	// small counts a role's datapoints and those from 1 to 4. A suppressed figure has no
	// datapoint (never a null Grafana could draw as 0).
	small := func(role string) (smalls, points int) {
		got := grafanaCall{method: "POST", path: "/query", body: body, role: role, status: 200}.send(t, w, ts.URL, doc)
		var out []tsJSON
		if err := json.Unmarshal(got, &out); err != nil || len(out) != 1 {
			t.Fatalf("%s: want one series: %v %.200s", role, err, got)
		}
		for _, dp := range out[0].Datapoints {
			switch {
			case dp[0] == nil:
				t.Errorf("%s: a datapoint without a value at %v", role, *dp[1])
			case *dp[0] >= 1 && *dp[0] <= 4:
				smalls++
			}
			points++
		}
		return smalls, points
	}
	analistSmall, analistPoints := small("analist")
	bestuurSmall, bestuurPoints := small("bestuur")
	if analistSmall == 0 {
		t.Fatal("the analyst sees no count from 1 to 4 for Haarlemmerliede: pick another gemeente for this test")
	}
	if bestuurSmall != 0 {
		t.Errorf("bestuur sees %d counts from 1 to 4, want none", bestuurSmall)
	}
	if missing := analistPoints - bestuurPoints; missing < analistSmall {
		t.Errorf("bestuur misses %d datapoints of the analyst's %d, want at least the %d small counts left out", missing, analistPoints, analistSmall)
	}
}

// BenchmarkGrafanaQueryFiveTargets is a dashboard row's request: five KPI targets with
// their target series, through the real server (issue target: p99 < 50 ms).
func BenchmarkGrafanaQueryFiveTargets(b *testing.B) {
	w := loadDemo(b)
	ts := w.server(b)
	body := queryBody(`[{"refId": "A", "target": "verzuim_meldingen", "payload": {"subregio": "zk"}},
		{"refId": "B", "target": "thuiszitters", "payload": {"gemeente": "GM0392"}},
		{"refId": "C", "target": "thuiszitters_langer_dan_3_maanden"},
		{"refId": "D", "target": "vsv_nieuw"}, {"refId": "E", "target": "overzicht"}]`, "")
	var durations []time.Duration
	for b.Loop() {
		req, _ := http.NewRequest("POST", ts.URL+"/grafana/query", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+w.tokens["bestuur"])
		start := time.Now()
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		durations = append(durations, time.Since(start))
		if res.StatusCode != 200 {
			b.Fatalf("status %d", res.StatusCode)
		}
	}
	slices.Sort(durations)
	b.ReportMetric(float64(durations[len(durations)*99/100].Microseconds())/1000, "p99-ms")
}

// anyNumber in a wanted row matches any number (a figure the test does not fix).
type anyNumber struct{}

// TestGrafanaLatestView: the "laatste" view a stat panel queries is one row naming the
// school year of the figure it shows; a figure that is not a value is null with its
// status beside the year, never a 0 and never an older value passed off as current.
func TestGrafanaLatestView(t *testing.T) {
	doc := loadGrafanaSpec(t)
	w := loadDemo(t)
	ts := w.server(t)
	const (
		nvt        = "n.v.t."
		onderdrukt = labelOnderdrukt
	)
	tests := []struct {
		name    string
		target  string
		payload string
		rng     string // a range body; "" for the demo's ten school years
		role    string
		want    []any // Schooljaar, Waarde, Doel, Op koers, Status; nil: no row
	}{
		{name: "a value with its target as judged: 11.7 for a count is at most 11",
			target: "thuiszitters", payload: `{"gemeente": "GM0375"}`, role: "bestuur",
			want: []any{"2024-2025", 7.0, "≤ 11", 1.0, ""}},
		{name: "a count target with thousands: 0.9 × 1498 = 1348.2",
			target: "verzuim_meldingen", payload: `{}`, role: "analist",
			want: []any{"2024-2025", anyNumber{}, "≤ 1.348", anyNumber{}, ""}},
		{name: "the latest year has no data: the year before, named",
			target: "vsv_pct_mbo", payload: `{}`, role: "bestuur",
			want: []any{"2023-2024", 5.31, "≤ 4,76% (landelijk)", 0.0, ""}},
		{name: "only a year without data in range: its status, no value",
			target: "vsv_nieuw", payload: `{}`, role: "bestuur",
			rng:  `"range": {"from": "2024-08-01T00:00:00Z", "to": "2025-07-31T00:00:00Z"}`,
			want: []any{"2024-2025 (geen gegevens)", nil, "≤ 500", nil, "geen gegevens"}},
		{name: "not the bureau's to count in any year: Velsen runs leerplicht itself",
			target: "vrijstellingen", payload: `{"gemeente": "GM0453"}`, role: "bestuur",
			want: []any{"2024-2025 (n.v.t.)", nil, "", nil, nvt}},
		{name: "the latest year suppressed for bestuur, its derived target too",
			target: "thuiszitters_langer_dan_3_maanden", payload: `{"gemeente": "GM0453"}`, role: "bestuur",
			want: []any{"2024-2025 (" + onderdrukt + ")", nil, "", nil, onderdrukt}},
		{name: "the same for an analyst: the exact figure, target and judgement",
			target: "thuiszitters_langer_dan_3_maanden", payload: `{"gemeente": "GM0453"}`, role: "analist",
			want: []any{"2024-2025", anyNumber{}, "≤ 9", anyNumber{}, ""}},
		{name: "a merged gemeente: its last value, in its own year (the baseline has no target)",
			target: "verzuim_meldingen", payload: `{"gemeente": "GM0393"}`, role: "bestuur",
			want: []any{"2018-2019", 16.0, "", nil, ""}},
		{name: "a percentage with a lower bound",
			target: "thuiszitters_aanbod_binnen_3_maanden_pct", payload: `{"gemeente": "GM0453"}`, role: "bestuur",
			want: []any{"2024-2025", 69.23, "≥ 100%", 0.0, ""}},
		{name: "a context figure has no target and no judgement",
			target: "rmc_ers", payload: `{}`, role: "bestuur",
			want: []any{"2024-2025", anyNumber{}, "", nil, ""}},
		{name: "no school year in range: no row",
			target: "thuiszitters", payload: `{}`, role: "bestuur",
			rng: `"range": {"from": "1990-01-01T00:00:00Z", "to": "1991-01-01T00:00:00Z"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			payload := strings.Replace(tt.payload, "{", `{"weergave": "laatste", `, 1)
			payload = strings.Replace(payload, ", }", "}", 1)
			body := queryBody(`[{"refId": "A", "target": "`+tt.target+`", "payload": `+payload+`}]`, "")
			if tt.rng != "" {
				body = `{"targets": [{"refId": "A", "target": "` + tt.target + `", "payload": ` + payload + `}], ` + tt.rng + `}`
			}
			got := grafanaCall{method: "POST", path: "/query", body: body, role: tt.role, status: 200}.send(t, w, ts.URL, doc)
			var out []table
			if err := json.Unmarshal(got, &out); err != nil || len(out) != 1 || out[0].Type != "table" {
				t.Fatalf("want one table: %v %.300s", err, got)
			}
			var cols []string
			for _, c := range out[0].Columns {
				cols = append(cols, c.Text+":"+c.Type)
			}
			if want := "Schooljaar:string Waarde:number Doel:string Op koers:number Status:string"; strings.Join(cols, " ") != want {
				t.Errorf("columns: got %s, want %s", strings.Join(cols, " "), want)
			}
			if tt.want == nil {
				if len(out[0].Rows) != 0 {
					t.Errorf("got rows %v, want none", out[0].Rows)
				}
				return
			}
			if len(out[0].Rows) != 1 {
				t.Fatalf("got %d rows, want one: %.300s", len(out[0].Rows), got)
			}
			row := out[0].Rows[0]
			for i, want := range tt.want {
				if _, ok := want.(anyNumber); ok {
					if _, isNum := row[i].(float64); !isNum {
						t.Errorf("%s: got %v, want a number", out[0].Columns[i].Text, row[i])
					}
					continue
				}
				if row[i] != want {
					t.Errorf("%s: got %#v, want %#v", out[0].Columns[i].Text, row[i], want)
				}
			}
		})
	}
}

// TestGrafanaLatestViewLopend: a school year in progress is named lopend and not judged
// against its whole-year target. The figures are those of the demo warehouse as they
// stood on 1 March 2025, in the middle of 2024-2025.
func TestGrafanaLatestViewLopend(t *testing.T) {
	w := loadDemo(t)
	snap, err := w.db.KPISnapshotOn(context.Background(), time.Date(2025, time.March, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	series, err := snap.Series("verzuim_meldingen", warehouse.KPIFilter{})
	if err != nil {
		t.Fatal(err)
	}
	last := series.Points[len(series.Points)-1]
	if last.SchoolYear != "2024-2025" || !last.Lopend || last.OnTrack != nil {
		t.Fatalf("the fixture's last point is %s, lopend %v, on_track %v; want 2024-2025 in progress, not judged", last.SchoolYear, last.Lopend, last.OnTrack)
	}
	tb := latestTable(series, timeRange{})
	if len(tb.Rows) != 1 {
		t.Fatalf("got %d rows, want one", len(tb.Rows))
	}
	row := tb.Rows[0]
	if row[0] != "2024-2025 (lopend t/m 1-3-2025)" {
		t.Errorf("Schooljaar: got %v, want 2024-2025 (lopend t/m 1-3-2025)", row[0])
	}
	if _, ok := row[1].(float64); !ok {
		t.Errorf("Waarde: got %v, want the year-to-date value", row[1])
	}
	if row[2] != "≤ 1.348" {
		t.Errorf("Doel: got %v, want ≤ 1.348 (the target still applies)", row[2])
	}
	if row[3] != nil {
		t.Errorf("Op koers: got %v, want null: a whole-year target does not judge a year in progress", row[3])
	}
	if row[4] != "lopend" {
		t.Errorf("Status: got %v, want lopend", row[4])
	}
}
