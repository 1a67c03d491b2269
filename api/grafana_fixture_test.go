package api

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hetleerplein/leerplein/etl"
	"github.com/hetleerplein/leerplein/etl/demo"
	"github.com/hetleerplein/leerplein/warehouse"
)

// demoWarehouse is the demo data set loaded through the real loader into a temp
// DuckDB file, built once per test binary (loading ten school years takes a while) and
// shared read-only by the Grafana and dashboard tests. Tests import etl only here, to
// make data: the api package itself never does.
type demoWarehouse struct {
	db     *warehouse.DB
	tokens map[string]string // role → bearer token
	user   string            // a bestuur login for the browser test
	pass   string
	dir    string
}

// demoState holds the one demoWarehouse of this test binary.
var demoState struct {
	once sync.Once
	w    *demoWarehouse
	err  error
}

// demoPassword is the browser test's login; not a secret (a throwaway warehouse).
const demoPassword = "demo-wachtwoord-2018"

// TestMain runs the package's tests and then removes the demo warehouse, if a test
// built it. The warehouse is built lazily (loadDemo), so tests that do not need it do
// not wait for it.
func TestMain(m *testing.M) {
	warehouse.ServeSandboxWorkerIfAsked() // the SQL tests' sandbox workers are this binary
	code := m.Run()
	if w := demoState.w; w != nil {
		w.db.Close()
		os.RemoveAll(w.dir)
	}
	os.Exit(code)
}

// loadDemo returns the shared demo warehouse, building it on first use.
func loadDemo(t testing.TB) *demoWarehouse {
	t.Helper()
	if testing.Short() {
		t.Skip("needs the demo warehouse (ten school years through the loader); skipped with -short")
	}
	demoState.once.Do(func() { demoState.w, demoState.err = buildDemo(demo.PlanEnd()) })
	if demoState.err != nil {
		t.Fatalf("build demo warehouse: %v", demoState.err)
	}
	return demoState.w
}

// buildDemo loads the demo through until (demo.PlanEnd() for the shared warehouse, whose
// ten school years the golden figures are made of) into a temp DuckDB file.
func buildDemo(until time.Time) (*demoWarehouse, error) {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "leerplein-api-test-")
	if err != nil {
		return nil, err
	}
	inbox := filepath.Join(dir, "inbox")
	if _, err := demo.Generate(inbox, until); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	db, err := warehouse.Open(ctx, filepath.Join(dir, "leerplein.duckdb"))
	if err != nil {
		return nil, err
	}
	if _, err := etl.Run(ctx, db, etl.Options{Inbox: inbox, Key: []byte("api-test-demo-key-0123456789abcdef"), Job: "demo"}); err != nil {
		db.Close()
		return nil, err
	}
	w := &demoWarehouse{db: db, tokens: map[string]string{}, user: "bestuurder", pass: demoPassword, dir: dir}
	for _, r := range RoleNames() {
		tok, err := CreateToken(ctx, db, "test-"+r, r)
		if err != nil {
			db.Close()
			return nil, err
		}
		w.tokens[r] = tok
	}
	if err := SetUser(ctx, db, w.user, "bestuur", w.pass, true); err != nil {
		db.Close()
		return nil, err
	}
	return w, nil
}

// server starts a real HTTP server on 127.0.0.1:0 over the demo warehouse.
func (w *demoWarehouse) server(t testing.TB) *httptest.Server {
	t.Helper()
	srv := New(w.db, Config{Version: "test"}, nil)
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return ts
}

// do sends req with the bearer token of role ("" for none).
func (w *demoWarehouse) do(t *testing.T, req *http.Request, role string) *http.Response {
	t.Helper()
	if role != "" {
		req.Header.Set("Authorization", "Bearer "+w.tokens[role])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	return res
}

// loadedQuarantine is an in-memory warehouse with a token per role, into which the real
// loader has loaded one absence file of two gemeenten with bad rows: line 2 good
// (Haarlem), 3 a bad BSN and 4 an unknown verzuimsoort (Velsen), 5 an unknown gemeente,
// 6 an impossible date (Haarlem). Every BSN is synthetic.
func loadedQuarantine(t *testing.T) *demoWarehouse {
	t.Helper()
	ctx := context.Background()
	db, err := warehouse.Open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	var bsn bsnSource
	bad := []byte(bsn.next())
	bad[8] = '0' + (bad[8]-'0'+1)%10 // fails the eleven test
	row := func(id, b, gemeente, soort, datum string) string {
		return strings.Join([]string{id, b, "01-01-2008", gemeente, "WVO", soort, datum, "", "", ""}, ";")
	}
	body := strings.Join([]string{
		"melding_id;bsn;geboortedatum;gemeente;onderwijssoort;verzuimsoort;meldingsdatum;startdatum;uren;brin",
		row("m1", bsn.next(), "Haarlem", "LUXE", "01-10-2018"),
		row("m2", string(bad), "Velsen", "LUXE", "01-10-2018"),
		row("m3", bsn.next(), "Velsen", "RELATIV", "01-10-2018"),
		row("m4", bsn.next(), "Amsterdam", "LUXE", "01-10-2018"),
		row("m5", bsn.next(), "Haarlem", "LUXE", "31-02-2019"),
	}, "\r\n") + "\r\n"
	inbox := t.TempDir()
	if err := os.WriteFile(filepath.Join(inbox, "verzuimmeldingen_week1.csv"), []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	sum, err := etl.Run(ctx, db, etl.Options{Inbox: inbox, Key: []byte("api-test-quarantine-key-0123456789"), Job: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if f := sum.Files[0]; f.Status != etl.StatusLoaded || f.Quarantined != 4 {
		t.Fatalf("load: %+v, want loaded with 4 rows quarantined", f)
	}
	w := &demoWarehouse{db: db, tokens: map[string]string{}}
	for _, r := range RoleNames() {
		if w.tokens[r], err = CreateToken(ctx, db, "test-"+r, r); err != nil {
			t.Fatal(err)
		}
	}
	return w
}
