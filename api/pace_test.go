package api

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"sync"
	"testing"
	"time"
)

// TestPaceDuringLoad checks that the server admits API requests at LoadRequestRate
// while a load runs — every one answered, none refused — and not at all otherwise, and
// that health checks are never held back.
func TestPaceDuringLoad(t *testing.T) {
	w := ledgerWarehouse(t)
	jobs := &fakeJobs{}
	const perSecond = 40
	srv := New(w.db, Config{Version: "test", Jobs: jobs, LoadRequestRate: perSecond}, nil)
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)

	paced := func() int {
		t.Helper()
		res, err := http.Get(ts.URL + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		m := regexp.MustCompile(`(?m)^leerplein_http_requests_paced_total (\d+)`).FindSubmatch(b)
		if m == nil {
			t.Fatalf("/metrics has no leerplein_http_requests_paced_total")
		}
		n, _ := strconv.Atoi(string(m[1]))
		return n
	}
	// burst sends n requests from 8 clients and returns how long they took; every
	// answer must be 200.
	burst := func(path string, n int) time.Duration {
		t.Helper()
		start := time.Now()
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for i := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := i; j < n; j += 8 {
					req, _ := http.NewRequest(http.MethodGet, ts.URL+path, nil)
					req.Header.Set("Authorization", "Bearer "+w.tokens["beheer"])
					res, err := http.DefaultClient.Do(req)
					if err != nil {
						errs <- err
						continue
					}
					io.Copy(io.Discard, res.Body)
					res.Body.Close()
					if res.StatusCode != http.StatusOK {
						errs <- fmt.Errorf("GET %s: status %d", path, res.StatusCode)
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		return time.Since(start)
	}

	burst("/api/v1/jobs", 30)
	if got := paced(); got != 0 {
		t.Errorf("without a load: %d requests paced, want 0", got)
	}

	jobs.loading.Store(true)
	const n = 48
	took := burst("/api/v1/jobs", n)
	if got := paced(); got != n {
		t.Errorf("during a load: %d requests paced, want %d", got, n)
	}
	// The limiter lets a burst of 8 through at once, then perSecond per second.
	if min := time.Duration(float64(n-8)/perSecond*float64(time.Second)) - 100*time.Millisecond; took < min {
		t.Errorf("during a load %d requests took %v, want at least %v at %d per second", n, took, min, perSecond)
	}
	burst("/healthz", 40)
	if got := paced(); got != n {
		t.Errorf("health checks were paced: %d paced, want still %d", got, n)
	}

	jobs.loading.Store(false)
	burst("/api/v1/jobs", 30)
	if got := paced(); got != n {
		t.Errorf("after the load: %d paced, want still %d", got, n)
	}
}
