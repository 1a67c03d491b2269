package api

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/hetleerplein/leerplein/api/pgwire"
	"github.com/hetleerplein/leerplein/warehouse"
)

// wireServer is a real server over the demo warehouse with its sandbox built, serving
// HTTP and the PostgreSQL wire on loopback ports.
type wireServer struct {
	w    *demoWarehouse
	http *httptest.Server
	addr string // host:port of the wire
}

// startWire starts a wireServer for the test (and its subtests).
func startWire(t *testing.T, cfg Config, wcfg pgwire.Config) *wireServer {
	t.Helper()
	w := loadDemo(t)
	cfg.Version = "test"
	cfg.SQLSnapshot = filepath.Join(t.TempDir(), warehouse.SandboxFile)
	srv := New(w.db, cfg, nil)
	if err := srv.PublishSandbox(context.Background()); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.ServePGWire(ctx, ln, wcfg) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("ServePGWire: %v", err)
		}
		ts.Close()
		srv.CloseSandbox()
	})
	return &wireServer{w: w, http: ts, addr: ln.Addr().String()}
}

// pgwireConfig is the wire configuration of the tests.
func pgwireConfig() pgwire.Config { return pgwire.Config{} }

// url is a connection URL for the token of role.
func (ws *wireServer) url(role string, extra string) string {
	return fmt.Sprintf("postgres://test-%s:%s@%s/leerplein?sslmode=disable%s", role, ws.w.tokens[role], ws.addr, extra)
}

