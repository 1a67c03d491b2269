package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hetleerplein/leerplein/warehouse"
)

// readersLoadRows is the size of the load: a few seconds on two cores, also under -race.
const readersLoadRows = 1_000_000

// readersGrafanaBody is a small Grafana query: two time series over all school years.
const readersGrafanaBody = `{"range": {"from": "2005-01-01T00:00:00.000Z", "to": "2030-01-01T00:00:00.000Z"},
	"targets": [{"refId": "A", "target": "verzuim_meldingen", "payload": {}}, {"refId": "B", "target": "thuiszitters", "payload": {}}]}`

// readerResult is one reader request: when it ran, how it ended and what it saw.
type readerResult struct {
	what     string
	t0, t1   time.Time
	problem  string     // "" when the answer was a 200 with a body of the expected shape
	dataAsOf *time.Time // of a KPI series or the catalogue
	points   string     // the points of verzuim_meldingen, as JSON
}

// kpiSeriesAnswer is the part of a GET /api/v1/kpis/{id} answer the test checks.
type kpiSeriesAnswer struct {
	ID     string `json:"id"`
	Points []struct {
		SchoolYear string   `json:"school_year"`
		Value      *float64 `json:"value"`
	} `json:"points"`
	DataAsOf *time.Time `json:"data_as_of"`
}

// readerClient is a beheer caller of the server under test.
type readerClient struct {
	url, token string
	http       *http.Client
}

func (c readerClient) do(method, path, body string) (int, []byte, error) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, c.url+path, rd)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// read makes the i-th request of a reader's mix and checks the answer's status and shape.
func (c readerClient) read(i int) readerResult {
	kpis := []string{"verzuim_meldingen", "thuiszitters", "vsv_nieuw", "rmc_ers", "halt_pv"}
	var r readerResult
	method, path, body := "GET", "", ""
	switch i % 7 {
	case 5:
		r.what, path = "catalogue", "/api/v1/kpis"
	case 6:
		r.what, method, path, body = "grafana", "POST", "/grafana/query", readersGrafanaBody
	default:
		r.what = kpis[i%7]
		path = "/api/v1/kpis/" + r.what
	}
	r.t0 = time.Now()
	status, b, err := c.do(method, path, body)
	r.t1 = time.Now()
	switch {
	case err != nil:
		r.problem = fmt.Sprintf("%s %s: %v", method, path, err)
		return r
	case status != http.StatusOK:
		r.problem = fmt.Sprintf("%s %s: status %d, want 200; body %.200s", method, path, status, b)
		return r
	}
	switch r.what {
	case "catalogue":
		var cat struct {
			KPIs []struct {
				ID string `json:"id"`
			} `json:"kpis"`
			DataAsOf *time.Time `json:"data_as_of"`
		}
		if err := json.Unmarshal(b, &cat); err != nil || len(cat.KPIs) != len(warehouse.KPICatalogue()) || cat.DataAsOf == nil {
			r.problem = fmt.Sprintf("catalogue: %d KPIs, data_as_of %v, error %v; want %d KPIs and a data_as_of; body %.200s",
				len(cat.KPIs), cat.DataAsOf, err, len(warehouse.KPICatalogue()), b)
		}
		r.dataAsOf = cat.DataAsOf
	case "grafana":
		var series []struct {
			Target     string        `json:"target"`
			Datapoints [][2]*float64 `json:"datapoints"`
		}
		err := json.Unmarshal(b, &series)
		points := map[string]int{}
		for _, s := range series {
			points[s.Target] = len(s.Datapoints)
		}
		// This warehouse has no thuiszitters: that series is there without datapoints (no
		// data is no datapoint, never a 0), its targets are there.
		_, hasThuiszitters := points["thuiszitters"]
		if err != nil || points["verzuim_meldingen"] == 0 || !hasThuiszitters || points["thuiszitters doel"] == 0 {
			r.problem = fmt.Sprintf("grafana query: error %v, points per series %v; want verzuim_meldingen with points, thuiszitters and its targets; body %.200s", err, points, b)
		}
	default:
		var s kpiSeriesAnswer
		if err := json.Unmarshal(b, &s); err != nil || s.ID != r.what || len(s.Points) == 0 || s.DataAsOf == nil {
			r.problem = fmt.Sprintf("KPI %s: id %q, %d points, data_as_of %v, error %v; want its id, points and a data_as_of; body %.200s",
				r.what, s.ID, len(s.Points), s.DataAsOf, err, b)
			return r
		}
		r.dataAsOf = s.DataAsOf
		if r.what == "verzuim_meldingen" {
			p, _ := json.Marshal(s.Points)
			r.points = string(p)
		}
	}
	return r
}

// verzuimSeries fetches verzuim_meldingen: its data_as_of and its points as JSON.
func (c readerClient) verzuimSeries(t *testing.T) (time.Time, string) {
	t.Helper()
	r := c.read(0)
	if r.problem != "" {
		t.Fatal(r.problem)
	}
	return *r.dataAsOf, r.points
}

