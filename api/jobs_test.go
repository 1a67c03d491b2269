package api

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/hetleerplein/leerplein/warehouse"
)

// ledgerNow is the clock of the steward tests: the ledger fixture is written around it.
var ledgerNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// ledgerFixture is a small, hand-written load ledger: two finished runs (one with a
// rejected and an unrecognised file), one running, and quarantine records of several
// reasons, among them a bsn record that holds a value (which the loader never writes:
// the guard must hide it anyway) and a sentence stored before the reason codes (code
// 'oud'). Times are fixed, so golden files are stable.
const ledgerFixture = `
insert into etl_run (run_id, job, inbox, started_at, finished_at, status) values
    (1, 'demo', '/srv/inbox/demo', '2026-01-05 08:00:00+00', '2026-01-05 08:05:00+00', 'ok'),
    (2, 'wekelijks', '/srv/inbox/gemeente', '2026-02-27 07:00:00+00', '2026-02-27 07:01:00+00', 'rejected'),
    (3, 'wekelijks', '/srv/inbox/gemeente', '2026-03-01 11:59:00+00', null, 'running');
insert into etl_file (file_id, run_id, feed, file_name, sha256, size_bytes, format, status, reason,
                      rows_read, rows_new, rows_replaced, rows_unchanged, rows_quarantined, started_at, finished_at) values
    (1, 1, 'verzuimmeldingen', 'verzuimmeldingen_2025.csv', 'aa', 20480, 'csv', 'loaded', null, 125, 120, 3, 0, 2, '2026-01-05 08:00:00+00', '2026-01-05 08:01:30+00'),
    (2, 1, 'thuiszitters', 'thuiszitters_2025.xlsx', 'bb', 8192, 'xlsx', 'loaded', null, 10, 10, 0, 0, 0, '2026-01-05 08:01:30+00', '2026-01-05 08:01:32+00'),
    (3, 2, 'leerlingen', 'leerlingen_2025.csv', 'cc', 4096, 'csv', 'loaded', null, 53, 50, 0, 0, 3, '2026-02-27 07:00:00+00', '2026-02-27 07:00:05+00'),
    (4, 2, 'maatregelen', 'maatregelen_kapot.csv', 'dd', 512, 'csv', 'rejected', 'column ''maatregel'' is missing; the file has: maatregel_id, datum', 0, 0, 0, 0, 0, '2026-02-27 07:00:05+00', '2026-02-27 07:00:06+00'),
    (5, 2, null, 'notities.txt', null, 20, null, 'unrecognised', 'the file name matches no feed', 0, 0, 0, 0, 0, '2026-02-27 07:00:06+00', '2026-02-27 07:00:06+00');
insert into etl_quarantine (file_id, feed, file_name, line, sheet, column_name, value, reason_code, reason_params, gemeentecode) values
    (1, 'verzuimmeldingen', 'verzuimmeldingen_2025.csv', 7, null, 'gemeente', 'Atlantis', 'gemeente_onbekend', ['gemeente', 'Atlantis'], null),
    (1, 'verzuimmeldingen', 'verzuimmeldingen_2025.csv', 9, null, 'gemeente', 'Mordor', 'gemeente_onbekend', ['gemeente', 'Mordor'], null),
    (1, 'verzuimmeldingen', 'verzuimmeldingen_2025.csv', 9, null, 'uren', 'veel', 'getal_ongeldig', ['uren', 'veel'], null),
    (3, 'leerlingen', 'leerlingen_2025.csv', 4, null, 'bsn', '123456789', 'bsn_elfproef', [], 'GM0392'),
    (3, 'leerlingen', 'leerlingen_2025.csv', 5, null, 'bsn', null, 'bsn_lengte', [], 'GM0377'),
    (3, 'leerlingen', 'leerlingen_2025.csv', 6, null, 'brin', '12345678', 'oud', ['brin ''12345678'' is not a BRIN number'], 'GM0392');
`

// fakeJobs is a scheduler as the server sees it: two jobs, one of them running.
type fakeJobs struct {
	started []string
	loading atomic.Bool
}

func (f *fakeJobs) Loading() bool { return f.loading.Load() }

