package warehouse_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hetleerplein/leerplein/warehouse"
	"github.com/hetleerplein/leerplein/warehouse/proctest"
)

// publishSandbox snapshots db and publishes it with cfg: worker processes of this test
// binary (TestMain).
func publishSandbox(t *testing.T, db *warehouse.DB, cfg warehouse.SandboxConfig) *warehouse.Publisher {
	t.Helper()
	p := newPublisher(t, db, filepath.Join(t.TempDir(), warehouse.SandboxFile), cfg, time.Hour)
	t.Cleanup(func() { p.Close() })
	if err := p.Publish(context.Background()); err != nil {
		t.Fatal(err)
	}
	return p
}

// publisherRows runs a query on p and reads its whole result as text.
func publisherRows(ctx context.Context, p *warehouse.Publisher, query string, maxRows int) ([][]string, *warehouse.SQLResult, error) {
	res, err := p.Query(ctx, "test", query, maxRows)
	if err != nil {
		return nil, nil, err
	}
	defer res.Close()
	var out [][]string
	for res.Next() {
		rec := res.RecordBatch()
		for r := 0; r < int(rec.NumRows()); r++ {
			row := make([]string, rec.NumCols())
			for c := range row {
				if col := rec.Column(c); !col.IsNull(r) {
					row[c] = strings.Clone(col.ValueStr(r))
				}
			}
			out = append(out, row)
		}
	}
	return out, res, res.Err()
}

// answers42 checks that the sandbox still answers an ordinary query correctly.
func answers42(t *testing.T, p *warehouse.Publisher) {
	t.Helper()
	rows, _, err := publisherRows(context.Background(), p, "select 42 as antwoord", 10)
	if err != nil || len(rows) != 1 || rows[0][0] != "42" {
		t.Fatalf("select 42: got %v, %v; want 42", rows, err)
	}
}

// workerPIDs are this process's sandbox workers (its children started with
// SandboxWorkerArg).
func workerPIDs() []int { return proctest.Children(os.Getpid(), warehouse.SandboxWorkerArg) }

// peakSampler follows the resident memory of this process's sandbox workers while a
// test runs (a worker that is killed takes its high-water mark with it).
type peakSampler struct {
	stop   chan struct{}
	done   chan struct{}
	worker int64 // kB, the largest VmHWM of a worker seen
}

func samplePeaks(t *testing.T) *peakSampler {
	s := &peakSampler{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		for {
			for _, pid := range workerPIDs() {
				s.worker = max(s.worker, proctest.StatusKB(pid, "VmHWM"))
			}
			select {
			case <-s.stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	return s
}

// finish stops sampling and returns the largest worker peak in MB.
func (s *peakSampler) finish() int64 {
	close(s.stop)
	<-s.done
	return s.worker >> 10
}

// resetPeak resets this process's VmHWM (Linux: 5 in clear_refs), so a later VmHWM is
// the peak of what follows.
func resetPeak(t *testing.T) {
	t.Helper()
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		t.Skipf("cannot reset the peak RSS: %v", err)
	}
}

// TestSandboxMemoryBomb runs queries that take far more memory than a worker may have:
// one huge string, a result that grows row by row, and four bombs at once. Each fails
// with the memory error (the worker dies or DuckDB gives up at the hard limit), the
// server process (this one) does not grow, no worker grows much past its limit, and
// the sandbox answers the next query.
func TestSandboxMemoryBomb(t *testing.T) {
	db := loadCase(t, exportFixture)
	p := publishSandbox(t, db, warehouse.SandboxConfig{Memory: "768MB", Workers: 3, Timeout: 60 * time.Second})
	shareMB := p.WorkerMemory() >> 20
	resetPeak(t)
	sampler := samplePeaks(t)
	bombs := []string{
		"select length(repeat('x', 2000000000)) as n",
		"select repeat('x', 2000000000) as s",
		"select length(list(repeat('x', 1000000) || range::varchar)::varchar) from range(3000)",
		"select string_agg(repeat('y', 100000), '') from range(100000)",
	}
	check := func(q string, err error) {
		if ce := (*warehouse.CrashError)(nil); errors.As(err, &ce) {
			t.Logf("%s: the worker's last output: %s", q, ce.Detail[max(0, len(ce.Detail)-2000):])
		}
		var me *warehouse.MemoryError
		if !errors.As(err, &me) || !strings.Contains(err.Error(), fmt.Sprintf("(%d MB)", shareMB)) {
			t.Errorf("%s: got %T %v; want the memory error naming the worker's %d MB", q, err, err, shareMB)
		}
	}
	for _, q := range bombs {
		_, _, err := publisherRows(context.Background(), p, q, 10)
		check(q, err)
		answers42(t, p)
	}
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			q := bombs[i%2]
			_, _, err := publisherRows(context.Background(), p, q, 10)
			check(q, err)
		})
	}
	wg.Wait()
	answers42(t, p)
	workerPeak := sampler.finish()
	serverPeak := proctest.StatusKB(os.Getpid(), "VmHWM") >> 10
	t.Logf("peak RSS: server (this test process) %d MB, largest worker %d MB; worker limit %d MB of data",
		serverPeak, workerPeak, shareMB)
	// A worker's RSS also counts the pages of the binary (DuckDB's code) it runs.
	if workerPeak > shareMB+300 {
		t.Errorf("a worker reached %d MB, far over its limit of %d MB", workerPeak, shareMB)
	}
	if serverPeak > 1500 {
		t.Errorf("the server process reached %d MB while the bombs ran", serverPeak)
	}
}