// connect logs in with pgx as the token of role.
func (ws *wireServer) connect(t *testing.T, role string, mode pgx.QueryExecMode) *pgx.Conn {
	t.Helper()
	cfg, err := pgx.ParseConfig(ws.url(role, ""))
	if err != nil {
		t.Fatal(err)
	}
	cfg.DefaultQueryExecMode = mode
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatalf("connect as %s: %v", role, err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// pgCode is the SQLSTATE of a PostgreSQL error, "" for another error.
func pgCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

// TestPGWire runs pgx against the wire in every protocol mode: the same answers as
// over HTTP, parameters and binary results, refusals with their SQLSTATE and audit,
// and the session statements clients send.
func TestPGWire(t *testing.T) {
	ws := startWire(t, Config{SQLTimeout: 2 * time.Second}, pgwireConfig())
	ctx := context.Background()
	marker := fmt.Sprintf("wire-%d", time.Now().UnixNano())

	modes := map[string]pgx.QueryExecMode{
		"cache statement (extended, binary)": pgx.QueryExecModeCacheStatement,
		"describe exec (extended)":           pgx.QueryExecModeDescribeExec,
		"simple protocol":                    pgx.QueryExecModeSimpleProtocol,
	}
	for name, mode := range modes {
		t.Run(name, func(t *testing.T) {
			conn := ws.connect(t, "analist", mode)
			var n int64
			if err := conn.QueryRow(ctx, "select count(*) from analist.gemeenten -- "+marker).Scan(&n); err != nil || n == 0 {
				t.Fatalf("count: %d, %v", n, err)
			}
			// Typed columns with a parameter, five times (pgx prepares; pgjdbc switches after five).
			for range 5 {
				rows, err := conn.Query(ctx, "select schooljaar, jaar, begindatum, jaar * 1.5 as anderhalf, jaar::double / 3 as derde, jaar > 2020 as recent, "+
					"begindatum::timestamp as ts from schooljaren where jaar >= $1 order by jaar", 2019)
				if err != nil {
					t.Fatal(err)
				}
				type row struct {
					sj     string
					jaar   int32
					begin  time.Time
					anderh float64
					derde  float64
					recent bool
					ts     time.Time
				}
				var got []row
				for rows.Next() {
					var r row
					if err := rows.Scan(&r.sj, &r.jaar, &r.begin, &r.anderh, &r.derde, &r.recent, &r.ts); err != nil {
						t.Fatal(err)
					}
					got = append(got, r)
				}
				if err := rows.Err(); err != nil {
					t.Fatal(err)
				}
				if len(got) == 0 || got[0].jaar != 2019 || got[0].sj != "2019-2020" || got[0].begin.Format("2006-01-02") != "2019-08-01" ||
					got[0].anderh != 3028.5 || got[0].derde != 2019.0/3 || got[0].recent || !got[0].ts.Equal(got[0].begin) {
					t.Fatalf("rows: %+v", got)
				}
			}
			// A refused statement: SQLSTATE 42501 and the Dutch reason.
			_, err := conn.Exec(ctx, "copy gemeenten to '/tmp/x.csv' -- "+marker+" "+name)
			if pgCode(err) != "42501" || !strings.Contains(err.Error(), "query geweigerd") {
				t.Errorf("copy: got %v, want 42501 with the reason", err)
			}
			// The connection still works after an error.
			if err := conn.QueryRow(ctx, "select 1").Scan(&n); err != nil || n != 1 {
				t.Errorf("after the error: %d, %v", n, err)
			}
		})
	}

	t.Run("session statements", func(t *testing.T) {
		conn := ws.connect(t, "analist", pgx.QueryExecModeSimpleProtocol)
		for _, q := range []string{"SET extra_float_digits = 3", "SET application_name = 'PowerBI'", "BEGIN", "COMMIT",
			"DISCARD ALL", "SET TIME ZONE 'UTC'", "RESET ALL", "START TRANSACTION READ ONLY", "ROLLBACK"} {
			if _, err := conn.Exec(ctx, q); err != nil {
				t.Errorf("%s: %v", q, err)
			}
		}
		var v string
		for q, want := range map[string]string{"SHOW server_version": pgwire.ServerVersion, "show transaction isolation level": "read committed",
			"SHOW search_path": "analist"} {
			if err := conn.QueryRow(ctx, q).Scan(&v); err != nil || v != want {
				t.Errorf("%s: %q, %v; want %q", q, v, err, want)
			}
		}
		if _, err := conn.Exec(ctx, "set threads = 64"); pgCode(err) != "42501" {
			t.Errorf("set threads: got %v, want refused (42501)", err)
		}
	})

	t.Run("client catalogue queries", func(t *testing.T) { testClientQueries(t, ws) })

	t.Run("portal suspension", func(t *testing.T) { testPortalSuspension(t, ws) })

	t.Run("grafana dashboards", func(t *testing.T) { testGrafanaDashboards(t, ws) })

	t.Run("psycopg", func(t *testing.T) {
		// Debian's python3-psycopg is for Debian's python3, not one earlier on PATH.
		python, err := exec.LookPath("/usr/bin/python3")
		if err == nil && exec.Command(python, "-c", "import psycopg").Run() != nil {
			err = errors.New("python3 has no psycopg")
		}
		if err != nil {
			if os.Getenv("LEERPLEIN_REQUIRE_PSQL") != "" {
				t.Fatalf("%v (make test installs python3-psycopg)", err)
			}
			t.Skipf("%v (make test installs python3-psycopg)", err)
		}
		cmd := exec.Command(python, "testdata/pgwire/psycopg_client.py")
		cmd.Env = append(os.Environ(), "LEERPLEIN_PG="+ws.url("analist", ""))
		out, err := cmd.CombinedOutput()
		if err != nil || strings.TrimSpace(string(out)) != "ok" {
			t.Errorf("psycopg: %v\n%s", err, out)
		}
	})

	t.Run("timeout", func(t *testing.T) {
		conn := ws.connect(t, "analist", pgx.QueryExecModeCacheStatement)
		_, err := conn.Exec(ctx, "select count(*) from range(1000000000) a, range(1000000) b -- "+marker)
		if pgCode(err) != "57014" {
			t.Errorf("got %v, want 57014", err)
		}
	})

	t.Run("cancel", func(t *testing.T) {
		conn := ws.connect(t, "analist", pgx.QueryExecModeCacheStatement)
		qctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := conn.Exec(qctx, "select count(*) from range(1000000000) a, range(1000000) b")
		if err == nil || time.Since(start) > 1900*time.Millisecond {
			t.Errorf("cancelled query: %v after %s; want an error well before the 2 s time limit", err, time.Since(start))
		}
	})

	t.Run("logins", func(t *testing.T) {
		cases := []struct{ name, url, code, msg string }{
			{"bestuur", ws.url("bestuur", ""), "28000", "alleen de rollen analist en beheer"},
			{"wrong database", strings.Replace(ws.url("analist", ""), "/leerplein?", "/postgres?", 1), "3D000", "de database heet leerplein"},
			{"wrong token", strings.Replace(ws.url("analist", ""), ws.w.tokens["analist"], "lp_0000", 1), "28P01", "onjuist wachtwoord"},
		}
		for _, c := range cases {
			_, err := pgx.Connect(ctx, c.url)
			if pgCode(err) != c.code || !strings.Contains(err.Error(), c.msg) {
				t.Errorf("%s: got %v, want %s mentioning %q", c.name, err, c.code, c.msg)
			}
			if err != nil && strings.Contains(err.Error(), "lp_") {
				t.Errorf("%s: the error shows a token", c.name)
			}
		}
	})

	// A catalogue query is audited as the client sent it, marked as rewritten.
	conn := ws.connect(t, "analist", pgx.QueryExecModeCacheStatement)
	var rels int64
	if err := conn.QueryRow(ctx, "select count(*) from pg_catalog.pg_class where relkind = $1 -- "+marker, "r").Scan(&rels); err != nil || rels < 10 {
		t.Errorf("pg_class: %d tables, %v", rels, err)
	}

	// Every statement that reached the sandbox is in the audit, as over HTTP.
	entries := auditFor(t, ws.w, ws.http.URL, marker)
	status := map[string]int{}
	catalogue := false
	for _, e := range entries {
		if e.Who != "test-analist" || e.Role != "analist" {
			t.Errorf("audit entry by %q (%q), want test-analist", e.Who, e.Role)
		}
		if strings.HasPrefix(e.Query, "select count(*) from pg_catalog.pg_class where relkind = 'r' --") {
			catalogue = strings.Contains(e.Message, "catalogue query") && e.Status == warehouse.AuditOK
		}
		status[strings.Fields(e.Query)[0]+" "+e.Status]++
	}
	if !catalogue {
		t.Error("the catalogue query is not in the audit as the client sent it, marked as rewritten")
	}
	if status["copy refused"] != len(modes) || status["select ok"] < len(modes) || status["select timeout"] != 1 {
		t.Errorf("audit: %v; want a refused copy per mode, the counts and the timeout", status)
	}
}
