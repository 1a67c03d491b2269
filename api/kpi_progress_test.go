package api

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// progressDay is the day the in-progress scenarios read the demo on: inside its last
// school year, whose data run on to 31 July (the rows after the day are not counted).
var progressDay = time.Date(2024, time.December, 3, 0, 0, 0, 0, time.UTC)

// inProgressScenarios specify the school year in progress, read on progressDay.
func inProgressScenarios() []scenario {
	return []scenario{
		{name: "verzuim_meldingen to date, with the same period and a forecast", path: "/api/v1/kpis/verzuim_meldingen", role: "analist", status: 200,
			golden: "in_progress_verzuim_meldingen.json",
			check: progressIs(func(t *testing.T, ip inProgressJSON) {
				if ip.SchoolYear != "2024-2025" || ip.Through == nil || *ip.Through != "2024-12-03" || ip.Value == nil {
					t.Errorf("in progress %s through %v value %v, want 2024-2025 through 2024-12-03 with a value", ip.SchoolYear, ip.Through, ip.Value)
				}
				if len(ip.SamePeriod) != 2 || ip.SamePeriod[0].SchoolYear != "2023-2024" || ip.SamePeriod[0].Through != "2023-12-03" ||
					ip.SamePeriod[1].SchoolYear != "2018-2019" || ip.SamePeriod[1].Through != "2018-12-03" {
					t.Errorf("same period %+v, want 2023-2024 and the baseline 2018-2019 to 3 December", ip.SamePeriod)
				}
				f := ip.Forecast
				if f.Value == nil || f.Low == nil || f.High == nil || f.PTargetMet == nil || *f.Low > *f.Value || *f.High < *f.Value || *f.Low < *ip.Value {
					t.Errorf("forecast %+v, want a value inside low … high, low not below the figure to date, and a chance of meeting the target", f)
				}
				if f.Interval != 0.8 || f.MethodNL == "" || f.Method == "" || f.ReasonNL != nil {
					t.Errorf("forecast interval %v method_nl %q reason %v", f.Interval, f.MethodNL, f.ReasonNL)
				}
			})},
		{name: "bestuur: the periods to date are protected by the one pattern", path: "/api/v1/kpis/verzuim_meldingen", role: "bestuur", status: 200,
			// 2023-2024 to 3 December less its months August to November is the number of
			// reports on 1 to 3 December 2023: small. Which figure the pattern hides for it
			// (the period, or a month with another beside it) is its choice;
			// TestSuppressionAttackInProgress checks that no sum gives the days back.
			golden: "in_progress_verzuim_meldingen_bestuur.json",
			check: progressIs(func(t *testing.T, ip inProgressJSON) {
				for _, p := range ip.SamePeriod {
					if p.Suppressed != (p.Value == nil) || p.Suppressed != (p.Status != nil && *p.Status == "onderdrukt") {
						t.Errorf("same period %+v: suppressed, value and status disagree", p)
					}
				}
				if ip.Value == nil || ip.Forecast.Value == nil {
					t.Errorf("value %v forecast %v, want both shown", ip.Value, ip.Forecast.Value)
				}
			})},
		{name: "a percentage is not forecast, and says why and how it is counted to date", path: "/api/v1/kpis/thuiszitters_aanbod_binnen_3_maanden_pct", role: "analist", status: 200,
			check: progressIs(func(t *testing.T, ip inProgressJSON) {
				if ip.Forecast.Value != nil || ip.Forecast.ReasonNL == nil || ip.NoteNL == nil || ip.NoteEN == nil {
					t.Errorf("forecast %+v note %v: want no forecast, a reason and a note", ip.Forecast, ip.NoteNL)
				}
			})},
		{name: "not applicable to date where leerplicht is run locally", path: "/api/v1/kpis/vrijstellingen?gemeente=GM0453", role: "bestuur", status: 200,
			check: progressIs(func(t *testing.T, ip inProgressJSON) {
				nvt := "niet_van_toepassing"
				if ip.Value != nil || ip.Status == nil || *ip.Status != nvt || ip.Forecast.Status == nil || *ip.Forecast.Status != nvt || ip.Forecast.Value != nil {
					t.Errorf("in progress %+v, want niet_van_toepassing throughout, no numbers", ip)
				}
				for _, p := range ip.SamePeriod {
					if p.Value != nil || p.Status == nil || *p.Status != nvt {
						t.Errorf("same period %+v, want niet_van_toepassing", p)
					}
				}
			})},
		{name: "a small gemeente to date: exact for analist", path: "/api/v1/kpis/thuiszitters?gemeente=GM0473", role: "analist", status: 200,
			check: progressIs(func(t *testing.T, ip inProgressJSON) {
				if ip.Value == nil || *ip.Value < 1 || *ip.Value >= 5 || ip.Suppressed {
					t.Errorf("value %v suppressed %v, want the exact small count", ip.Value, ip.Suppressed)
				}
			})},
		{name: "a small gemeente to date: suppressed for bestuur, and not forecast", path: "/api/v1/kpis/thuiszitters?gemeente=GM0473", role: "bestuur", status: 200,
			check: progressIs(func(t *testing.T, ip inProgressJSON) {
				if ip.Value != nil || !ip.Suppressed || ip.Status == nil || *ip.Status != "onderdrukt" {
					t.Errorf("value %v suppressed %v status %v, want suppressed", ip.Value, ip.Suppressed, ip.Status)
				}
				f := ip.Forecast
				if f.Value != nil || f.Low != nil || f.High != nil || f.PTargetMet != nil || !f.Suppressed || f.Status == nil || *f.Status != "onderdrukt" {
					t.Errorf("forecast %+v, want it suppressed with the figure to date", f)
				}
			})},
		{name: "csv has the year in progress on its row", path: "/api/v1/kpis/verzuim_meldingen?format=csv", role: "analist", status: 200,
			golden: "in_progress_verzuim_meldingen.csv"},
		{name: "no year in progress when the range ends before it", path: "/api/v1/kpis/verzuim_meldingen?tot=2023-2024", role: "analist", status: 200,
			check: func(t *testing.T, _ *http.Response, body []byte) {
				var s map[string]json.RawMessage
				if err := json.Unmarshal(body, &s); err != nil {
					t.Fatal(err)
				}
				if _, ok := s["in_progress"]; ok {
					t.Errorf("in_progress present: %s", s["in_progress"])
				}
			}},
	}
}

