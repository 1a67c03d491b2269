package api

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// update rewrites the golden files under testdata/ with what the server answers now:
// go test ./api -update (then read the diff before committing it).
var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// scenario is one request to the real server and the answer it must get.
type scenario struct {
	name    string
	method  string // GET when empty
	path    string
	role    string            // bearer token of this role; "" sends none; "bad" sends an unknown token
	header  map[string]string // extra request headers
	status  int
	golden  string // file under testdata/kpi/ with the expected body; "" checks no body
	check   func(t *testing.T, res *http.Response, body []byte)
	invalid bool // the request breaks the OpenAPI document on purpose (a 400 case)
}

// kpiScenarios are the KPI API's specification, run against the demo warehouse (the
// curve's are in kpi_curve_test.go).
func kpiScenarios() []scenario {
	return append(seriesScenarios(), curveScenarios()...)
}

func seriesScenarios() []scenario {
	return []scenario{
		{name: "healthz is open", path: "/healthz", status: 200, check: bodyHas(`"status":"ok"`)},
		{name: "openapi is open", path: "/api/v1/openapi.json", status: 200, check: bodyHas(`"openapi": "3.0.3"`)},
		{name: "catalogue without credentials", path: "/api/v1/kpis", status: 401, golden: "unauthorized.json",
			check: headerIs("WWW-Authenticate", `Bearer realm="leerplein"`)},
		{name: "catalogue with an unknown token", path: "/api/v1/kpis", role: "bad", status: 401},
		{name: "catalogue", path: "/api/v1/kpis", role: "bestuur", status: 200, golden: "catalogue.json"},
		{name: "catalogue takes no parameters", path: "/api/v1/kpis?gemeente=GM0392", role: "bestuur", status: 400, golden: "catalogue_param.json", invalid: true},
		{name: "verzuim_meldingen analist", path: "/api/v1/kpis/verzuim_meldingen", role: "analist", status: 200, golden: "verzuim_meldingen.json",
			check: bodyHas(`"baseline":{"school_year":"2018-2019","value":1498,"suppressed":false,"status":null,"lopend":false}`)},
		{name: "verzuim_meldingen bestuur (nothing small)", path: "/api/v1/kpis/verzuim_meldingen", role: "bestuur", status: 200, golden: "verzuim_meldingen.json"},
		{name: "verzuim_meldingen of a merged gemeente", path: "/api/v1/kpis/verzuim_meldingen?gemeente=GM0393", role: "analist", status: 200, golden: "verzuim_meldingen_GM0393.json",
			// Haarlemmerliede en Spaarnwoude merged into Haarlemmermeer in 2019: no 0, a status.
			// Not the bureau's to count, so no target either; the note says why.
			check: bodyHas(`"school_year":"2018-2019","value":`, `"school_year":"2019-2020","value":null,"target":null,"on_track":null,"suppressed":false,"status":"niet_van_toepassing","lopend":false,"through":null}`,
				`"note_nl":"Haarlemmerliede en Spaarnwoude telt in de schooljaren 2019-2020 t/m 2024-2025 niet mee: de gemeente bestond toen niet (opgeheven per 1 januari 2019)."`)},
		{name: "verzuim_meldingen of a sub-region that runs leerplicht itself", path: "/api/v1/kpis/verzuim_meldingen?subregio=ijmond&van=2023-2024", role: "bestuur", status: 200,
			// A mixed area: a value (the 18+ reports), with a Dutch and English note on what it covers.
			check: bodyHas(`"school_year":"2024-2025","value":230,`,
				`"note_nl":"Beverwijk, Heemskerk en Velsen voeren de leerplicht zelf uit: van deze gemeenten tellen alleen de meldingen van jongeren van 18 jaar en ouder mee."`,
				`"note_en":"Beverwijk, Heemskerk and Velsen run compulsory education themselves: of these gemeenten only reports of youths aged 18 and over are counted."`,
				`{"gemeente":"GM0453","naam":"Velsen","figure":"verzuim_leerplicht","reason":"leerplicht_lokaal","van":"2023-2024","tot":"2024-2025"}`)},
		{name: "exemptions of a gemeente that runs leerplicht itself", path: "/api/v1/kpis/vrijstellingen?gemeente=GM0453&van=2024-2025", role: "bestuur", status: 200,
			check: bodyHas(`"value":null,"target":null,"on_track":null,"suppressed":false,"status":"niet_van_toepassing"`,
				`"note_nl":"Velsen voert de leerplicht zelf uit: vrijstellingen van deze gemeente tellen hier niet mee (n.v.t.)."`)},
		{name: "exemptions of a sub-region whose every gemeente runs leerplicht itself", path: "/api/v1/kpis/vrijstellingen?subregio=ijmond&van=2024-2025", role: "analist", status: 200,
			// Not applicable for any of its gemeenten: n.v.t., not a 0 and not a sum of nothing.
			check: bodyHas(`"value":null,"target":null,"on_track":null,"suppressed":false,"status":"niet_van_toepassing"`,
				`"note_nl":"Beverwijk, Heemskerk en Velsen voeren de leerplicht zelf uit: vrijstellingen van deze gemeenten tellen hier niet mee (n.v.t.)."`)},
		{name: "a whole-region series leaves nothing out but a gemeente that no longer exists", path: "/api/v1/kpis/thuiszitters?van=2020-2021", role: "bestuur", status: 200,
			check: bodyHas(`"coverage":{"note_nl":"Haarlemmerliede en Spaarnwoude telt in de schooljaren 2020-2021 t/m 2024-2025 niet mee`)},
		{name: "a series within one gemeente's life leaves nothing out", path: "/api/v1/kpis/thuiszitters?gemeente=GM0392", role: "bestuur", status: 200,
			check: bodyHas(`"coverage":null`)},
		{name: "thuiszitters of a small gemeente, analist", path: "/api/v1/kpis/thuiszitters?gemeente=GM0473", role: "analist", status: 200, golden: "thuiszitters_GM0473_analist.json",
			check: bodyHas(`"baseline":{"school_year":"2018-2019","value":1,"suppressed":false,"status":null,"lopend":false}`)},
		{name: "thuiszitters of a small gemeente, bestuur", path: "/api/v1/kpis/thuiszitters?gemeente=gm0473", role: "bestuur", status: 200, golden: "thuiszitters_GM0473_bestuur.json",
			check: bodyHas(`"baseline":{"school_year":"2018-2019","value":null,"suppressed":true,"status":"onderdrukt","lopend":false}`, `"target_suppressed":true`)},
		{name: "thuiszitters in a sub-region and range", path: "/api/v1/kpis/thuiszitters?subregio=ijmond&van=2017-2018&tot=2020-2021", role: "analist", status: 200, golden: "thuiszitters_ijmond.json"},
		{name: "aanbod percentage", path: "/api/v1/kpis/thuiszitters_aanbod_binnen_3_maanden_pct", role: "analist", status: 200, golden: "thuiszitters_aanbod.json"},
		{name: "vsv_nieuw: two targets", path: "/api/v1/kpis/vsv_nieuw", role: "bestuur", status: 200, golden: "vsv_nieuw.json"},
		{name: "vsv_pct_vo: national target", path: "/api/v1/kpis/vsv_pct_vo", role: "bestuur", status: 200, golden: "vsv_pct_vo.json"},
		{name: "rmc_herplaatst_pct", path: "/api/v1/kpis/rmc_herplaatst_pct", role: "beheer", status: 200, golden: "rmc_herplaatst_pct.json"},
		{name: "csv with decimal comma", path: "/api/v1/kpis/verzuim_meldingen?format=csv", role: "analist", status: 200, golden: "verzuim_meldingen.csv",
			check: headerIs("Content-Type", "text/csv; charset=utf-8")},
		{name: "csv with decimal point", path: "/api/v1/kpis/verzuim_meldingen?format=csv&decimal=point", role: "analist", status: 200, golden: "verzuim_meldingen_point.csv"},
		{name: "csv of a percentage", path: "/api/v1/kpis/vsv_pct_mbo?format=csv", role: "analist", status: 200, golden: "vsv_pct_mbo.csv"},
		{name: "rows for Infinity", path: "/api/v1/kpis/vrijstellingen?format=rows&van=2022-2023", role: "analist", status: 200, golden: "vrijstellingen_rows.json"},
		{name: "monthly, analist", path: "/api/v1/kpis/verzuim_meldingen_maand?van=2018-2019&tot=2018-2019&gemeente=GM0377", role: "analist", status: 200, golden: "maand_GM0377_analist.json"},
		{name: "monthly, bestuur", path: "/api/v1/kpis/verzuim_meldingen_maand?van=2018-2019&tot=2018-2019&gemeente=GM0377", role: "bestuur", status: 200, golden: "maand_GM0377_bestuur.json"},
		{name: "monthly as csv", path: "/api/v1/kpis/verzuim_meldingen_maand?van=2024-2025&format=csv", role: "bestuur", status: 200, golden: "maand_2024.csv"},
		{name: "monthly as rows", path: "/api/v1/kpis/verzuim_meldingen_maand?van=2024-2025&tot=2024-2025&subregio=zk&format=rows", role: "analist", status: 200, golden: "maand_zk_rows.json"},
		{name: "unknown kpi", path: "/api/v1/kpis/bestaat_niet", role: "bestuur", status: 404, golden: "unknown_kpi.json"},
		{name: "vsv has no gemeente", path: "/api/v1/kpis/vsv_nieuw?gemeente=GM0392", role: "bestuur", status: 400, golden: "vsv_gemeente.json"},
		{name: "unknown gemeente", path: "/api/v1/kpis/thuiszitters?gemeente=GM9999", role: "bestuur", status: 400, golden: "unknown_gemeente.json"},
		{name: "unknown subregio", path: "/api/v1/kpis/thuiszitters?subregio=noord", role: "bestuur", status: 400, golden: "unknown_subregio.json"},
		{name: "malformed van", path: "/api/v1/kpis/thuiszitters?van=2018", role: "bestuur", status: 400, golden: "bad_van.json", invalid: true},
		{name: "van after tot", path: "/api/v1/kpis/thuiszitters?van=2020-2021&tot=2018-2019", role: "bestuur", status: 400, golden: "van_after_tot.json"},
		{name: "misspelt parameter", path: "/api/v1/kpis/thuiszitters?gemente=GM0392", role: "bestuur", status: 400, golden: "misspelt.json"},
		{name: "unknown format", path: "/api/v1/kpis/thuiszitters?format=xml", role: "bestuur", status: 400, golden: "bad_format.json", invalid: true},
		{name: "decimal without csv", path: "/api/v1/kpis/thuiszitters?decimal=point", role: "bestuur", status: 400, golden: "decimal_without_csv.json"},
		{name: "loads need beheer", path: "/api/v1/loads", role: "analist", status: 403, golden: "loads_forbidden.json"},
		{name: "loads for beheer", path: "/api/v1/loads", role: "beheer", status: 200, check: bodyHas(`"job":"demo"`, `"status":"ok"`)},
		{name: "unknown path", path: "/api/v1/nope", role: "bestuur", status: 404, golden: "not_found.json"},
		{name: "wrong method", method: "POST", path: "/api/v1/kpis", role: "bestuur", status: 405},
		{name: "dashboard sends a browser to the login page", path: "/", status: 303, check: headerIs("Location", "/login?next=%2F")},
		{name: "login page is open and Dutch", path: "/login", status: 200, check: bodyHas(`<html lang="nl">`, "Wachtwoord")},
	}
}

