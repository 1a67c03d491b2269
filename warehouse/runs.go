package warehouse

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/hetleerplein/leerplein/warehouse/bsnmask"
	"github.com/hetleerplein/leerplein/warehouse/tekst"
)

// Run is one loader run of the ledger (etl_run) with totals over its files, for the
// data steward: when data came in and what became of it.
type Run struct {
	ID              int64
	Job             string
	Inbox           string
	StartedAt       time.Time
	FinishedAt      *time.Time
	Status          string     // running, ok, rejected, failed, skipped (tekst.RunStatusNL says it in Dutch)
	Reason          string     // why it failed, in Dutch; "" otherwise
	ReasonCode      tekst.Code // its code in the catalogue; "" when it did not fail
	Files           int64
	FilesLoaded     int64
	FilesRejected   int64
	RowsNew         int64
	RowsReplaced    int64
	RowsQuarantined int64
}

// RunFile is one file a run looked at (etl_file): its outcome and, when it was
// rejected or skipped, the reason a person can act on.
type RunFile struct {
	ID              int64
	Feed            string // "" when the file was not recognised
	FileName        string
	Format          string
	SizeBytes       int64
	Status          string     // loaded, skipped, rejected, unrecognised, waiting (changed during its load)
	Reason          string     // in Dutch, as the steward read it when it was written
	ReasonCode      tekst.Code // its code in the catalogue; "" for a loaded file
	RowsRead        int64
	RowsNew         int64
	RowsReplaced    int64
	RowsUnchanged   int64
	RowsQuarantined int64
	StartedAt       time.Time
	FinishedAt      *time.Time
}

// runSelect reads runs with their file totals; callers add where/order/limit.
const runSelect = `
	select r.run_id, r.job, r.inbox, r.started_at, r.finished_at, r.status, coalesce(r.reason, ''), coalesce(r.reason_code, ''),
	       count(f.file_id),
	       count(f.file_id) filter (where f.status = 'loaded'),
	       count(f.file_id) filter (where f.status = 'rejected'),
	       coalesce(sum(f.rows_new), 0)::bigint,
	       coalesce(sum(f.rows_replaced), 0)::bigint,
	       coalesce(sum(f.rows_quarantined), 0)::bigint
	from etl_run as r
	left join etl_file as f on f.run_id = r.run_id`

func scanRun(sc interface{ Scan(...any) error }) (Run, error) {
	var r Run
	err := sc.Scan(&r.ID, &r.Job, &r.Inbox, &r.StartedAt, &r.FinishedAt, &r.Status, &r.Reason, &r.ReasonCode,
		&r.Files, &r.FilesLoaded, &r.FilesRejected, &r.RowsNew, &r.RowsReplaced, &r.RowsQuarantined)
	return r, err
}

