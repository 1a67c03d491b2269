package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/hetleerplein/leerplein/etl"
	"github.com/hetleerplein/leerplein/warehouse"
)

// caseInput is a KPI case of the warehouse tests, reused here as feed files.
const caseInput = "../warehouse/testdata/kpi/doelen/input"

// loadFile loads one feed file of caseInput into db with the real loader.
func loadFile(t *testing.T, db *warehouse.DB, name string) {
	t.Helper()
	inbox := t.TempDir()
	b, err := os.ReadFile(filepath.Join(caseInput, name))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(inbox, name), b, 0o600); err != nil {
		t.Fatal(err)
	}
	sum, err := etl.Run(context.Background(), db, etl.Options{Inbox: inbox, Key: []byte("api-cache-test-key-0123456789abcdef"), Job: "test"})
	if err != nil || len(sum.Files) != 1 || sum.Files[0].Status != etl.StatusLoaded {
		t.Fatalf("load %s: %+v, %v", name, sum, err)
	}
}

// vsvWarehouse is a new warehouse with the case's vsv figures loaded.
func vsvWarehouse(t *testing.T) *warehouse.DB {
	t.Helper()
	db, err := warehouse.Open(context.Background(), filepath.Join(t.TempDir(), "leerplein.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	loadFile(t, db, "vsv_cijfers_doelen.csv")
	return db
}

// TestFreshnessAndETag checks the cache: an answer carries an ETag and If-None-Match
// gives 304; the figures stay cached until a load commits; Invalidate (an in-process
// load) or the freshness interval then gives the new figures, a new ETag and a later
// data_as_of.
func TestFreshnessAndETag(t *testing.T) {
	ctx := context.Background()
	db := vsvWarehouse(t)
	token, err := CreateToken(ctx, db, "cache-test", "analist")
	if err != nil {
		t.Fatal(err)
	}
	slow := httptest.NewServer(New(db, Config{FreshnessInterval: time.Hour}, nil).Handler())
	t.Cleanup(slow.Close)
	slowSrv := New(db, Config{FreshnessInterval: time.Hour}, nil)
	invalidated := httptest.NewServer(slowSrv.Handler())
	t.Cleanup(invalidated.Close)
	quick := httptest.NewServer(New(db, Config{FreshnessInterval: time.Millisecond}, nil).Handler())
	t.Cleanup(quick.Close)

	type answer struct {
		status   int
		etag     string
		series   seriesJSON
		body     []byte
		cacheCtl string
	}
	get := func(t *testing.T, base, path, ifNoneMatch string) answer {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, base+path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		if ifNoneMatch != "" {
			req.Header.Set("If-None-Match", ifNoneMatch)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		a := answer{status: res.StatusCode, etag: res.Header.Get("ETag"), cacheCtl: res.Header.Get("Cache-Control")}
		a.body, _ = io.ReadAll(res.Body)
		if a.status == http.StatusOK {
			if err := json.Unmarshal(a.body, &a.series); err != nil {
				t.Fatalf("%s: %v", a.body, err)
			}
		}
		return a
	}
	const path = "/api/v1/kpis/verzuim_meldingen"
	before := map[string]answer{}
	for name, base := range map[string]string{"slow": slow.URL, "invalidated": invalidated.URL, "quick": quick.URL} {
		a := get(t, base, path, "")
		if a.status != 200 || a.etag == "" || a.series.DataAsOf == nil || a.cacheCtl != "private, no-cache" {
			t.Fatalf("%s: status %d, ETag %q, data_as_of %v, Cache-Control %q", name, a.status, a.etag, a.series.DataAsOf, a.cacheCtl)
		}
		before[name] = a
	}
	first := before["slow"]
	if got := first.series.Filter.Tot; got != "2019-2020" {
		t.Fatalf("before the second load the data end in %s, want 2019-2020 (the vsv figures)", got)
	}

	t.Run("If-None-Match", func(t *testing.T) {
		for _, inm := range []string{first.etag, "W/" + first.etag, `"other", ` + first.etag, "*"} {
			if a := get(t, slow.URL, path, inm); a.status != http.StatusNotModified || len(a.body) != 0 {
				t.Errorf("If-None-Match %s: status %d with %d bytes, want 304 and no body", inm, a.status, len(a.body))
			}
		}
		if a := get(t, slow.URL, path, `"other"`); a.status != http.StatusOK {
			t.Errorf("If-None-Match with another tag: status %d, want 200", a.status)
		}
	})

	time.Sleep(10 * time.Millisecond) // data_as_of of the next load is later
	loadFile(t, db, "verzuimmeldingen_doelen.csv")
	time.Sleep(5 * time.Millisecond)

	t.Run("cached until the load is noticed", func(t *testing.T) {
		a := get(t, slow.URL, path, first.etag)
		if a.status != http.StatusNotModified {
			t.Errorf("status %d, want 304: within the freshness interval the first figures stand", a.status)
		}
	})
	slowSrv.Invalidate()
	for _, name := range []string{"invalidated", "quick"} {
		t.Run("new figures after the load ("+name+")", func(t *testing.T) {
			base := map[string]string{"invalidated": invalidated.URL, "quick": quick.URL}[name]
			if a := get(t, base, path, before[name].etag); a.status != http.StatusOK {
				t.Fatalf("If-None-Match with the old ETag: status %d, want 200 (new figures)", a.status)
			}
			a := get(t, base, path, "")
			if a.etag == before[name].etag {
				t.Errorf("ETag unchanged after a load: %s", a.etag)
			}
			if !a.series.DataAsOf.After(*before[name].series.DataAsOf) {
				t.Errorf("data_as_of %v, want later than %v", a.series.DataAsOf, before[name].series.DataAsOf)
			}
			if a.series.Filter.Tot != "2020-2021" || a.series.Baseline == nil || a.series.Baseline.Value == nil || *a.series.Baseline.Value != 10 {
				t.Errorf("after the load: tot %s, baseline %+v; want tot 2020-2021 and the 2018-2019 baseline 10", a.series.Filter.Tot, a.series.Baseline)
			}
		})
	}
}

// TestRangeGuard checks the resource guards: at most MaxYears school years per series
// and MaxRows rows per response, each a 400 naming the parameter to change.
func TestRangeGuard(t *testing.T) {
	w := loadDemo(t)
	ts := httptest.NewServer(New(w.db, Config{MaxYears: 3, MaxRows: 100}, nil).Handler())
	t.Cleanup(ts.Close)
	for _, tc := range []struct {
		path   string
		status int
	}{
		{"/api/v1/kpis/verzuim_meldingen", 400},
		{"/api/v1/kpis/verzuim_meldingen?van=2020-2021&tot=2022-2023", 200},
		{"/api/v1/kpis/verzuim_meldingen?van=2020-2021&tot=2023-2024", 400},
		{"/api/v1/kpis/verzuim_meldingen_maand?van=2020-2021&tot=2021-2022", 200},
		{"/api/v1/kpis/verzuim_meldingen_maand?van=2020-2021&tot=2022-2023", 400}, // 3 × 48 rows > 100
	} {
		t.Run(tc.path, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, ts.URL+tc.path, nil)
			res := w.do(t, req, "analist")
			defer res.Body.Close()
			body, _ := io.ReadAll(res.Body)
			if res.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %s", res.StatusCode, tc.status, body)
			}
			if tc.status == 400 && !json.Valid(body) || tc.status == 400 && !bytes.Contains(body, []byte(`"parameter":"van"`)) {
				t.Errorf("body %s, want an error naming van", body)
			}
		})
	}
}

