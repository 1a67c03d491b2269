package api

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/hetleerplein/leerplein/warehouse"
)

// sqlServer starts a real server over the demo warehouse with its SQL sandbox built.
func (w *demoWarehouse) sqlServer(t *testing.T, cfg Config) *httptest.Server {
	t.Helper()
	cfg.Version = "test"
	cfg.SQLSnapshot = filepath.Join(t.TempDir(), warehouse.SandboxFile)
	srv := New(w.db, cfg, nil)
	if err := srv.PublishSandbox(context.Background()); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		ts.Close()
		srv.CloseSandbox()
	})
	return ts
}

// postSQL sends a query as role to POST /api/v1/sql (?format=… in path when wanted).
func (w *demoWarehouse) postSQL(t *testing.T, url, path, role string, body any, accept string) (*http.Response, []byte) {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, url+"/api/v1/sql"+path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	res := w.do(t, req, role)
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, data
}

// sqlJSON is the JSON result of POST /api/v1/sql.
type sqlJSON struct {
	Columns    []warehouse.SQLColumn `json:"columns"`
	Rows       [][]json.RawMessage   `json:"rows"`
	RowCount   int                   `json:"row_count"`
	Truncated  bool                  `json:"truncated"`
	DurationMS float64               `json:"duration_ms"`
	Error      string                `json:"error"`
}

// text is the result as the CSV writes it: JSON strings unquoted, null as "".
func (r sqlJSON) text(t *testing.T) [][]string {
	t.Helper()
	out := make([][]string, len(r.Rows))
	for i, row := range r.Rows {
		out[i] = make([]string, len(row))
		for j, v := range row {
			var s string
			switch {
			case string(v) == "null":
			case json.Unmarshal(v, &s) == nil:
				out[i][j] = s
			default:
				out[i][j] = string(v)
			}
		}
	}
	return out
}

func decodeSQLJSON(t *testing.T, data []byte) sqlJSON {
	t.Helper()
	var r sqlJSON
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		t.Fatalf("decode %.300s: %v", data, err)
	}
	return r
}

// recordText is an Arrow table as the CSV writes it.
func recordText(t *testing.T, recs []arrow.RecordBatch) [][]string {
	t.Helper()
	var out [][]string
	for _, rec := range recs {
		for r := 0; r < int(rec.NumRows()); r++ {
			row := make([]string, rec.NumCols())
			for c := range row {
				row[c] = strings.Clone(cellText(rec.Column(c), r))
			}
			out = append(out, row)
		}
	}
	return out
}

func sameRows(t *testing.T, format string, got, want [][]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: got %d rows, want %d", format, len(got), len(want))
	}
	for i := range want {
		if strings.Join(got[i], "|") != strings.Join(want[i], "|") {
			t.Fatalf("%s row %d: got %q, want %q (as JSON)", format, i+1, got[i], want[i])
		}
	}
}

