package etl

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hetleerplein/leerplein/warehouse"
)

// verzuimFile is a verzuimmeldingen CSV with n synthetic rows whose ids start with prefix.
func verzuimFile(prefix string, n int) string {
	lines := []string{verzuimHeader}
	for i := range n {
		lines = append(lines, verzuimRow(fmt.Sprintf("%s%d", prefix, i), testBSN(i%500), nil))
	}
	return csvLines(lines...)
}

// newTestScheduler makes a scheduler with one job that fires every second.
func newTestScheduler(t *testing.T, db *warehouse.DB, inbox string, stable time.Duration, onLoad func()) *Scheduler {
	t.Helper()
	s, err := NewScheduler(SchedulerConfig{DB: db, Key: testKey, OnLoad: onLoad,
		Jobs: []Job{{Name: "gemeenten", Schedule: "* * * * * *", Inbox: inbox, StableAfter: stable, Feeds: []string{"verzuimmeldingen"}}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Stop)
	return s
}

// waitFor polls cond until it holds or the timeout passes.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after %s: %s did not happen", timeout, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestSchedulerLoadsStableFilesOnly(t *testing.T) {
	db := openTestDB(t)
	inbox := writeInbox(t, map[string]string{
		".verzuimmeldingen_hidden.csv":     verzuimFile("h", 3),
		"verzuimmeldingen_upload.csv.part": verzuimFile("p", 3),
		"verzuimmeldingen_copy.csv.tmp":    verzuimFile("t", 3),
		"verzuimmeldingen_copy.csv.TMP":    verzuimFile("u", 3),
	})
	// A file still being written: a line every 100 ms for 2.5 s.
	growing := filepath.Join(inbox, "verzuimmeldingen_groeit.csv")
	fh, err := os.Create(growing)
	if err != nil {
		t.Fatal(err)
	}
	fh.WriteString(verzuimHeader + "\r\n")
	var loads atomic.Int32
	s := newTestScheduler(t, db, inbox, time.Second, func() { loads.Add(1) })
	s.Start()
	const rows = 25
	for i := range rows {
		fh.WriteString(verzuimRow(fmt.Sprintf("g%d", i), testBSN(i), nil) + "\r\n")
		time.Sleep(100 * time.Millisecond)
		if n := queryInt(t, db, "select count(*) from etl_file where file_name = 'verzuimmeldingen_groeit.csv'"); n != 0 {
			t.Fatalf("after %d of %d lines the growing file is in the ledger %d time(s); want it left alone while written", i+1, rows, n)
		}
	}
	fh.Close()
	waitFor(t, 5*time.Second, "the finished file loaded", func() bool {
		return queryInt(t, db, "select count(*) from etl_file where status = 'loaded'") == 1
	})
	if got := queryInt(t, db, "select count(*) from fact_verzuimmelding"); got != rows {
		t.Errorf("fact rows = %d, want all %d lines of the finished file", got, rows)
	}
	if got := queryInt(t, db, "select count(*) from etl_run where job = 'gemeenten' and status = 'ok'"); got < 2 {
		t.Errorf("%d ok runs of the job, want at least 2 (runs while the file grew, then the load)", got)
	}
	// OnLoad runs after the run has committed its ledger, so wait for it rather than race it.
	waitFor(t, 5*time.Second, "OnLoad after the load", func() bool { return loads.Load() >= 1 })
	if loads.Load() != 1 {
		t.Errorf("OnLoad called %d times, want 1 (once per run that loaded a file)", loads.Load())
	}
	for _, name := range []string{".verzuimmeldingen_hidden.csv", "verzuimmeldingen_upload.csv.part", "verzuimmeldingen_copy.csv.tmp", "verzuimmeldingen_copy.csv.TMP"} {
		t.Run(name, func(t *testing.T) {
			if _, err := os.Stat(filepath.Join(inbox, name)); err != nil {
				t.Errorf("ignored file moved or removed: %v", err)
			}
			if n := queryInt(t, db, "select count(*) from etl_file where file_name = ?", name); n != 0 {
				t.Errorf("ledger has %d rows for %s, want 0", n, name)
			}
		})
	}
}

func TestSchedulerSkipsRunningJob(t *testing.T) {
	db := openTestDB(t)
	inbox := writeInbox(t, map[string]string{"verzuimmeldingen_a.csv": verzuimFile("a", 10)})
	s := newTestScheduler(t, db, inbox, time.Millisecond, nil)
	// Hold the writer lock: the first scheduled run starts and waits, so the job is
	// still running when the next seconds come.
	s.loadMu.Lock()
	s.Start()
	waitFor(t, 5*time.Second, "two skipped runs", func() bool {
		return queryInt(t, db, "select count(*) from etl_run where job = 'gemeenten' and status = 'skipped'") >= 2
	})
	if got := queryInt(t, db, "select count(*) from etl_run where job = 'gemeenten' and status = 'running'"); got != 1 {
		t.Errorf("%d runs in progress, want 1", got)
	}
	if _, err := s.RunNow("gemeenten"); !errors.Is(err, ErrJobRunning) {
		t.Errorf("RunNow while running: %v, want ErrJobRunning", err)
	}
	if st := s.Jobs()[0]; !st.Running || st.NextRun.IsZero() {
		t.Errorf("status while running = %+v, want running with a next run", st)
	}
	s.loadMu.Unlock()
	waitFor(t, 5*time.Second, "the file loaded", func() bool {
		return queryInt(t, db, "select count(*) from etl_file where status = 'loaded'") == 1
	})
	if got := queryInt(t, db, "select count(*) from fact_verzuimmelding"); got != 10 {
		t.Errorf("fact rows = %d, want 10 (loaded once)", got)
	}
}

func TestSchedulerRunNow(t *testing.T) {
	db := openTestDB(t)
	inbox := writeInbox(t, map[string]string{"verzuimmeldingen_a.csv": verzuimFile("a", 10)})
	s, err := NewScheduler(SchedulerConfig{DB: db, Key: testKey,
		Jobs: []Job{{Name: "handmatig", Schedule: "0 0 1 1 *", Inbox: inbox, StableAfter: time.Millisecond, ExpectEvery: time.Hour}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Stop)
	if _, err := s.RunNow("onbekend"); !errors.Is(err, ErrUnknownJob) {
		t.Errorf("RunNow(unknown) = %v, want ErrUnknownJob", err)
	}
	time.Sleep(5 * time.Millisecond)
	id, err := s.RunNow("handmatig")
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, 5*time.Second, "the run finished", func() bool { return !s.Jobs()[0].Running })
	st := s.Jobs()[0]
	if st.LastRunID != id || st.LastStatus != "ok" || st.LastSuccess.IsZero() || st.ExpectEvery != time.Hour {
		t.Errorf("status = %+v, want last run %d ok", st, id)
	}
	if got := queryInt(t, db, "select count(*) from etl_file where run_id = ? and status = 'loaded'", id); got != 1 {
		t.Errorf("run %d loaded %d files, want 1", id, got)
	}
	s.Stop()
	if _, err := s.RunNow("handmatig"); !errors.Is(err, ErrStopped) {
		t.Errorf("RunNow after Stop = %v, want ErrStopped", err)
	}
}

func TestSchedulerStopMidLoadIsAllOrNothing(t *testing.T) {
	db := openTestDB(t)
	const rows = 50000
	inbox := writeInbox(t, map[string]string{"verzuimmeldingen_groot.csv": verzuimFile("m", rows)})
	s, err := NewScheduler(SchedulerConfig{DB: db, Key: testKey,
		Jobs: []Job{{Name: "j", Schedule: "@yearly", Inbox: inbox, StableAfter: time.Millisecond}}})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(5 * time.Millisecond)
	id, err := s.RunNow("j")
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	s.Stop()
	got := queryInt(t, db, "select count(*) from fact_verzuimmelding")
	if got != 0 && got != rows {
		t.Errorf("after Stop mid-load the warehouse holds %d rows of the file, want 0 or %d", got, rows)
	}
	if st := queryStrings(t, db, "select status from etl_run where run_id = ?", id); len(st) != 1 || st[0] == "running" {
		t.Errorf("run status after Stop = %v, want it finished", st)
	}
	_, statErr := os.Stat(filepath.Join(inbox, "verzuimmeldingen_groot.csv"))
	if (got == 0) != (statErr == nil) {
		t.Errorf("rows %d, file still in inbox: %v; want the file left exactly when nothing loaded", got, statErr == nil)
	}
	t.Logf("stopped with %d rows loaded", got)
}

func TestParseScheduleFieldsAndZone(t *testing.T) {
	from := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC) // summer: Amsterdam is UTC+2
	tests := []struct {
		spec string
		want time.Time // next run after from, in UTC
	}{
		{"30 6 * * *", time.Date(2026, 7, 1, 4, 30, 0, 0, time.UTC)},
		{"15 30 6 * * *", time.Date(2026, 7, 1, 4, 30, 15, 0, time.UTC)},
		{"0 */15 * * * *", time.Date(2026, 7, 1, 0, 15, 0, 0, time.UTC)},
		{"@daily", time.Date(2026, 7, 1, 22, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			s, err := ParseSchedule(tt.spec)
			if err != nil {
				t.Fatal(err)
			}
			if got := s.Next(from).UTC(); !got.Equal(tt.want) {
				t.Errorf("next after %s = %s, want %s", from, got, tt.want)
			}
		})
	}
	for _, bad := range []string{"", "* * *", "0 0 0 * * * *", "61 * * * *"} {
		t.Run("bad "+bad, func(t *testing.T) {
			if _, err := ParseSchedule(bad); err == nil {
				t.Errorf("ParseSchedule(%q) succeeded, want an error", bad)
			}
		})
	}
}
