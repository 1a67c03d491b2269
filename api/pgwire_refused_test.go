package api

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/hetleerplein/leerplein/warehouse"
)

// TestPGWireRefused sends the HTTP sandbox's 50 forbidden statements over the wire, in the
// extended and the simple protocol: each is refused with SQLSTATE 42501 and its Dutch
// reason, and is in the audit as refused, as over HTTP. Then psql, a real client
// process, lists and describes the views, runs a query and is refused a COPY.
func TestPGWireRefused(t *testing.T) {
	ws := startWire(t, Config{}, pgwireConfig())
	ctx := context.Background()
	dir := t.TempDir()
	marker := fmt.Sprintf("wire-refused-%d", time.Now().UnixNano())
	modes := map[string]pgx.QueryExecMode{"extended": pgx.QueryExecModeCacheStatement, "simple": pgx.QueryExecModeSimpleProtocol}
	for mode, m := range modes {
		conn := ws.connect(t, "analist", m)
		for _, c := range forbiddenStatements(dir) {
			_, err := conn.Exec(ctx, c.query+"\n-- "+marker+" "+mode+" "+c.name)
			if pgCode(err) != "42501" || !strings.Contains(err.Error(), "query geweigerd: ") || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s %s: got %v; want 42501 with a reason that mentions %q", mode, c.name, err, c.want)
			}
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("the refused statements left %d files", len(entries))
	}
	got := map[string]warehouse.AuditEntry{}
	for _, e := range auditFor(t, ws.w, ws.http.URL, marker) {
		got[e.Query[strings.LastIndex(e.Query, marker)+len(marker)+1:]] = e
	}
	for mode := range modes {
		for _, c := range forbiddenStatements(dir) {
			e, ok := got[mode+" "+c.name]
			switch {
			case !ok:
				t.Errorf("%s %s: not in the audit", mode, c.name)
			case e.Status != warehouse.AuditRefused || e.Who != "test-analist" || e.Role != "analist" || e.Message == "":
				t.Errorf("%s %s: audit entry %+v; want status refused by test-analist with the reason", mode, c.name, e)
			}
		}
	}

	t.Run("psql", func(t *testing.T) {
		if _, err := exec.LookPath("psql"); err != nil {
			if os.Getenv("LEERPLEIN_REQUIRE_PSQL") != "" {
				t.Fatal("psql is not installed (make test installs postgresql-client)")
			}
			t.Skip("psql is not installed (make test installs postgresql-client)")
		}
		psql := func(command string) (string, error) {
			host, port, _ := strings.Cut(ws.addr, ":")
			cmd := exec.Command("psql", "-X", "-v", "ON_ERROR_STOP=1", "-h", host, "-p", port, "-d", "leerplein", "-U", "test-analist", "-c", command)
			cmd.Env = append(os.Environ(), "PGPASSWORD="+ws.w.tokens["analist"], "PGSSLMODE=disable", "PGCONNECT_TIMEOUT=10")
			out, err := cmd.CombinedOutput()
			return string(out), err
		}
		for _, c := range []struct{ command, want string }{
			{`\dt`, "verzuimmeldingen"},
			{`\d verzuimmeldingen`, "meldingsdatum"},
			{`\d+ gemeenten`, "Naam van de gemeente."},
			{`\dv`, "Did not find any relations"},
			{`select schooljaar, count(*) as n from analist.verzuimmeldingen group by 1 order by 1`, "2015-2016"},
		} {
			out, err := psql(c.command)
			if err != nil || !strings.Contains(out, c.want) {
				t.Errorf("psql -c %q: %v\n%s\nwant it to show %q", c.command, err, out, c.want)
			}
		}
		// psql opens its own file before it asks; the server sends nothing into it.
		target := t.TempDir() + "/g.csv"
		out, err := psql(`\copy gemeenten to '` + target + `'`)
		if err == nil || !strings.Contains(out, "query geweigerd") {
			t.Errorf("psql \\copy: %v\n%s\nwant it refused", err, out)
		}
		if b, _ := os.ReadFile(target); len(b) != 0 {
			t.Errorf("psql \\copy wrote %d bytes", len(b))
		}
	})
}
