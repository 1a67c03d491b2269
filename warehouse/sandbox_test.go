package warehouse_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hetleerplein/leerplein/warehouse"
)

// openSandbox snapshots db to a temp analist.duckdb and opens it as a sandbox.
func openSandbox(t *testing.T, db *warehouse.DB, lim warehouse.SandboxLimits) *warehouse.Sandbox {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), warehouse.SandboxFile)
	if err := db.Snapshot(ctx, path); err != nil {
		t.Fatal(err)
	}
	sb, err := warehouse.OpenSandbox(ctx, path, lim)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	return sb
}

// newPublisher prepares a publisher whose workers are this test binary (TestMain).
func newPublisher(t *testing.T, db *warehouse.DB, path string, cfg warehouse.SandboxConfig, delay time.Duration) *warehouse.Publisher {
	t.Helper()
	p, err := warehouse.NewPublisher(db, path, cfg, delay, nil)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// sandboxRows runs query in the sandbox and returns its values as text ("" for NULL).
func sandboxRows(t *testing.T, sb *warehouse.Sandbox, query string, maxRows int) ([][]string, *warehouse.SQLResult) {
	t.Helper()
	res, err := sb.Query(context.Background(), query, maxRows)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer res.Close()
	var out [][]string
	for res.Next() {
		rec := res.RecordBatch()
		for r := 0; r < int(rec.NumRows()); r++ {
			row := make([]string, rec.NumCols())
			for c := range row {
				if col := rec.Column(c); !col.IsNull(r) {
					row[c] = strings.Clone(col.ValueStr(r)) // the value points into DuckDB's memory
				}
			}
			out = append(out, row)
		}
	}
	if err := res.Err(); err != nil {
		t.Fatalf("%s: reading: %v", query, err)
	}
	return out, res
}

// TestSandboxRefuses sends every kind of statement an analyst must not run: each is
// refused with a RefusedError that names it (or fails in DuckDB: a function that does
// not exist here, query() with other than a SELECT), and afterwards the data are
// intact and no file was written.
func TestSandboxRefuses(t *testing.T) {
	db := loadCase(t, exportFixture)
	sb := openSandbox(t, db, warehouse.SandboxLimits{})
	out := t.TempDir()
	target := filepath.Join(out, "x")
	cases := []struct {
		name, query, want string
	}{
		{"read_csv", "select * from read_csv('/etc/passwd')", "read_csv"},
		{"read_csv_quoted", `select * from "read_csv"('/etc/passwd')`, "file"},
		{"replacement scan", "select * from '/etc/passwd'", "does not exist"},
		{"read_text", "select * from read_text('/etc/passwd')", "read_text"},
		{"read_blob", "select * from read_blob('/etc/passwd')", "read_blob"},
		{"glob", "select * from glob('/*')", "glob"},
		{"read_parquet", "select * from read_parquet('" + target + ".parquet')", "read_parquet"},
		{"copy to", "copy gemeenten to '" + target + ".csv'", "geen toegang tot bestanden"},
		{"copy query to", "copy (select 1) to '" + target + ".csv'", "geen toegang tot bestanden"},
		{"copy from", "copy gemeenten from '/etc/passwd'", "geen toegang tot bestanden"},
		{"attach memory", "attach ':memory:' as m", "ATTACH"},
		{"attach file", "attach '" + target + ".duckdb' as m", "ATTACH"},
		{"detach", "detach analist", "DETACH"},
		{"install", "install httpfs", "INSTALL/LOAD"},
		{"load", "load parquet", "INSTALL/LOAD"},
		{"set", "set memory_limit = '10GB'", "SET"},
		{"set external access", "set enable_external_access = true", "SET"},
		{"reset", "reset memory_limit", "SET"},
		{"set variable", "set variable x = 1", "SET"},
		{"pragma", "pragma threads = 8", "SET"},
		{"export", "export database '" + out + "'", "geen toegang tot bestanden"},
		{"import", "import database '" + out + "'", ""},
		{"create table", "create table t (a integer)", "CREATE"},
		{"create temp table", "create temp table t as select 1 as a", "CREATE"},
		{"create view", "create view v as select 1", "CREATE"},
		{"create macro", "create macro m() as 1", "CREATE"},
		{"create secret", "create secret s (type s3, key_id 'x', secret 'y')", ""},
		{"insert", "insert into gemeenten (gemeentecode) values ('GM9999')", "INSERT"},
		{"update", "update gemeenten set naam = 'x'", "UPDATE"},
		{"delete", "delete from gemeenten", "DELETE"},
		{"drop", "drop table gemeenten", "DROP"},
		{"alter", "alter table gemeenten rename to g", "ALTER"},
		{"checkpoint", "checkpoint", ""},
		{"checkpoint function", "select * from checkpoint()", "checkpoint"},
		{"checkpoint quoted", `select * from "checkpoint"()`, "checkpoint"},
		{"pivot without in", "pivot gemeenten on subregio using count(*)", "PIVOT zonder"},
		{"vacuum", "vacuum", "VACUUM"},
		{"begin", "begin transaction", "transactie"},
		{"call", "call pragma_version()", "CALL"},
		{"use", "use memory", ""},
		{"multi drop after select", "select 1; drop table gemeenten", "precies één statement"},
		{"multi drop first", "drop table gemeenten; select 1", "precies één statement"},
		{"multi two selects", "select 1; select 2", "precies één statement"},
		{"query function", "select * from query('drop table gemeenten')", "single SELECT"},
		{"getenv", "select getenv('HOME')", "does not exist"},
		{"secrets", "select * from duckdb_secrets()", "duckdb_secrets"},
		{"explain analyze", "explain analyze select 1", "EXPLAIN"},
		{"empty", "  ", "leeg"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, err := sb.Query(context.Background(), c.query, 10)
			if err == nil {
				res.Close()
				t.Fatalf("%q ran; want it refused", c.query)
			}
			var re *warehouse.RefusedError
			var qe *warehouse.QueryError
			if !errors.As(err, &re) && !errors.As(err, &qe) {
				t.Fatalf("%q: got %T %v, want a RefusedError or a QueryError", c.query, err, err)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("%q: message %q does not mention %q", c.query, err, c.want)
			}
		})
	}
	if entries, _ := os.ReadDir(out); len(entries) != 0 {
		t.Errorf("the refused statements left %d files in %s", len(entries), out)
	}
	rows, _ := sandboxRows(t, sb, "select count(*) from gemeenten", 10)
	var want int
	if err := db.QueryRowContext(context.Background(), "select count(*) from analist.gemeenten").Scan(&want); err != nil {
		t.Fatal(err)
	}
	if rows[0][0] != fmt.Sprint(want) || want == 0 {
		t.Errorf("after the refused statements gemeenten has %s rows, want %d", rows[0][0], want)
	}
}

