package api

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/hetleerplein/leerplein/dashboards"
)

// grafanaMacro is Grafana's PostgreSQL macro syntax: $__name(args).
var grafanaMacro = regexp.MustCompile(`\$([_a-zA-Z0-9]+)\(([^\)]*)\)`)

// expandGrafanaMacros expands $__timeFilter, $__timeGroup and $__timeGroupAlias as
// Grafana's PostgreSQL datasource does (pkg/tsdb/grafana-postgresql-datasource,
// without TimescaleDB), for the time range from–to.
func expandGrafanaMacros(t *testing.T, sql string, from, to time.Time) string {
	return grafanaMacro.ReplaceAllStringFunc(sql, func(m string) string {
		g := grafanaMacro.FindStringSubmatch(m)
		args := strings.Split(g[2], ",")
		for i := range args {
			args[i] = strings.TrimSpace(args[i])
		}
		group := func() string {
			d, err := time.ParseDuration(strings.Replace(strings.Trim(args[1], "'"), "d", "h", 1))
			if strings.HasSuffix(strings.Trim(args[1], "'"), "d") {
				d *= 24
			}
			if err != nil {
				t.Fatalf("interval %s: %v", args[1], err)
			}
			return fmt.Sprintf("floor(extract(epoch from %s)/%v)*%v", args[0], d.Seconds(), d.Seconds())
		}
		switch g[1] {
		case "__timeFilter":
			return fmt.Sprintf("%s BETWEEN '%s' AND '%s'", args[0], from.UTC().Format(time.RFC3339Nano), to.UTC().Format(time.RFC3339Nano))
		case "__timeGroup":
			return group()
		case "__timeGroupAlias":
			return group() + ` AS "time"`
		}
		t.Fatalf("macro %s is not expanded by this test", g[1])
		return ""
	})
}

// testGrafanaDashboards runs every query of the SQL dashboards, expanded as Grafana
// expands them, over the wire: each answers a time series (a numeric "time" column in
// the range, a value per month) in both protocols.
func testGrafanaDashboards(t *testing.T, ws *wireServer) {
	ctx := context.Background()
	all, err := dashboards.SQL()
	if err != nil {
		t.Fatal(err)
	}
	from, to := time.Date(2015, 8, 1, 0, 0, 0, 0, time.UTC), time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, mode := range []pgx.QueryExecMode{pgx.QueryExecModeSimpleProtocol, pgx.QueryExecModeCacheStatement} {
		conn := ws.connect(t, "analist", mode)
		for _, d := range all {
			for _, tg := range d.SQLTargets() {
				sql := expandGrafanaMacros(t, tg.RawSQL, from, to)
				rows, err := conn.Query(ctx, sql)
				if err != nil {
					t.Errorf("%s %s (%v): %v\n%s", d.File, tg.Where, mode, err, sql)
					continue
				}
				n := 0
				months := map[float64]bool{}
				for rows.Next() {
					vals, err := rows.Values()
					if err != nil {
						t.Fatal(err)
					}
					sec, ok := vals[0].(float64)
					if !ok || sec < float64(from.Unix()) || sec > float64(to.Unix()) {
						t.Errorf("%s %s: time %v (%T), want epoch seconds in the range", d.File, tg.Where, vals[0], vals[0])
						break
					}
					months[sec] = true
					n++
				}
				if err := rows.Err(); err != nil {
					t.Errorf("%s %s (%v): %v", d.File, tg.Where, mode, err)
				}
				if len(months) < 12 {
					t.Errorf("%s %s (%v): %d rows over %d months; want a monthly series", d.File, tg.Where, mode, n, len(months))
				}
			}
		}
	}
}
