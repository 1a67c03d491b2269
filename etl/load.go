// Package etl turns the exports that reach the bureau — CSV, XLSX and Parquet files from
// the municipalities' case systems, the population register and DUO — into validated,
// pseudonymised fact rows. Each file loads in one transaction; rows that break a rule go
// to the quarantine with a reason a person can act on.
package etl

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/hetleerplein/leerplein/warehouse"
	"github.com/hetleerplein/leerplein/warehouse/bsnmask"
	"github.com/hetleerplein/leerplein/warehouse/tekst"
)

// Options configures one loader run.
type Options struct {
	Inbox  string       // directory with feed files
	Key    []byte       // pseudonym key (HMAC-SHA-256); see ParseKey
	Region Region       // the region configuration; DefaultRegion() when empty
	Job    string       // "manual", "demo" or a scheduled job's name
	Move   bool         // move handled files to processed/ or rejected/
	Logger *slog.Logger // nil: discard
	// RunID, when set, is an etl_run row the caller inserted with status 'running'
	// (a scheduler that must answer with the run id before the run starts).
	RunID int64
	// StableAfter, when set, leaves files whose size or modification time changed within
	// this time in the inbox, reported as StatusWaiting: they may still be being written.
	StableAfter time.Duration
	// Retention is how long files stay in processed/ and rejected/ (0: DefaultRetention);
	// the run removes older ones first (CleanInbox).
	Retention time.Duration
	// Progress, when set, is told the stage of a file being loaded (for a terminal bar).
	Progress func(file string, stage int, stages int, label string)
	// Rows, when set, is told how far a file has been read and how long it should take,
	// and when it is done (for a terminal's progress line). It is called from the
	// goroutine that reads, so it must be safe for concurrent use.
	Rows func(FileProgress)
	// Limits bounds what one file may make the loader unpack and hold; a file beyond
	// them is rejected. Zero fields take DefaultLimits.
	Limits Limits
	// Placed are files put into the inbox whole (an upload, a file loaded again): they
	// skip the StableAfter wait while their size and modification time are unchanged.
	Placed []Placed
}

// Status values of a file in the ledger.
const (
	StatusLoaded       = "loaded"
	StatusSkipped      = "skipped"
	StatusRejected     = "rejected"
	StatusUnrecognised = "unrecognised"
	StatusWaiting      = "waiting" // still being written (Options.StableAfter); not in the ledger
)

// FileResult is what happened to one file.
type FileResult struct {
	FileID       int64
	Name         string
	Feed         string
	Format       string
	Status       string
	Reason       string        // why rejected, skipped or waiting: ReasonMsg in Dutch
	ReasonMsg    tekst.Message // the reason as the catalogue holds it (etl_file.reason_code)
	Read         int64         // data rows in the file
	New          int64         // rows with a key not loaded before
	Replaced     int64         // rows that replaced an earlier version
	Unchanged    int64         // vsv_cijfers: VOORLOPIG rows that did not replace DEFINITIEF ones
	Quarantined  int64         // rows with at least one problem
	ExtraColumns []string
	Duration     time.Duration
}

// because sets the reason of a file that was not loaded.
func (r *FileResult) because(m tekst.Message) {
	r.ReasonMsg, r.Reason = m, m.NL()
}

// Summary is the outcome of a run.
type Summary struct {
	RunID     int64
	Files     []FileResult
	Removed   []string      // files of processed/ and rejected/ past their retention
	Retention time.Duration // the retention that applied
}

// Rejected counts the files that were rejected.
func (s Summary) Rejected() int {
	n := 0
	for _, f := range s.Files {
		if f.Status == StatusRejected {
			n++
		}
	}
	return n
}