// TestReadersDuringLoad runs `leerplein serve --config` on a loaded warehouse (the KPI
// test case doelen; the full demo takes over a minute to build under -race) and starts
// a job with a large verzuimmeldingen file through the API while 20 clients query KPIs,
// the catalogue and the Grafana datasource continuously. Every request must answer 200
// with a body of the expected shape, many of them while the run is in progress, and
// from committed data only: verzuim_meldingen is either the state before the load or
// the state after it, never a part. The run then holds all rows, and the KPIs show the
// new load.
func TestReadersDuringLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("loads a large file through a server process")
	}
	start := time.Now()
	// A loaded warehouse held by `leerplein serve --config`, with a beheer token and the
	// job "handmatig" that runs only when started.
	h := startHeldWarehouse(t, func(string) {})
	file := filepath.Join(h.inbox, "verzuimmeldingen_groot.csv")
	if err := writeBenchCSV(file, readersLoadRows, 0); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(file, old, old); err != nil {
		t.Fatal(err)
	}
	setup := time.Since(start)

	const clients = 20
	c := readerClient{url: h.url, token: h.token,
		http: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: clients + 4}}}
	beforeAsOf, beforePoints := c.verzuimSeries(t)

	stop := make(chan struct{})
	results := make([][]readerResult, clients)
	var wg sync.WaitGroup
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := i; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				results[i] = append(results[i], c.read(n))
			}
		}()
	}
	stopReaders := sync.OnceFunc(func() { close(stop); wg.Wait() })
	defer stopReaders()

	status, b, err := c.do("POST", "/api/v1/jobs/handmatig/run", "")
	if err != nil || status != http.StatusAccepted {
		t.Fatalf("start the job: status %d, error %v; body %s", status, err, b)
	}
	var started struct {
		RunID int64 `json:"run_id"`
	}
	if err := json.Unmarshal(b, &started); err != nil || started.RunID < 1 {
		t.Fatalf("start the job: run_id %d, error %v; body %s", started.RunID, err, b)
	}
	// The run as the poller sees it; firstRunning and lastRunning are client times that
	// surely lie inside the run: an answer "running" received, a request that got one sent.
	var run struct {
		Status      string     `json:"status"`
		StartedAt   time.Time  `json:"started_at"`
		FinishedAt  *time.Time `json:"finished_at"`
		FilesLoaded int64      `json:"files_loaded"`
		FileList    []struct {
			FileName   string `json:"file_name"`
			Status     string `json:"status"`
			RowsLoaded int64  `json:"rows_loaded"`
			Reason     string `json:"reason"`
		} `json:"file_list"`
	}
	var firstRunning, lastRunning time.Time
	deadline := time.Now().Add(2 * time.Minute)
	for run.FinishedAt == nil {
		if time.Now().After(deadline) {
			t.Fatalf("run %d did not finish within 2 minutes (status %q)", started.RunID, run.Status)
		}
		time.Sleep(50 * time.Millisecond)
		sent := time.Now()
		status, b, err := c.do("GET", fmt.Sprintf("/api/v1/runs/%d", started.RunID), "")
		if err != nil || status != http.StatusOK {
			t.Fatalf("poll run %d: status %d, error %v; body %.300s", started.RunID, status, err, b)
		}
		if err := json.Unmarshal(b, &run); err != nil {
			t.Fatalf("poll run %d: %v; body %.300s", started.RunID, err, b)
		}
		if run.FinishedAt == nil {
			if firstRunning.IsZero() {
				firstRunning = time.Now()
			}
			lastRunning = sent
		}
	}
	stopReaders()
	loadTime := run.FinishedAt.Sub(run.StartedAt)

	if run.FilesLoaded != 1 || len(run.FileList) != 1 || run.FileList[0].RowsLoaded != readersLoadRows {
		t.Fatalf("run %d ended %q with %d files loaded, files %+v; want 1 file with %d rows loaded",
			started.RunID, run.Status, run.FilesLoaded, run.FileList, readersLoadRows)
	}
	// After the load the KPIs show it: a later data_as_of (within the freshness
	// interval) and other verzuim_meldingen figures.
	var afterAsOf time.Time
	var afterPoints string
	for wait := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		afterAsOf, afterPoints = c.verzuimSeries(t)
		if afterAsOf.After(beforeAsOf) || time.Now().After(wait) {
			break
		}
	}
	if !afterAsOf.After(beforeAsOf) {
		t.Errorf("data_as_of after the load %v, want later than %v", afterAsOf, beforeAsOf)
	}
	if afterPoints == beforePoints {
		t.Errorf("verzuim_meldingen after the load is unchanged: %.300s", afterPoints)
	}

	var total, during, failed, sawBefore, sawAfter, partial int
	seen := map[string]int{}
	for _, rs := range results {
		for _, r := range rs {
			total++
			seen[r.what]++
			if r.problem != "" {
				failed++
				if failed <= 10 {
					t.Errorf("request at +%v: %s", r.t0.Sub(run.StartedAt).Round(time.Millisecond), r.problem)
				}
				continue
			}
			if !firstRunning.IsZero() && !r.t0.Before(firstRunning) && !r.t1.After(lastRunning) {
				during++
			}
			if r.what != "verzuim_meldingen" {
				continue
			}
			switch {
			case r.dataAsOf.Equal(beforeAsOf) && r.points == beforePoints:
				sawBefore++
			case r.dataAsOf.Equal(afterAsOf) && r.points == afterPoints:
				sawAfter++
			default:
				if partial++; partial > 5 {
					continue
				}
				t.Errorf("verzuim_meldingen at +%v: data_as_of %v, points %.200s; want the state before (%v) or after (%v) the load",
					r.t0.Sub(run.StartedAt).Round(time.Millisecond), r.dataAsOf, r.points, beforeAsOf, afterAsOf)
			}
		}
	}
	if failed > 0 {
		t.Errorf("%d of %d reader requests failed, want 0", failed, total)
	}
	if during < 20 {
		t.Errorf("%d reader requests ran wholly while the run was seen running (%v of the run's %v), want at least 20",
			during, lastRunning.Sub(firstRunning).Round(time.Millisecond), loadTime.Round(time.Millisecond))
	}
	t.Logf("setup %v; load of %d rows %v; %d reader requests (%v), %d wholly while the run was seen running, %d failed; verzuim_meldingen %d times before the load, %d after",
		setup.Round(time.Millisecond), readersLoadRows, loadTime.Round(time.Millisecond), total, seen, during, failed, sawBefore, sawAfter)
}
