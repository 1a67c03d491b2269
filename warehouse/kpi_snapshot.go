package warehouse

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	sqlfiles "github.com/hetleerplein/leerplein/sql"
)

// LoadState identifies the committed state of the warehouse: Key changes whenever a
// load commits a file or a run finishes, so results cached under one Key stay valid
// until it changes.
type LoadState struct {
	Key      string
	DataAsOf time.Time // when the latest loaded file was committed; zero before any load
}

// Gemeente is a municipality of the region configuration.
type Gemeente struct {
	Code     string // GM0392
	Naam     string
	Subregio string     // zk
	Vanaf    *time.Time // nil: always existed
	Tot      *time.Time // nil: still exists
}

// KPISnapshot holds, for one committed state of the warehouse, the per-gemeente and
// per-year counts behind every KPI (the results of sql/metrics/): any filter is then
// a sum in memory, computed without a query. It is immutable after it is read, and
// safe for concurrent use.
type KPISnapshot struct {
	// breaks are the changes of each age rule (mart.leeftijdsregels), per regel.
	breaks    map[string][]SeriesBreak
	State     LoadState
	Years     []string // every school year from the first to the latest with data, in order
	Gemeenten []Gemeente
	Subregios []Subregio
	// Today is the day the snapshot was read for: a school year not over on it is lopend
	// (year-to-date). A cache that outlives the day should read a new snapshot.
	Today time.Time

	counts map[string]*countTable // by metrics query name: verzuim_meldingen, thuiszitters, …
	vsv    map[vsvKey]vsvRow
	status map[statusKey][]gemeenteStatus // figure and year → its status per gemeente
	lopend map[string]bool                // school year → in progress on Today
	// through is, for a figure in a year in progress, the last day its figures count
	// (metrics/figuur_status.sql tot_en_met).
	through map[statusKey]time.Time
	ytd     ytdTable // sql/metrics/jaar_tot_dag.sql: counts up to every day of a school year
	// offers are the episodes of the time-to-offer curve (kpi_curve.go), and
	// offersThrough the day the ones still waiting are censored at; read only for a
	// whole snapshot.
	offers        []offerEpisode
	offersThrough *time.Time
}

type statusKey struct{ figuur, year string }

// countTable is the result of one sql/metrics/ query keyed by school year and gemeente:
// its measure columns (aantal, gestart, …) as counts.
type countTable struct {
	measures map[string]int // column name → index into countRow.vals
	rows     []countRow
	// byYear adds the rows up per school year and gemeente, so a series costs a few
	// additions per year (the monthly rows of verzuim_meldingen included).
	byYear map[string]map[string][]int64
}

type countRow struct {
	year, gemeente string
	month          time.Time // verzuim_meldingen only
	soort          string    // verzuim_meldingen only
	vals           []int64
}

type vsvKey struct{ year, gebied, sector string }

type vsvRow struct {
	deelnemers, vsvers int64
	status             string
}

// countQueries are the sql/metrics/ files keyed by school year and gemeente.
var countQueries = []string{"verzuim_meldingen", "thuiszitters", "thuiszitters_aanbod_binnen_3_maanden", "rmc", "vrijstellingen", "halt_pv"}

// LoadState reads the warehouse's current LoadState (one cheap query).
func (db *DB) LoadState(ctx context.Context) (LoadState, error) {
	return loadState(ctx, db)
}