// TestSQLFormats runs one query in every format and checks that CSV, the Arrow stream
// and Parquet (decoded with arrow-go) hold the same rows as JSON.
func TestSQLFormats(t *testing.T) {
	w := loadDemo(t)
	ts := w.sqlServer(t, Config{})
	query := map[string]any{"query": `select schooljaar, verzuimsoort, count(*) as meldingen, sum(uren) as uren,
		avg(leeftijd) as gem_leeftijd, min(meldingsdatum) as eerste, bool_or(uren > 10) as veel
		from verzuimmeldingen group by all order by all`}
	res, data := w.postSQL(t, ts.URL, "", "analist", query, "")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("json: status %d: %s", res.StatusCode, data)
	}
	js := decodeSQLJSON(t, data)
	want := js.text(t)
	if len(want) < 10 || js.RowCount != len(want) || js.Truncated {
		t.Fatalf("json: %d rows, row_count %d, truncated %v; want the demo's verzuim per year and kind", len(want), js.RowCount, js.Truncated)
	}
	wantCols := []warehouse.SQLColumn{{Name: "schooljaar", Type: "VARCHAR"}, {Name: "verzuimsoort", Type: "VARCHAR"},
		{Name: "meldingen", Type: "BIGINT"}, {Name: "uren", Type: "DECIMAL(38,2)"}, {Name: "gem_leeftijd", Type: "DOUBLE"},
		{Name: "eerste", Type: "DATE"}, {Name: "veel", Type: "BOOLEAN"}}
	if fmt.Sprint(js.Columns) != fmt.Sprint(wantCols) {
		t.Errorf("json columns: got %v, want %v", js.Columns, wantCols)
	}

	t.Run("csv", func(t *testing.T) {
		res, data := w.postSQL(t, ts.URL, "?format=csv", "analist", query, "")
		if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("status %d, type %s: %.300s", res.StatusCode, res.Header.Get("Content-Type"), data)
		}
		r := csv.NewReader(bytes.NewReader(data))
		r.Comma = ';'
		recs, err := r.ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(recs[0], ";"); got != "schooljaar;verzuimsoort;meldingen;uren;gem_leeftijd;eerste;veel" {
			t.Errorf("header %q", got)
		}
		sameRows(t, "csv", recs[1:], want)
		if got := res.Trailer.Get(headerRowCount); got != fmt.Sprint(len(want)) {
			t.Errorf("trailer %s: got %q, want %d", headerRowCount, got, len(want))
		}
		if got := res.Trailer.Get(headerTruncated); got != "false" {
			t.Errorf("trailer %s: got %q, want false", headerTruncated, got)
		}
	})
	t.Run("arrow", func(t *testing.T) {
		res, data := w.postSQL(t, ts.URL, "", "analist", query, mediaArrow)
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != mediaArrow {
			t.Fatalf("status %d, type %s: %.300s", res.StatusCode, res.Header.Get("Content-Type"), data)
		}
		rd, err := ipc.NewReader(bytes.NewReader(data), ipc.WithAllocator(memory.DefaultAllocator))
		if err != nil {
			t.Fatal(err)
		}
		defer rd.Release()
		var recs []arrow.RecordBatch
		for rd.Next() {
			rec := rd.RecordBatch()
			rec.Retain()
			defer rec.Release()
			recs = append(recs, rec)
		}
		if err := rd.Err(); err != nil {
			t.Fatal(err)
		}
		if got := rd.Schema().NumFields(); got != len(wantCols) {
			t.Errorf("arrow schema has %d fields, want %d", got, len(wantCols))
		}
		sameRows(t, "arrow", recordText(t, recs), want)
	})
	t.Run("parquet", func(t *testing.T) {
		res, data := w.postSQL(t, ts.URL, "", "analist", query, mediaParquet)
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != mediaParquet {
			t.Fatalf("status %d, type %s: %.300s", res.StatusCode, res.Header.Get("Content-Type"), data)
		}
		if got := res.Header.Get(headerRowCount); got != fmt.Sprint(len(want)) {
			t.Errorf("header %s: got %q, want %d", headerRowCount, got, len(want))
		}
		pf, err := file.NewParquetReader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: 1024}, memory.DefaultAllocator)
		if err != nil {
			t.Fatal(err)
		}
		rr, err := fr.GetRecordReader(context.Background(), nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer rr.Release()
		var recs []arrow.RecordBatch
		for rr.Next() {
			rec := rr.RecordBatch()
			rec.Retain()
			defer rec.Release()
			recs = append(recs, rec)
		}
		sameRows(t, "parquet", recordText(t, recs), want)
	})
}