// TestKPIAPI runs the scenarios against a real HTTP server on the demo warehouse.
func TestKPIAPI(t *testing.T) {
	w := loadDemo(t)
	ts := w.server(t)
	for _, sc := range kpiScenarios() {
		t.Run(sc.name, func(t *testing.T) {
			res, body := sc.send(t, w, ts.URL)
			if res.StatusCode != sc.status {
				t.Fatalf("status: got %d, want %d; body: %.400s", res.StatusCode, sc.status, body)
			}
			if sc.golden != "" {
				compareGolden(t, filepath.Join("testdata", "kpi", sc.golden), normalise(body))
			}
			if sc.check != nil {
				sc.check(t, res, body)
			}
		})
	}
}

// send makes the scenario's request and reads the whole answer.
func (sc scenario) send(t *testing.T, w *demoWarehouse, base string) (*http.Response, []byte) {
	t.Helper()
	method := sc.method
	if method == "" {
		method = http.MethodGet
	}
	req, err := http.NewRequest(method, base+sc.path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range sc.header {
		req.Header.Set(k, v)
	}
	role := sc.role
	if role == "bad" {
		req.Header.Set("Authorization", "Bearer "+tokenPrefix+strings.Repeat("0", 64))
		role = ""
	}
	res := w.doNoRedirect(t, req, role)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, body
}

// doNoRedirect is demoWarehouse.do without following redirects, so a 303 is seen.
func (w *demoWarehouse) doNoRedirect(t *testing.T, req *http.Request, role string) *http.Response {
	t.Helper()
	if role != "" {
		req.Header.Set("Authorization", "Bearer "+w.tokens[role])
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	return res
}

var dataAsOf = regexp.MustCompile(`"data_as_of":"[^"]*"`)

// normalise replaces what differs between runs (the load time) and indents JSON, so
// golden files read well and diff line by line.
func normalise(body []byte) []byte {
	body = dataAsOf.ReplaceAll(body, []byte(`"data_as_of":"<load time>"`))
	var buf bytes.Buffer
	if json.Indent(&buf, bytes.TrimSpace(body), "", "  ") == nil {
		buf.WriteByte('\n')
		return buf.Bytes()
	}
	return body
}

// compareGolden compares got with the golden file, or rewrites it under -update.
func compareGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("golden file: %v (run go test ./api -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("body differs from %s (go test ./api -update rewrites it):\n%s", path, lineDiff(string(want), string(got)))
	}
}

// lineDiff shows the first lines where want and got differ.
func lineDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	var out []string
	for i := 0; i < max(len(wl), len(gl)) && len(out) < 12; i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			out = append(out, "line "+strconv.Itoa(i+1)+":\n  want "+w+"\n  got  "+g)
		}
	}
	return strings.Join(out, "\n")
}

func bodyHas(subs ...string) func(t *testing.T, res *http.Response, body []byte) {
	return func(t *testing.T, _ *http.Response, body []byte) {
		t.Helper()
		for _, s := range subs {
			if !bytes.Contains(body, []byte(s)) {
				t.Errorf("body lacks %s: %.400s", s, body)
			}
		}
	}
}

func headerIs(name, want string) func(t *testing.T, res *http.Response, body []byte) {
	return func(t *testing.T, res *http.Response, _ []byte) {
		t.Helper()
		if got := res.Header.Get(name); got != want {
			t.Errorf("header %s: got %q, want %q", name, got, want)
		}
	}
}
