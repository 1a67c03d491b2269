package api

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// clientQuery is a catalogue query a client sends (testdata/pgwire/clients.sql).
type clientQuery struct{ name, sql string }

// readClientQueries reads testdata/pgwire/clients.sql: each query follows a line
// "-- name: …".
func readClientQueries(t *testing.T) []clientQuery {
	t.Helper()
	b, err := os.ReadFile("testdata/pgwire/clients.sql")
	if err != nil {
		t.Fatal(err)
	}
	var out []clientQuery
	for _, part := range strings.Split(string(b), "-- name: ")[1:] {
		name, body, _ := strings.Cut(part, "\n")
		out = append(out, clientQuery{name: name, sql: strings.TrimSpace(body)})
	}
	return out
}

// testClientQueries replays the catalogue queries of psql, Grafana, Npgsql (Power BI),
// DBeaver, pgjdbc (Metabase), psqlODBC (Excel) and R, in the simple and the extended
// protocol: each answers without an error, and those about the analyst views find them.
func testClientQueries(t *testing.T, ws *wireServer) {
	ctx := context.Background()
	queries := readClientQueries(t)
	if len(queries) < 20 {
		t.Fatalf("read %d client queries, want the whole file", len(queries))
	}
	for _, mode := range []pgx.QueryExecMode{pgx.QueryExecModeSimpleProtocol, pgx.QueryExecModeDescribeExec} {
		conn := ws.connect(t, "analist", mode)
		for _, q := range queries {
			rows, err := conn.Query(ctx, q.sql)
			if err != nil {
				t.Errorf("%s (%v): %v", q.name, mode, err)
				continue
			}
			n := 0
			var text []string
			for rows.Next() {
				n++
				vals, _ := rows.Values()
				for _, v := range vals {
					if s, ok := v.(string); ok {
						text = append(text, s)
					}
				}
			}
			if err := rows.Err(); err != nil {
				t.Errorf("%s (%v): %v", q.name, mode, err)
				continue
			}
			all := strings.Join(text, " ")
			switch {
			case strings.Contains(q.name, "tables") || q.name == "psql: \\dt" || strings.Contains(q.name, "table list") || strings.Contains(q.name, "dbListTables"):
				if !strings.Contains(all, "verzuimmeldingen") {
					t.Errorf("%s (%v): %d rows without verzuimmeldingen", q.name, mode, n)
				}
			case strings.Contains(q.name, "columns") || strings.Contains(q.name, "column list"):
				if !strings.Contains(all, "meldingsdatum") {
					t.Errorf("%s (%v): %d rows without the column meldingsdatum", q.name, mode, n)
				}
			case strings.Contains(q.name, "type loading"):
				if n < 20 {
					t.Errorf("%s (%v): %d types", q.name, mode, n)
				}
			}
		}
	}
}