// TestSQLAccess checks who may use the SQL, schema and audit resources.
func TestSQLAccess(t *testing.T) {
	w := loadDemo(t)
	ts := w.sqlServer(t, Config{})
	q := map[string]any{"query": "select 1 as een"}
	cases := []struct {
		method, path, role string
		want               int
	}{
		{"POST", "/api/v1/sql", "", http.StatusUnauthorized},
		{"POST", "/api/v1/sql", "bestuur", http.StatusForbidden},
		{"POST", "/api/v1/sql", "analist", http.StatusOK},
		{"POST", "/api/v1/sql", "beheer", http.StatusOK},
		{"GET", "/api/v1/schema", "", http.StatusUnauthorized},
		{"GET", "/api/v1/schema", "bestuur", http.StatusOK},
		{"GET", "/api/v1/audit", "", http.StatusUnauthorized},
		{"GET", "/api/v1/audit", "bestuur", http.StatusForbidden},
		{"GET", "/api/v1/audit", "analist", http.StatusForbidden},
		{"GET", "/api/v1/audit", "beheer", http.StatusOK},
	}
	for _, c := range cases {
		t.Run(c.method+" "+c.path+" as "+c.role, func(t *testing.T) {
			var res *http.Response
			var data []byte
			if c.method == "POST" {
				res, data = w.postSQL(t, ts.URL, "", c.role, q, "")
			} else {
				req, _ := http.NewRequest(c.method, ts.URL+c.path, nil)
				res = w.do(t, req, c.role)
				data, _ = io.ReadAll(res.Body)
				res.Body.Close()
			}
			if res.StatusCode != c.want {
				t.Errorf("got %d, want %d: %.200s", res.StatusCode, c.want, data)
			}
		})
	}
}

// auditFor returns the audit entries whose query holds marker, newest first.
func auditFor(t *testing.T, w *demoWarehouse, url, marker string) []warehouse.AuditEntry {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url+"/api/v1/audit?limit=10000", nil)
	res := w.do(t, req, "beheer")
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("audit: status %d", res.StatusCode)
	}
	var body struct {
		Entries []warehouse.AuditEntry `json:"entries"`
	}
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	var out []warehouse.AuditEntry
	for _, e := range body.Entries {
		if strings.Contains(e.Query, marker) {
			out = append(out, e)
		}
	}
	return out
}

// forbiddenStatement is a statement the sandbox refuses, and a word its reason names.
type forbiddenStatement struct{ name, query, want string }

