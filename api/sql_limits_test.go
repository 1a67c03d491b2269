package api

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hetleerplein/leerplein/warehouse"
	"github.com/hetleerplein/leerplein/warehouse/proctest"
)

// lockedBuffer is a log sink safe for the server's goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// sqlServerLogged is sqlServer with the server's log kept.
func (w *demoWarehouse) sqlServerLogged(t *testing.T, cfg Config) (*httptest.Server, *lockedBuffer) {
	t.Helper()
	logs := &lockedBuffer{}
	cfg.Version = "test"
	cfg.SQLSnapshot = filepath.Join(t.TempDir(), warehouse.SandboxFile)
	srv := New(w.db, cfg, slog.New(slog.NewTextHandler(logs, nil)))
	if err := srv.PublishSandbox(context.Background()); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		ts.Close()
		srv.CloseSandbox()
	})
	return ts, logs
}

// analystToken makes an extra analist token: another analyst than the role's token.
func (w *demoWarehouse) analystToken(t *testing.T, name string) string {
	t.Helper()
	tok, err := CreateToken(context.Background(), w.db, fmt.Sprintf("%s-%d", name, time.Now().UnixNano()), "analist")
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// sqlAs sends a raw body to POST /api/v1/sql with a bearer token and returns the
// response with its body read.
func sqlAs(t *testing.T, url, token, body string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url+"/api/v1/sql", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST /api/v1/sql: %v", err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return res, data
}

// sqlBody is the JSON body of one query.
func sqlBody(q string) string {
	b, _ := json.Marshal(map[string]string{"query": q})
	return string(b)
}

// TestSQLBadText sends empty, comment-only, malformed and otherwise unusable bodies:
// each is a 400 with a Dutch reason, none a 500, and nothing is logged as an error.
func TestSQLBadText(t *testing.T) {
	w := loadDemo(t)
	ts, logs := w.sqlServerLogged(t, Config{})
	tok := w.tokens["analist"]
	cases := []struct{ name, body, want string }{
		{"empty", `{"query": ""}`, "de query is leeg"},
		{"white space", `{"query": "  \n\t "}`, "de query is leeg"},
		{"no query", `{}`, "de query is leeg"},
		{"null", `null`, "de query is leeg"},
		{"line comment", `{"query": "-- alleen commentaar"}`, "alleen commentaar"},
		{"block comment", `{"query": "/* niets */"}`, "alleen commentaar"},
		{"semicolons", `{"query": " ; ; "}`, "geen statement"},
		{"NUL", `{"query": "select 1\u0000; drop table gemeenten"}`, "NUL-teken"},
		{"syntax", `{"query": "selec 1"}`, "syntax error"},
		{"unterminated", `{"query": "select 'x"}`, "unterminated"},
		{"two objects", `{"query": "select 1"} {"query": "select 2"}`, "na het JSON-object volgt nog iets"},
		{"trailing brace", `{"query": "select 1"}}`, "na het JSON-object volgt nog iets"},
		{"trailing text", `{"query": "select 1"} x`, "na het JSON-object volgt nog iets"},
		{"array", `[{"query": "select 1"}]`, "moet JSON zijn"},
		{"not JSON", `select 1`, "moet JSON zijn"},
		{"query not a string", `{"query": 1}`, "moet JSON zijn"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, data := sqlAs(t, ts.URL, tok, c.body)
			var e errorBody
			json.Unmarshal(data, &e)
			if res.StatusCode != http.StatusBadRequest || !strings.Contains(e.Error, c.want) {
				t.Errorf("got %d %s, want 400 saying %q", res.StatusCode, data, c.want)
			}
		})
	}
	if res, data := sqlAs(t, ts.URL, tok, `{"query": "select 1 as een"}`+" \n"); res.StatusCode != http.StatusOK {
		t.Errorf("white space after the object: got %d %s, want 200", res.StatusCode, data)
	}
	if strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("the bad requests were logged as errors:\n%s", logs.String())
	}
}

