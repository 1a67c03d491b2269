package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/apache/arrow-go/v18/arrow/ipc"

	"github.com/hetleerplein/leerplein/api"
	"github.com/hetleerplein/leerplein/api/pgwire"
	"github.com/hetleerplein/leerplein/warehouse"
)

const benchSQLUsage = `usage: leerplein bench-sql [--dir ./data/bench-sql] [--rows 50000000] [--stream-rows 5000000] [--runs 5]

Meet POST /api/v1/sql op een warehouse op landelijke schaal: --rows verzuimmeldingen
over tien schooljaren (2015-2016 t/m 2024-2025) en 342 gemeenten. Het warehouse wordt
met SQL in DuckDB zelf gemaakt (niet via de ETL) in --dir en hergebruikt zolang het
aantal rijen klopt; die kosten staan apart in de uitvoer.

Daarna start een server (een kindproces, zodat zijn piekgeheugen apart te meten is) en
meet de client, in één run:
  1. verzuim per gemeente per maand over tien jaar (doel <= 1 s; eerste run apart, dan
     de mediaan van --runs runs);
  2. --stream-rows rijen gestreamd als Arrow IPC en als JSON, beide volledig gelezen en
     gedecodeerd door de client (doel: Arrow >= 3x sneller);
  3. dezelfde maandquery via het PostgreSQL-protocol (pgx, doel <= 1 s);
  4. dezelfde --stream-rows rijen via het PostgreSQL-protocol naar pgx in binair formaat
     (doel: hoogstens 2x de tijd van Arrow over HTTP).

flags:
`

// benchSQLMonthly is the bench's analyst query: absence reports per gemeente per month
// over the ten school years (August 2015 to July 2025), through the analyst view.
const benchSQLMonthly = `select gemeentecode, maand, count(*) as meldingen
from analist.verzuimmeldingen
where maand between date '2015-08-01' and date '2025-07-01'
group by gemeentecode, maand
order by gemeentecode, maand`

// benchSQL targets (issue text).
const (
	benchSQLMaxMonthly = time.Second
	benchSQLMinRatio   = 3.0
	benchWireMaxRatio  = 2.0
	benchSQLTokenName  = "bench-sql"
)