// forbiddenStatements are the statements an analyst must not run, over HTTP
// (TestSQLRefused) and over the PostgreSQL wire (TestPGWireRefused) alike; dir is an
// empty directory the file statements aim at.
func forbiddenStatements(dir string) []forbiddenStatement {
	return []forbiddenStatement{
		{"read_csv", "select * from read_csv('/etc/passwd')", "geen toegang tot bestanden"},
		{"read_text", "select * from read_text('/etc/passwd')", "geen toegang tot bestanden"},
		{"glob", "select * from glob('/etc/*')", "glob"},
		{"copy to", "copy verzuimmeldingen to '" + filepath.Join(dir, "x.csv") + "'", "geen toegang tot bestanden"},
		{"copy query to", "copy (select 1) to '" + filepath.Join(dir, "x.parquet") + "' (format parquet)", "geen toegang tot bestanden"},
		{"attach", "attach ':memory:' as m", "ATTACH"},
		{"attach file", "attach '" + filepath.Join(dir, "x.duckdb") + "' as m", "ATTACH"},
		{"install", "install httpfs", "INSTALL/LOAD"},
		{"load", "load json", "INSTALL/LOAD"},
		{"set", "set threads = 64", "SET"},
		{"set external access", "set enable_external_access = true", "SET"},
		{"pragma", "pragma memory_limit = '64GB'", "SET"},
		{"export", "export database '" + dir + "'", "geen toegang tot bestanden"},
		{"create", "create table t as select 1 as a", "CREATE"},
		{"insert", "insert into gemeenten (gemeentecode) values ('GM9999')", "INSERT"},
		{"update", "update gemeenten set naam = 'x'", "UPDATE"},
		{"delete", "delete from verzuimmeldingen", "DELETE"},
		{"drop", "drop table gemeenten", "DROP"},
		{"select then drop", "select 1; drop table gemeenten", "precies één statement"},
		{"drop then select", "drop table gemeenten; select 1", "precies één statement"},
		{"two selects", "select 1; select 2", "precies één statement"},
		// Files and the network by other roads: other readers, a replacement scan, a
		// URL, a list of paths, and the names written to slip past a pattern.
		{"read_parquet", "select * from read_parquet('/etc/x.parquet')", "geen toegang tot bestanden"},
		{"read_blob", "select * from read_blob('/etc/passwd')", "geen toegang tot bestanden"},
		{"parquet_metadata", "select * from parquet_metadata('/etc/x.parquet')", "geen toegang tot bestanden"},
		{"sniff_csv", "select * from sniff_csv('/etc/passwd')", "sniff_csv"},
		{"replacement scan", "select * from '/etc/hosts.csv'", "geen toegang tot bestanden"},
		{"url", "select * from read_csv('https://example.com/x.csv')", "geen toegang tot bestanden"},
		{"list of paths", "select * from read_csv(['/etc/passwd', '/etc/hosts'])", "geen toegang tot bestanden"},
		{"mixed case", "SeLeCt * FrOm ReAd_CsV('/etc/passwd')", "geen toegang tot bestanden"},
		{"comment before the bracket", "select * from read_csv/**/('/etc/passwd')", "geen toegang tot bestanden"},
		{"quoted name", `select * from "read_csv"('/etc/passwd')`, "geen toegang tot bestanden"},
		{"path built", "select * from read_csv('/etc/' || 'passwd')", "geen toegang tot bestanden"},
		{"copy from", "copy gemeenten from '/etc/passwd'", "geen toegang tot bestanden"},
		{"import database", "import database '" + dir + "'", "geen toegang tot bestanden"},
		// What the server is and knows.
		{"duckdb_secrets", "select * from duckdb_secrets()", "duckdb_secrets"},
		{"duckdb_settings", "select * from duckdb_settings()", "duckdb_settings"},
		// Settings, the catalogue and the file's state by other statements.
		{"set lock_configuration", "set lock_configuration = false", "SET"},
		{"use", "use system", "SET"},
		{"detach", "detach system", "DETACH"},
		{"checkpoint", "checkpoint", "CALL"},
		{"vacuum", "vacuum", "VACUUM"},
		{"update extensions", "update extensions", "dit soort statement"},
		// Writing, in the forms a SELECT-only check might miss.
		{"create macro", "create macro m() as 1", "CREATE"},
		{"create function", "create or replace function f(x) as x + 1", "CREATE"},
		{"alter", "alter table gemeenten rename to x", "ALTER"},
		{"comment on", "comment on table gemeenten is 'x'", "ALTER"},
		{"truncate", "truncate gemeenten", "DELETE"},
		{"merge", "merge into gemeenten g using (select 'GM9999' as c) s on g.gemeentecode = s.c " +
			"when not matched then insert (gemeentecode) values (s.c)", "dit soort statement"},
		{"delete after with", "with d as (select 1) delete from gemeenten", "DELETE"},
		{"explain analyze", "explain analyze delete from verzuimmeldingen", "EXPLAIN"},
	}
}

