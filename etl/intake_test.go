package etl

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hetleerplein/leerplein/warehouse"
)

// countLines counts the data lines (all lines but the header) of a CSV file.
func countLines(t *testing.T, path string) int64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var n int64
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		n++
	}
	return n - 1
}

func sha256File(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// growingFile writes a verzuimmeldingen CSV of 20,000 rows into inbox and goes on
// appending ten rows every millisecond until the returned stop is called.
func growingFile(t *testing.T, inbox string) (path string, stop func()) {
	t.Helper()
	path = filepath.Join(inbox, "verzuimmeldingen_groeit.csv")
	fh, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString(verzuimHeader + "\r\n")
	for i := range 20000 {
		b.WriteString(verzuimRow(fmt.Sprintf("a%d", i), testBSN(i%500), nil) + "\r\n")
	}
	if _, err := fh.WriteString(b.String()); err != nil {
		t.Fatal(err)
	}
	quit := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer fh.Close()
		for i := 0; ; i++ {
			select {
			case <-quit:
				return
			default:
			}
			var chunk strings.Builder
			for j := range 10 {
				chunk.WriteString(verzuimRow(fmt.Sprintf("g%d_%d", i, j), testBSN((i*10+j)%500), nil) + "\r\n")
			}
			if _, err := fh.WriteString(chunk.String()); err != nil {
				t.Error(err)
				return
			}
			time.Sleep(time.Millisecond)
		}
	}()
	var once sync.Once
	stop = func() { once.Do(func() { close(quit); wg.Wait() }) }
	t.Cleanup(stop)
	return path, stop
}

// TestAppendDuringLoadNeverLoadsPart loads a CSV that a writer is still appending to:
// every run must see that the file changed under the load (or is not yet stable), roll
// back and leave it in the inbox. Once the writer is done, a run loads every row. Before
// the fix a run without a stability wait loaded the rows written so far and moved the
// file to processed/, where the writer went on appending. The same holds for a job's
// run started by the scheduler (POST /api/v1/jobs/{name}/run).
func TestAppendDuringLoadNeverLoadsPart(t *testing.T) {
	tests := []struct {
		name string
		run  func(t *testing.T, db *warehouse.DB, inbox string) []FileResult
	}{
		{"etl.Run without a stability wait", func(t *testing.T, db *warehouse.DB, inbox string) []FileResult {
			sum, err := Run(context.Background(), db, Options{Inbox: inbox, Key: testKey, Move: true})
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			return sum.Files
		}},
		{"scheduler RunNow, stable after 1 ms", func(t *testing.T, db *warehouse.DB, inbox string) []FileResult {
			s, err := NewScheduler(SchedulerConfig{DB: db, Key: testKey,
				Jobs: []Job{{Name: "j", Schedule: "@yearly", Inbox: inbox, StableAfter: time.Millisecond}}})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Stop()
			id, err := s.RunNow("j")
			if err != nil {
				t.Fatal(err)
			}
			waitFor(t, 10*time.Second, "the run finished", func() bool { return !s.Jobs()[0].Running })
			var files []FileResult
			for _, st := range queryStrings(t, db, "select status from etl_file where run_id = ?", id) {
				files = append(files, FileResult{Status: st})
			}
			if len(files) == 0 { // not yet stable: not in the ledger
				files = append(files, FileResult{Status: StatusWaiting})
			}
			return files
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := openTestDB(t)
			inbox := t.TempDir()
			path, stop := growingFile(t, inbox)
			for i := range 3 {
				files := tt.run(t, db, inbox)
				if len(files) != 1 || files[0].Status != StatusWaiting {
					t.Errorf("run %d while the file grows: %+v, want the file left as %s", i, files, StatusWaiting)
				}
				if n := queryInt(t, db, "select count(*) from fact_verzuimmelding"); n != 0 {
					t.Errorf("run %d while the file grows loaded %d rows, want none", i, n)
				}
				if _, err := os.Stat(path); err != nil {
					t.Fatalf("run %d moved the growing file out of the inbox: %v", i, err)
				}
			}
			stop()
			if t.Failed() {
				return
			}
			rows := countLines(t, path)
			want := sha256File(t, path)
			time.Sleep(5 * time.Millisecond)
			tt.run(t, db, inbox)
			if n := queryInt(t, db, "select count(*) from fact_verzuimmelding"); n != rows {
				t.Fatalf("run after the writer finished loaded %d rows, want all %d", n, rows)
			}
			moved := filepath.Join(inbox, "processed", "verzuimmeldingen_groeit.csv")
			if got := sha256File(t, moved); got != want {
				t.Errorf("processed/ holds other bytes than the loaded file")
			}
			if got := queryStrings(t, db, "select sha256 from etl_file where status = 'loaded'"); len(got) != 1 || got[0] != want {
				t.Errorf("ledger sha256 = %v, want the hash of the bytes in processed/", got)
			}
			// Rolled-back attempts are in the ledger for the steward, with a Dutch reason.
			for _, r := range queryStrings(t, db, "select reason from etl_file where status = 'waiting'") {
				if !strings.Contains(r, "veranderde tijdens het laden") {
					t.Errorf("ledger reason %q does not say (in Dutch) that the file changed during the load", r)
				}
			}
		})
	}
}

