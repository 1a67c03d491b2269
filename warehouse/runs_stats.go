package warehouse

import (
	"context"
	"fmt"
	"time"
)

// LedgerStats is the load ledger summed up for monitoring: it is read at scrape time,
// so it counts loads of every process (scheduler, `etl run`), and survives restarts.
type LedgerStats struct {
	RunsByStatus  map[string]int64
	FilesByStatus map[string]int64
	// RowsByFeed: feed → outcome (new, replaced, unchanged, quarantined) → rows.
	RowsByFeed map[string]map[string]int64
	// Quarantined: problems per feed, column and reason class (the reason code, or for a
	// sentence stored before the catalogue its class: values blanked, see Quarantine).
	Quarantined []QuarantineCount
	// LoadSeconds: how long each loaded file took, per feed.
	LoadSeconds map[string][]float64
	// LastLoaded: per feed, the last successful load.
	LastLoaded map[string]time.Time
}

// QuarantineCount is the number of quarantined problems of one feed, column and reason
// class.
type QuarantineCount struct {
	Feed, Column, Reason string
	Count                int64
}

// LedgerStats reads the ledger's totals.
func (db *DB) LedgerStats(ctx context.Context) (LedgerStats, error) {
	st := LedgerStats{RunsByStatus: map[string]int64{}, FilesByStatus: map[string]int64{},
		RowsByFeed: map[string]map[string]int64{}, LoadSeconds: map[string][]float64{}}
	if err := db.countBy(ctx, `select status, count(*) from etl_run group by status`, st.RunsByStatus); err != nil {
		return st, err
	}
	if err := db.countBy(ctx, `select status, count(*) from etl_file group by status`, st.FilesByStatus); err != nil {
		return st, err
	}
	rows, err := db.QueryContext(ctx, `
		select feed, sum(rows_new)::bigint, sum(rows_replaced)::bigint, sum(rows_unchanged)::bigint,
		       sum(rows_quarantined)::bigint
		from etl_file where feed is not null and status = 'loaded' group by feed`)
	if err != nil {
		return st, fmt.Errorf("warehouse: ledger rows: %w", err)
	}
	for rows.Next() {
		var feed string
		var n, r, u, q int64
		if err := rows.Scan(&feed, &n, &r, &u, &q); err != nil {
			rows.Close()
			return st, fmt.Errorf("warehouse: ledger rows: %w", err)
		}
		st.RowsByFeed[feed] = map[string]int64{"new": n, "replaced": r, "unchanged": u, "quarantined": q}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return st, fmt.Errorf("warehouse: ledger rows: %w", err)
	}
	rows, err = db.QueryContext(ctx, `select feed, column_name, `+reasonClassSQL+` as class, count(*)
		from etl_quarantine group by all order by all`)
	if err != nil {
		return st, fmt.Errorf("warehouse: ledger quarantine: %w", err)
	}
	for rows.Next() {
		var q QuarantineCount
		if err := rows.Scan(&q.Feed, &q.Column, &q.Reason, &q.Count); err != nil {
			rows.Close()
			return st, fmt.Errorf("warehouse: ledger quarantine: %w", err)
		}
		q.Reason = MaskDigits(q.Reason)
		st.Quarantined = append(st.Quarantined, q)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return st, fmt.Errorf("warehouse: ledger quarantine: %w", err)
	}
	rows, err = db.QueryContext(ctx, `
		select feed, epoch(finished_at - started_at)
		from etl_file where status = 'loaded' and feed is not null and finished_at is not null`)
	if err != nil {
		return st, fmt.Errorf("warehouse: ledger durations: %w", err)
	}
	for rows.Next() {
		var feed string
		var sec float64
		if err := rows.Scan(&feed, &sec); err != nil {
			rows.Close()
			return st, fmt.Errorf("warehouse: ledger durations: %w", err)
		}
		st.LoadSeconds[feed] = append(st.LoadSeconds[feed], sec)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return st, fmt.Errorf("warehouse: ledger durations: %w", err)
	}
	st.LastLoaded, err = db.LastLoads(ctx)
	return st, err
}

func (db *DB) countBy(ctx context.Context, query string, into map[string]int64) error {
	rows, err := db.QueryContext(ctx, query)
	if err != nil {
		return fmt.Errorf("warehouse: ledger counts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var n int64
		if err := rows.Scan(&k, &n); err != nil {
			return fmt.Errorf("warehouse: ledger counts: %w", err)
		}
		into[k] = n
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("warehouse: ledger counts: %w", err)
	}
	return nil
}