// TestSQLRefused sends every forbidden statement: each answers 400 with a message
// that says what was refused, and each is in the audit as refused, with who sent it.
func TestSQLRefused(t *testing.T) {
	w := loadDemo(t)
	ts := w.sqlServer(t, Config{})
	dir := t.TempDir()
	cases := forbiddenStatements(dir)
	if len(cases) != 50 {
		t.Errorf("forbiddenStatements: %d statements; the issue asks for the same 50 over HTTP and the wire", len(cases))
	}
	names := map[string]bool{}
	for _, c := range cases {
		if names[c.name] {
			t.Fatalf("forbiddenStatements: %q twice (the audit is matched by name)", c.name)
		}
		names[c.name] = true
	}
	marker := fmt.Sprintf("refused-%d", time.Now().UnixNano())
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q := c.query + "\n-- " + marker + " " + c.name
			res, data := w.postSQL(t, ts.URL, "", "analist", map[string]any{"query": q}, "")
			if res.StatusCode != http.StatusBadRequest {
				t.Fatalf("status %d, want 400: %.300s", res.StatusCode, data)
			}
			var e errorBody
			if err := json.Unmarshal(data, &e); err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(e.Error, "query geweigerd: ") || !strings.Contains(e.Error, c.want) {
				t.Errorf("message %q: want it to start with \"query geweigerd: \" and mention %q", e.Error, c.want)
			}
		})
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("the refused statements left %d files", len(entries))
	}
	got := map[string]warehouse.AuditEntry{}
	for _, e := range auditFor(t, w, ts.URL, marker) {
		got[e.Query[strings.LastIndex(e.Query, marker)+len(marker)+1:]] = e
	}
	for _, c := range cases {
		e, ok := got[c.name]
		switch {
		case !ok:
			t.Errorf("%s: not in the audit", c.name)
		case e.Status != warehouse.AuditRefused || e.Who != "test-analist" || e.Role != "analist" || e.Message == "":
			t.Errorf("%s: audit entry %+v; want status refused by test-analist with the reason", c.name, e)
		}
	}
	// The data are still there.
	res, data := w.postSQL(t, ts.URL, "", "analist", map[string]any{"query": "select count(*) from gemeenten"}, "")
	if js := decodeSQLJSON(t, data); res.StatusCode != http.StatusOK || string(js.Rows[0][0]) == "0" {
		t.Errorf("after the refused statements: status %d, %s", res.StatusCode, data)
	}
}

// TestSQLErrors checks the other failures: DuckDB's message for a bad query, the time
// limit, bad parameters, and a server without a sandbox.
func TestSQLErrors(t *testing.T) {
	w := loadDemo(t)
	ts := w.sqlServer(t, Config{SQLTimeout: 200 * time.Millisecond, SQLMaxRows: 50})
	marker := fmt.Sprintf("errors-%d", time.Now().UnixNano())
	cases := []struct {
		name, path string
		body       any
		want       int
		msg        string
	}{
		{"syntax", "", map[string]any{"query": "selec 1 -- " + marker}, 400, "syntax error"},
		{"unknown table", "", map[string]any{"query": "select * from fact_leerling -- " + marker}, 400, "fact_leerling"},
		{"timeout", "", map[string]any{"query": "select count(*) from range(1000000000) a, range(1000000) b -- " + marker}, 408,
			"query afgebroken: de tijdslimiet van 200ms is overschreden"},
		{"max_rows over the cap", "", map[string]any{"query": "select 1", "max_rows": 51}, 400, "max_rows"},
		{"max_rows zero", "", map[string]any{"query": "select 1", "max_rows": 0}, 400, "max_rows"},
		{"unknown field", "", map[string]any{"sql": "select 1"}, 400, "body"},
		{"bad format", "?format=xlsx", map[string]any{"query": "select 1"}, 400, "format"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			res, data := w.postSQL(t, ts.URL, c.path, "analist", c.body, "")
			if res.StatusCode != c.want || !strings.Contains(string(data), c.msg) {
				t.Errorf("got %d %.300s, want %d mentioning %q", res.StatusCode, data, c.want, c.msg)
			}
			if c.name == "timeout" && time.Since(start) > 5*time.Second {
				t.Errorf("the timeout answered after %s", time.Since(start))
			}
		})
	}
	status := map[string]string{}
	for _, e := range auditFor(t, w, ts.URL, marker) {
		status[strings.Fields(e.Query)[0]+" "+e.Status] = e.Message
	}
	for _, want := range []string{"selec error", "select timeout"} {
		if _, ok := status[want]; !ok {
			t.Errorf("audit: no entry %q in %v", want, status)
		}
	}
	t.Run("no sandbox", func(t *testing.T) {
		db, err := warehouse.Open(context.Background(), ":memory:")
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		tok, err := CreateToken(context.Background(), db, "mem", "analist")
		if err != nil {
			t.Fatal(err)
		}
		ts := httptest.NewServer(New(db, Config{}, nil).Handler())
		defer ts.Close()
		req, _ := http.NewRequest(http.MethodPost, ts.URL+"/api/v1/sql", strings.NewReader(`{"query":"select 1"}`))
		req.Header.Set("Authorization", "Bearer "+tok)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusServiceUnavailable {
			t.Errorf("got %d, want 503", res.StatusCode)
		}
	})
}