// TestSandboxSelect runs queries an analyst would: every view by its bare and its
// qualified name, with the same count as in the warehouse, and the result's columns
// with DuckDB's types.
func TestSandboxSelect(t *testing.T) {
	ctx := context.Background()
	db := loadCase(t, exportFixture)
	sb := openSandbox(t, db, warehouse.SandboxLimits{})
	for _, v := range warehouse.AnalistSchema() {
		t.Run(v.Name, func(t *testing.T) {
			var want int
			if err := db.QueryRowContext(ctx, "select count(*) from analist."+v.Name).Scan(&want); err != nil {
				t.Fatal(err)
			}
			for _, q := range []string{"select count(*) from " + v.Name, "select count(*) from analist." + v.Name + ";"} {
				rows, _ := sandboxRows(t, sb, q, 10)
				if got := rows[0][0]; got != fmt.Sprint(want) {
					t.Errorf("%s: got %s, want %d", q, got, want)
				}
			}
			res, err := sb.Query(ctx, "from "+v.Name, 1)
			if err != nil {
				t.Fatal(err)
			}
			res.Close()
			if len(res.Columns) != len(v.Columns) {
				t.Fatalf("got %d columns, want %d", len(res.Columns), len(v.Columns))
			}
			for i, c := range v.Columns {
				if got := res.Columns[i]; got.Name != c.Name || got.Type != c.Type {
					t.Errorf("column %d: got %s %s, want %s %s", i, got.Name, got.Type, c.Name, c.Type)
				}
			}
		})
	}
	t.Run("explain", func(t *testing.T) {
		rows, _ := sandboxRows(t, sb, "explain select * from gemeenten", 100)
		if len(rows) == 0 {
			t.Errorf("explain returned no rows")
		}
	})
	t.Run("syntax error", func(t *testing.T) {
		_, err := sb.Query(ctx, "selec 1", 10)
		var qe *warehouse.QueryError
		if !errors.As(err, &qe) || !strings.Contains(err.Error(), "syntax error") {
			t.Errorf("got %T %v, want a QueryError with DuckDB's syntax error", err, err)
		}
	})
	t.Run("unknown table", func(t *testing.T) {
		_, err := sb.Query(ctx, "select * from fact_leerling", 10)
		var qe *warehouse.QueryError
		if !errors.As(err, &qe) || !strings.Contains(err.Error(), "fact_leerling") {
			t.Errorf("got %T %v, want a QueryError naming the table", err, err)
		}
	})
}