// Run loads every recognised file of opts.Inbox, in lexicographic order of their names.
// A rejected file does not stop the run; an infrastructure failure (the warehouse, the
// context) does, leaving the current file unloaded and in the inbox.
func Run(ctx context.Context, db *warehouse.DB, opts Options) (Summary, error) {
	if len(opts.Key) == 0 {
		return Summary{}, ErrNoKey
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	// File names, reasons and errors in the log may quote a BSN: the log masks them.
	opts.Logger = slog.New(bsnmask.Handler(opts.Logger.Handler()))
	if len(opts.Region.Gemeenten) == 0 {
		opts.Region = DefaultRegion()
	}
	if opts.Job == "" {
		opts.Job = "manual"
	}
	files, err := listInbox(opts.Inbox)
	if err != nil {
		return Summary{}, err
	}
	if opts.Retention <= 0 {
		opts.Retention = DefaultRetention
	}
	removed := CleanInbox(opts.Inbox, opts.Retention, time.Now(), opts.Logger)
	var waiting []FileResult
	if opts.StableAfter > 0 {
		files, waiting = splitReady(files, opts.Placed, opts.StableAfter, time.Now())
		for i := range waiting {
			waiting[i].Name = bsnmask.Mask(waiting[i].Name)
		}
	}
	if err := checkKey(ctx, db, opts.Key); err != nil {
		return Summary{}, err
	}
	if err := writeRegion(ctx, db, opts.Region); err != nil {
		return Summary{}, err
	}
	sum := Summary{RunID: opts.RunID, Files: waiting, Removed: removed, Retention: opts.Retention}
	if sum.RunID == 0 {
		if sum.RunID, err = db.StartRun(ctx, opts.Job, bsnmask.Mask(opts.Inbox)); err != nil {
			return sum, fmt.Errorf("etl: %w", err)
		}
	}
	l := &loader{db: db, opts: opts, runID: sum.RunID}
	var runErr error
	for _, file := range files {
		if err := ctx.Err(); err != nil { // stopping: take no further file
			runErr = fmt.Errorf("etl: run stopped before %s: %w", file.name, err)
			break
		}
		res, err := l.file(ctx, file)
		if opts.Rows != nil {
			opts.Rows(FileProgress{File: bsnmask.Mask(file.name), Rows: res.Read, Bytes: file.size, Size: file.size, Done: true})
		}
		if err != nil {
			runErr = err
			break
		}
		sum.Files = append(sum.Files, res)
		opts.Logger.Info("file handled", "run_id", sum.RunID, "file", res.Name, "feed", res.Feed,
			"status", res.Status, "rows_read", res.Read, "rows_new", res.New, "rows_replaced", res.Replaced,
			"rows_quarantined", res.Quarantined, "reason_code", string(res.ReasonMsg.Code), "reason", res.ReasonMsg.EN(),
			"duration_ms", res.Duration.Milliseconds())
	}
	status, reason := "ok", tekst.Message{}
	switch {
	case runErr != nil && ctx.Err() != nil:
		status, reason = "failed", tekst.New(tekst.RunGestopt)
	case runErr != nil:
		status, reason = "failed", tekst.New(tekst.RunMislukt)
	case sum.Rejected() > 0:
		status = "rejected"
	}
	// Record the end even when ctx was cancelled, so the ledger shows the run stopped.
	if _, err := db.ExecContext(context.WithoutCancel(ctx), `update etl_run set finished_at = now(), status = ?,
		reason = nullif(?, ''), reason_code = nullif(?, '') where run_id = ?`,
		status, reason.NL(), string(reason.Code), sum.RunID); err != nil && runErr == nil {
		runErr = fmt.Errorf("etl: finish run: %w", err)
	}
	return sum, bsnmask.Error(runErr)
}

type loader struct {
	db    *warehouse.DB
	opts  Options
	runID int64
}

// file handles one inbox file: recognise, skip, stage, validate and load, then move it.
// The ledger, the quarantine and the log name the file with every possible BSN in its
// name masked.
func (l *loader) file(ctx context.Context, in inboxFile) (FileResult, error) {
	start := time.Now()
	res := FileResult{Name: bsnmask.Mask(in.name)}
	f, ok := recognise(in.name)
	if !ok {
		res.Status = StatusUnrecognised
		res.because(tekst.New(tekst.NietHerkend, feedNames()))
		return res, l.record(ctx, &res, "", in.size, start)
	}
	res.Feed = f.name
	// The file is opened once: its state then is what the hash, the load and the move
	// must all be about (see pinned).
	p, err := pin(in.path)
	if err != nil {
		return res, fmt.Errorf("etl: open %s: %w", in.name, err)
	}
	defer p.close()
	if l.opts.StableAfter > 0 && (p.state.size != in.size || !p.state.mtime.Equal(in.mtime)) {
		res.Status = StatusWaiting
		res.because(tekst.New(tekst.VeranderdTijdensRun))
		return res, nil
	}
	rep := l.reporter(ctx, in, f.name)
	// The hash and a CSV file's layout scan each read the whole file: they run side by
	// side, and the scan is thrown away when the hash says the file was loaded before.
	var pre *prestaged
	if format, _ := fileFormat(in.path); format == "csv" {
		pre = &prestaged{done: make(chan struct{})}
		go func() {
			defer close(pre.done)
			pre.st, pre.err = stageCSV(f, in.path, l.opts.Limits.orDefault(), rep.reportFunc())
		}()
		defer pre.discard()
	}
	sum, err := p.hash()
	if errors.Is(err, errChanged) {
		return l.changed(ctx, res, p, start)
	}
	if err != nil {
		return res, fmt.Errorf("etl: read %s: %w", in.name, err)
	}
	var earlier string
	var earlierRun int64
	err = l.db.QueryRowContext(ctx, `select file_name, run_id from etl_file where sha256 = ? and status = 'loaded' order by file_id limit 1`, sum).Scan(&earlier, &earlierRun)
	switch {
	case err == nil:
		res.Status = StatusSkipped
		res.because(tekst.New(tekst.ZelfdeBestand, earlier, earlierRun))
	case errors.Is(err, sql.ErrNoRows):
		err = l.load(ctx, f, in, p, sum, &res, start, pre, rep)
		var rej rejectError
		switch {
		case errors.Is(err, errChanged):
			return l.changed(ctx, res, p, start)
		case errors.As(err, &rej) && ctx.Err() == nil:
			res.Status = StatusRejected
			res.because(stewardMessage(rej.msg, in))
			res.Read, res.New, res.Replaced, res.Unchanged, res.Quarantined = 0, 0, 0, 0, 0
		case err != nil:
			return res, err
		}
	default:
		return res, fmt.Errorf("etl: ledger: %w", err)
	}
	if res.Status != StatusLoaded {
		// A skip or a rejection is about the bytes that were read: a file that changed
		// since (one still being written is often broken at its end) is left instead.
		if !p.unchanged() {
			return l.changed(ctx, FileResult{Name: res.Name, Feed: res.Feed}, p, start)
		}
		if err := l.record(ctx, &res, sum, p.state.size, start); err != nil {
			return res, err
		}
	}
	res.Duration = time.Since(start)
	return res, l.move(p, &res)
}

// record writes a ledger row for a file that loaded nothing (skipped, rejected,
// unrecognised, waiting): its reason in Dutch, and as code and parameters.
func (l *loader) record(ctx context.Context, res *FileResult, sum string, size int64, start time.Time) error {
	var params any // null without a reason
	if !res.ReasonMsg.IsZero() {
		params = append([]string{}, res.ReasonMsg.Params...)
	}
	err := l.db.QueryRowContext(ctx, `insert into etl_file (file_id, run_id, feed, file_name, sha256, size_bytes, format,
		status, reason, reason_code, reason_params, started_at, finished_at)
		values (nextval('etl_file_seq'), ?, nullif(?, ''), ?, nullif(?, ''), ?, nullif(?, ''), ?, nullif(?, ''), nullif(?, ''), ?, ?, now())
		returning file_id`,
		l.runID, res.Feed, res.Name, sum, size, res.Format, res.Status, res.Reason, string(res.ReasonMsg.Code), params, start).Scan(&res.FileID)
	if err != nil {
		return fmt.Errorf("etl: ledger for %s: %w", res.Name, err)
	}
	return nil
}

func (l *loader) progress(file string, stage int, label string) {
	if l.opts.Progress != nil {
		l.opts.Progress(file, stage, 4, label)
	}
}

// load stages, validates and writes one file in one transaction.
func (l *loader) load(ctx context.Context, f feed, in inboxFile, p *pinned, sum string, res *FileResult, start time.Time, pre *prestaged, rep *fileReporter) error {
	conn, err := l.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("etl: connection: %w", err)
	}
	defer conn.Close()
	l.progress(in.name, 1, "reading")
	var st *staged
	if pre != nil {
		st, err = pre.take()
	} else {
		st, err = stage(ctx, conn, f, in.path, l.opts.Limits, rep.reportFunc())
	}
	if err != nil {
		return err
	}
	defer st.cleanup()
	res.Format = st.format
	for _, c := range st.extra { // a header, too, may quote a BSN
		res.ExtraColumns = append(res.ExtraColumns, bsnmask.Mask(c))
	}
	if len(st.extra) > 0 {
		l.opts.Logger.Info("extra columns ignored", "file", in.name, "columns", strings.Join(st.extra, ", "))
	}
	l.progress(in.name, 2, "validating")
	t0 := time.Now()
	if _, err := conn.ExecContext(ctx, typedSQL(f, st.source, st.present, l.opts.Region, st.layout == nil || st.layout.EdgeSpace)); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return reject(tekst.BestandOnleesbaar, err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `drop view if exists checked; drop view if exists numbered; drop table if exists ragged;
		drop table if exists typed; drop table if exists pmap; drop table if exists ranked; drop table if exists fresh;
		drop table if exists stg_xlsx`)
	l.opts.Logger.Debug("validated", "file", in.name, "ms", time.Since(t0).Milliseconds())
	if err := l.views(ctx, conn, f, st); err != nil {
		return err
	}
	if err := conn.QueryRowContext(ctx, "select count(*) from typed").Scan(&res.Read); err != nil {
		return fmt.Errorf("etl: count rows: %w", err)
	}
	if res.Read == 0 {
		return reject(tekst.GeenGegevens)
	}
	rep.report(res.Read, p.state.size)
	l.progress(in.name, 3, "writing")
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("etl: begin: %w", err)
	}
	defer tx.Rollback()
	if err := tx.QueryRowContext(ctx, `insert into etl_file (file_id, run_id, feed, file_name, sha256, size_bytes, format, status, started_at)
		values (nextval('etl_file_seq'), ?, ?, ?, ?, ?, ?, 'loaded', ?) returning file_id`,
		l.runID, f.name, res.Name, sum, p.state.size, st.format, start).Scan(&res.FileID); err != nil {
		return fmt.Errorf("etl: ledger: %w", err)
	}
	w := writer{tx: tx, f: f, fileID: res.FileID, fileName: res.Name, sheet: bsnmask.Mask(st.sheet), log: l.opts.Logger}
	inserted, err := w.write(ctx, res)
	if err != nil {
		return err
	}
	// finished_at is the clock's time, not now(): DuckDB's now() is when the transaction
	// began, before the rows were written, and the ledger's durations (the metrics, the
	// time a terminal expects a load to take) would leave out the writing.
	if _, err := tx.ExecContext(ctx, `update etl_file set rows_read = ?, rows_new = ?, rows_replaced = ?, rows_unchanged = ?,
		rows_quarantined = ?, finished_at = ? where file_id = ?`,
		res.Read, res.New, res.Replaced, res.Unchanged, res.Quarantined, time.Now(), res.FileID); err != nil {
		return fmt.Errorf("etl: ledger: %w", err)
	}
	l.progress(in.name, 4, "committing")
	// Commit only the bytes that were hashed: a file written to since (or replaced) may
	// have been read in part.
	if !p.unchanged() {
		return errChanged
	}
	t0 = time.Now()
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("etl: commit %s: %w", in.name, err)
	}
	l.opts.Logger.Debug("committed", "file", in.name, "ms", time.Since(t0).Milliseconds())
	res.Status = StatusLoaded
	// A failed commit can come back as nil from the driver: check that the rows are there.
	// The load is committed: a stop now must not keep the check, and then the move to
	// processed/, from happening.
	ctx = context.WithoutCancel(ctx)
	var got int64
	if err := l.db.QueryRowContext(ctx, fmt.Sprintf("select count(*) from %s where file_id = ?", f.table), res.FileID).Scan(&got); err != nil {
		return fmt.Errorf("etl: verify %s: %w", in.name, err)
	}
	if got != inserted {
		return fmt.Errorf("etl: %s: the warehouse holds %d rows of this file after commit, expected %d; the load was not committed", in.name, got, inserted)
	}
	return nil
}

