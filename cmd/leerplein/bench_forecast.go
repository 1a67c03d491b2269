package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/hetleerplein/leerplein/api"
	"github.com/hetleerplein/leerplein/warehouse"
)

// benchMinProgressRatio is issue 12's speed target: a series with its year in progress
// served at no less than 80% of the static baseline's throughput.
const benchMinProgressRatio = 0.8

// cmdBenchForecast back-tests the forecast of the year in progress on a warehouse (the
// demo) and measures the KPI endpoint with in_progress against the static baseline
// (make bench). --day is the day figures are read for: a day inside the data's last
// school year, so that it is in progress; by default today, or 3 December of the data's
// last school year when today is past it.
func cmdBenchForecast(ctx context.Context, e env, args []string) error {
	fset := flag.NewFlagSet("bench-forecast", flag.ContinueOnError)
	fset.SetOutput(e.stderr)
	dbPath := fset.String("db", warehouse.DefaultPath, "warehouse file (the demo: make demo)")
	dayFlag := fset.String("day", "", "the day figures are read for (YYYY-MM-DD); default today or 3 December of the last school year")
	conns := fset.Int("connections", 50, "concurrent connections")
	duration := fset.Duration("duration", 10*time.Second, "duration of each of the KPI and static runs")
	if err := fset.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return usageError{err.Error()}
	}
	db, err := warehouse.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	day := warehouse.Today(time.Now())
	if *dayFlag != "" {
		if day, err = time.Parse(time.DateOnly, *dayFlag); err != nil {
			return usageError{"bench-forecast: --day: " + err.Error()}
		}
	}
	snap, err := db.KPISnapshotOn(ctx, day)
	if err != nil {
		return err
	}
	if *dayFlag == "" && len(snap.Years) > 0 && !snap.Lopend(snap.Years[len(snap.Years)-1]) {
		last := snap.Years[len(snap.Years)-1]
		var first int
		fmt.Sscanf(last, "%d", &first)
		day = time.Date(first, time.December, 3, 0, 0, 0, 0, time.UTC)
		if snap, err = db.KPISnapshotOn(ctx, day); err != nil {
			return err
		}
	}
	fmt.Fprintf(e.stdout, "bench-forecast: back-test of the whole-year forecast (80%% interval), complete school years before %s, the region\n", day.Format(time.DateOnly))
	for _, def := range warehouse.KPICatalogue() {
		months, err := snap.Backtest(def.ID, warehouse.KPIFilter{})
		if err != nil {
			return err
		}
		if len(months) == 0 {
			continue
		}
		printBacktest(e.stdout, def.ID, months)
	}
	return benchProgressAPI(ctx, e, db, day, *conns, *duration)
}

// printBacktest writes one KPI's back-test as a Markdown table (docs/forecast.md).
func printBacktest(w io.Writer, id string, months []warehouse.BacktestMonth) {
	fmt.Fprintf(w, "\n%s\n\n| forecast on | years | coverage of 80%% interval | MAPE |\n|---|---:|---:|---:|\n", id)
	var n, covered int
	var ape float64
	for _, m := range months {
		cov, mape := "–", "–"
		if m.Forecasts > 0 {
			cov, mape = fmt.Sprintf("%.0f%%", 100*m.Coverage()), fmt.Sprintf("%.1f%%", m.MAPE)
		}
		skipped := ""
		if m.Skipped > 0 {
			skipped = fmt.Sprintf(" (+%d none)", m.Skipped)
		}
		fmt.Fprintf(w, "| end of %s | %d%s | %s | %s |\n", m.Month, m.Forecasts, skipped, cov, mape)
		n += m.Forecasts
		covered += m.Covered
		ape += m.MAPE * float64(m.Forecasts)
	}
	if n > 0 {
		fmt.Fprintf(w, "| all months | %d | %.0f%% | %.1f%% |\n", n, 100*float64(covered)/float64(n), ape/float64(n))
	}
}

// benchProgressAPI measures GET /api/v1/kpis/verzuim_meldingen, whose answer carries
// in_progress on day, against the same bytes from memory.
func benchProgressAPI(ctx context.Context, e env, db *warehouse.DB, day time.Time, conns int, d time.Duration) error {
	const kpiPath = "/api/v1/kpis/verzuim_meldingen"
	srv, err := startBenchServer(ctx, db, api.Config{Version: version, KPIDay: day}, kpiPath)
	if err != nil {
		return fmt.Errorf("bench-forecast: %w", err)
	}
	defer srv.close()
	fmt.Fprintf(e.stdout, "\nKPI API with in_progress (figures read for %s): %d connections, %s per run, %d bytes of JSON\n",
		day.Format(time.DateOnly), conns, d, len(srv.body))
	static, err := loadRun(ctx, srv.get("/bench/static"), conns, d, srv.body)
	if err != nil {
		return err
	}
	static.print(e.stdout, "static  GET /bench/static (same bytes from memory)")
	kpi, err := loadRun(ctx, srv.get(kpiPath), conns, d, srv.body)
	if err != nil {
		return err
	}
	kpi.print(e.stdout, "kpi     GET "+kpiPath+" (in_progress)")
	ratio := kpi.throughput() / static.throughput()
	verdict := "ok"
	if ratio < benchMinProgressRatio || math.IsNaN(ratio) {
		verdict = "MISSED"
	}
	fmt.Fprintf(e.stdout, "ratio kpi/static throughput: %.2f (target >= %.2f: %s)\n", ratio, benchMinProgressRatio, verdict)
	return srv.close()
}