// TestSandboxRowCap cuts a result at the cap and says so, also when the query cannot
// be wrapped in a LIMIT.
func TestSandboxRowCap(t *testing.T) {
	db := loadCase(t, exportFixture)
	sb := openSandbox(t, db, warehouse.SandboxLimits{})
	cases := []struct {
		name, query   string
		max, wantRows int
		wantTruncated bool
	}{
		{"under the cap", "select * from range(5000)", 5000, 5000, false},
		{"over the cap", "select * from range(5000)", 4999, 4999, true},
		{"far over the cap", "select * from range(100000000)", 3000, 3000, true},
		{"ordered", "select range as n from range(10) order by n desc", 3, 3, true},
		{"trailing comment", "select * from range(10) -- tien rijen", 5, 5, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rows, res := sandboxRows(t, sb, c.query, c.max)
			if len(rows) != c.wantRows || res.Rows() != int64(c.wantRows) {
				t.Errorf("got %d rows (Rows %d), want %d", len(rows), res.Rows(), c.wantRows)
			}
			if res.Truncated() != c.wantTruncated {
				t.Errorf("got truncated %v, want %v", res.Truncated(), c.wantTruncated)
			}
			if c.name == "ordered" && rows[0][0] != "9" {
				t.Errorf("first row %v, want 9: the order was lost", rows[0])
			}
		})
	}
}

// TestSandboxTimeout cancels a slow query at the time limit.
func TestSandboxTimeout(t *testing.T) {
	db := loadCase(t, exportFixture)
	sb := openSandbox(t, db, warehouse.SandboxLimits{Timeout: 200 * time.Millisecond})
	start := time.Now()
	res, err := sb.Query(context.Background(), "select count(*) from range(1000000000) a, range(1000000) b", 10)
	took := time.Since(start)
	if err == nil {
		res.Close()
		t.Fatalf("the slow query finished in %s; want it cancelled", took)
	}
	var te *warehouse.TimeoutError
	if !errors.As(err, &te) {
		t.Fatalf("got %T %v, want a TimeoutError", err, err)
	}
	if want := "query afgebroken: de tijdslimiet van 200ms is overschreden"; err.Error() != want {
		t.Errorf("got message %q, want %q", err, want)
	}
	if took > 3*time.Second {
		t.Errorf("the query was cancelled after %s; want about 200ms", took)
	}
	// The sandbox still answers.
	if rows, _ := sandboxRows(t, sb, "select 42", 1); rows[0][0] != "42" {
		t.Errorf("after the timeout: got %v, want 42", rows)
	}
}

// TestSandboxNoBSN reads every column of every table through the sandbox: no raw BSN
// of the input, and no value that looks like one.
func TestSandboxNoBSN(t *testing.T) {
	db := loadCase(t, exportFixture)
	raw := inputBSNs(t, exportFixture)
	sb := openSandbox(t, db, warehouse.SandboxLimits{})
	tables, _ := sandboxRows(t, sb, "select table_name from duckdb_tables() where not internal order by 1", 1000)
	if len(tables) != len(warehouse.AnalistSchema()) {
		t.Errorf("the sandbox has %d tables, want the %d analyst views", len(tables), len(warehouse.AnalistSchema()))
	}
	for _, tr := range tables {
		t.Run(tr[0], func(t *testing.T) {
			rows, _ := sandboxRows(t, sb, "select * from "+tr[0], 10_000_000)
			for i, row := range rows {
				for j, v := range row {
					checkNoBSN(t, fmt.Sprintf("%s row %d column %d", tr[0], i+1, j+1), v, raw)
				}
			}
		})
	}
}