// TestSandboxKillsStuckWorker stops a worker in the middle of a query (SIGSTOP: it
// answers nothing, as when DuckDB is stuck inside a function): the query ends at the
// time limit plus the grace period with the time-limit error, the worker is killed,
// and the next query gets a new one.
func TestSandboxKillsStuckWorker(t *testing.T) {
	db := loadCase(t, exportFixture)
	p := publishSandbox(t, db, warehouse.SandboxConfig{Workers: 1, Timeout: time.Second, KillGrace: 500 * time.Millisecond})
	before := workerPIDs()
	if len(before) != 1 {
		t.Fatalf("%d workers after publishing, want 1", len(before))
	}
	errc := make(chan error, 1)
	start := time.Now()
	go func() {
		_, _, err := publisherRows(context.Background(), p, "select count(*) from range(1000000000) a, range(1000000) b", 10)
		errc <- err
	}()
	time.Sleep(200 * time.Millisecond)
	if err := syscall.Kill(before[0], syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	var err error
	select {
	case err = <-errc:
	case <-time.After(15 * time.Second):
		syscall.Kill(before[0], syscall.SIGKILL)
		t.Fatal("the query did not end within 15 s of a stopped worker")
	}
	took := time.Since(start)
	var te *warehouse.TimeoutError
	if !errors.As(err, &te) {
		t.Errorf("got %T %v, want the time-limit error", err, err)
	}
	if took < time.Second || took > 6*time.Second {
		t.Errorf("the query ended after %s; want the time limit (1 s) plus the grace period (0.5 s)", took)
	}
	if _, err := os.Stat(fmt.Sprintf("/proc/%d", before[0])); err == nil {
		t.Errorf("the stopped worker %d still exists", before[0])
	}
	answers42(t, p)
}

// TestSandboxFreesWorkerBeforeResultIsRead holds a large result unread and runs another
// query with the only worker: the result was spooled, the worker is free.
func TestSandboxFreesWorkerBeforeResultIsRead(t *testing.T) {
	db := loadCase(t, exportFixture)
	p := publishSandbox(t, db, warehouse.SandboxConfig{Workers: 1, QueueWait: 2 * time.Second})
	held, err := p.Query(context.Background(), "test", "select range as n, repeat('x', 50) as pad from range(200000)", 1_000_000)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	answers42(t, p)
	var n int64
	for held.Next() {
		n += held.RecordBatch().NumRows()
	}
	if n != 200000 || held.Err() != nil || held.Truncated() {
		t.Errorf("the held result read %d rows (err %v, truncated %v); want all 200000", n, held.Err(), held.Truncated())
	}
}

// TestSandboxBusy fills the only worker: another query waits the queue time and is
// refused as busy, without a time-limit error; then the sandbox answers again.
func TestSandboxBusy(t *testing.T) {
	db := loadCase(t, exportFixture)
	p := publishSandbox(t, db, warehouse.SandboxConfig{Workers: 1, QueueWait: 300 * time.Millisecond, Timeout: 20 * time.Second})
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		_, _, err := publisherRows(ctx, p, "select count(*) from range(1000000000) a, range(1000000) b", 10)
		errc <- err
	}()
	time.Sleep(300 * time.Millisecond)
	start := time.Now()
	_, _, err := publisherRows(context.Background(), p, "select 42", 1)
	if !errors.Is(err, warehouse.ErrSandboxBusy) || !strings.HasPrefix(err.Error(), "bezet: ") {
		t.Errorf("got %v, want the busy error", err)
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("the busy answer came after %s; want about the queue wait (300 ms)", took)
	}
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Errorf("the cancelled query: got %v, want context.Canceled", err)
	}
	answers42(t, p)
}