// slowRequest starts a query whose large result it does not read: a client that
// reads slowly (or not at all). The returned function closes it.
func slowRequest(t *testing.T, url, token string) (status int, closeFn func()) {
	t.Helper()
	body := sqlBody("select range as n, repeat('x', 200) as pad from range(300000)")
	req, _ := http.NewRequest(http.MethodPost, url+"/api/v1/sql", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK {
		data, _ := io.ReadAll(res.Body)
		res.Body.Close()
		t.Fatalf("a slow reader's query: %d %s", res.StatusCode, data)
	}
	// Read the first bytes, as a slow client does, and then nothing.
	bufio.NewReader(res.Body).Peek(100)
	return res.StatusCode, func() { res.Body.Close() }
}

// TestSQLSlowReadersAndCaps holds four large results unread by two analysts, more than
// the sandbox has workers: the workers are free (results are spooled), so a third
// analyst's query answers at once and correctly; an analyst over the per-user cap gets
// 429 "bezet" at once, not a time-out.
func TestSQLSlowReadersAndCaps(t *testing.T) {
	w := loadDemo(t)
	ts, _ := w.sqlServerLogged(t, Config{SQLWorkers: 2, SQLPerUser: 2, SQLQueueWait: 5 * time.Second})
	readers := []string{w.analystToken(t, "lezer-a"), w.analystToken(t, "lezer-b")}
	for _, tok := range readers {
		for range 2 {
			status, closeFn := slowRequest(t, ts.URL, tok)
			defer closeFn()
			if status != http.StatusOK {
				t.Fatalf("a slow reader's query: status %d", status)
			}
		}
	}
	start := time.Now()
	res, data := sqlAs(t, ts.URL, w.analystToken(t, "ander"), sqlBody("select 42 as antwoord"))
	took := time.Since(start)
	if js := decodeSQLJSON(t, data); res.StatusCode != http.StatusOK || len(js.Rows) != 1 || string(js.Rows[0][0]) != "42" {
		t.Errorf("another analyst's select 42 with four slow readers: %d %s", res.StatusCode, data)
	}
	if took > 3*time.Second {
		t.Errorf("another analyst's select 42 took %s with four slow readers", took)
	}
	start = time.Now()
	res, data = sqlAs(t, ts.URL, readers[0], sqlBody("select 1"))
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" ||
		!strings.Contains(string(data), "bezet: u heeft al 2 query's tegelijk lopen") {
		t.Errorf("a third query of a slow reader: got %d %s (Retry-After %q); want 429 bezet", res.StatusCode, data, res.Header.Get("Retry-After"))
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("the per-user refusal took %s; want it at once", took)
	}
}

// TestSQLBusy takes the only worker with a slow query: another analyst's query waits the
// queue time and gets 429 with Retry-After and a Dutch "bezet", not a time-out; the
// audit records it as refused.
func TestSQLBusy(t *testing.T) {
	w := loadDemo(t)
	ts, _ := w.sqlServerLogged(t, Config{SQLWorkers: 1, SQLQueueWait: 300 * time.Millisecond, SQLTimeout: 3 * time.Second})
	done := make(chan int, 1)
	go func() {
		res, _ := sqlAs(t, ts.URL, w.tokens["analist"], sqlBody("select count(*) from range(1000000000) a, range(1000000) b"))
		done <- res.StatusCode
	}()
	time.Sleep(500 * time.Millisecond)
	marker := fmt.Sprintf("busy-%d", time.Now().UnixNano())
	res, data := sqlAs(t, ts.URL, w.tokens["beheer"], sqlBody("select 42 -- "+marker))
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") != retryAfterGlobal ||
		!strings.Contains(string(data), "bezet: alle sandbox-plaatsen zijn in gebruik") {
		t.Errorf("got %d %s (Retry-After %q); want 429 bezet", res.StatusCode, data, res.Header.Get("Retry-After"))
	}
	if got := <-done; got != http.StatusRequestTimeout {
		t.Errorf("the slow query: status %d, want 408", got)
	}
	if e := auditFor(t, w, ts.URL, marker); len(e) != 1 || e[0].Status != warehouse.AuditRefused || !strings.HasPrefix(e[0].Message, "bezet") {
		t.Errorf("audit of the busy query: %+v; want one refused entry saying bezet", e)
	}
	if res, data := sqlAs(t, ts.URL, w.tokens["beheer"], sqlBody("select 42")); res.StatusCode != http.StatusOK {
		t.Errorf("after the slow query: %d %s", res.StatusCode, data)
	}
}

// workerPIDs are this process's sandbox workers.
func workerPIDs() []int { return proctest.Children(os.Getpid(), warehouse.SandboxWorkerArg) }

// TestSQLMisbehavingAnalyst runs memory bombs (one 2 GB string; four at once) and slow
// readers while the board reads its KPIs and another analyst queries: the KPIs answer
// quickly throughout, the other analyst gets 42, every bomb gets the Dutch memory
// error, and the server process (this test process) stays small. Peak memory of the
// server and the workers is measured from /proc.
func TestSQLMisbehavingAnalyst(t *testing.T) {
	w := loadDemo(t)
	ts, _ := w.sqlServerLogged(t, Config{SQLWorkers: 3, SQLMemoryLimit: "900MB", SQLPerUser: 2, SQLQueueWait: 20 * time.Second})
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		t.Skipf("cannot reset the peak RSS: %v", err)
	}
	baseline := proctest.StatusKB(os.Getpid(), "VmRSS")
	var workerPeak int64
	stopSampling := make(chan struct{})
	sampled := make(chan struct{})
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

	bombers := []string{w.analystToken(t, "bom-a"), w.analystToken(t, "bom-b")}
	reader := w.analystToken(t, "lezer")
	other := w.analystToken(t, "ander")
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failures []string
	fail := func(format string, args ...any) {
		mu.Lock()
		failures = append(failures, fmt.Sprintf(format, args...))
		mu.Unlock()
	}
	bomb := func(tok, q string) {
		res, data := sqlAs(t, ts.URL, tok, sqlBody(q))
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(string(data), "de query gebruikte meer dan het geheugen van de sandbox") {
			fail("bomb %q: got %d %s; want 400 with the memory error", q, res.StatusCode, data)
		}
	}
	// Two slow readers hold results of their own (spooled) throughout.
	for range 2 {
		status, closeFn := slowRequest(t, ts.URL, reader)
		defer closeFn()
		if status != http.StatusOK {
			t.Fatalf("slow reader: %d", status)
		}
	}
	// The board's first request computes the KPIs; later ones are what the test is about.
	req, _ := http.NewRequest(http.MethodGet, ts.URL+"/api/v1/kpis", nil)
	res := w.do(t, req, "bestuur")
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	stop := make(chan struct{})
	var board sync.WaitGroup
	var kpiCalls, otherCalls int
	var kpiWorst time.Duration
	board.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			start := time.Now()
			req, _ := http.NewRequest(http.MethodGet, ts.URL+"/api/v1/kpis", nil)
			res := w.do(t, req, "bestuur")
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			took := time.Since(start)
			kpiWorst = max(kpiWorst, took)
			kpiCalls++
			// A starved request would wait for the bombs to end; 5 s leaves room for a
			// 2-core CI machine running the race detector.
			if res.StatusCode != http.StatusOK || took > 5*time.Second {
				fail("GET /api/v1/kpis during the bombs: %d after %s", res.StatusCode, took)
			}
			res2, data := sqlAs(t, ts.URL, other, sqlBody("select 42 as antwoord"))
			otherCalls++
			if res2.StatusCode != http.StatusOK || !strings.Contains(string(data), "[42]") {
				fail("another analyst's select 42 during the bombs: %d %s", res2.StatusCode, data)
			}
			time.Sleep(50 * time.Millisecond)
		}
	})
	bomb(bombers[0], "select repeat('x', 2000000000) as s")
	for i := range 4 {
		wg.Go(func() { bomb(bombers[i%2], "select length(repeat('x', 1000000000 + "+strconv.Itoa(i)+")) as n") })
		time.Sleep(10 * time.Millisecond)
	}
	wg.Wait()
	bomb(bombers[0], "select string_agg(repeat('y', 100000), '') from range(100000)")
	close(stop)
	board.Wait()
	close(stopSampling)
	<-sampled
	for _, f := range failures {
		t.Error(f)
	}
	serverPeak := proctest.StatusKB(os.Getpid(), "VmHWM")
	t.Logf("server (test process): RSS %d MB before, peak %d MB during; largest worker peak %d MB (limit %d MB data each); "+
		"KPIs answered %d times, slowest %s; the other analyst %d times",
		baseline>>10, serverPeak>>10, workerPeak>>10, 300, kpiCalls, kpiWorst.Round(time.Millisecond), otherCalls)
	if kpiCalls == 0 || otherCalls == 0 {
		t.Errorf("the board and the other analyst made %d and %d requests; the test checked nothing", kpiCalls, otherCalls)
	}
	if grew := (serverPeak - baseline) >> 10; grew > 300 {
		t.Errorf("the server process grew by %d MB during the bombs", grew)
	}
	if workerPeak>>10 > 300+300 {
		t.Errorf("a worker reached %d MB; its data limit is 300 MB", workerPeak>>10)
	}
}