// TestSQLRowCap cuts results at max_rows and at the server's cap, and says so in JSON
// and in the CSV trailers.
func TestSQLRowCap(t *testing.T) {
	w := loadDemo(t)
	ts := w.sqlServer(t, Config{SQLMaxRows: 50})
	cases := []struct {
		name      string
		body      map[string]any
		rows      int
		truncated bool
	}{
		{"server cap", map[string]any{"query": "select * from range(100)"}, 50, true},
		{"max_rows", map[string]any{"query": "select * from range(100)", "max_rows": 10}, 10, true},
		{"under the cap", map[string]any{"query": "select * from range(50)"}, 50, false},
		{"big table", map[string]any{"query": "select * from verzuimmeldingen", "max_rows": 7}, 7, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, data := w.postSQL(t, ts.URL, "", "analist", c.body, "")
			js := decodeSQLJSON(t, data)
			if res.StatusCode != http.StatusOK || len(js.Rows) != c.rows || js.RowCount != c.rows || js.Truncated != c.truncated {
				t.Errorf("got status %d, %d rows, row_count %d, truncated %v; want %d rows, truncated %v",
					res.StatusCode, len(js.Rows), js.RowCount, js.Truncated, c.rows, c.truncated)
			}
			res, data = w.postSQL(t, ts.URL, "", "analist", c.body, "text/csv")
			if lines := strings.Count(string(data), "\n"); lines != c.rows+1 {
				t.Errorf("csv: %d lines, want header + %d", lines, c.rows)
			}
			if got := res.Trailer.Get(headerTruncated); got != fmt.Sprint(c.truncated) {
				t.Errorf("csv trailer %s = %q, want %v", headerTruncated, got, c.truncated)
			}
		})
	}
}

// TestSQLAudit checks the audit resource: BSN-like numbers masked, who and what,
// filters, and bad parameters.
func TestSQLAudit(t *testing.T) {
	w := loadDemo(t)
	ts := w.sqlServer(t, Config{})
	marker := fmt.Sprintf("audit-%d", time.Now().UnixNano())
	q := "select '111222333' as nummer -- " + marker
	res, data := w.postSQL(t, ts.URL, "", "beheer", map[string]any{"query": q}, "")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", res.StatusCode, data)
	}
	entries := auditFor(t, w, ts.URL, marker)
	if len(entries) != 1 {
		t.Fatalf("got %d audit entries, want 1", len(entries))
	}
	e := entries[0]
	if e.Query != "select '[bsn]' as nummer -- "+marker || e.Who != "test-beheer" || e.Role != "beheer" || e.Rows != 1 || e.Status != "ok" {
		t.Errorf("got %+v; want the query with the BSN-like number masked, by test-beheer, 1 row, ok", e)
	}
	for _, c := range []struct {
		query string
		want  int
	}{
		{"limit=0", 400}, {"limit=x", 400}, {"status=weird", 400}, {"who=x", 400},
		{"status=refused&limit=5", 200}, {"", 200},
	} {
		t.Run(c.query, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, ts.URL+"/api/v1/audit?"+c.query, nil)
			res := w.do(t, req, "beheer")
			var body struct {
				Entries []warehouse.AuditEntry `json:"entries"`
			}
			json.NewDecoder(res.Body).Decode(&body)
			res.Body.Close()
			if res.StatusCode != c.want {
				t.Errorf("got %d, want %d", res.StatusCode, c.want)
			}
			for _, e := range body.Entries {
				if strings.Contains(c.query, "refused") && e.Status != "refused" {
					t.Errorf("status=refused listed %+v", e)
				}
			}
		})
	}
}

