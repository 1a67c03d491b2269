package warehouse_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/hetleerplein/leerplein/warehouse"
)

// wantMode fails when path's permission bits differ from want.
func wantMode(t *testing.T, path string, want fs.FileMode) {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Errorf("%s: %v", filepath.Base(path), err)
		return
	}
	if got := info.Mode().Perm(); got != want {
		t.Errorf("%s has mode %04o, want %04o", filepath.Base(path), got, want)
	}
}

// TestFilesAreOwnerOnly: the warehouse, its directory, a backup, a snapshot and the
// analysts' sandbox files are for their owner only, whatever the umask (here the
// usual 022; the command sets 077 besides). A warehouse made readable before is
// tightened when it is opened.
func TestFilesAreOwnerOnly(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "data", "leerplein.duckdb")
	db, err := warehouse.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	wantMode(t, filepath.Dir(path), 0o700)
	wantMode(t, path, 0o600)

	backup, err := warehouse.Backup(ctx, db, filepath.Join(dir, "backups", "2026-01-01"))
	if err != nil {
		t.Fatal(err)
	}
	wantMode(t, filepath.Join(dir, "backups"), 0o700)
	wantMode(t, filepath.Dir(backup), 0o700)
	wantMode(t, backup, 0o600)

	snapshot := filepath.Join(dir, "analist-eigen.duckdb")
	if err := db.Snapshot(ctx, snapshot); err != nil {
		t.Fatal(err)
	}
	wantMode(t, snapshot, 0o600)

	p, err := warehouse.NewPublisher(db, filepath.Join(filepath.Dir(path), warehouse.SandboxFile), warehouse.SandboxConfig{}, time.Hour, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Publish(ctx); err != nil {
		t.Fatal(err)
	}
	wantMode(t, p.Path(), 0o600)
	wantMode(t, p.Path()+".stamp", 0o600)
	wantMode(t, filepath.Join(filepath.Dir(path), ".analist-sandbox"), 0o700)
	copies, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".analist-sandbox", "*", warehouse.SandboxFile))
	if len(copies) == 0 {
		t.Error("no sandbox copy found")
	}
	for _, c := range copies {
		wantMode(t, filepath.Dir(c), 0o700)
		wantMode(t, c, 0o600)
	}
	p.Close()
	db.Close()

	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	db, err = warehouse.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	wantMode(t, path, 0o600)
}
