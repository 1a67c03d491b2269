package etl

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hetleerplein/leerplein/warehouse/bsnmask"
)

// bigVerzuimCSV is a verzuimmeldingen export of n rows, ids starting at first.
func bigVerzuimCSV(first, n int) string {
	lines := []string{verzuimHeader}
	for i := first; i < first+n; i++ {
		lines = append(lines, verzuimRow(fmt.Sprintf("M%07d", i), testBSN(i%2000), nil))
	}
	return csvLines(lines...)
}

// TestRowsProgress: Options.Rows hears of a file as it is read — rows and bytes that
// only grow, up to all of them — and when it is done; the name has every possible BSN
// masked; a second load of the feed comes with an expected time from the first.
func TestRowsProgress(t *testing.T) {
	db := openTestDB(t)
	const rows = 30000 // over 1 MiB: reported on the way, and a pace for the next load
	name := "verzuimmeldingen_" + testBSN(7) + ".csv"
	body := bigVerzuimCSV(0, rows)
	if len(body) < 2*progressBytes || len(body) < paceMinBytes {
		t.Fatalf("test file of %d bytes is too small to be reported on the way", len(body))
	}
	var mu sync.Mutex
	var got []FileProgress
	opts := func(dir string) Options {
		return Options{Inbox: dir, Key: testKey, Move: true, Rows: func(p FileProgress) {
			mu.Lock()
			defer mu.Unlock()
			got = append(got, p)
		}}
	}
	if _, err := Run(context.Background(), db, opts(writeInbox(t, map[string]string{name: body}))); err != nil {
		t.Fatal(err)
	}
	if len(got) < 3 {
		t.Fatalf("%d reports, want the start, reading on the way and the end: %+v", len(got), got)
	}
	first, last := got[0], got[len(got)-1]
	if first.Rows != 0 || first.Bytes != 0 || first.Size != int64(len(body)) || first.Expected != 0 || first.Done {
		t.Errorf("first report = %+v, want nothing read of %d bytes, no expected time (no earlier load)", first, len(body))
	}
	if !last.Done || last.Rows != rows || last.Bytes != last.Size {
		t.Errorf("last report = %+v, want done with %d rows", last, rows)
	}
	var midway bool
	for i, p := range got {
		if p.File != bsnmask.Mask(name) || strings.Contains(p.File, testBSN(7)) {
			t.Fatalf("report %d names the file %q, want %q", i, p.File, bsnmask.Mask(name))
		}
		if i > 0 && (p.Rows < got[i-1].Rows || p.Bytes < got[i-1].Bytes) {
			t.Errorf("report %d went back: %+v after %+v", i, p, got[i-1])
		}
		midway = midway || (p.Bytes > 0 && p.Bytes < p.Size && p.Rows > 0)
	}
	if !midway {
		t.Errorf("no report while reading: %+v", got)
	}

	got = nil
	if _, err := Run(context.Background(), db, opts(writeInbox(t, map[string]string{"verzuimmeldingen_2.csv": bigVerzuimCSV(rows, rows)}))); err != nil {
		t.Fatal(err)
	}
	if len(got) == 0 || got[0].Expected <= 0 {
		t.Errorf("second load: first report %+v, want an expected time from the first load", got)
	}
}

// TestRowsProgressOtherOutcomes: a file that is skipped, rejected or not recognised is
// reported done too, so a progress line never outlives its file.
func TestRowsProgressOtherOutcomes(t *testing.T) {
	db := openTestDB(t)
	body := csvLines(verzuimHeader, verzuimRow("M1", testBSN(1), nil))
	load(t, db, map[string]string{"verzuimmeldingen_a.csv": body})
	var done []string
	_, err := Run(context.Background(), db, Options{Inbox: writeInbox(t, map[string]string{
		"verzuimmeldingen_b.csv": body,                            // the same bytes: skipped
		"verzuimmeldingen_c.csv": csvLines("melding_id;bsn", "x"), // rejected
		"foto.jpg":               "not an export",                 // not recognised
	}), Key: testKey, Move: true, Rows: func(p FileProgress) {
		if p.Done {
			done = append(done, p.File)
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	if want := "foto.jpg verzuimmeldingen_b.csv verzuimmeldingen_c.csv"; strings.Join(done, " ") != want {
		t.Errorf("done reports for %v, want %s", done, want)
	}
}

// insertClock notes when the loader logged that it had inserted a file's rows.
type insertClock struct {
	mu sync.Mutex
	at time.Time
}

func (c *insertClock) Enabled(context.Context, slog.Level) bool { return true }
func (c *insertClock) WithAttrs([]slog.Attr) slog.Handler       { return c }
func (c *insertClock) WithGroup(string) slog.Handler            { return c }
func (c *insertClock) Handle(_ context.Context, r slog.Record) error {
	if r.Message == "insert" {
		c.mu.Lock()
		c.at = time.Now()
		c.mu.Unlock()
	}
	return nil
}

// TestLedgerFinishedAfterWriting: a loaded file's finished_at in the ledger is after
// its rows were written, so finished_at - started_at is how long the load took (the
// expected time of the next load, the metrics). DuckDB's now() would give the moment
// its transaction began, before the writing.
func TestLedgerFinishedAfterWriting(t *testing.T) {
	db := openTestDB(t)
	clock := &insertClock{}
	_, err := Run(context.Background(), db, Options{Inbox: writeInbox(t, map[string]string{"verzuimmeldingen.csv": bigVerzuimCSV(0, 500)}),
		Key: testKey, Move: true, Logger: slog.New(clock)})
	if err != nil {
		t.Fatal(err)
	}
	var finished time.Time
	if err := db.QueryRow("select finished_at from etl_file where status = 'loaded'").Scan(&finished); err != nil {
		t.Fatal(err)
	}
	if clock.at.IsZero() {
		t.Fatal("the loader logged no insert")
	}
	if inserted := clock.at.Truncate(time.Microsecond); finished.Before(inserted) {
		t.Errorf("finished_at %s is before the rows were inserted (%s)", finished.Format(time.RFC3339Nano), inserted.Format(time.RFC3339Nano))
	}
}
