package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hetleerplein/leerplein/api"
	"github.com/hetleerplein/leerplein/warehouse"
)

const benchAPIUsage = `usage: leerplein bench-api [--db PATH] [--connections 50] [--duration 30s] [--strict]

Meet de KPI-API op een (demo)warehouse: --connections gelijktijdige verbindingen,
--duration lang, tegen GET /api/v1/kpis/verzuim_meldingen en, in dezelfde run, tegen
een handler op dezelfde server die dezelfde bytes uit het geheugen geeft (de grens van
deze stack); daarna een Grafana-/query met vijf targets. Toont doorvoer, p50, p99 en de
verhouding. De belasting komt van een Go-lastgenerator in hetzelfde proces (net/http,
één keep-alive-verbinding per werker), alleen naar 127.0.0.1.

Doelen: KPI-doorvoer >= 50% van de statische handler, KPI p99 < 20 ms, Grafana p99 < 50 ms.
--strict: eindig met status 1 als een doel niet gehaald wordt.

flags:
`

// benchTargets are issue 3's speed targets.
const (
	benchMinRatio      = 0.5
	benchMaxKPIP99     = 20 * time.Millisecond
	benchMaxGrafanaP99 = 50 * time.Millisecond
	benchTokenName     = "bench-api"
)

// grafanaBenchQuery is a Grafana /query with five targets over the demo's first ten years.
const grafanaBenchQuery = `{"app":"dashboard","requestId":"Q1","timezone":"browser",
"range":{"from":"2015-01-01T00:00:00.000Z","to":"2025-12-31T00:00:00.000Z","raw":{"from":"now-11y","to":"now"}},
"interval":"1d","intervalMs":86400000,"maxDataPoints":1200,
"targets":[{"refId":"A","target":"verzuim_meldingen","payload":{}},
{"refId":"B","target":"thuiszitters","payload":{}},
{"refId":"C","target":"thuiszitters_langer_dan_3_maanden","payload":{}},
{"refId":"D","target":"vsv_nieuw","payload":{}},
{"refId":"E","target":"verzuim_meldingen_maand","payload":{}}],"filters":[]}`

// cmdBenchAPI runs the API bench (make bench).
func cmdBenchAPI(ctx context.Context, e env, args []string) error {
	fset := flag.NewFlagSet("bench-api", flag.ContinueOnError)
	fset.SetOutput(e.stderr)
	fset.Usage = func() {
		fmt.Fprint(fset.Output(), benchAPIUsage)
		fset.PrintDefaults()
	}
	dbPath := fset.String("db", warehouse.DefaultPath, "warehouse file (the demo: make demo)")
	conns := fset.Int("connections", 50, "concurrent connections")
	duration := fset.Duration("duration", 30*time.Second, "duration of each of the KPI and static runs (the Grafana run takes a third)")
	strict := fset.Bool("strict", false, "exit with status 1 when a target is missed")
	if err := fset.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return usageError{err.Error()}
	}
	if *conns < 1 || *duration < time.Second {
		return usageError{"bench-api: --connections must be at least 1 and --duration at least 1s"}
	}
	db, err := warehouse.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	const kpiPath = "/api/v1/kpis/verzuim_meldingen"
	srv, err := startBenchServer(ctx, db, api.Config{Version: version}, kpiPath)
	if err != nil {
		return fmt.Errorf("bench-api: %w (is the warehouse loaded? make demo)", err)
	}
	defer srv.close()

	fmt.Fprintf(e.stdout, "bench-api: %d connections, %s per run, Go load generator in-process (net/http keep-alive), server and load share %d CPUs\n",
		*conns, *duration, runtime.NumCPU())
	fmt.Fprintf(e.stdout, "  response: %d bytes of JSON (%s)\n", len(srv.body), kpiPath)
	static, err := loadRun(ctx, srv.get("/bench/static"), *conns, *duration, srv.body)
	if err != nil {
		return err
	}
	static.print(e.stdout, "static  GET /bench/static (same bytes from memory)")
	kpi, err := loadRun(ctx, srv.get(kpiPath), *conns, *duration, srv.body)
	if err != nil {
		return err
	}
	kpi.print(e.stdout, "kpi     GET "+kpiPath)
	grafana, err := loadRun(ctx, func() (*http.Request, error) {
		r, err := http.NewRequest(http.MethodPost, srv.base+"/grafana/query", bytes.NewBufferString(grafanaBenchQuery))
		if err == nil {
			r.Header.Set("Authorization", "Bearer "+srv.token)
			r.Header.Set("Content-Type", "application/json")
		}
		return r, err
	}, *conns, max(*duration/3, time.Second), nil)
	if err != nil {
		return err
	}
	grafana.print(e.stdout, "grafana POST /grafana/query (5 targets)")

	ratio := kpi.throughput() / static.throughput()
	missed := 0
	verdict := func(ok bool) string {
		if ok {
			return "ok"
		}
		missed++
		return "MISSED"
	}
	fmt.Fprintf(e.stdout, "ratio kpi/static throughput: %.2f (target >= %.2f: %s)\n", ratio, benchMinRatio, verdict(ratio >= benchMinRatio))
	fmt.Fprintf(e.stdout, "kpi p99: %s (target < %s: %s)\n", fmtMS(kpi.pct(99)), benchMaxKPIP99, verdict(kpi.pct(99) < benchMaxKPIP99))
	fmt.Fprintf(e.stdout, "grafana p99: %s (target < %s: %s)\n", fmtMS(grafana.pct(99)), benchMaxGrafanaP99, verdict(grafana.pct(99) < benchMaxGrafanaP99))
	if err := srv.close(); err != nil {
		return err
	}
	if *strict && missed > 0 {
		return exitError{code: 1, err: fmt.Errorf("bench-api: %d target(s) missed", missed)}
	}
	return nil
}