// TestFileChangedBeforeCommitRollsBack changes the real file at the last moment, after
// every row was written in the transaction and just before the commit: the load rolls
// back and the file stays in the inbox; the next run loads it whole.
func TestFileChangedBeforeCommitRollsBack(t *testing.T) {
	const rows = 500
	change := map[string]func(t *testing.T, path string){
		"appended": func(t *testing.T, path string) {
			f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if _, err := f.WriteString(verzuimRow("laat", testBSN(7), nil) + "\r\n"); err != nil {
				t.Fatal(err)
			}
		},
		"replaced, same size and time": func(t *testing.T, path string) {
			info, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			// The same length: one report id replaced by another of the same width.
			old := verzuimRow("m0", testBSN(0), nil)
			repl := verzuimRow("x0", testBSN(0), nil)
			b = []byte(strings.Replace(string(b), old, repl, 1))
			tmp := path + ".tmp"
			if err := os.WriteFile(tmp, b, 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chtimes(tmp, info.ModTime(), info.ModTime()); err != nil {
				t.Fatal(err)
			}
			if err := os.Rename(tmp, path); err != nil {
				t.Fatal(err)
			}
		},
	}
	for name, fn := range change {
		t.Run(name, func(t *testing.T) {
			db := openTestDB(t)
			inbox := writeInbox(t, map[string]string{"verzuimmeldingen_a.csv": verzuimFile("m", rows)})
			path := filepath.Join(inbox, "verzuimmeldingen_a.csv")
			changed := false
			sum, err := Run(context.Background(), db, Options{Inbox: inbox, Key: testKey, Move: true,
				Progress: func(_ string, _, _ int, label string) {
					if label == "committing" && !changed {
						changed = true
						fn(t, path)
					}
				}})
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			if !changed {
				t.Fatal("the load never reached the commit")
			}
			if len(sum.Files) != 1 || sum.Files[0].Status != StatusWaiting || !strings.Contains(sum.Files[0].Reason, "veranderde tijdens het laden") {
				t.Fatalf("files = %+v, want the file left waiting because it changed during the load", sum.Files)
			}
			for _, q := range []string{"select count(*) from fact_verzuimmelding", "select count(*) from etl_quarantine",
				"select count(*) from etl_file where status = 'loaded'"} {
				if n := queryInt(t, db, q); n != 0 {
					t.Errorf("%s = %d after the rollback, want 0", q, n)
				}
			}
			if n := queryInt(t, db, "select count(*) from etl_file where status = 'waiting' and run_id = ?", sum.RunID); n != 1 {
				t.Errorf("%d waiting ledger entries for the run, want 1", n)
			}
			if _, err := os.Stat(path); err != nil {
				t.Fatalf("the changed file left the inbox: %v", err)
			}
			if _, err := os.Stat(filepath.Join(inbox, "processed")); err == nil {
				entries, _ := os.ReadDir(filepath.Join(inbox, "processed"))
				if len(entries) > 0 {
					t.Errorf("processed/ holds %d file(s) after the rollback, want none", len(entries))
				}
			}
			want := countLines(t, path)
			sum = runInbox(t, db, inbox)
			if len(sum.Files) != 1 || sum.Files[0].Status != StatusLoaded || sum.Files[0].New != want {
				t.Errorf("next run = %+v, want all %d rows loaded", sum.Files, want)
			}
		})
	}
}

// TestNotYetStableIsReportedInDutch leaves a file modified within StableAfter in the
// inbox, out of the ledger, with a Dutch reason.
func TestNotYetStableIsReportedInDutch(t *testing.T) {
	db := openTestDB(t)
	inbox := writeInbox(t, map[string]string{"verzuimmeldingen_a.csv": verzuimFile("m", 3)})
	sum, err := Run(context.Background(), db, Options{Inbox: inbox, Key: testKey, Move: true, StableAfter: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Files) != 1 || sum.Files[0].Status != StatusWaiting || !strings.Contains(sum.Files[0].Reason, "nog niet stabiel") {
		t.Errorf("files = %+v, want the file waiting, 'nog niet stabiel'", sum.Files)
	}
	if _, err := os.Stat(filepath.Join(inbox, "verzuimmeldingen_a.csv")); err != nil {
		t.Errorf("the file left the inbox: %v", err)
	}
}