// TestSchemaResource lists the analyst views with their columns and descriptions.
func TestSchemaResource(t *testing.T) {
	w := loadDemo(t)
	ts := w.server(t)
	req, _ := http.NewRequest(http.MethodGet, ts.URL+"/api/v1/schema", nil)
	res := w.do(t, req, "bestuur")
	defer res.Body.Close()
	var body struct {
		Schema string       `json:"schema"`
		Views  []SchemaView `json:"views"`
	}
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	want := warehouse.AnalistSchema()
	if body.Schema != "analist" || len(body.Views) != len(want) {
		t.Fatalf("got schema %q with %d views, want analist with %d", body.Schema, len(body.Views), len(want))
	}
	for i, v := range want {
		got := body.Views[i]
		if got.Name != v.Name || got.DescriptionNL != v.DescriptionNL || got.DescriptionEN != v.DescriptionEN || len(got.Columns) != len(v.Columns) {
			t.Errorf("view %d: got %s (%d columns), want %s (%d)", i, got.Name, len(got.Columns), v.Name, len(v.Columns))
			continue
		}
		for j, c := range v.Columns {
			if g := got.Columns[j]; g.Name != c.Name || g.Type != c.Type || g.DescriptionNL == "" || g.DescriptionEN == "" {
				t.Errorf("%s column %d: got %+v, want %s %s with descriptions", v.Name, j, g, c.Name, c.Type)
			}
		}
	}
}