// cmdBenchSQL runs the SQL API bench (make bench).
func cmdBenchSQL(ctx context.Context, e env, args []string) error {
	fset := flag.NewFlagSet("bench-sql", flag.ContinueOnError)
	fset.SetOutput(e.stderr)
	fset.Usage = func() {
		fmt.Fprint(fset.Output(), benchSQLUsage)
		fset.PrintDefaults()
	}
	dir := fset.String("dir", "./data/bench-sql", "directory of the bench warehouse (kept and reused)")
	rows := fset.Int("rows", 50_000_000, "absence rows of the bench warehouse")
	streamRows := fset.Int("stream-rows", 5_000_000, "rows of the Arrow-versus-JSON streaming run")
	runs := fset.Int("runs", 5, "timed runs of the monthly query after the first")
	inProcess := fset.Bool("in-process", false, "serve from this process instead of a child (no peak RSS of the server)")
	serveChild := fset.String("serve-child", "", "internal: serve the bench warehouse on this address (the child process)")
	servePG := fset.String("serve-pg", "", "internal: and the PostgreSQL wire on this address (the child process)")
	if err := fset.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return usageError{err.Error()}
	}
	if fset.NArg() > 0 {
		return usageError{fmt.Sprintf("bench-sql: unexpected argument %q", fset.Arg(0))}
	}
	if *rows < 1000 || *streamRows < 1 || *runs < 1 {
		return usageError{"bench-sql: --rows must be at least 1000, --stream-rows and --runs at least 1"}
	}
	path, err := filepath.Abs(filepath.Join(*dir, "leerplein.duckdb"))
	if err != nil {
		return fmt.Errorf("bench-sql: %w", err)
	}
	if *serveChild != "" {
		return benchSQLServe(ctx, e, path, *serveChild, *servePG, *streamRows)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return fmt.Errorf("bench-sql: %w", err)
	}

	fmt.Fprintf(e.stdout, "bench-sql: %s, %d CPUs shared by server and client\n", path, runtime.NumCPU())
	info, err := benchSQLWarehouse(ctx, path, *rows)
	if err != nil {
		return err
	}
	if info.reused {
		fmt.Fprintf(e.stdout, "  warehouse: reused, %d absence rows, %d gemeenten, %.2f GB (generated earlier in DuckDB with SQL, not through the ETL)\n",
			info.rows, info.gemeenten, gb(info.bytes))
	} else {
		fmt.Fprintf(e.stdout, "  warehouse: generated in DuckDB with SQL (insert … select from range(%d)), not through the ETL: %d absence rows, %d gemeenten, %.2f GB in %.1f s\n",
			*rows, info.rows, info.gemeenten, gb(info.bytes), info.took.Seconds())
	}
	token, err := benchSQLPrepare(ctx, e, path)
	if err != nil {
		return err
	}

	srv, err := startBenchSQLServer(ctx, path, *streamRows, *inProcess)
	if err != nil {
		return err
	}
	defer srv.stop()
	client := sqlClient{base: srv.base, token: token, http: &http.Client{}}
	if err := benchSQLWaitSandbox(ctx, e, client); err != nil {
		return err
	}

	// 1. Absence per gemeente per month.
	first, firstRes, err := timedQuery(ctx, client, benchSQLMonthly)
	if err != nil {
		return err
	}
	times := make([]time.Duration, *runs)
	for i := range times {
		if times[i], _, err = timedQuery(ctx, client, benchSQLMonthly); err != nil {
			return err
		}
	}
	slices.Sort(times)
	median := times[len(times)/2]
	fmt.Fprintf(e.stdout, "  monthly per gemeente over ten years (POST /api/v1/sql, JSON, %d rows):\n", firstRes.RowCount)
	fmt.Fprintf(e.stdout, "    first run %.0f ms (server %.0f ms); median of %d runs %.0f ms (min %.0f, max %.0f); target <= %.0f ms: %s\n",
		ms(first), firstRes.DurationMS, *runs, ms(median), ms(times[0]), ms(times[len(times)-1]), ms(benchSQLMaxMonthly), verdict(median <= benchSQLMaxMonthly))

	// 2. Many rows as Arrow IPC and as JSON.
	stream := fmt.Sprintf("select * from analist.verzuimmeldingen limit %d", *streamRows)
	arrowRun, err := streamArrow(ctx, client, stream, *streamRows)
	if err != nil {
		return err
	}
	jsonRun, err := streamJSON(ctx, client, stream, *streamRows)
	if err != nil {
		return err
	}
	ratio := jsonRun.took.Seconds() / arrowRun.took.Seconds()
	fmt.Fprintf(e.stdout, "  %d rows streamed and decoded by the client (%s):\n", *streamRows, stream)
	fmt.Fprintf(e.stdout, "    %-6s %8.2f s  %10d rows  %8.1f MB  %6.0f MB/s\n", "arrow", arrowRun.took.Seconds(), arrowRun.rows, mb(arrowRun.bytes), mb(arrowRun.bytes)/arrowRun.took.Seconds())
	fmt.Fprintf(e.stdout, "    %-6s %8.2f s  %10d rows  %8.1f MB  %6.0f MB/s\n", "json", jsonRun.took.Seconds(), jsonRun.rows, mb(jsonRun.bytes), mb(jsonRun.bytes)/jsonRun.took.Seconds())
	fmt.Fprintf(e.stdout, "    Arrow %.1fx faster than JSON; target >= %.0fx: %s\n", ratio, benchSQLMinRatio, verdict(ratio >= benchSQLMinRatio))

	// 3 and 4. The same over the PostgreSQL wire.
	if err := benchWire(ctx, e, srv.pg, token, *runs, *streamRows, stream, arrowRun); err != nil {
		return err
	}
	if rss := srv.stop(); rss > 0 {
		fmt.Fprintf(e.stdout, "  server peak RSS: %.0f MB\n", mb(rss))
	}
	return nil
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "MISSED"
}

func gb(n int64) float64 { return float64(n) / (1 << 30) }
func mb(n int64) float64 { return float64(n) / (1 << 20) }

// benchSQLPrepare makes a fresh analist token for the bench (the old one is revoked)
// and closes the warehouse again, so the server can open it.
func benchSQLPrepare(ctx context.Context, e env, path string) (string, error) {
	db, err := warehouse.Open(ctx, path)
	if err != nil {
		return "", err
	}
	defer db.Close()
	if _, err := api.RevokeTokens(ctx, db, benchSQLTokenName); err != nil {
		return "", err
	}
	return api.CreateToken(ctx, db, benchSQLTokenName, "analist")
}