// Runs returns the latest runs, newest first, at most limit of them.
func (db *DB) Runs(ctx context.Context, limit int) ([]Run, error) {
	rows, err := db.QueryContext(ctx, runSelect+`
		group by all
		order by r.run_id desc
		limit ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("warehouse: runs: %w", err)
	}
	defer rows.Close()
	out := []Run{}
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			return nil, fmt.Errorf("warehouse: runs: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("warehouse: runs: %w", err)
	}
	return out, nil
}

// RunDetail returns one run and every file it looked at, in the order it took them.
// An unknown id gives an error wrapping ErrNotFound.
func (db *DB) RunDetail(ctx context.Context, id int64) (Run, []RunFile, error) {
	r, err := scanRun(db.QueryRowContext(ctx, runSelect+`
		where r.run_id = ?
		group by all`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Run{}, nil, fmt.Errorf("warehouse: run %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return Run{}, nil, fmt.Errorf("warehouse: run %d: %w", id, err)
	}
	rows, err := db.QueryContext(ctx, `
		select file_id, coalesce(feed, ''), file_name, coalesce(format, ''), coalesce(size_bytes, 0),
		       status, coalesce(reason, ''), coalesce(reason_code, ''), rows_read, rows_new, rows_replaced, rows_unchanged,
		       rows_quarantined, started_at, finished_at
		from etl_file
		where run_id = ?
		order by file_id`, id)
	if err != nil {
		return Run{}, nil, fmt.Errorf("warehouse: run %d files: %w", id, err)
	}
	defer rows.Close()
	files := []RunFile{}
	for rows.Next() {
		var f RunFile
		if err := rows.Scan(&f.ID, &f.Feed, &f.FileName, &f.Format, &f.SizeBytes, &f.Status, &f.Reason, &f.ReasonCode,
			&f.RowsRead, &f.RowsNew, &f.RowsReplaced, &f.RowsUnchanged, &f.RowsQuarantined,
			&f.StartedAt, &f.FinishedAt); err != nil {
			return Run{}, nil, fmt.Errorf("warehouse: run %d files: %w", id, err)
		}
		files = append(files, f)
	}
	if err := rows.Err(); err != nil {
		return Run{}, nil, fmt.Errorf("warehouse: run %d files: %w", id, err)
	}
	return r, files, nil
}

// LastLoads returns, per feed, when a file of it was last loaded successfully: the
// basis of staleness. A feed never loaded is absent.
func (db *DB) LastLoads(ctx context.Context) (map[string]time.Time, error) {
	rows, err := db.QueryContext(ctx, `
		select feed, max(coalesce(finished_at, started_at))
		from etl_file
		where status = 'loaded' and feed is not null
		group by feed`)
	if err != nil {
		return nil, fmt.Errorf("warehouse: last loads: %w", err)
	}
	defer rows.Close()
	out := map[string]time.Time{}
	for rows.Next() {
		var feed string
		var at time.Time
		if err := rows.Scan(&feed, &at); err != nil {
			return nil, fmt.Errorf("warehouse: last loads: %w", err)
		}
		out[feed] = at
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("warehouse: last loads: %w", err)
	}
	return out, nil
}

// reasonClassSQL is the class of a stored reason, which groups the quarantine: its code,
// and for a sentence stored before the catalogue (tekst.Oud) that sentence with every
// quoted value and line number blanked, so rows broken the same way group together
// and no value shows.
const reasonClassSQL = `case when reason_code = 'oud' then
	regexp_replace(regexp_replace(coalesce(reason_params[1], ''), '''[^'']*''', '''…''', 'g'), 'line [0-9]+', 'line …', 'g')
	else reason_code end`

// QuarantineGroup is the quarantined problems of one feed, column and reason.
type QuarantineGroup struct {
	Feed       string
	Column     string
	ReasonCode tekst.Code
	Reason     string // the reason's title in Dutch; for an old sentence, the sentence with its values blanked as '…'
	Problems   int64  // problem records (a row can break several rules)
	Rows       int64  // distinct rows (file, line)
	Examples   []QuarantineRow
}

// bsnLike masks any run of 8 or 9 digits, the shape of a BSN, in text shown to people:
// a guard on top of the loader, which never stores one.
var bsnLike = regexp.MustCompile(`\b[0-9]{8,9}\b`)

// MaskDigits masks, in text shown to people, every possible BSN (bsnmask.Mask: also one
// stored before the loader masked them) and then every other run of 8 or 9 digits —
// a BSN with a typo is still one — with asterisks.
func MaskDigits(s string) string { return bsnLike.ReplaceAllString(bsnmask.Mask(s), "*********") }

// Quarantine groups the quarantine under f by feed, column and reason class, largest
// group first, with at most examples examples each (the first lines).
func (db *DB) Quarantine(ctx context.Context, f QuarantineFilter, examples int) ([]QuarantineGroup, error) {
	where, args := f.where()
	rows, err := db.QueryContext(ctx, `
		with filtered as (
		    select f.run_id, q.file_id, q.feed, q.file_name, q.line, q.sheet, q.column_name,
		           case when lower(q.column_name) = 'bsn' then null else q.value end as value,
		           q.reason_code, q.reason_params, q.gemeentecode
		    from etl_quarantine as q
		    inner join etl_file as f on f.file_id = q.file_id
		    where `+where+`
		),
		classed as (
		    select *, `+reasonClassSQL+` as reason_class from filtered
		),
		numbered as (
		    select *, row_number() over (partition by feed, column_name, reason_class order by file_id, line) as rn
		    from classed
		),
		grouped as (
		    select feed, column_name, reason_class, count(*) as problems,
		           count(distinct (file_id, line)) as row_count
		    from numbered
		    group by all
		)
		select g.feed, g.column_name, g.reason_class, g.problems, g.row_count,
		       e.run_id, e.file_id, e.file_name, e.line, coalesce(e.sheet, ''), e.value,
		       e.reason_code, e.reason_params, coalesce(e.gemeentecode, '')
		from grouped as g
		inner join numbered as e using (feed, column_name, reason_class)
		where e.rn <= ?
		order by g.problems desc, g.feed, g.column_name, g.reason_class, e.rn`,
		append(args, examples)...)
	if err != nil {
		return nil, fmt.Errorf("warehouse: quarantine: %w", err)
	}
	defer rows.Close()
	out := []QuarantineGroup{}
	for rows.Next() {
		var g QuarantineGroup
		var e QuarantineRow
		var value sql.NullString
		var class, code string
		var params any
		if err := rows.Scan(&g.Feed, &g.Column, &class, &g.Problems, &g.Rows,
			&e.RunID, &e.FileID, &e.FileName, &e.Line, &e.Sheet, &value, &code, &params, &e.Gemeente); err != nil {
			return nil, fmt.Errorf("warehouse: quarantine: %w", err)
		}
		e.Feed, e.Column = g.Feed, g.Column
		if value.Valid {
			v := MaskDigits(value.String)
			e.Value = &v
		}
		e.FileName, e.Sheet = MaskDigits(e.FileName), MaskDigits(e.Sheet)
		e.Reason = storedMessage(code, params)
		g.ReasonCode = e.Reason.Code
		g.Reason = tekst.Titel(g.ReasonCode)
		if g.ReasonCode == tekst.Oud {
			g.Reason = MaskDigits(class)
		}
		if n := len(out); n > 0 && out[n-1].Feed == g.Feed && out[n-1].Column == g.Column && out[n-1].ReasonCode == g.ReasonCode && out[n-1].Reason == g.Reason {
			out[n-1].Examples = append(out[n-1].Examples, e)
			continue
		}
		g.Examples = []QuarantineRow{e}
		out = append(out, g)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("warehouse: quarantine: %w", err)
	}
	return out, nil
}
