package etl

import (
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"time"
)

// DefaultRetention is how long handled files stay in an inbox's processed/ and
// rejected/: they hold raw BSNs, and the warehouse keeps what was loaded from them.
const DefaultRetention = 30 * 24 * time.Hour

// handledDirs are the directories below an inbox the loader moves files into.
var handledDirs = []string{"processed", "rejected"}

// CleanInbox removes the regular files in inbox's processed/ and rejected/ that were
// last modified more than retention before now (the loader sets a file's modification
// time when it moves it there), and returns their names ("processed/x.csv"). It logs
// each name, never a file's contents; a file it cannot remove is logged and left.
func CleanInbox(inbox string, retention time.Duration, now time.Time, log *slog.Logger) []string {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if retention <= 0 {
		retention = DefaultRetention
	}
	cutoff := now.Add(-retention)
	var removed []string
	for _, sub := range handledDirs {
		dir := filepath.Join(inbox, sub)
		entries, err := os.ReadDir(dir)
		if err != nil {
			if !errors.Is(err, fs.ErrNotExist) {
				log.Error("retention: read directory", "dir", dir, "error", err)
			}
			continue
		}
		for _, e := range entries {
			if !e.Type().IsRegular() {
				continue
			}
			info, err := e.Info()
			if err != nil || !info.ModTime().Before(cutoff) {
				continue
			}
			name := sub + "/" + e.Name()
			if err := os.Remove(filepath.Join(dir, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
				log.Error("retention: remove", "file", name, "error", err)
				continue
			}
			log.Info("retention: removed a handled file past its retention", "inbox", inbox, "file", name,
				"retention_days", int(retention/(24*time.Hour)))
			removed = append(removed, name)
		}
	}
	sort.Strings(removed)
	return removed
}
