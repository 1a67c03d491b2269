package etl

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestRetentionRemovesOldHandledFiles: a run first removes the files of processed/ and
// rejected/ older than the retention (they hold raw BSNs), logging their names only; a
// file it moves there now counts its retention from the move, even when the sender gave
// it an old modification time.
func TestRetentionRemovesOldHandledFiles(t *testing.T) {
	db := openTestDB(t)
	inbox := t.TempDir()
	now := time.Now()
	day := 24 * time.Hour
	files := map[string]time.Duration{ // path below the inbox → age
		"processed/verzuimmeldingen_oud.csv":              31 * day,
		"processed/verzuimmeldingen_recent.csv":           29 * day,
		"rejected/maatregelen_kapot.csv":                  31 * day,
		"rejected/maatregelen_kapot.csv.reason.txt":       31 * day,
		"rejected/leerlingen_gisteren.xlsx":               day,
		"processed/archief/verzuimmeldingen_oud.csv":      90 * day, // not ours: a directory below processed/
		"verzuimmeldingen_laat_geleverd.csv":              60 * day, // delivered with an old time: loaded, kept
		"notities_oud.txt":                                90 * day, // unrecognised, in the inbox: never removed
		"processed/.verborgen":                            31 * day,
		"rejected/vsv_cijfers_2019.csv.run3.csv":          45 * day,
		"processed/verzuimmeldingen_precies_30_dagen.csv": 30*day - time.Minute,
	}
	for name, age := range files {
		path := filepath.Join(inbox, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			t.Fatal(err)
		}
		body := "synthetisch\n"
		if name == "verzuimmeldingen_laat_geleverd.csv" {
			body = verzuimFile("l", 3)
		}
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(path, now.Add(-age), now.Add(-age)); err != nil {
			t.Fatal(err)
		}
	}
	var logBuf bytes.Buffer
	sum, err := Run(context.Background(), db, Options{Inbox: inbox, Key: testKey, Move: true, Retention: 30 * day,
		Logger: slog.New(slog.NewTextHandler(&logBuf, nil))})
	if err != nil {
		t.Fatal(err)
	}
	wantRemoved := []string{"processed/.verborgen", "processed/verzuimmeldingen_oud.csv", "rejected/maatregelen_kapot.csv",
		"rejected/maatregelen_kapot.csv.reason.txt", "rejected/vsv_cijfers_2019.csv.run3.csv"}
	if !slices.Equal(sum.Removed, wantRemoved) {
		t.Errorf("removed %q, want %q", sum.Removed, wantRemoved)
	}
	for name := range files {
		_, err := os.Stat(filepath.Join(inbox, name))
		gone := err != nil
		if gone != slices.Contains(wantRemoved, name) && name != "verzuimmeldingen_laat_geleverd.csv" {
			t.Errorf("%s: removed = %v, want %v", name, gone, !gone)
		}
		if slices.Contains(wantRemoved, name) && !strings.Contains(logBuf.String(), "file="+name) {
			t.Errorf("the log does not name the removed %s", name)
		}
	}
	if strings.Contains(logBuf.String(), "synthetisch") {
		t.Errorf("the log shows a removed file's contents")
	}
	moved := filepath.Join(inbox, "processed", "verzuimmeldingen_laat_geleverd.csv")
	info, err := os.Stat(moved)
	if err != nil {
		t.Fatalf("the late delivery was not loaded and moved: %v", err)
	}
	if time.Since(info.ModTime()) > time.Minute {
		t.Errorf("the moved file keeps its sender's time %s; its retention must count from the move", info.ModTime())
	}
	// The default retention is 30 days too; nothing is left to remove.
	sum = runInbox(t, db, inbox)
	if len(sum.Removed) != 0 || sum.Retention != DefaultRetention || DefaultRetention != 30*day {
		t.Errorf("second run removed %q with retention %s, want nothing with the default of 30 days", sum.Removed, sum.Retention)
	}
}

// TestSchedulerRemovesOldHandledFiles: the scheduler cleans its jobs' inboxes when it
// starts (and hourly), not only when a job runs.
func TestSchedulerRemovesOldHandledFiles(t *testing.T) {
	db := openTestDB(t)
	inbox := t.TempDir()
	old := filepath.Join(inbox, "rejected", "leerlingen_oud.csv")
	os.MkdirAll(filepath.Dir(old), 0o700)
	if err := os.WriteFile(old, []byte("synthetisch\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	then := time.Now().Add(-49 * time.Hour)
	os.Chtimes(old, then, then)
	s, err := NewScheduler(SchedulerConfig{DB: db, Key: testKey, Retention: 48 * time.Hour,
		Jobs: []Job{{Name: "j", Schedule: "@yearly", Inbox: inbox}}})
	if err != nil {
		t.Fatal(err)
	}
	s.Start()
	defer s.Stop()
	if _, err := os.Stat(old); err == nil {
		t.Errorf("a rejected file past the retention of 2 days is still there after the scheduler started")
	}
}