// TestPublisher publishes, answers from the sandbox, and after a change in the
// warehouse and a new publish shows the new rows, while a result of the replaced
// sandbox can still be read.
func TestPublisher(t *testing.T) {
	ctx := context.Background()
	db := loadCase(t, exportFixture)
	p := newPublisher(t, db, filepath.Join(t.TempDir(), warehouse.SandboxFile), warehouse.SandboxConfig{}, 10*time.Millisecond)
	defer p.Close()
	if _, err := p.Query(ctx, "test", "select 1", 1); !errors.Is(err, warehouse.ErrNoSandbox) {
		t.Fatalf("before publishing: got %v, want ErrNoSandbox", err)
	}
	if err := p.Publish(ctx); err != nil {
		t.Fatal(err)
	}
	count := func() string {
		res, err := p.Query(ctx, "test", "select count(*) from gemeenten", 1)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Close()
		res.Next()
		return res.RecordBatch().Column(0).ValueStr(0)
	}
	before := count()
	old, err := p.Query(ctx, "test", "select * from gemeenten", 1000)
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	if _, err := db.ExecContext(ctx, `insert into dim_gemeente
		select 'GM9999', 'Testgemeente', subregio, subregio_naam, leerplicht_regionaal, vanaf, tot from dim_gemeente limit 1`); err != nil {
		t.Fatal(err)
	}
	if err := p.Publish(ctx); err != nil {
		t.Fatal(err)
	}
	var n int64
	for old.Next() {
		n += old.RecordBatch().NumRows()
	}
	old.Close()
	if fmt.Sprint(n) != before || old.Err() != nil {
		t.Errorf("the result of the replaced sandbox read %d rows (err %v), want %s", n, old.Err(), before)
	}
	if after := count(); after == before {
		t.Errorf("after the new publish gemeenten has %s rows, as before; want one more", after)
	}
}

// TestPublisherRelativePath serves a warehouse opened by a relative path, as make run
// does (--db ./data/leerplein.duckdb): the workers, which run in /, still find the
// snapshot.
func TestPublisherRelativePath(t *testing.T) {
	ctx := context.Background()
	db := loadCase(t, exportFixture)
	t.Chdir(t.TempDir())
	if err := os.Mkdir("data", 0o700); err != nil {
		t.Fatal(err)
	}
	p := newPublisher(t, db, filepath.Join("data", warehouse.SandboxFile), warehouse.SandboxConfig{}, time.Hour)
	defer p.Close()
	if !filepath.IsAbs(p.Path()) {
		t.Errorf("Path() = %q, want it absolute", p.Path())
	}
	if err := p.Publish(ctx); err != nil {
		t.Fatal(err)
	}
	res, err := p.Query(ctx, "test", "select count(*) > 0 from gemeenten", 1)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Close()
	if !res.Next() || res.RecordBatch().Column(0).ValueStr(0) != "true" {
		t.Errorf("select count(*) > 0 from gemeenten: want true (err %v)", res.Err())
	}
}