// progressIs decodes the series' in_progress and checks it.
func progressIs(check func(t *testing.T, ip inProgressJSON)) func(t *testing.T, res *http.Response, body []byte) {
	return func(t *testing.T, _ *http.Response, body []byte) {
		t.Helper()
		var s struct {
			InProgress *inProgressJSON `json:"in_progress"`
		}
		if err := json.Unmarshal(body, &s); err != nil {
			t.Fatal(err)
		}
		if s.InProgress == nil {
			t.Fatalf("no in_progress: %.300s", body)
		}
		check(t, *s.InProgress)
	}
}

// TestKPIInProgress runs the in-progress scenarios on the demo read on progressDay, and
// validates every answer against api/openapi.json.
func TestKPIInProgress(t *testing.T) {
	w := loadDemo(t)
	ts := httptest.NewServer(New(w.db, Config{Version: "test", KPIDay: progressDay}, nil).Handler())
	t.Cleanup(ts.Close)
	doc := loadOpenAPI(t)
	router, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	openapi3filter.RegisterBodyDecoder("text/csv", func(r io.Reader, _ http.Header, _ *openapi3.SchemaRef, _ openapi3filter.EncodingFn) (any, error) {
		b, err := io.ReadAll(r)
		return string(b), err
	})
	for _, sc := range inProgressScenarios() {
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
			req, _ := http.NewRequest(http.MethodGet, ts.URL+sc.path, nil)
			route, params, err := router.FindRoute(req)
			if err != nil {
				t.Fatalf("no route in openapi.json for %s: %v", sc.path, err)
			}
			in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
				Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true}}
			out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: res.StatusCode, Header: res.Header,
				Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}}
			out.SetBodyBytes(body)
			if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
				t.Errorf("response does not match openapi.json: %v\nbody: %.400s", err, body)
			}
		})
	}
}