// TestSandboxByteCap cuts a result at the byte cap like at the row cap, and refuses a
// single row over 16 MB.
func TestSandboxByteCap(t *testing.T) {
	db := loadCase(t, exportFixture)
	p := publishSandbox(t, db, warehouse.SandboxConfig{Workers: 1, MaxResultBytes: 1 << 20})
	rows, res, err := publisherRows(context.Background(), p, "select range as n, repeat('x', 100) as pad from range(100000)", 1_000_000)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Truncated() || !res.CutAtBytes() || len(rows) < 1000 || len(rows) > 10000 {
		t.Errorf("got %d rows, truncated %v, cut at bytes %v; want about 1 MB of rows, cut at the byte cap",
			len(rows), res.Truncated(), res.CutAtBytes())
	}
	if rows[len(rows)-1][0] != strconv.Itoa(len(rows)-1) {
		t.Errorf("the last row is %v, want n = %d: rows were lost or reordered", rows[len(rows)-1], len(rows)-1)
	}
	_, _, err = publisherRows(context.Background(), p, "select repeat('x', 20000000) as groot", 1)
	var qe *warehouse.QueryError
	if !errors.As(err, &qe) || !strings.Contains(err.Error(), "groter dan 16 MB") {
		t.Errorf("a 20 MB row: got %T %v, want the row-size error", err, err)
	}
}

// TestSandboxBrokenWorkerCommand publishes with a worker command that does not speak
// the protocol: the publish fails and says so, instead of hanging.
func TestSandboxBrokenWorkerCommand(t *testing.T) {
	db := loadCase(t, exportFixture)
	for _, cmd := range [][]string{{"/bin/cat"}, {"/bin/true"}, {"/nonexistent/leerplein"}} {
		p := newPublisher(t, db, filepath.Join(t.TempDir(), warehouse.SandboxFile), warehouse.SandboxConfig{Command: cmd}, time.Hour)
		err := p.Publish(context.Background())
		if err == nil || !(strings.Contains(err.Error(), "did not start") || strings.Contains(err.Error(), "start the worker")) {
			t.Errorf("%v: got %v, want a publish error about the worker", cmd, err)
		}
		p.Close()
	}
}

// serverSecretsOf are the strings about the server no answer of p may contain: the
// directory of its snapshot (and so of the copies the workers open), its real path,
// this process's working directory and home, and the user and host names.
func serverSecretsOf(t *testing.T, p *warehouse.Publisher) []string {
	t.Helper()
	dir := filepath.Dir(p.Path())
	secrets := []string{dir}
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		secrets = append(secrets, real)
	}
	if wd, err := os.Getwd(); err == nil {
		secrets = append(secrets, wd)
	}
	if home, err := os.UserHomeDir(); err == nil && len(home) >= 5 {
		secrets = append(secrets, home)
	}
	if host, err := os.Hostname(); err == nil && len(host) >= 3 {
		secrets = append(secrets, host)
	}
	return secrets
}