// TestMaskBSN masks nine-digit numbers that pass the eleven test, and nothing else.
func TestMaskBSN(t *testing.T) {
	cases := []struct{ in, want string }{
		{"select * from x where a = 111222333", "select * from x where a = [bsn]"},
		{"'123456782'", "'[bsn]'"},
		{"123456789", "123456789"},   // fails the eleven test
		{"1234567820", "1234567820"}, // ten digits
		{"000000000", "000000000"},   // all zeros
		{"a111222333b", "a[bsn]b"},   // digits between letters
		{"111222333,123456782", "[bsn],[bsn]"},
		{"range(100000000)", "range(100000000)"},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			if got := warehouse.MaskBSN(c.in); got != c.want {
				t.Errorf("MaskBSN(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

// TestAuditSQL stores entries with BSN-like numbers masked and lists them newest
// first, by status.
func TestAuditSQL(t *testing.T) {
	ctx := context.Background()
	db, err := warehouse.Open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	entries := []warehouse.AuditEntry{
		{Who: "jan", Role: "analist", Query: "select 1", Rows: 1, Status: warehouse.AuditOK},
		{Who: "jan", Role: "analist", Query: "select * from leerlingen where x = '111222333'", Status: warehouse.AuditError, Message: "no 111222333"},
		{Who: "piet", Role: "beheer", Query: "drop table gemeenten", Status: warehouse.AuditRefused, Message: "DROP is not allowed"},
	}
	for _, e := range entries {
		if err := db.AuditSQL(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.AuditSQL(ctx, warehouse.AuditEntry{Status: "weird"}); err == nil {
		t.Errorf("an unknown status was stored")
	}
	all, err := db.SQLAudit(ctx, warehouse.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 3 || all[0].Who != "piet" || all[2].Query != "select 1" {
		t.Fatalf("got %+v, want the three entries newest first", all)
	}
	if all[1].Query != "select * from leerlingen where x = '[bsn]'" || all[1].Message != "no [bsn]" {
		t.Errorf("got query %q message %q, want the BSN masked", all[1].Query, all[1].Message)
	}
	refused, err := db.SQLAudit(ctx, warehouse.AuditFilter{Status: warehouse.AuditRefused, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(refused) != 1 || refused[0].Who != "piet" {
		t.Errorf("status refused: got %+v, want piet's entry", refused)
	}
}

// TestSandboxMemoryLimit fails a query that needs more than the sandbox's memory (it
// cannot spill to disk either) with a MemoryError that says so.
func TestSandboxMemoryLimit(t *testing.T) {
	db := loadCase(t, exportFixture)
	sb := openSandbox(t, db, warehouse.SandboxLimits{MemoryLimit: "64MB"})
	res, err := sb.Query(context.Background(),
		"select count(distinct h) from (select md5(range::varchar) as h, range as n from range(4000000) order by h)", 10)
	if err == nil {
		res.Close()
		t.Fatalf("a query over 64MB ran; want it stopped at the memory limit")
	}
	var me *warehouse.MemoryError
	if !errors.As(err, &me) || !strings.Contains(err.Error(), "geheugen van de sandbox (64MB)") {
		t.Errorf("got %T %v, want a MemoryError that names the limit", err, err)
	}
	if rows, _ := sandboxRows(t, sb, "select 42", 1); rows[0][0] != "42" {
		t.Errorf("after the memory error: got %v, want 42", rows)
	}
}

// TestPublisherConcurrent publishes again and again while queries run: every query
// answers, none meets a closing sandbox.
func TestPublisherConcurrent(t *testing.T) {
	ctx := context.Background()
	db := loadCase(t, exportFixture)
	p := newPublisher(t, db, filepath.Join(t.TempDir(), warehouse.SandboxFile), warehouse.SandboxConfig{}, time.Millisecond)
	defer p.Close()
	if err := p.Publish(ctx); err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 100)
	done := make(chan struct{})
	for range 4 {
		go func() {
			for i := 0; i < 20; i++ {
				res, err := p.Query(ctx, "test", "select count(*) from verzuimmeldingen", 1)
				if err == nil {
					for res.Next() {
					}
					err = res.Err()
					res.Close()
				}
				if err != nil {
					errs <- err
				}
			}
			done <- struct{}{}
		}()
	}
	for range 3 {
		if err := p.Publish(ctx); err != nil {
			t.Fatal(err)
		}
	}
	for range 4 {
		<-done
	}
	close(errs)
	for err := range errs {
		t.Errorf("query during publish: %v", err)
	}
	dirs, _ := filepath.Glob(filepath.Join(filepath.Dir(p.Path()), ".analist-sandbox", "gen-*"))
	deadline := time.Now().Add(5 * time.Second)
	for len(dirs) > 1 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
		dirs, _ = filepath.Glob(filepath.Join(filepath.Dir(p.Path()), ".analist-sandbox", "gen-*"))
	}
	if len(dirs) != 1 {
		t.Errorf("%d sandbox copies left, want only the current one", len(dirs))
	}
}

// TestPublisherReusesUnchangedSnapshot checks that a restarted publisher (Run) opens the
// snapshot on disk when the warehouse has not changed since it was written, and writes a
// new one when a run has finished since.
func TestPublisherReusesUnchangedSnapshot(t *testing.T) {
	ctx := context.Background()
	db := loadCase(t, exportFixture)
	path := filepath.Join(t.TempDir(), warehouse.SandboxFile)
	// start runs a publisher as the server does and returns the snapshot file it serves.
	start := func() os.FileInfo {
		t.Helper()
		p := newPublisher(t, db, path, warehouse.SandboxConfig{}, time.Hour)
		ctx, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() {
			p.Run(ctx)
			close(done)
		}()
		defer func() {
			cancel()
			<-done
		}()
		deadline := time.Now().Add(30 * time.Second)
		for {
			res, err := p.Query(ctx, "test", "select count(*) from gemeenten", 1)
			if err == nil {
				res.Close()
				break
			}
			if !errors.Is(err, warehouse.ErrNoSandbox) || time.Now().After(deadline) {
				t.Fatalf("query the published sandbox: %v", err)
			}
			time.Sleep(10 * time.Millisecond)
		}
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		return fi
	}
	// A new snapshot is a new file renamed into place (its inode number may be reused),
	// written later: its modification time tells.
	same := func(a, b os.FileInfo) bool { return a.ModTime().Equal(b.ModTime()) && a.Size() == b.Size() }
	first := start()
	if again := start(); !same(first, again) {
		t.Errorf("the warehouse did not change, yet a restarted publisher wrote a new snapshot")
	}
	if _, err := db.ExecContext(ctx, `insert into etl_run (run_id, job, inbox, started_at, finished_at, status)
		values (9999, 'test', '/inbox', now(), now(), 'ok')`); err != nil {
		t.Fatal(err)
	}
	if after := start(); same(first, after) {
		t.Errorf("a run finished since the snapshot was written, yet a restarted publisher reused it")
	}
}
