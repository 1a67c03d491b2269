package etl

import (
	"context"
	"os"
	"path/filepath"
	"time"

	"github.com/hetleerplein/leerplein/warehouse/tekst"
)

// changed gives up on a file that changed under its load: whatever of it was written
// is rolled back (the caller's transaction), and the ledger and the log say that it
// stays in the inbox for the next run.
func (l *loader) changed(ctx context.Context, res FileResult, p *pinned, start time.Time) (FileResult, error) {
	res = FileResult{Name: res.Name, Feed: res.Feed, Status: StatusWaiting}
	res.because(tekst.New(tekst.VeranderdTijdensLaden))
	l.opts.Logger.Warn("file changed during its load; nothing of it loaded, left in the inbox for the next run",
		"run_id", l.runID, "file", res.Name)
	err := l.record(ctx, &res, "", p.state.size, start)
	res.Duration = time.Since(start)
	return res, err
}

// move moves a handled file to processed/ or rejected/, but only while it still holds
// the bytes that were handled.
func (l *loader) move(p *pinned, res *FileResult) error {
	if !l.opts.Move {
		return nil
	}
	var dir string
	switch res.Status {
	case StatusLoaded, StatusSkipped:
		dir = filepath.Join(l.opts.Inbox, "processed")
	case StatusRejected:
		dir = filepath.Join(l.opts.Inbox, "rejected")
	default:
		return nil
	}
	if !p.unchanged() {
		// Only a file that changed after its commit gets here: what was loaded stays
		// loaded, and the next run reads the new bytes (their rows replace these).
		l.opts.Logger.Warn("file changed after its load was committed; left in the inbox for the next run",
			"run_id", l.runID, "file", res.Name)
		res.because(tekst.New(tekst.VeranderdNaLaden))
		return nil
	}
	dst, err := moveTo(p.path, dir, l.runID)
	if err != nil {
		return err
	}
	l.keepPrivate(dir, dst)
	if res.Status == StatusRejected {
		return os.WriteFile(dst+".reason.txt", []byte(res.Reason+"\n"), 0o600)
	}
	return nil
}

// keepPrivate makes a file just moved into dir (processed/ or rejected/) its owner's
// only, as dir itself, since it holds raw BSNs, and sets its modification time to now:
// its retention counts from the move, not from when the sender wrote it. A file the
// loader may move but not change (another user's upload) keeps its mode and time; the
// log says so.
func (l *loader) keepPrivate(dir, file string) {
	if info, err := os.Stat(dir); err == nil && info.Mode().Perm()&0o077 != 0 {
		if err := os.Chmod(dir, 0o700); err != nil {
			l.opts.Logger.Warn("handled files: cannot make the directory private", "dir", dir, "error", err)
		}
	}
	if err := os.Chmod(file, 0o600); err != nil {
		l.opts.Logger.Warn("handled file: cannot make it private", "file", filepath.Base(file), "error", err)
	}
	now := time.Now()
	if err := os.Chtimes(file, now, now); err != nil {
		l.opts.Logger.Warn("handled file: cannot set its time; its retention counts from its own modification time",
			"file", filepath.Base(file), "error", err)
	}
}