// TestSandboxNoServerPaths asks the sandbox, in many ways, where it runs: the database
// list, the settings, the extensions, error texts that name a file, and results that
// would carry a path. Every answer is a refusal or an error, and no answer or error
// contains a path, user or host name of the server; ordinary catalog queries still work.
// (A path the analyst types is refused in a result as it is; transformed, it is what
// the analyst already knew.)
func TestSandboxNoServerPaths(t *testing.T) {
	db := loadCase(t, exportFixture)
	p := publishSandbox(t, db, warehouse.SandboxConfig{Workers: 2})
	secrets := serverSecretsOf(t, p)
	dir := filepath.Dir(p.Path())
	gens, _ := filepath.Glob(filepath.Join(dir, ".analist-sandbox", "gen-*"))
	if len(gens) != 1 {
		t.Fatalf("%d sandbox copies, want 1", len(gens))
	}
	copyPath := filepath.Join(gens[0], warehouse.SandboxFile)
	probes := []string{
		"select * from duckdb_databases()",
		"select path from duckdb_databases",
		"select * from system.main.duckdb_databases /* comment */ ()",
		`select * from "duckdb_databases"()`,
		"pragma database_list",
		"select * from pragma_database_list",
		"select * from pragma_database_list()",
		"select * from duckdb_settings()",
		"select value from duckdb_settings() where name = 'allowed_paths'",
		"select current_setting('allowed_paths')",
		"select current_setting('home_directory'), current_setting('temp_directory')",
		"select * from pg_catalog.pg_settings",
		"select * from duckdb_extensions()",
		"select * from duckdb_temporary_files()",
		"select * from duckdb_profiling_settings()",
		"select * from query('select * from duckdb_settings()')",
		"select * from query_table('duckdb_settings')",
		"from histogram('duckdb_settings', value)",
		"summarize select * from duckdb_settings()",
		"explain select * from duckdb_databases()",
		"with d as (select * from duckdb_databases()) select path from d",
		"select (select max(path) from duckdb_databases()) as p",
		"select * from read_text('" + copyPath + "')",
		"select * from '" + copyPath + "'",
		`select * from "` + dir + `"`,
		"select '" + copyPath + "' as p",
		`select 1 as "` + dir + `"`,
		"select getenv('HOME')",
		"attach '" + copyPath + "' as again",
	}
	for _, q := range probes {
		t.Run(q, func(t *testing.T) {
			rows, _, err := publisherRows(context.Background(), p, q, 1000)
			if err == nil {
				t.Fatalf("answered %d rows (%.200v); want a refusal", len(rows), rows)
			}
			for _, s := range secrets {
				if strings.Contains(strings.ToLower(err.Error()), strings.ToLower(s)) {
					t.Errorf("the error %q holds %q", err, s)
				}
			}
		})
	}
	for _, q := range []string{
		"select table_name from duckdb_tables() order by 1",
		"select column_name from information_schema.columns where table_name = 'gemeenten'",
		"describe gemeenten",
		"show tables",
		"show databases",
		"select histogram(subregio) from gemeenten",
		"select current_date, version()",
		"explain select * from gemeenten",
	} {
		t.Run(q, func(t *testing.T) {
			rows, _, err := publisherRows(context.Background(), p, q, 1000)
			if err != nil || len(rows) == 0 {
				t.Fatalf("got %d rows, %v; want an answer", len(rows), err)
			}
			for _, row := range rows {
				for _, v := range row {
					for _, s := range secrets {
						if strings.Contains(v, s) {
							t.Errorf("the answer %q holds %q", v, s)
						}
					}
				}
			}
		})
	}
}