// prestaged is a CSV file staged in the background while the file is hashed.
type prestaged struct {
	done  chan struct{}
	st    *staged
	err   error
	taken bool
}

// take waits for the staging and hands its result over to the caller, who cleans up.
func (p *prestaged) take() (*staged, error) {
	<-p.done
	p.taken = true
	return p.st, p.err
}

// discard waits for the staging and cleans up what nobody took.
func (p *prestaged) discard() {
	<-p.done
	if !p.taken && p.st != nil {
		p.st.cleanup()
	}
}

// views numbers the validated rows and pseudonymises every distinct BSN once:
// `numbered` is typed with _line (CSV rows by position: the header is line 1), and
// `checked` adds persoon_id.
func (l *loader) views(ctx context.Context, conn *sql.Conn, f feed, st *staged) error {
	layout := st.layout
	t0 := time.Now()
	numbered := "create or replace temp view numbered as select * from typed"
	if layout != nil {
		var n int
		if err := conn.QueryRowContext(ctx, "select count(*) from typed").Scan(&n); err != nil {
			return fmt.Errorf("etl: count rows: %w", err)
		}
		if n != layout.Records {
			return reject(tekst.RijenTelling, n, layout.Records)
		}
		numbered = "create or replace temp view numbered as select " + layout.lineSQL("(rowid + 1)") + " as _line, * exclude (_line) from typed"
		if len(layout.Ragged) > 0 {
			if err := ragged(ctx, conn, layout); err != nil {
				return err
			}
			// A ragged row is quarantined whatever its values say, and its gemeente is not
			// trusted either. (An UPDATE of typed would move the row to a new rowid, and
			// rowid is its position in the file.)
			gemeente := ""
			if hasGemeente(f) {
				gemeente = " replace (case when r.rec is null then t.gemeentecode end as gemeentecode)"
			}
			numbered = `create or replace temp view numbered as
				select ` + layout.lineSQL("(t.rowid + 1)") + ` as _line, t.* exclude (_line, _ok, _problems)` + gemeente + `,
					t._ok and r.rec is null as _ok,
					case when r.rec is null then t._problems else [{'column_name': '*', 'value': null::varchar,
						'reason': ` + msgSQL(tekst.VeldenAantal, "r.line::varchar", "r.fields::varchar", sqlString(fmt.Sprint(st.fields))) + `}] end as _problems
				from typed t left join ragged r on r.rec = t.rowid + 1`
		}
	}
	if _, err := conn.ExecContext(ctx, numbered); err != nil {
		return fmt.Errorf("etl: number rows: %w", err)
	}
	checked := "create or replace temp view checked as select * from numbered"
	if hasBSN(f) {
		ipad, opad := hmacPads(l.opts.Key)
		if _, err := conn.ExecContext(ctx, `create or replace temp table pmap as
			select _bsn, `+pseudonymSQL("_bsn")+` as persoon_id from (select distinct _bsn from typed where _bsn is not null)`, ipad, opad); err != nil {
			return fmt.Errorf("etl: pseudonymise: %w", err)
		}
		checked = "create or replace temp view checked as select n.* exclude (_bsn), p.persoon_id from numbered n left join pmap p using (_bsn)"
	}
	if _, err := conn.ExecContext(ctx, checked); err != nil {
		return fmt.Errorf("etl: checked view: %w", err)
	}
	l.opts.Logger.Debug("pseudonymised", "ms", time.Since(t0).Milliseconds())
	return nil
}

