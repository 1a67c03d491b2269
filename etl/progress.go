package etl

import (
	"context"
	"database/sql"
	"time"

	"github.com/hetleerplein/leerplein/warehouse/bsnmask"
)

// FileProgress is how far the loader is with one file, for a person who watches a
// terminal (Options.Rows).
type FileProgress struct {
	File  string // the file's name, every possible BSN masked
	Rows  int64  // data rows read so far
	Bytes int64  // bytes of the file read so far (0 while the reader cannot tell)
	Size  int64  // the file's size in bytes
	// Expected is what loading the file should take: earlier loads of its feed in the
	// ledger, scaled to its size. 0 when there is none to go by.
	Expected time.Duration
	Done     bool // the file is handled, whatever its outcome
}

// Reports of reading come every progressBytes bytes of a CSV file and every
// progressRows rows of a sheet: often enough for a line redrawn a few times a second.
const (
	progressBytes = 1 << 20
	progressRows  = 5000
)

// paceMinBytes is the size from which an earlier load tells the pace of the loader; a
// smaller file's time is mostly fixed cost. paceFiles is how many of them are averaged.
const (
	paceMinBytes = 1 << 20
	paceFiles    = 5
)

// fileReporter tells Options.Rows how far one file is; its report is handed to the
// readers, which call it with the rows and bytes read so far.
type fileReporter struct {
	fn       func(FileProgress)
	name     string
	size     int64
	expected time.Duration
}

// reporter starts the reports of one file: a first one with its size and expected
// time. Without Options.Rows it is nil, and so are its reports.
func (l *loader) reporter(ctx context.Context, in inboxFile, feed string) *fileReporter {
	if l.opts.Rows == nil {
		return nil
	}
	r := &fileReporter{fn: l.opts.Rows, name: bsnmask.Mask(in.name), size: in.size,
		expected: l.expected(ctx, feed, in.size)}
	r.report(0, 0)
	return r
}

// report tells how many rows and bytes have been read; a nil reporter reports nothing.
func (r *fileReporter) report(rows, bytes int64) {
	if r != nil {
		r.fn(FileProgress{File: r.name, Rows: rows, Bytes: bytes, Size: r.size, Expected: r.expected})
	}
}

// reportFunc is report as a function for a reader, or nil when nobody listens.
func (r *fileReporter) reportFunc() func(rows, bytes int64) {
	if r == nil {
		return nil
	}
	return r.report
}

// expected is how long loading size bytes of feed should take, at the pace of the last
// loads of that feed big enough to tell; 0 when there are none.
func (l *loader) expected(ctx context.Context, feed string, size int64) time.Duration {
	var secs, bytes sql.NullFloat64
	err := l.db.QueryRowContext(ctx, `select sum(epoch(finished_at) - epoch(started_at)), sum(size_bytes)
		from (select started_at, finished_at, size_bytes from etl_file
			where feed = ? and status = 'loaded' and finished_at is not null and size_bytes >= ?
			order by file_id desc limit ?)`, feed, paceMinBytes, paceFiles).Scan(&secs, &bytes)
	if err != nil || !secs.Valid || !bytes.Valid || bytes.Float64 <= 0 || secs.Float64 <= 0 {
		return 0 // a guess is no reason to stop a load
	}
	return time.Duration(secs.Float64 / bytes.Float64 * float64(size) * float64(time.Second))
}
