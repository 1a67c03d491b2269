package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hetleerplein/leerplein/warehouse"
	"github.com/hetleerplein/leerplein/warehouse/proctest"
)

// postQuery sends one query with a token to the server and returns the status and body.
func postQuery(url, token, query string) (int, string, error) {
	body, _ := json.Marshal(map[string]string{"query": query})
	req, _ := http.NewRequest(http.MethodPost, url+"/api/v1/sql", strings.NewReader(string(body)))
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res.StatusCode, string(b), err
}

// TestServeSandboxMisbehavingAnalystDuringLoad runs the real server process (this test
// binary as `leerplein serve`, its sandbox workers as `leerplein sandbox-worker`) and,
// while a scheduled load of 200,000 rows runs, two analysts send memory bombs (2 GB
// strings, four at once, again and again) and a third holds large results unread. The
// load completes, the board's KPIs answer within two seconds throughout, a fourth
// analyst's select 42 is answered correctly, every bomb gets the Dutch memory error,
// and the peak memory of the server and its workers (VmHWM from /proc) stays bounded.
func TestServeSandboxMisbehavingAnalystDuringLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server process")
	}
	tokens := map[string]string{}
	h := startHeldWarehouse(t, func(db string) {
		for _, name := range []string{"bom-a", "bom-b", "lezer", "ander", "bord"} {
			role := "analist"
			if name == "bord" {
				role = "bestuur"
			}
			out, _, err := runCmd(context.Background(), "", "token", "create", "--db", db, "--role", role, "--name", name)
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSpace(out), "\n")
			tokens[name] = lines[len(lines)-1]
		}
	})
	// The sandbox is built in the background after the start.
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		status, _, err := postQuery(h.url, tokens["ander"], "select 1")
		if err == nil && status == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the sandbox did not answer within a minute: %d %v", status, err)
		}
	}
	const rows = 200000
	bigVerzuimFile(t, h.inbox, rows)

	var workerPeak int64
	sampling := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		for {
			for _, pid := range proctest.Children(h.pid, warehouse.SandboxWorkerArg) {
				workerPeak = max(workerPeak, proctest.StatusKB(pid, "VmHWM"))
			}
			select {
			case <-sampling:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()

	var mu sync.Mutex
	var failures []string
	fail := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		if len(failures) < 20 {
			failures = append(failures, fmt.Sprintf(format, args...))
		}
	}
	// The reader's results stay unread until the end.
	for range 2 {
		body, _ := json.Marshal(map[string]string{"query": "select range as n, repeat('x', 200) as pad from range(300000)"})
		req, _ := http.NewRequest(http.MethodPost, h.url+"/api/v1/sql", strings.NewReader(string(body)))
		req.Header.Set("Authorization", "Bearer "+tokens["lezer"])
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("slow reader: status %d", res.StatusCode)
		}
		bufio.NewReader(res.Body).Peek(100)
	}

	loaded := make(chan error, 1)
	var loadOut string
	go func() {
		var err error
		loadOut, _, err = h.run(t, h.token, "etl", "run", "--config", h.config, "--inbox", h.inbox)
		loaded <- err
	}()
	var wg sync.WaitGroup
	var bombs, kpis, others int
	var kpiWorst time.Duration
	stop := make(chan struct{})
	for i := range 4 {
		wg.Go(func() {
			tok := tokens[[]string{"bom-a", "bom-b"}[i%2]]
			for {
				select {
				case <-stop:
					return
				default:
				}
				status, body, err := postQuery(h.url, tok, "select repeat('x', 2000000000) as s")
				mu.Lock()
				bombs++
				mu.Unlock()
				if err != nil || status != http.StatusBadRequest || !strings.Contains(body, "de query gebruikte meer dan het geheugen van de sandbox") {
					fail("bomb: %d %s %v; want 400 with the memory error", status, body, err)
				}
			}
		})
	}
	wg.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			start := time.Now()
			req, _ := http.NewRequest(http.MethodGet, h.url+"/api/v1/kpis", nil)
			req.Header.Set("Authorization", "Bearer "+tokens["bord"])
			res, err := http.DefaultClient.Do(req)
			if err == nil {
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
			}
			took := time.Since(start)
			mu.Lock()
			kpis++
			kpiWorst = max(kpiWorst, took)
			mu.Unlock()
			// A starved request waits for the load (about 20 s under -race); 6 s leaves room for
			// a 2-core CI machine running the race detector without hiding starvation.
			if err != nil || res.StatusCode != http.StatusOK || took > 6*time.Second {
				fail("GET /api/v1/kpis during the load and the bombs: %v after %s", err, took)
			}
			status, body, err := postQuery(h.url, tokens["ander"], "select 42 as antwoord")
			mu.Lock()
			others++
			mu.Unlock()
			if err != nil || status != http.StatusOK || !strings.Contains(body, "[42]") {
				fail("another analyst's select 42: %d %s %v", status, body, err)
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
	var loadErr error
	select {
	case loadErr = <-loaded:
	case <-time.After(5 * time.Minute):
		t.Fatal("the load did not end within five minutes")
	}
	close(stop)
	wg.Wait()
	close(sampling)
	<-sampled
	serverPeak := proctest.StatusKB(h.pid, "VmHWM")
	for _, f := range failures {
		t.Error(f)
	}
	if loadErr != nil {
		t.Errorf("the load during the bombs: %v\n%s", loadErr, loadOut)
	}
	t.Logf("during a load of %d rows: %d bombs, %d KPI requests (slowest %s), %d queries of another analyst; "+
		"peak RSS of the server %d MB, of the largest worker %d MB", rows, bombs, kpis, kpiWorst.Round(time.Millisecond),
		others, serverPeak>>10, workerPeak>>10)
	if bombs < 4 || kpis < 1 {
		t.Errorf("%d bombs and %d KPI requests during the load; the test checked little", bombs, kpis)
	}
	if serverPeak>>10 > 1500 {
		t.Errorf("the server process reached %d MB", serverPeak>>10)
	}
	if workerPeak>>10 > 900 {
		t.Errorf("a worker reached %d MB; its data limit is 512 MB", workerPeak>>10)
	}
}
