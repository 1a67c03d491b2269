package etl

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/hetleerplein/leerplein/warehouse/tekst"
)

// inboxFile is a candidate file in an inbox.
type inboxFile struct {
	name  string
	path  string
	size  int64
	mtime time.Time
}

// splitStable separates the files whose modification time lies at least stableAfter
// before now from the ones that may still be being written.
func splitStable(files []inboxFile, stableAfter time.Duration, now time.Time) (stable []inboxFile, waiting []FileResult) {
	for _, f := range files {
		if age := now.Sub(f.mtime); age < stableAfter {
			w := FileResult{Name: f.name, Status: StatusWaiting}
			w.because(tekst.New(tekst.NogNietStabiel, age.Round(time.Second), stableAfter))
			waiting = append(waiting, w)
			continue
		}
		stable = append(stable, f)
	}
	return stable, waiting
}

// listInbox returns the regular files of dir in lexicographic order of their names,
// leaving out hidden files and files still being written (.tmp, .part).
func listInbox(dir string) ([]inboxFile, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("etl: read inbox: %w", err)
	}
	var files []inboxFile
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || ignoredName(name) {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue // removed while listing
		}
		files = append(files, inboxFile{name: name, path: filepath.Join(dir, name), size: info.Size(), mtime: info.ModTime()})
	}
	sort.Slice(files, func(i, j int) bool { return files[i].name < files[j].name })
	return files, nil
}

// ignoredName tells names the loader never picks up: hidden files, partial uploads and
// the .reason.txt files it writes itself.
func ignoredName(name string) bool {
	lower := strings.ToLower(name)
	return strings.HasPrefix(name, ".") || strings.HasSuffix(lower, ".tmp") ||
		strings.HasSuffix(lower, ".part") || strings.HasSuffix(lower, ".reason.txt")
}

// moveTo moves a handled file into dir (processed/ or rejected/) below the inbox, without
// overwriting an earlier file of the same name, and returns its new path.
func moveTo(path, dir string, runID int64) (string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	name := filepath.Base(path)
	dst := filepath.Join(dir, name)
	if _, err := os.Stat(dst); err == nil {
		ext := filepath.Ext(name)
		dst = filepath.Join(dir, fmt.Sprintf("%s.run%d%s", strings.TrimSuffix(name, ext), runID, ext))
	}
	if err := os.Rename(path, dst); err != nil {
		return "", err
	}
	return dst, nil
}
