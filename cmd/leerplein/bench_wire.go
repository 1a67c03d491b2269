package main

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
)

// benchWire measures the PostgreSQL wire beside POST /api/v1/sql (bench_sql.go), on the
// same server and warehouse: the monthly query, and the streaming query read by pgx in
// binary format (the extended protocol pgx uses by default), compared with Arrow over
// HTTP. pgx's RawValues are the binary column values as received, counted per row, as
// the Arrow run counts rows per batch.
func benchWire(ctx context.Context, e env, addr, token string, runs, streamRows int, stream string, arrowRun streamRun) error {
	dsn := fmt.Sprintf("postgres://%s:%s@%s/leerplein?sslmode=disable", benchSQLTokenName, url.QueryEscape(token), addr)
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return fmt.Errorf("bench-sql: pgwire: %w", err)
	}
	defer conn.Close(context.Background())

	monthly := func() (time.Duration, int, error) {
		t0 := time.Now()
		rows, err := conn.Query(ctx, benchSQLMonthly)
		if err != nil {
			return 0, 0, err
		}
		n := 0
		for rows.Next() {
			var gemeente string
			var maand time.Time
			var meldingen int64
			if err := rows.Scan(&gemeente, &maand, &meldingen); err != nil {
				rows.Close()
				return 0, 0, err
			}
			n++
		}
		return time.Since(t0), n, rows.Err()
	}
	first, n, err := monthly()
	if err != nil {
		return fmt.Errorf("bench-sql: pgwire: %w", err)
	}
	times := make([]time.Duration, runs)
	for i := range times {
		if times[i], _, err = monthly(); err != nil {
			return fmt.Errorf("bench-sql: pgwire: %w", err)
		}
	}
	slices.Sort(times)
	median := times[len(times)/2]
	fmt.Fprintf(e.stdout, "  monthly per gemeente over ten years (PostgreSQL wire, pgx binary, %d rows):\n", n)
	fmt.Fprintf(e.stdout, "    first run %.0f ms; median of %d runs %.0f ms (min %.0f, max %.0f); target <= %.0f ms: %s\n",
		ms(first), runs, ms(median), ms(times[0]), ms(times[len(times)-1]), ms(benchSQLMaxMonthly), verdict(median <= benchSQLMaxMonthly))

	t0 := time.Now()
	rows, err := conn.Query(ctx, stream)
	if err != nil {
		return fmt.Errorf("bench-sql: pgwire: %w", err)
	}
	var run streamRun
	// pgx asks binary for every type with a binary form of its own; text it reads as
	// text (the same bytes).
	var binCols, textCols int
	for _, f := range rows.FieldDescriptions() {
		switch {
		case f.Format == pgx.BinaryFormatCode:
			binCols++
		case f.DataTypeOID == 25:
			textCols++
		default:
			return fmt.Errorf("bench-sql: pgwire: column %s (type %d) came in text format", f.Name, f.DataTypeOID)
		}
	}
	for rows.Next() {
		for _, v := range rows.RawValues() {
			run.bytes += int64(len(v))
		}
		run.rows++
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("bench-sql: pgwire: %w", err)
	}
	run.took = time.Since(t0)
	if run.rows != int64(streamRows) {
		return fmt.Errorf("bench-sql: pgwire: %d rows, want %d", run.rows, streamRows)
	}
	format := fmt.Sprintf("binary: %d columns binary, %d text", binCols, textCols)
	ratio := run.took.Seconds() / arrowRun.took.Seconds()
	fmt.Fprintf(e.stdout, "  %d rows streamed to pgx (PostgreSQL wire, %s) against Arrow over HTTP:\n", streamRows, format)
	fmt.Fprintf(e.stdout, "    %-6s %8.2f s  %10d rows  %8.1f MB of values\n", "pgx", run.took.Seconds(), run.rows, mb(run.bytes))
	fmt.Fprintf(e.stdout, "    %-6s %8.2f s  %10d rows  %8.1f MB\n", "arrow", arrowRun.took.Seconds(), arrowRun.rows, mb(arrowRun.bytes))
	fmt.Fprintf(e.stdout, "    the wire takes %.2fx Arrow's time; target <= %.0fx: %s\n", ratio, benchWireMaxRatio, verdict(ratio <= benchWireMaxRatio))
	return nil
}