// benchServer is an API server on a loopback port for a load run, with a bestuur token,
// whose /bench/static answers the very bytes its KPI route answered first: the limit of
// this stack, measured beside the route.
type benchServer struct {
	base  string // http://127.0.0.1:port, no trailing slash
	token string
	body  []byte // what the KPI route answered
	close func() error
}

// startBenchServer starts a benchServer with cfg over db; path is the KPI route whose
// answer /bench/static repeats. close stops the server and revokes the token.
func startBenchServer(ctx context.Context, db *warehouse.DB, cfg api.Config, path string) (*benchServer, error) {
	token, err := api.CreateToken(ctx, db, benchTokenName, "bestuur")
	if err != nil {
		return nil, err
	}
	revoke := func() { _, _ = api.RevokeTokens(context.WithoutCancel(ctx), db, benchTokenName) }
	logger := slog.New(slog.DiscardHandler)
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	api.New(db, cfg, logger).Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		revoke()
		return nil, fmt.Errorf("%s answered %d: %s", path, rec.Code, rec.Body.String())
	}
	cfg.StaticBody = rec.Body.Bytes()
	serveCtx, stop := context.WithCancel(ctx)
	urls := make(chan string, 1)
	served := make(chan error, 1)
	go func() {
		served <- serveHTTP(serveCtx, env{stdout: io.Discard}, api.New(db, cfg, logger).Handler(), "127.0.0.1:0", logger, func(u string) { urls <- u })
	}()
	s := &benchServer{token: token, body: rec.Body.Bytes()}
	var once sync.Once
	var closeErr error
	s.close = func() error {
		once.Do(func() {
			stop()
			closeErr = <-served
			revoke()
		})
		return closeErr
	}
	select {
	case u := <-urls:
		s.base = strings.TrimSuffix(u, "/")
	case err := <-served:
		stop()
		revoke()
		return nil, err
	}
	// The server's first KPI request builds its figures and suppression pattern once
	// per load; make it here, so that the runs measure the steady state.
	if err := s.warm(path); err != nil {
		_ = s.close()
		return nil, err
	}
	return s, nil
}

// warm requests path once and checks that it answers what the probe did.
func (s *benchServer) warm(path string) error {
	req, err := s.get(path)()
	if err != nil {
		return err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	if res.StatusCode != http.StatusOK || !bytes.Equal(b, s.body) {
		return fmt.Errorf("%s answered %d with %d bytes, not the %d the probe got", path, res.StatusCode, len(b), len(s.body))
	}
	return nil
}

// get makes the requests of a load run: GET path with the bench token.
func (s *benchServer) get(path string) func() (*http.Request, error) {
	return func() (*http.Request, error) {
		r, err := http.NewRequest(http.MethodGet, s.base+path, nil)
		if err == nil {
			r.Header.Set("Authorization", "Bearer "+s.token)
		}
		return r, err
	}
}

// loadResult is what one load run measured.
type loadResult struct {
	elapsed   time.Duration
	latencies []time.Duration // sorted
	errors    int
}

func (r loadResult) throughput() float64 { return float64(len(r.latencies)) / r.elapsed.Seconds() }

func (r loadResult) pct(p int) time.Duration {
	if len(r.latencies) == 0 {
		return 0
	}
	i := (len(r.latencies)*p + 99) / 100
	return r.latencies[min(max(i-1, 0), len(r.latencies)-1)]
}

func (r loadResult) print(w io.Writer, name string) {
	fmt.Fprintf(w, "%-52s %9.0f req/s  p50 %s  p99 %s  (%d requests, %d errors)\n",
		name, r.throughput(), fmtMS(r.pct(50)), fmtMS(r.pct(99)), len(r.latencies), r.errors)
}

func fmtMS(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }

// loadRun sends requests from conns workers, each over its own keep-alive connection,
// for a one-second warm-up and then d, and records the latency of every successful
// request of the measured part. want, when set, is the body every answer must have.
func loadRun(ctx context.Context, newReq func() (*http.Request, error), conns int, d time.Duration, want []byte) (loadResult, error) {
	tr := &http.Transport{MaxIdleConns: conns, MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns, DisableCompression: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	warm := time.Now().Add(time.Second)
	end := warm.Add(d)
	var mu sync.Mutex
	var res loadResult
	var firstErr error
	var wg sync.WaitGroup
	for range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lat := make([]time.Duration, 0, 1<<16)
			errs := 0
			buf := make([]byte, 0, 64<<10)
			for ctx.Err() == nil {
				start := time.Now()
				if !start.Before(end) {
					break
				}
				req, err := newReq()
				if err != nil {
					mu.Lock()
					firstErr = err
					mu.Unlock()
					return
				}
				resp, err := client.Do(req)
				if err != nil {
					errs++
					continue
				}
				b := bytes.NewBuffer(buf[:0])
				_, err = io.Copy(b, resp.Body)
				resp.Body.Close()
				took := time.Since(start)
				if err != nil || resp.StatusCode != http.StatusOK || (want != nil && !bytes.Equal(b.Bytes(), want)) {
					errs++
					continue
				}
				if start.After(warm) {
					lat = append(lat, took)
				}
			}
			mu.Lock()
			res.latencies = append(res.latencies, lat...)
			res.errors += errs
			mu.Unlock()
		}()
	}
	wg.Wait()
	res.elapsed = d
	slices.Sort(res.latencies)
	if firstErr != nil {
		return res, fmt.Errorf("bench-api: %w", firstErr)
	}
	if err := ctx.Err(); err != nil {
		return res, err
	}
	if len(res.latencies) == 0 {
		return res, fmt.Errorf("bench-api: no request succeeded (%d errors)", res.errors)
	}
	return res, nil
}