// TestEmptyWarehouse checks that a server on a warehouse nothing was loaded into
// answers: the catalogue, and series without points or data_as_of.
func TestEmptyWarehouse(t *testing.T) {
	ctx := context.Background()
	db, err := warehouse.Open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	token, err := CreateToken(ctx, db, "empty", "bestuur")
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(New(db, Config{}, nil).Handler())
	t.Cleanup(ts.Close)
	for path, want := range map[string]string{
		"/api/v1/kpis":                              `"data_as_of":null`,
		"/api/v1/kpis/verzuim_meldingen":            `"points":[]`,
		"/api/v1/kpis/verzuim_meldingen_maand":      `"points":[]`,
		"/api/v1/kpis/thuiszitters?gemeente=GM0392": `unknown gemeente`,
	} {
		req, _ := http.NewRequest(http.MethodGet, ts.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode >= 500 || !bytes.Contains(body, []byte(want)) {
			t.Errorf("%s: %d %s, want a body with %s", path, res.StatusCode, body, want)
		}
	}
}

// TestCacheFollowsTheDay checks that the cached snapshot is read for the server's day
// and read anew when the day changes (a school year ends on 31 July without a load) or
// the clock goes back, not only when a load commits.
func TestCacheFollowsTheDay(t *testing.T) {
	ctx := context.Background()
	db := vsvWarehouse(t)
	c := newCache(time.Minute, time.Time{})
	at := func(s string) time.Time {
		d, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	for _, step := range []struct{ now, wantDay string }{
		{"2019-07-30T20:00:00Z", "2019-07-30"},
		{"2019-07-30T20:00:30Z", "2019-07-30"}, // within the interval: the same snapshot
		{"2019-07-30T22:30:00Z", "2019-07-31"}, // 00:30 in Amsterdam: a new day
		{"2019-07-30T20:00:00Z", "2019-07-30"}, // the clock went back
	} {
		gen, err := c.current(ctx, db, at(step.now))
		if err != nil {
			t.Fatal(err)
		}
		if got := gen.snap.Today.Format(time.DateOnly); got != step.wantDay {
			t.Errorf("at %s: snapshot of %s, want %s", step.now, got, step.wantDay)
		}
	}
}