func (f *fakeJobs) Jobs() []JobInfo {
	return []JobInfo{
		{Name: "wekelijks", Schedule: "0 0 7 * * 1", Inbox: "/srv/inbox/gemeente",
			Feeds: []string{"leerlingen", "verzuimmeldingen", "maatregelen"}, ExpectEvery: 7 * 24 * time.Hour,
			Running: true, LastRunID: 3, LastStatus: "running", LastStarted: time.Date(2026, 3, 1, 11, 59, 0, 0, time.UTC),
			NextRun: time.Date(2026, 3, 2, 7, 0, 0, 0, time.UTC)},
		{Name: "jaarlijks", Schedule: "0 0 6 1 12 *", Inbox: "/srv/inbox/duo", Feeds: []string{"vsv_cijfers"},
			ExpectEvery: 744 * time.Hour, NextRun: time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC)},
	}
}

func (f *fakeJobs) RunNow(name string) (int64, error) {
	switch name {
	case "wekelijks":
		return 0, fmt.Errorf("etl: job %s: %w", name, ErrJobRunning)
	case "jaarlijks":
		f.started = append(f.started, name)
		return 42, nil
	}
	return 0, fmt.Errorf("etl: job %s: %w", name, ErrJobUnknown)
}

// ledgerWarehouse is an in-memory warehouse with the ledger fixture and a token per role.
func ledgerWarehouse(t *testing.T) *demoWarehouse {
	t.Helper()
	ctx := context.Background()
	db, err := warehouse.Open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.ExecContext(ctx, ledgerFixture); err != nil {
		t.Fatalf("ledger fixture: %v", err)
	}
	w := &demoWarehouse{db: db, tokens: map[string]string{}}
	for _, r := range RoleNames() {
		if w.tokens[r], err = CreateToken(ctx, db, "test-"+r, r); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// ledgerServer serves w with jobs (nil: no scheduler) at ledgerNow.
func ledgerServer(t *testing.T, w *demoWarehouse, jobs Jobs) (*Server, *httptest.Server) {
	t.Helper()
	srv := New(w.db, Config{Version: "test", Jobs: jobs}, nil)
	srv.now = func() time.Time { return ledgerNow }
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return srv, ts
}

// jobScenarios are the steward resources' specification; noJobs: served without a scheduler.
func jobScenarios() (withJobs, noJobs []scenario) {
	post := http.MethodPost
	withJobs = []scenario{
		{name: "jobs without credentials", path: "/api/v1/jobs", status: 401, golden: "unauthorized.json"},
		{name: "jobs for analist", path: "/api/v1/jobs", role: "analist", status: 403, golden: "forbidden.json"},
		{name: "jobs for bestuur", path: "/api/v1/jobs", role: "bestuur", status: 403, golden: "forbidden.json"},
		{name: "jobs with staleness", path: "/api/v1/jobs", role: "beheer", status: 200, golden: "jobs.json"},
		{name: "jobs take no parameters", path: "/api/v1/jobs?stale=1", role: "beheer", status: 400, golden: "jobs_param.json", invalid: true},
		{name: "run a job", method: post, path: "/api/v1/jobs/jaarlijks/run", role: "beheer", status: 202, golden: "run_started.json"},
		{name: "run a running job", method: post, path: "/api/v1/jobs/wekelijks/run", role: "beheer", status: 409, golden: "run_running.json"},
		{name: "run an unknown job", method: post, path: "/api/v1/jobs/bestaat_niet/run", role: "beheer", status: 404, golden: "run_unknown.json"},
		{name: "run needs beheer", method: post, path: "/api/v1/jobs/jaarlijks/run", role: "analist", status: 403, golden: "forbidden.json"},
		{name: "run needs credentials", method: post, path: "/api/v1/jobs/jaarlijks/run", status: 401, golden: "unauthorized.json"},
		{name: "runs, default limit", path: "/api/v1/runs", role: "beheer", status: 200, golden: "runs.json"},
		{name: "runs, limit 1", path: "/api/v1/runs?limit=1", role: "beheer", status: 200, golden: "runs_limit1.json"},
		{name: "runs, limit 0", path: "/api/v1/runs?limit=0", role: "beheer", status: 400, golden: "runs_limit0.json", invalid: true},
		{name: "runs, limit above 500", path: "/api/v1/runs?limit=501", role: "beheer", status: 400, golden: "runs_limit0.json", invalid: true},
		{name: "runs, limit not a number", path: "/api/v1/runs?limit=veel", role: "beheer", status: 400, golden: "runs_limit0.json", invalid: true},
		{name: "runs, misspelt parameter", path: "/api/v1/runs?limiet=5", role: "beheer", status: 400, golden: "runs_misspelt.json"},
		{name: "runs for analist", path: "/api/v1/runs", role: "analist", status: 403, golden: "forbidden.json"},
		{name: "one run with its files", path: "/api/v1/runs/2", role: "beheer", status: 200, golden: "run_2.json"},
		{name: "a running run", path: "/api/v1/runs/3", role: "beheer", status: 200, golden: "run_3.json"},
		{name: "unknown run", path: "/api/v1/runs/999", role: "beheer", status: 404, golden: "run_999.json"},
		{name: "run id not a number", path: "/api/v1/runs/twee", role: "beheer", status: 400, golden: "run_bad_id.json", invalid: true},
		{name: "one run for bestuur", path: "/api/v1/runs/2", role: "bestuur", status: 403, golden: "forbidden.json"},
		{name: "quarantine", path: "/api/v1/quarantine", role: "beheer", status: 200, golden: "quarantine.json",
			check: bodyLacks("123456789", "12345678")},
		{name: "quarantine of a feed", path: "/api/v1/quarantine?feed=leerlingen", role: "beheer", status: 200, golden: "quarantine_leerlingen.json",
			check: bodyLacks("123456789", "12345678")},
		{name: "quarantine of a run", path: "/api/v1/quarantine?run=1", role: "beheer", status: 200, golden: "quarantine_run1.json"},
		{name: "quarantine of a run without any", path: "/api/v1/quarantine?run=3", role: "beheer", status: 200, golden: "quarantine_empty.json"},
		{name: "quarantine, bad run", path: "/api/v1/quarantine?run=een", role: "beheer", status: 400, golden: "quarantine_bad_run.json", invalid: true},
		{name: "quarantine for analist", path: "/api/v1/quarantine", role: "analist", status: 403, golden: "forbidden.json"},
		{name: "stale KPI says so", path: "/api/v1/kpis/verzuim_meldingen", role: "analist", status: 200,
			check: allOf(bodyHas(`"stale_feeds":["verzuimmeldingen"]`), headerIs("X-Stale-Feeds", "verzuimmeldingen"))},
		{name: "KPI of two feeds", path: "/api/v1/kpis/halt_pv", role: "bestuur", status: 200,
			check: allOf(bodyHas(`"stale_feeds":["maatregelen","verzuimmeldingen"]`), headerIs("X-Stale-Feeds", "maatregelen,verzuimmeldingen"))},
		{name: "KPI of a fresh feed", path: "/api/v1/kpis/thuiszitters", role: "analist", status: 200,
			check: allOf(bodyLacks("stale_feeds"), headerIs("X-Stale-Feeds", ""))},
		{name: "stale KPI as csv: header only", path: "/api/v1/kpis/vsv_nieuw?format=csv", role: "analist", status: 200,
			check: allOf(bodyLacks("stale_feeds"), headerIs("X-Stale-Feeds", "vsv_cijfers"))},
		{name: "steward page for beheer", path: "/beheer", role: "beheer", status: 200,
			check: bodyHas("Laatste laadrondes", "/assets/steward.js", `lang="nl"`)},
		{name: "steward page for analist: friendly 403", path: "/beheer", role: "analist", status: 403,
			check: allOf(bodyHas("alleen voor de gegevensbeheerder"), bodyLacks("steward.js"))},
		{name: "steward page sends a browser to the login page", path: "/beheer", status: 303, check: headerIs("Location", "/login?next=%2Fbeheer")},
		{name: "steward script is an asset", path: "/assets/steward.js", status: 200, check: bodyHas("/api/v1/quarantine")},
	}
	noJobs = []scenario{
		{name: "no scheduler: no jobs, feeds still listed", path: "/api/v1/jobs", role: "beheer", status: 200, golden: "jobs_none.json"},
		{name: "no scheduler: run is 404", method: post, path: "/api/v1/jobs/jaarlijks/run", role: "beheer", status: 404, golden: "run_unknown_none.json"},
		{name: "no scheduler: nothing is stale", path: "/api/v1/kpis/verzuim_meldingen", role: "analist", status: 200,
			check: allOf(bodyLacks("stale_feeds"), headerIs("X-Stale-Feeds", ""))},
	}
	return withJobs, noJobs
}

// TestStewardAPI runs the steward scenarios against a real server on the ledger
// fixture, and validates every request and response against api/openapi.json.
func TestStewardAPI(t *testing.T) {
	w := ledgerWarehouse(t)
	jobs := &fakeJobs{}
	_, withTS := ledgerServer(t, w, jobs)
	_, noTS := ledgerServer(t, w, nil)
	withJobs, noJobs := jobScenarios()
	check := openAPIChecker(t)
	run := func(base string, scs []scenario) {
		for _, sc := range scs {
			t.Run(sc.name, func(t *testing.T) {
				res, body := sc.send(t, w, base)
				if res.StatusCode != sc.status {
					t.Fatalf("status: got %d, want %d; body: %.400s", res.StatusCode, sc.status, body)
				}
				if sc.golden != "" {
					compareGolden(t, filepath.Join("testdata", "jobs", sc.golden), normalise(body))
				}
				if sc.check != nil {
					sc.check(t, res, body)
				}
				check(t, sc, base, res, body)
			})
		}
	}
	run(withTS.URL, withJobs)
	run(noTS.URL, noJobs)
	if !slices.Equal(jobs.started, []string{"jaarlijks"}) {
		t.Errorf("jobs started: got %v, want [jaarlijks] (one 202 scenario)", jobs.started)
	}
}

// openAPIChecker returns a function that validates a scenario's request (unless it is
// invalid on purpose) and response against api/openapi.json.
func openAPIChecker(t *testing.T) func(t *testing.T, sc scenario, base string, res *http.Response, body []byte) {
	doc := loadOpenAPI(t)
	router, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	asText := func(r io.Reader, _ http.Header, _ *openapi3.SchemaRef, _ openapi3filter.EncodingFn) (any, error) {
		b, err := io.ReadAll(r)
		return string(b), err
	}
	openapi3filter.RegisterBodyDecoder("text/csv", asText)
	openapi3filter.RegisterBodyDecoder("text/html", asText)
	openapi3filter.RegisterBodyDecoder("text/plain", asText)
	return func(t *testing.T, sc scenario, base string, res *http.Response, body []byte) {
		t.Helper()
		ctx := context.Background()
		method := sc.method
		if method == "" {
			method = http.MethodGet
		}
		req, _ := http.NewRequest(method, base+sc.path, nil)
		route, params, err := router.FindRoute(req)
		if err != nil {
			t.Fatalf("no route in openapi.json for %s %s: %v", method, sc.path, err)
		}
		in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true}}
		if err := openapi3filter.ValidateRequest(ctx, in); err != nil && !sc.invalid {
			t.Errorf("request does not match openapi.json: %v", err)
		}
		out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: res.StatusCode, Header: res.Header,
			Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}}
		out.SetBodyBytes(body)
		if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
			t.Errorf("response %d does not match openapi.json: %v\nbody: %.400s", res.StatusCode, err, body)
		}
	}
}

func bodyLacks(subs ...string) func(t *testing.T, res *http.Response, body []byte) {
	return func(t *testing.T, _ *http.Response, body []byte) {
		t.Helper()
		for _, s := range subs {
			if strings.Contains(string(body), s) {
				t.Errorf("body holds %s, which it must not: %.400s", s, body)
			}
		}
	}
}

func allOf(checks ...func(t *testing.T, res *http.Response, body []byte)) func(t *testing.T, res *http.Response, body []byte) {
	return func(t *testing.T, res *http.Response, body []byte) {
		t.Helper()
		for _, c := range checks {
			c(t, res, body)
		}
	}
}

// TestKPIFeedsCoverCatalogue keeps kpiFeeds in step with the catalogue: every KPI reads
// at least one feed, so staleness can reach it.
func TestKPIFeedsCoverCatalogue(t *testing.T) {
	ids := []string{warehouse.MonthlyID}
	for _, d := range warehouse.KPICatalogue() {
		ids = append(ids, d.ID)
	}
	for _, id := range ids {
		t.Run(id, func(t *testing.T) {
			if got := kpiFeeds(id); len(got) == 0 {
				t.Errorf("kpiFeeds(%q): got none, want the feeds its query reads", id)
			}
		})
	}
}
