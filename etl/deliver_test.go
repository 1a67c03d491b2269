package etl

import (
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hetleerplein/leerplein/warehouse"
)

// deliverJob is a scheduler whose one job waits an hour for a file to be stable: only a
// delivered file can load at once.
func deliverJob(t *testing.T) (*Scheduler, *warehouse.DB, string) {
	t.Helper()
	return deliverJobStable(t, time.Hour)
}

// deliverJobStable is deliverJob with another stability wait.
func deliverJobStable(t *testing.T, stable time.Duration) (*Scheduler, *warehouse.DB, string) {
	t.Helper()
	db := openTestDB(t)
	inbox := t.TempDir()
	s, err := NewScheduler(SchedulerConfig{DB: db, Key: testKey,
		Jobs: []Job{{Name: "upload", Schedule: "@yearly", Inbox: inbox, StableAfter: stable}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Stop)
	return s, db, inbox
}

// stageUpload writes content as a complete upload in the job's staging directory.
func stageUpload(t *testing.T, s *Scheduler, name, content string) Staged {
	t.Helper()
	dir, err := s.StagingDir("upload")
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.CreateTemp(dir, "upload-*.part")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(content); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return Staged{Path: f.Name(), Name: name}
}

// finished waits for the job's run to end and returns the ledger's files of run id as
// "name status".
func finished(t *testing.T, s *Scheduler, db *warehouse.DB, id int64) []string {
	t.Helper()
	waitFor(t, 20*time.Second, "the run finished", func() bool { return !s.Jobs()[0].Running })
	return queryStrings(t, db, `select file_name || ' ' || status from etl_file where run_id = ? order by file_name`, id)
}

func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

// TestDeliverLoadsAtOnce: a delivered file is complete when it appears in the inbox,
// so its run loads it without the hour's stability wait; a file that an outside writer
// just dropped beside it still waits.
func TestDeliverLoadsAtOnce(t *testing.T) {
	s, db, inbox := deliverJob(t)
	if err := os.WriteFile(filepath.Join(inbox, "verzuimmeldingen_schijf.csv"), []byte(verzuimFile("s", 3)), 0o600); err != nil {
		t.Fatal(err)
	}
	id, err := s.Deliver("upload", []Staged{stageUpload(t, s, "verzuimmeldingen_upload.csv", verzuimFile("u", 5))})
	if err != nil {
		t.Fatal(err)
	}
	got := finished(t, s, db, id)
	if want := []string{"verzuimmeldingen_upload.csv loaded"}; !slices.Equal(got, want) {
		t.Errorf("ledger of run %d: got %v, want %v (the disk file waits for stable-after)", id, got, want)
	}
	if got := names(t, filepath.Join(inbox, "processed")); !slices.Equal(got, []string{"verzuimmeldingen_upload.csv"}) {
		t.Errorf("processed/: got %v", got)
	}
	if got := names(t, filepath.Join(inbox, stagingDir)); len(got) != 0 {
		t.Errorf("staging directory after the delivery: got %v, want empty", got)
	}
}

// TestDeliverAllOrNothing: a name already waiting in the inbox, or a link planted
// under it, refuses the whole delivery: nothing is overwritten or followed, the files
// moved before it go back, no run is recorded.
func TestDeliverAllOrNothing(t *testing.T) {
	for _, tc := range []struct {
		name  string
		plant func(t *testing.T, path string)
	}{
		{"a file waiting", func(t *testing.T, path string) {
			if err := os.WriteFile(path, []byte("van de schijf"), 0o600); err != nil {
				t.Fatal(err)
			}
		}},
		{"a link planted", func(t *testing.T, path string) {
			if err := os.Symlink(filepath.Join(t.TempDir(), "elders.csv"), path); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, db, inbox := deliverJob(t)
			tc.plant(t, filepath.Join(inbox, "verzuimmeldingen_b.csv"))
			a := stageUpload(t, s, "verzuimmeldingen_a.csv", verzuimFile("a", 2))
			b := stageUpload(t, s, "verzuimmeldingen_b.csv", verzuimFile("b", 2))
			_, err := s.Deliver("upload", []Staged{a, b})
			var fe *FileError
			if !errors.As(err, &fe) || !errors.Is(err, ErrFileWaiting) || fe.Name != "verzuimmeldingen_b.csv" {
				t.Fatalf("Deliver: got %v, want a FileError for verzuimmeldingen_b.csv wrapping ErrFileWaiting", err)
			}
			if got := names(t, inbox); !slices.Equal(got, []string{stagingDir, "verzuimmeldingen_b.csv"}) {
				t.Errorf("inbox: got %v, want only the planted file", got)
			}
			for _, f := range []Staged{a, b} {
				if _, err := os.Stat(f.Path); err != nil {
					t.Errorf("staged %s: %v (it should be back in staging)", f.Name, err)
				}
			}
			if n := queryInt(t, db, "select count(*) from etl_run"); n != 0 {
				t.Errorf("runs: got %d, want 0", n)
			}
		})
	}
}

// TestDeliverRefused: a running job, an unknown job, a name that is a path or no feed,
// or a file from outside the staging directory move nothing.
func TestDeliverRefused(t *testing.T) {
	s, db, inbox := deliverJob(t)
	good := stageUpload(t, s, "verzuimmeldingen_a.csv", verzuimFile("a", 2))
	outside := filepath.Join(t.TempDir(), "verzuimmeldingen_x.csv")
	if err := os.WriteFile(outside, []byte(verzuimFile("x", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		job   string
		files []Staged
		want  error
	}{
		{"unknown job", "bestaat_niet", []Staged{good}, ErrUnknownJob},
		{"a path as name", "upload", []Staged{{Path: good.Path, Name: "../verzuimmeldingen_a.csv"}}, nil},
		{"no feed", "upload", []Staged{{Path: good.Path, Name: "notities.csv"}}, nil},
		{"a hidden name", "upload", []Staged{{Path: good.Path, Name: ".verzuimmeldingen.csv"}}, nil},
		{"outside staging", "upload", []Staged{{Path: outside, Name: "verzuimmeldingen_x.csv"}}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.Deliver(tc.job, tc.files)
			if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) {
				t.Errorf("Deliver: got %v, want an error (%v)", err, tc.want)
			}
		})
	}
	t.Run("job running", func(t *testing.T) {
		s.mu.Lock()
		s.running["upload"] = true
		s.mu.Unlock()
		_, err := s.Deliver("upload", []Staged{good})
		s.mu.Lock()
		s.running["upload"] = false
		s.mu.Unlock()
		if !errors.Is(err, ErrJobRunning) {
			t.Errorf("Deliver: got %v, want ErrJobRunning", err)
		}
	})
	if got := names(t, inbox); !slices.Equal(got, []string{stagingDir}) {
		t.Errorf("inbox: got %v, want nothing delivered", got)
	}
	if n := queryInt(t, db, "select count(*) from etl_run"); n != 0 {
		t.Errorf("runs: got %d, want 0", n)
	}
}

// TestStagingDirRefusesLink: a link planted at the staging path is not written through.
func TestStagingDirRefusesLink(t *testing.T) {
	s, _, inbox := deliverJob(t)
	if err := os.Symlink(t.TempDir(), filepath.Join(inbox, stagingDir)); err != nil {
		t.Fatal(err)
	}
	if dir, err := s.StagingDir("upload"); err == nil {
		t.Errorf("StagingDir: got %s, want an error for a link", dir)
	}
}

// TestReloadRejected walks the steward's load-again: a rejected file listed with its
// reason, loaded again unchanged (rejected again: both rejections stay in the ledger),
// then replaced on disk (refused while it may still be being copied) and loaded.
func TestReloadRejected(t *testing.T) {
	const stable = time.Second
	s, db, inbox := deliverJobStable(t, stable)
	const name = "verzuimmeldingen_2025.csv"
	broken := csvLines("melding_id;geboortedatum", "m1;01-01-2010")
	id1, err := s.Deliver("upload", []Staged{stageUpload(t, s, name, broken)})
	if err != nil {
		t.Fatal(err)
	}
	finished(t, s, db, id1)
	rej, err := s.Rejected("upload")
	if err != nil {
		t.Fatal(err)
	}
	if len(rej) != 1 || rej[0].Name != name || rej[0].Feed != "verzuimmeldingen" || rej[0].Replaced ||
		!strings.Contains(rej[0].Reason, "ontbreken") {
		t.Fatalf("Rejected: got %+v, want %s with its reason, not replaced", rej, name)
	}

	got, id2, err := s.Reload("upload", name)
	if err != nil || got != name {
		t.Fatalf("Reload unchanged: got %q, %v", got, err)
	}
	if files := finished(t, s, db, id2); !slices.Equal(files, []string{name + " rejected"}) {
		t.Errorf("run %d: got %v, want the file rejected again", id2, files)
	}

	rejected := filepath.Join(inbox, "rejected", name)
	if err := os.WriteFile(rejected, []byte(verzuimFile("r", 4)), 0o600); err != nil {
		t.Fatal(err)
	}
	if rej, _ := s.Rejected("upload"); len(rej) != 1 || !rej[0].Replaced {
		t.Errorf("Rejected after the replacement: got %+v, want it marked replaced", rej)
	}
	if _, _, err := s.Reload("upload", name); !errors.Is(err, ErrRecentlyChanged) {
		t.Fatalf("Reload just after the replacement: got %v, want ErrRecentlyChanged", err)
	}
	time.Sleep(stable) // the replacement is now stable
	_, id3, err := s.Reload("upload", name)
	if err != nil {
		t.Fatalf("Reload after the replacement: %v", err)
	}
	if files := finished(t, s, db, id3); !slices.Equal(files, []string{name + " loaded"}) {
		t.Errorf("run %d: got %v, want the replaced file loaded", id3, files)
	}
	history := queryStrings(t, db, `select run_id || ' ' || status from etl_file where file_name = ? order by run_id`, name)
	want := []string{itoa(id1) + " rejected", itoa(id2) + " rejected", itoa(id3) + " loaded"}
	if !slices.Equal(history, want) {
		t.Errorf("ledger history: got %v, want %v", history, want)
	}
	if got := names(t, filepath.Join(inbox, "rejected")); len(got) != 0 {
		t.Errorf("rejected/ after the load: got %v, want empty (the .reason.txt goes with the file)", got)
	}
	if _, _, err := s.Reload("upload", name); !errors.Is(err, ErrNotRejected) {
		t.Errorf("Reload of a file no longer rejected: got %v, want ErrNotRejected", err)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestReloadRunSuffix: a file rejected while rejected/ held its name got ".runN"; it
// goes back into the inbox under the name it was delivered with.
func TestReloadRunSuffix(t *testing.T) {
	s, db, inbox := deliverJob(t)
	broken := csvLines("melding_id;geboortedatum", "m1;01-01-2010")
	const name = "verzuimmeldingen_b.csv"
	id1, err := s.Deliver("upload", []Staged{stageUpload(t, s, name, broken)})
	if err != nil {
		t.Fatal(err)
	}
	finished(t, s, db, id1)
	id2, err := s.Deliver("upload", []Staged{stageUpload(t, s, name, broken+"\r\n")})
	if err != nil {
		t.Fatalf("a second upload under the name of a rejected file: %v", err)
	}
	finished(t, s, db, id2)
	suffixed := "verzuimmeldingen_b.run" + itoa(id2) + ".csv"
	if got := names(t, filepath.Join(inbox, "rejected")); !slices.Contains(got, suffixed) {
		t.Fatalf("rejected/: got %v, want %s in it", got, suffixed)
	}
	got, id3, err := s.Reload("upload", suffixed)
	if err != nil || got != name {
		t.Fatalf("Reload %s: got %q, %v; want it back as %s", suffixed, got, err, name)
	}
	finished(t, s, db, id3)
	// The other rejected copy is still there; loading it again now finds the name free.
	if _, _, err := s.Reload("upload", name); err != nil {
		t.Errorf("Reload of the first copy: %v", err)
	}
}

// TestReloadRefusesLinks: a link in rejected/ is not a rejected file.
func TestReloadRefusesLinks(t *testing.T) {
	s, _, inbox := deliverJob(t)
	if err := os.MkdirAll(filepath.Join(inbox, "rejected"), 0o700); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(t.TempDir(), "geheim.csv")
	if err := os.WriteFile(target, []byte(verzuimFile("g", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, filepath.Join(inbox, "rejected", "verzuimmeldingen_link.csv")); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"verzuimmeldingen_link.csv", "../rejected/verzuimmeldingen_link.csv", "notities.txt"} {
		if _, _, err := s.Reload("upload", name); !errors.Is(err, ErrNotRejected) {
			t.Errorf("Reload %s: got %v, want ErrNotRejected", name, err)
		}
	}
	if got := names(t, inbox); !slices.Equal(got, []string{"rejected"}) {
		t.Errorf("inbox: got %v, want nothing moved", got)
	}
}

// TestSplitReady: a placed file is taken at once only while it is as it was placed.
func TestSplitReady(t *testing.T) {
	now := time.Now()
	files := []inboxFile{
		{name: "a.csv", size: 10, mtime: now},
		{name: "b.csv", size: 10, mtime: now},
		{name: "c.csv", size: 10, mtime: now.Add(-time.Hour)},
		{name: "d.csv", size: 11, mtime: now},
	}
	placed := []Placed{{Name: "b.csv", Size: 10, ModTime: now}, {Name: "d.csv", Size: 10, ModTime: now}}
	stable, waiting := splitReady(files, placed, time.Minute, now)
	var got, wait []string
	for _, f := range stable {
		got = append(got, f.name)
	}
	for _, f := range waiting {
		wait = append(wait, f.Name)
	}
	if !slices.Equal(got, []string{"b.csv", "c.csv"}) || !slices.Equal(wait, []string{"a.csv", "d.csv"}) {
		t.Errorf("splitReady: stable %v, waiting %v; want [b.csv c.csv] and [a.csv d.csv] (d changed since placed)", got, wait)
	}
}

// TestCleanStaging removes only what an unfinished upload left long ago.
func TestCleanStaging(t *testing.T) {
	inbox := t.TempDir()
	dir := filepath.Join(inbox, stagingDir)
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"upload-oud.part", "upload-nieuw.part"} {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-stagingStaleAfter - time.Minute)
	if err := os.Chtimes(filepath.Join(dir, "upload-oud.part"), old, old); err != nil {
		t.Fatal(err)
	}
	cleanStaging(inbox, time.Now(), slog.New(slog.DiscardHandler))
	if got := names(t, dir); !slices.Equal(got, []string{"upload-nieuw.part"}) {
		t.Errorf("staging after the clean-up: got %v, want only the fresh upload", got)
	}
}

func TestOriginalName(t *testing.T) {
	for in, want := range map[string]string{
		"verzuimmeldingen_b.run12.csv": "verzuimmeldingen_b.csv",
		"verzuimmeldingen_b.csv":       "verzuimmeldingen_b.csv",
		"leerlingen.run3.xlsx":         "leerlingen.xlsx",
		"leerlingen.runx.xlsx":         "leerlingen.runx.xlsx",
	} {
		if got := originalName(in); got != want {
			t.Errorf("originalName(%q): got %q, want %q", in, got, want)
		}
	}
}