// TestSQLAuditCapsLongQuery sends a query of 200 KB: the audit keeps its first 16 KB with
// the length and SHA-256 of the whole text.
func TestSQLAuditCapsLongQuery(t *testing.T) {
	w := loadDemo(t)
	ts, _ := w.sqlServerLogged(t, Config{})
	marker := fmt.Sprintf("long-%d", time.Now().UnixNano())
	q := "select 1 as een -- " + marker + "\n-- " + strings.Repeat("lang commentaar ", 12_500)
	res, data := sqlAs(t, ts.URL, w.tokens["analist"], sqlBody(q))
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", res.StatusCode, data)
	}
	entries := auditFor(t, w, ts.URL, marker)
	if len(entries) != 1 {
		t.Fatalf("%d audit entries, want 1", len(entries))
	}
	e := entries[0]
	sum := sha256.Sum256([]byte(q))
	if len(e.Query) > warehouse.AuditQueryCap || !strings.HasPrefix(q, e.Query) || e.QueryBytes != int64(len(q)) ||
		e.QuerySHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("audit kept %d bytes, query_bytes %d, sha256 %s; want the first 16 KB, %d, %s",
			len(e.Query), e.QueryBytes, e.QuerySHA256, len(q), hex.EncodeToString(sum[:]))
	}
}