// TestSQLRefresh starts the sandbox in the background on a warehouse file of its own;
// after a change and RefreshSandbox (what a load calls) the new rows show.
func TestSQLRefresh(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := warehouse.Open(ctx, filepath.Join(dir, "leerplein.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tok, err := CreateToken(ctx, db, "refresh", "analist")
	if err != nil {
		t.Fatal(err)
	}
	srv := New(db, Config{SQLRefreshDelay: 20 * time.Millisecond}, nil)
	stop := srv.StartSandbox(ctx)
	defer stop()
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	count := func() (int, string) {
		req, _ := http.NewRequest(http.MethodPost, ts.URL+"/api/v1/sql", strings.NewReader(`{"query":"select count(*) from analist.gemeenten"}`))
		req.Header.Set("Authorization", "Bearer "+tok)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		data, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusOK {
			return res.StatusCode, string(data)
		}
		return res.StatusCode, string(decodeSQLJSON(t, data).Rows[0][0])
	}
	waitFor := func(want string) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for {
			status, got := count()
			if status == http.StatusOK && got == want {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("got %d %s, want 200 with count %s", status, got, want)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	waitFor("0")
	if _, err := os.Stat(filepath.Join(dir, warehouse.SandboxFile)); err != nil {
		t.Errorf("no snapshot beside the warehouse: %v", err)
	}
	for i, code := range []string{"GM0001", "GM0002"} {
		if _, err := db.ExecContext(ctx, `insert into dim_gemeente values (?, 'Test', 'zk', 'Zuid-Kennemerland', true, null, null)`, code); err != nil {
			t.Fatal(err)
		}
		srv.RefreshSandbox()
		waitFor(fmt.Sprint(i + 1))
	}
}

// TestSQLNoBSN reads every column of every table of the sandbox over the SQL API: no
// BSN of the demo's input files, and no value that passes the eleven test.
func TestSQLNoBSN(t *testing.T) {
	w := loadDemo(t)
	ts := w.sqlServer(t, Config{})
	raw := map[string]bool{}
	files, _ := filepath.Glob(filepath.Join(w.dir, "inbox", "*"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			continue // a directory
		}
		for _, run := range digitRuns(string(data)) {
			if len(run) == 9 && warehouse.ElevenTest(run) {
				raw[run] = true
			}
		}
	}
	if len(raw) < 100 {
		t.Fatalf("found %d BSNs in the demo's input; the scan would check little", len(raw))
	}
	res, data := w.postSQL(t, ts.URL, "", "analist", map[string]any{"query": "select table_name from duckdb_tables() order by 1"}, "")
	tables := decodeSQLJSON(t, data).text(t)
	if res.StatusCode != http.StatusOK || len(tables) != len(warehouse.AnalistSchema()) {
		t.Fatalf("status %d, tables %v; want the %d analyst views", res.StatusCode, tables, len(warehouse.AnalistSchema()))
	}
	for _, tr := range tables {
		t.Run(tr[0], func(t *testing.T) {
			res, data := w.postSQL(t, ts.URL, "?format=csv", "analist", map[string]any{"query": "select * from " + tr[0]}, "")
			if res.StatusCode != http.StatusOK || res.Trailer.Get(headerTruncated) != "false" {
				t.Fatalf("status %d, truncated %q", res.StatusCode, res.Trailer.Get(headerTruncated))
			}
			r := csv.NewReader(bytes.NewReader(data))
			r.Comma = ';'
			recs, err := r.ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			for i, rec := range recs[1:] {
				for j, v := range rec {
					if warehouse.ElevenTest(v) {
						t.Fatalf("%s row %d %s: %s passes the eleven test", tr[0], i+1, recs[0][j], warehouse.MaskBSN(v))
					}
					if pseudonym.MatchString(v) {
						// 64 hex characters, the HMAC pseudonym: digit runs in it are
						// chance (with thousands of BSNs, some 9-digit window matches one).
						continue
					}
					for _, run := range digitRuns(v) {
						for k := 0; k+9 <= len(run); k++ {
							if raw[run[k:k+9]] {
								t.Fatalf("%s row %d %s holds a BSN of the input", tr[0], i+1, recs[0][j])
							}
						}
					}
				}
			}
		})
	}
}

// pseudonym is the form of persoon_id: hex HMAC-SHA-256.
var pseudonym = regexp.MustCompile(`^[0-9a-f]{64}$`)

// digitRuns returns the runs of digits in s.
func digitRuns(s string) []string {
	var out []string
	start := -1
	for i := 0; i <= len(s); i++ {
		if i < len(s) && s[i] >= '0' && s[i] <= '9' {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			out = append(out, s[start:i])
			start = -1
		}
	}
	return out
}

// TestSQLOutlastsWriteTimeout checks that a large result reaches a slow client in full
// although sending it takes longer than the server's write timeout.
func TestSQLOutlastsWriteTimeout(t *testing.T) {
	w := loadDemo(t)
	srv := New(w.db, Config{Version: "test", SQLSnapshot: filepath.Join(t.TempDir(), warehouse.SandboxFile)}, nil)
	if err := srv.PublishSandbox(context.Background()); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(srv.Handler())
	ts.Config.WriteTimeout = 300 * time.Millisecond
	ts.Start()
	t.Cleanup(func() {
		ts.Close()
		srv.CloseSandbox()
	})
	const n = 200000
	b, _ := json.Marshal(map[string]string{"query": fmt.Sprintf("select range as n, repeat('x', 100) as pad from range(%d)", n)})
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/api/v1/sql", bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	res := w.do(t, req, "analist")
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	start := time.Now()
	var body bytes.Buffer
	buf := make([]byte, 1<<20)
	for {
		k, err := res.Body.Read(buf)
		body.Write(buf[:k])
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("after %v and %d bytes: %v", time.Since(start), body.Len(), err)
		}
		time.Sleep(40 * time.Millisecond) // a slow client
	}
	if took := time.Since(start); took < ts.Config.WriteTimeout {
		t.Fatalf("the client read the result in %v, not slower than the write timeout: the test proves nothing", took)
	}
	got := decodeSQLJSON(t, body.Bytes())
	if got.RowCount != n || got.Error != "" {
		t.Errorf("row_count %d, error %q; want %d rows and no error", got.RowCount, got.Error, n)
	}
}