// benchSQLWaitSandbox waits while the server answers 503 (its sandbox, the snapshot of
// the analyst views, is still being written) and prints how long that took.
func benchSQLWaitSandbox(ctx context.Context, e env, c sqlClient) error {
	t0 := time.Now()
	deadline := t0.Add(30 * time.Minute)
	for {
		_, err := c.query(ctx, "select 1", 1)
		var ae apiError
		switch {
		case err == nil:
			// The server reuses the snapshot of an unchanged warehouse; else it writes one.
			fmt.Fprintf(e.stdout, "  SQL sandbox ready %.1f s after the server started (before the timed queries)\n", time.Since(t0).Seconds())
			return nil
		case errors.As(err, &ae) && ae.status == http.StatusServiceUnavailable && time.Now().Before(deadline):
			time.Sleep(250 * time.Millisecond)
		default:
			return fmt.Errorf("bench-sql: the server's sandbox: %w", err)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
}

// timedQuery runs a query as JSON and returns the client-side time of the whole request.
func timedQuery(ctx context.Context, c sqlClient, q string) (time.Duration, sqlResult, error) {
	t0 := time.Now()
	res, err := c.query(ctx, q, 0)
	d := time.Since(t0)
	if err != nil {
		return 0, res, fmt.Errorf("bench-sql: %w", err)
	}
	if res.Truncated {
		return 0, res, fmt.Errorf("bench-sql: the answer was truncated at %d rows; the server's row cap is too low", res.RowCount)
	}
	return d, res, nil
}

// streamRun is one streaming read: time, rows and bytes the client received.
type streamRun struct {
	took  time.Duration
	rows  int64
	bytes int64
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// streamArrow reads the query's answer as an Arrow IPC stream, batch by batch, and
// counts its rows.
func streamArrow(ctx context.Context, c sqlClient, q string, want int) (streamRun, error) {
	t0 := time.Now()
	resp, err := c.post(ctx, q, want, "arrow")
	if err != nil {
		return streamRun{}, fmt.Errorf("bench-sql: arrow: %w", err)
	}
	defer resp.Body.Close()
	body := &countingReader{r: resp.Body}
	rd, err := ipc.NewReader(body)
	if err != nil {
		return streamRun{}, fmt.Errorf("bench-sql: arrow: %w", err)
	}
	defer rd.Release()
	var run streamRun
	for rd.Next() {
		run.rows += rd.RecordBatch().NumRows()
	}
	if err := rd.Err(); err != nil {
		return streamRun{}, fmt.Errorf("bench-sql: arrow: %w", err)
	}
	run.took, run.bytes = time.Since(t0), body.n
	if run.rows != int64(want) {
		return run, fmt.Errorf("bench-sql: arrow: %d rows, want %d", run.rows, want)
	}
	return run, nil
}

// streamJSON reads the query's JSON answer with a streaming decoder, row by row, each
// row decoded into Go values as a client would.
func streamJSON(ctx context.Context, c sqlClient, q string, want int) (streamRun, error) {
	t0 := time.Now()
	resp, err := c.post(ctx, q, want, "json")
	if err != nil {
		return streamRun{}, fmt.Errorf("bench-sql: json: %w", err)
	}
	defer resp.Body.Close()
	body := &countingReader{r: resp.Body}
	dec := json.NewDecoder(body)
	var run streamRun
	if err := decodeRows(dec, func(row []any) { run.rows++ }); err != nil {
		return run, fmt.Errorf("bench-sql: json: %w", err)
	}
	if _, err := io.Copy(io.Discard, body); err != nil {
		return run, fmt.Errorf("bench-sql: json: %w", err)
	}
	run.took, run.bytes = time.Since(t0), body.n
	if run.rows != int64(want) {
		return run, fmt.Errorf("bench-sql: json: %d rows, want %d", run.rows, want)
	}
	return run, nil
}

// decodeRows walks the JSON answer {"columns":…,"rows":[[…],…],…} and hands each row to
// fn as it is decoded, without holding the whole answer.
func decodeRows(dec *json.Decoder, fn func([]any)) error {
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return fmt.Errorf("not a JSON object (%v)", err)
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		if t != "rows" {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return err
			}
			continue
		}
		if t, err := dec.Token(); err != nil || t != json.Delim('[') {
			return fmt.Errorf("rows is not an array (%v)", err)
		}
		for dec.More() {
			var row []any
			if err := dec.Decode(&row); err != nil {
				return err
			}
			fn(row)
		}
		if _, err := dec.Token(); err != nil {
			return err
		}
	}
	_, err := dec.Token()
	return err
}

// benchSQLServer is the server under test: a child process or a goroutine.
type benchSQLServer struct {
	base string
	pg   string       // host:port of the PostgreSQL wire
	stop func() int64 // stops it (once) and returns its peak RSS in bytes, 0 if unknown
}

// startBenchSQLServer starts the server on a free loopback port and waits until it is up.
func startBenchSQLServer(ctx context.Context, path string, maxRows int, inProcess bool) (*benchSQLServer, error) {
	if inProcess {
		db, err := warehouse.Open(ctx, path)
		if err != nil {
			return nil, err
		}
		srv := api.New(db, benchSQLConfig(maxRows), slog.New(slog.DiscardHandler))
		serveCtx, cancel := context.WithCancel(ctx)
		stopSandbox := srv.StartSandbox(serveCtx)
		pgLn, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			cancel()
			stopSandbox()
			db.Close()
			return nil, err
		}
		go srv.ServePGWire(serveCtx, pgLn, pgwire.Config{})
		urls := make(chan string, 1)
		served := make(chan error, 1)
		go func() {
			served <- serveHTTP(serveCtx, env{stdout: io.Discard}, srv.Handler(), "127.0.0.1:0", slog.New(slog.DiscardHandler), func(u string) { urls <- u })
		}()
		stopped := false
		stop := func() int64 {
			if !stopped {
				stopped = true
				cancel()
				<-served
				stopSandbox()
				db.Close()
			}
			return 0
		}
		select {
		case u := <-urls:
			return &benchSQLServer{base: strings.TrimSuffix(u, "/"), pg: pgLn.Addr().String(), stop: stop}, nil
		case err := <-served:
			cancel()
			stopSandbox()
			db.Close()
			return nil, err
		}
	}
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("bench-sql: %w", err)
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, fmt.Errorf("bench-sql: %w", err)
	}
	pgAddr, err := freeAddr()
	if err != nil {
		return nil, fmt.Errorf("bench-sql: %w", err)
	}
	var logs bytes.Buffer
	cmd := exec.CommandContext(ctx, self, "bench-sql", "--dir", filepath.Dir(path), "--serve-child", addr, "--serve-pg", pgAddr, "--stream-rows", fmt.Sprint(maxRows))
	cmd.Stdout, cmd.Stderr = io.Discard, &logs
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("bench-sql: start the server: %w", err)
	}
	var rss int64
	stopped := false
	stop := func() int64 {
		if !stopped {
			stopped = true
			cmd.Process.Signal(os.Interrupt)
			cmd.Wait()
			if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
				rss = ru.Maxrss * 1024 // kilobytes on Linux
			}
		}
		return rss
	}
	base := "http://" + addr
	if err := waitHealthy(ctx, &http.Client{Timeout: 5 * time.Second}, base); err != nil {
		stop()
		return nil, fmt.Errorf("bench-sql: %w; server log: %s", err, logs.String())
	}
	return &benchSQLServer{base: base, pg: pgAddr, stop: stop}, nil
}