// ragged lists the records whose number of fields differs from the header's: read_csv
// pads or cuts them silently, so their values cannot be trusted.
func ragged(ctx context.Context, conn *sql.Conn, layout *csvLayout) error {
	if _, err := conn.ExecContext(ctx, "create or replace temp table ragged (rec bigint, line bigint, fields bigint)"); err != nil {
		return fmt.Errorf("etl: ragged rows: %w", err)
	}
	for _, r := range layout.Ragged {
		if _, err := conn.ExecContext(ctx, "insert into ragged values (?, ?, ?)", r.Record, r.Line, r.Fields); err != nil {
			return fmt.Errorf("etl: ragged rows: %w", err)
		}
	}
	return nil
}

func hasBSN(f feed) bool { return hasKind(f, kBSN) }

// hasGemeente reports whether the feed's rows name a gemeente (typed as gemeentecode).
func hasGemeente(f feed) bool { return hasKind(f, kGemeente) }

func hasKind(f feed, k kind) bool {
	for _, c := range f.cols {
		if c.kind == k {
			return true
		}
	}
	return false
}

func feedNames() string {
	var names []string
	for _, f := range feeds() {
		names = append(names, f.name)
	}
	return strings.Join(names, ", ")
}

// checkKey refuses a key other than the one the warehouse was loaded with before.
func checkKey(ctx context.Context, db *warehouse.DB, key []byte) error {
	fp := keyFingerprint(key)
	var stored string
	err := db.QueryRowContext(ctx, `select value from etl_meta where name = 'pseudo_key_fingerprint'`).Scan(&stored)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		_, err = db.ExecContext(ctx, `insert into etl_meta values ('pseudo_key_fingerprint', ?)`, fp)
		return err
	case err != nil:
		return fmt.Errorf("etl: read key fingerprint: %w", err)
	case stored != fp:
		return fmt.Errorf("etl: the pseudonym key differs from the one this warehouse was loaded with (fingerprint %s, now %s); loading would give every person a second pseudonym. Use the original %s", stored, fp, KeyEnv)
	}
	return nil
}

// writeRegion replaces dim_gemeente with the configured region.
func writeRegion(ctx context.Context, db *warehouse.DB, r Region) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("etl: region: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "delete from dim_gemeente"); err != nil {
		return fmt.Errorf("etl: region: %w", err)
	}
	for _, g := range r.Gemeenten {
		if _, err := tx.ExecContext(ctx, `insert into dim_gemeente values (?, ?, ?, ?, ?, ?, ?)`,
			g.Code, g.Naam, g.Subregio, g.SubregioNaam, g.Regionaal, g.Vanaf, g.Tot); err != nil {
			return fmt.Errorf("etl: region %s: %w", g.Code, err)
		}
	}
	return tx.Commit()
}