type rowQuerier interface {
	querier
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func loadState(ctx context.Context, q rowQuerier) (LoadState, error) {
	body, err := sqlfiles.FS.ReadFile("metrics/load_state.sql")
	if err != nil {
		return LoadState{}, fmt.Errorf("warehouse: load state: %w", err)
	}
	var file, run int64
	var asOf sql.NullTime
	if err := q.QueryRowContext(ctx, string(body)).Scan(&file, &run, &asOf); err != nil {
		return LoadState{}, fmt.Errorf("warehouse: load state: %w", err)
	}
	st := LoadState{Key: "f" + strconv.FormatInt(file, 10) + "-r" + strconv.FormatInt(run, 10)}
	if asOf.Valid {
		st.DataAsOf = asOf.Time.UTC()
	}
	return st, nil
}

// KPISnapshot reads everything the KPIs need as of today (the real date); see
// KPISnapshotOn.
func (db *DB) KPISnapshot(ctx context.Context) (*KPISnapshot, error) {
	return db.KPISnapshotOn(ctx, Today(time.Now()))
}

// KPISnapshotOn reads everything the KPIs need as the figures stand on today, in one
// transaction so that every figure comes from the same committed state.
func (db *DB) KPISnapshotOn(ctx context.Context, today time.Time) (*KPISnapshot, error) {
	return db.readSnapshot(ctx, countQueries, today, true)
}

// readSnapshot reads the metrics tables of queries, the statuses and, with offers, the
// episodes of the time-to-offer curve.
func (db *DB) readSnapshot(ctx context.Context, queries []string, today time.Time, offers bool) (*KPISnapshot, error) {
	tx, err := db.BeginTx(ctx, nil) // duckdb-go has no read-only transactions
	if err != nil {
		return nil, fmt.Errorf("warehouse: kpi snapshot: %w", err)
	}
	defer func() { _ = tx.Rollback() }() // read only: nothing to undo

	s := &KPISnapshot{Today: today, counts: make(map[string]*countTable), vsv: make(map[vsvKey]vsvRow),
		status: make(map[statusKey][]gemeenteStatus), lopend: make(map[string]bool),
		through: make(map[statusKey]time.Time)}
	if s.State, err = loadState(ctx, tx); err != nil {
		return nil, err
	}
	if s.Years, err = dataYears(ctx, tx); err != nil {
		return nil, err
	}
	if s.Gemeenten, err = gemeenten(ctx, tx); err != nil {
		return nil, err
	}
	if len(s.Gemeenten) > 0 {
		if s.Subregios, err = subregios(ctx, tx); err != nil {
			return nil, err
		}
	}
	for _, name := range queries {
		t, err := readCounts(ctx, tx, name, today)
		if err != nil {
			return nil, err
		}
		s.counts[name] = t
	}
	if err := s.readVSV(ctx, tx); err != nil {
		return nil, err
	}
	if s.ytd, err = readYTD(ctx, tx); err != nil {
		return nil, err
	}
	if err := s.readStatus(ctx, tx); err != nil {
		return nil, err
	}
	if s.breaks, err = readBreaks(ctx, tx); err != nil {
		return nil, err
	}
	if offers {
		if err := s.readOffers(ctx, tx); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// readStatus reads sql/metrics/figuur_status.sql for the snapshot's years.
func (s *KPISnapshot) readStatus(ctx context.Context, q querier) error {
	years := map[string]bool{}
	for _, y := range s.Years {
		years[y] = true
	}
	err := queryReportWith(ctx, q, "metrics/figuur_status.sql", func(rows *sql.Rows) error {
		var k statusKey
		var g gemeenteStatus
		var gemeente, status, reden sql.NullString
		var lopend bool
		var through sql.NullTime
		if err := rows.Scan(&k.figuur, &k.year, &gemeente, &status, &reden, &lopend, &through); err != nil {
			return err
		}
		if !years[k.year] {
			return nil
		}
		if through.Valid {
			s.through[k] = through.Time.UTC()
		}
		g.gemeente, g.status, g.reden = gemeente.String, Status(status.String), reden.String
		s.status[k] = append(s.status[k], g)
		s.lopend[k.year] = lopend
		return nil
	}, todayArg(s.Today))
	if err != nil {
		return fmt.Errorf("warehouse: kpi status: %w", err)
	}
	return nil
}

func metricsQuery(name string) (string, error) {
	body, err := sqlfiles.FS.ReadFile("metrics/" + name + ".sql")
	if err != nil {
		return "", fmt.Errorf("warehouse: kpi %s: %w", name, err)
	}
	return string(body), nil
}

// dataYears lists the school years from the first to the latest with data.
func dataYears(ctx context.Context, q rowQuerier) ([]string, error) {
	query, err := metricsQuery("data_range")
	if err != nil {
		return nil, err
	}
	var first, last sql.NullString
	if err := q.QueryRowContext(ctx, query).Scan(&first, &last); err != nil {
		return nil, fmt.Errorf("warehouse: kpi data range: %w", err)
	}
	if !first.Valid {
		return nil, nil
	}
	a, _ := strconv.Atoi(first.String[:4])
	b, _ := strconv.Atoi(last.String[:4])
	var years []string
	for y := a; y <= b; y++ {
		years = append(years, schoolYear(y))
	}
	return years, nil
}

func schoolYear(first int) string { return fmt.Sprintf("%d-%d", first, first+1) }

func gemeenten(ctx context.Context, q querier) ([]Gemeente, error) {
	rows, err := q.QueryContext(ctx, `
		select gemeentecode, naam, subregio, vanaf, tot
		from dim_gemeente
		order by naam, gemeentecode`)
	if err != nil {
		return nil, fmt.Errorf("warehouse: gemeenten: %w", err)
	}
	defer rows.Close()
	var out []Gemeente
	for rows.Next() {
		var g Gemeente
		var vanaf, tot sql.NullTime
		if err := rows.Scan(&g.Code, &g.Naam, &g.Subregio, &vanaf, &tot); err != nil {
			return nil, fmt.Errorf("warehouse: gemeenten: %w", err)
		}
		if vanaf.Valid {
			g.Vanaf = ptr(vanaf.Time.UTC())
		}
		if tot.Valid {
			g.Tot = ptr(tot.Time.UTC())
		}
		out = append(out, g)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("warehouse: gemeenten: %w", err)
	}
	return out, nil
}

// readCounts runs sql/metrics/<name>.sql as the figures stand on today: key columns
// schooljaar and gemeentecode (and maand, verzuimsoort), every other column a count.
func readCounts(ctx context.Context, q querier, name string, today time.Time) (*countTable, error) {
	query, err := metricsQuery(name)
	if err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, query, queryArgs(query, todayArg(today))...)
	if err != nil {
		return nil, fmt.Errorf("warehouse: kpi %s: %w", name, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, fmt.Errorf("warehouse: kpi %s: %w", name, err)
	}
	t := &countTable{measures: make(map[string]int)}
	var measureCols []int
	for i, c := range cols {
		switch c {
		case "schooljaar", "gemeentecode", "maand", "verzuimsoort":
		default:
			t.measures[c] = len(measureCols)
			measureCols = append(measureCols, i)
		}
	}
	for rows.Next() {
		r := countRow{vals: make([]int64, len(measureCols))}
		dest := make([]any, len(cols))
		for i, c := range cols {
			switch c {
			case "schooljaar":
				dest[i] = &r.year
			case "gemeentecode":
				dest[i] = &r.gemeente
			case "maand":
				dest[i] = &r.month
			case "verzuimsoort":
				dest[i] = &r.soort
			}
		}
		for k, i := range measureCols {
			dest[i] = &r.vals[k]
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("warehouse: kpi %s: %w", name, err)
		}
		r.month = r.month.UTC()
		t.rows = append(t.rows, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("warehouse: kpi %s: %w", name, err)
	}
	t.byYear = make(map[string]map[string][]int64)
	for _, r := range t.rows {
		perGemeente := t.byYear[r.year]
		if perGemeente == nil {
			perGemeente = make(map[string][]int64)
			t.byYear[r.year] = perGemeente
		}
		sums := perGemeente[r.gemeente]
		if sums == nil {
			sums = make([]int64, len(measureCols))
			perGemeente[r.gemeente] = sums
		}
		for k, v := range r.vals {
			sums[k] += v
		}
	}
	return t, nil
}

func (s *KPISnapshot) readVSV(ctx context.Context, q querier) error {
	query, err := metricsQuery("vsv")
	if err != nil {
		return err
	}
	rows, err := q.QueryContext(ctx, query)
	if err != nil {
		return fmt.Errorf("warehouse: kpi vsv: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k vsvKey
		var r vsvRow
		if err := rows.Scan(&k.year, &k.gebied, &k.sector, &r.deelnemers, &r.vsvers, &r.status); err != nil {
			return fmt.Errorf("warehouse: kpi vsv: %w", err)
		}
		s.vsv[k] = r
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("warehouse: kpi vsv: %w", err)
	}
	return nil
}
