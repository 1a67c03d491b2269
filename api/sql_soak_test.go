package api

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hetleerplein/leerplein/warehouse/proctest"
)

// TestSoakSQLBombs (make soak) runs the review's attacks for a minute with the default
// sandbox limits: a 2 GB string, 1 GB strings, results that grow to the worker's limit
// row by row, and slow readers, all in loops, by one analyst and then by two, while the
// board reads its KPIs and another analyst queries. It reports the peak memory of the
// server and of the workers and the answer times.
func TestSoakSQLBombs(t *testing.T) {
	if os.Getenv("LEERPLEIN_SOAK") != "1" {
		t.Skip("soak test: make soak (LEERPLEIN_SOAK=1)")
	}
	w := loadDemo(t)
	ts, logs := w.sqlServerLogged(t, Config{})
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		t.Skipf("cannot reset the peak RSS: %v", err)
	}
	baseline := proctest.StatusKB(os.Getpid(), "VmRSS")
	var workerPeak int64
	stopSampling, sampled := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(sampled)
		for {
			for _, pid := range workerPIDs() {
				workerPeak = max(workerPeak, proctest.StatusKB(pid, "VmHWM"))
			}
			select {
			case <-stopSampling:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	var mu sync.Mutex
	counts := map[string]int{}
	var failures []string
	note := func(kind string, ok bool, detail string) {
		mu.Lock()
		defer mu.Unlock()
		counts[kind]++
		if !ok && len(failures) < 20 {
			failures = append(failures, kind+": "+detail)
		}
	}
	bombs := []string{
		"select repeat('x', 2000000000) as s",
		"select length(repeat('x', 1000000000)) as n",
		"select string_agg(repeat('y', 100000), '') from range(100000)",
		"select length(list(repeat('x', 1000000) || range::varchar)::varchar) from range(5000)",
	}
	// Every token exists before the first request: the server reads new tokens at most
	// every few seconds.
	bombers := []string{w.analystToken(t, "soak-bom-a"), w.analystToken(t, "soak-bom-b")}
	reader := w.analystToken(t, "soak-lezer")
	other := w.analystToken(t, "soak-ander")
	start := time.Now()
	// For the first half minute one analyst bombs (as many at once as allowed, two),
	// for the second half two do, and so take every worker: the other analyst may then
	// wait in vain and get "bezet", but never a time-out or an error.
	half, deadline := start.Add(30*time.Second), start.Add(time.Minute)
	var wg sync.WaitGroup
	for i := range 4 {
		tok := bombers[i/2]
		wg.Go(func() {
			if i >= 2 {
				time.Sleep(time.Until(half))
			}
			for j := 0; time.Now().Before(deadline); j++ {
				q := bombs[(i+j)%len(bombs)]
				res, data := sqlAs(t, ts.URL, tok, sqlBody(q))
				ok := res.StatusCode == http.StatusBadRequest && strings.Contains(string(data), "geheugen van de sandbox") ||
					res.StatusCode == http.StatusTooManyRequests || res.StatusCode == http.StatusRequestTimeout
				note("bomb", ok, fmt.Sprintf("%d %.200s", res.StatusCode, data))
			}
		})
	}
	wg.Go(func() {
		for time.Now().Before(deadline) {
			status, closeFn := slowRequest(t, ts.URL, reader)
			note("slow reader", status == http.StatusOK, fmt.Sprint(status))
			time.Sleep(5 * time.Second)
			closeFn()
		}
	})
	var kpiTimes, otherTimes []time.Duration
	wg.Go(func() {
		for time.Now().Before(deadline) {
			t0 := time.Now()
			req, _ := http.NewRequest(http.MethodGet, ts.URL+"/api/v1/kpis", nil)
			res := w.do(t, req, "bestuur")
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			took := time.Since(t0)
			kpiTimes = append(kpiTimes, took)
			note("kpis", res.StatusCode == http.StatusOK && took < 5*time.Second, fmt.Sprintf("%d after %s", res.StatusCode, took))
			t0 = time.Now()
			firstHalf := t0.Before(half)
			res2, data := sqlAs(t, ts.URL, other, sqlBody("select 42 as antwoord"))
			took = time.Since(t0)
			answered := res2.StatusCode == http.StatusOK && strings.Contains(string(data), "[42]")
			if firstHalf {
				otherTimes = append(otherTimes, took)
				note("select 42 beside one bomber", answered, fmt.Sprintf("%d %.200s", res2.StatusCode, data))
			} else {
				note("select 42 beside two bombers", answered || res2.StatusCode == http.StatusTooManyRequests,
					fmt.Sprintf("%d %.200s", res2.StatusCode, data))
				if !answered {
					note("select 42 bezet", true, "")
				}
			}
			time.Sleep(200 * time.Millisecond)
		}
	})
	wg.Wait()
	close(stopSampling)
	<-sampled
	for _, f := range failures {
		t.Error(f)
	}
	if len(failures) > 0 {
		t.Logf("server log:\n%s", logs.String())
	}
	serverPeak := proctest.StatusKB(os.Getpid(), "VmHWM")
	t.Logf("one minute: %v; server (test process) RSS %d MB before, peak %d MB; largest worker peak %d MB; "+
		"KPI answers %s; select 42 beside one bomber %s", counts, baseline>>10, serverPeak>>10, workerPeak>>10,
		percentiles(kpiTimes), percentiles(otherTimes))
	if grew := (serverPeak - baseline) >> 10; grew > 300 {
		t.Errorf("the server process grew by %d MB", grew)
	}
}

// percentiles describes durations: median, 95th percentile and maximum.
func percentiles(d []time.Duration) string {
	if len(d) == 0 {
		return "none"
	}
	slices.Sort(d)
	at := func(p float64) time.Duration { return d[min(len(d)-1, int(p*float64(len(d))))].Round(time.Millisecond) }
	return fmt.Sprintf("median %s, p95 %s, max %s", at(0.5), at(0.95), d[len(d)-1].Round(time.Millisecond))
}