// benchSQLServe is the child process: the API on the bench warehouse with the row cap
// raised for the streaming run, until interrupted.
func benchSQLServe(ctx context.Context, e env, path, addr, pgAddr string, maxRows int) error {
	db, err := warehouse.Open(ctx, path)
	if err != nil {
		return err
	}
	defer db.Close()
	logger := slog.New(logHandler(e.stderr, slog.LevelWarn))
	srv := api.New(db, benchSQLConfig(maxRows), logger)
	stopSandbox := srv.StartSandbox(ctx)
	defer stopSandbox()
	if pgAddr != "" {
		ln, err := net.Listen("tcp", pgAddr)
		if err != nil {
			return fmt.Errorf("bench-sql: pgwire: %w", err)
		}
		wireCtx, stopWire := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() {
			defer close(done)
			srv.ServePGWire(wireCtx, ln, pgwire.Config{})
		}()
		defer func() { stopWire(); <-done }()
	}
	return serveHTTP(ctx, e, srv.Handler(), addr, logger, func(string) {})
}

// benchSQLConfig is the server configuration of the bench: the SQL row cap at least the
// streaming run's rows, and sandbox workers large enough to build that result (DuckDB
// builds a result in memory before it is sent; the defaults bound it at 256 MiB). A
// worker that has sent one 5,000,000-row result keeps its Go heap mapped, and with 4 GB
// (8GB over two) its second such result could fail as out of memory: 8 GB each lets the
// HTTP and the wire runs each read the rows whichever worker they get.
func benchSQLConfig(maxRows int) api.Config {
	return api.Config{Version: version, SQLMaxRows: max(maxRows, 1_000_000),
		SQLWorkers: 2, SQLMemoryLimit: "16GB", SQLMaxResultBytes: 4 << 30}
}
