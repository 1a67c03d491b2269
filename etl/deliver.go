package etl

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/hetleerplein/leerplein/warehouse/bsnmask"
)

// A delivery is a set of files the server itself puts into a job's inbox: an upload
// through the API, or a rejected file moved back to be loaded again. Such a file is
// complete the moment it appears in the inbox — it was written elsewhere on the same
// file system and renamed in — so the run the delivery starts takes it at once, without
// the stable-after wait that protects files others are still copying in. A delivered
// file that changes after it was placed loses that exemption and waits like any other.

// stagingDir is the directory below an inbox where uploads are written until they are
// complete. It starts with a dot: the loader never looks into it (listInbox).
const stagingDir = ".upload"

// stagingStaleAfter is how long a file may lie untouched in the staging directory
// before it counts as the leftover of an upload that never finished (a crash): a
// running upload writes to its file all the time.
const stagingStaleAfter = 24 * time.Hour

// Placed is a file a delivery put into an inbox whole, as it was then.
type Placed struct {
	Name    string
	Size    int64
	ModTime time.Time
}

// Staged is a complete file in a job's staging directory (StagingDir) and the name it
// is to have in the inbox.
type Staged struct {
	Path string
	Name string
}

// RejectedFile is a file in a job's rejected/ directory, waiting to be corrected.
type RejectedFile struct {
	Name       string // as in rejected/; a possible BSN in it is masked
	Feed       string
	Size       int64
	RejectedAt time.Time // when it was moved there (its .reason.txt was written)
	Reason     string    // the first line of its .reason.txt, BSNs masked
	// Replaced says the file was written to after its rejection: someone put a
	// corrected version in its place.
	Replaced bool
}

// Errors of a delivery; a FileError names the file they are about.
var (
	// ErrFileWaiting: a file of that name is already waiting in the inbox; a delivery
	// never overwrites one.
	ErrFileWaiting = errors.New("etl: a file of that name is already waiting in the inbox")
	// ErrNotRejected: the job's rejected/ holds no such file.
	ErrNotRejected = errors.New("etl: no such file in the job's rejected/")
	// ErrRecentlyChanged: the file in rejected/ was written to within stable-after and
	// may still be being copied.
	ErrRecentlyChanged = errors.New("etl: the file was changed too recently to load it")
)

// FileError is a delivery refused because of one of its files.
type FileError struct {
	Name string // a possible BSN masked
	Err  error
}

func (e *FileError) Error() string { return fmt.Sprintf("%s: %v", e.Name, e.Err) }

func (e *FileError) Unwrap() error { return e.Err }

// FeedOf names the feed a file of this name loads into, or "" when the loader would not
// take it: no feed name at its start, a type it does not read, or a name it never picks
// up (hidden, .tmp, .part, .reason.txt).
func FeedOf(name string) string {
	if ignoredName(name) {
		return ""
	}
	if _, err := fileFormat(name); err != nil {
		return ""
	}
	f, ok := recognise(name)
	if !ok {
		return ""
	}
	return f.name
}

// plainName says whether name is one file name of the inbox itself, not a path.
func plainName(name string) bool {
	return name != "" && name != "." && name != ".." && !strings.ContainsAny(name, "/\\\x00")
}

// StagingDir returns the job's staging directory, made if needed: on the inbox's file
// system, so a complete upload moves into the inbox by a rename. It refuses a staging
// path that is not a real directory (a symbolic link planted there).
func (s *Scheduler) StagingDir(job string) (string, error) {
	j, ok := s.jobs[job]
	if !ok {
		return "", fmt.Errorf("%w: %q", ErrUnknownJob, job)
	}
	dir := filepath.Join(j.Inbox, stagingDir)
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return "", fmt.Errorf("etl: staging directory of %q: %w", job, err)
	}
	info, err := os.Lstat(dir)
	if err != nil {
		return "", fmt.Errorf("etl: staging directory of %q: %w", job, err)
	}
	if !info.IsDir() {
		return "", fmt.Errorf("etl: staging directory of %q: %s is not a directory (a link?); remove it", job, dir)
	}
	return dir, nil
}

// Deliver moves complete files from the staging directory into the job's inbox and
// starts a run that loads them at once. The job is reserved first, so no run of it can
// start while the files go in; then each file is moved under its name without
// overwriting anything (a name already waiting is a FileError with ErrFileWaiting, and
// the files moved before it go back): all of them arrive, or none. ErrJobRunning means
// a run of the job is going and nothing was moved.
func (s *Scheduler) Deliver(job string, files []Staged) (int64, error) {
	if len(files) == 0 {
		return 0, errors.New("etl: deliver: no files")
	}
	for _, f := range files {
		if !plainName(f.Name) || FeedOf(f.Name) == "" {
			return 0, fmt.Errorf("etl: deliver: %q is not the name of a feed file", bsnmask.Mask(f.Name))
		}
	}
	return s.start(job, func(j Job) ([]Placed, error) {
		staging := filepath.Join(j.Inbox, stagingDir)
		var placed []Placed
		undo := func() {
			for i, p := range placed {
				if err := os.Rename(filepath.Join(j.Inbox, p.Name), files[i].Path); err != nil {
					s.cfg.Logger.Error("deliver: take back a delivered file", "job", j.Name, "file", bsnmask.Mask(p.Name), "error", err)
				}
			}
		}
		for _, f := range files {
			if filepath.Dir(f.Path) != staging {
				undo()
				return nil, fmt.Errorf("etl: deliver: %s is not in the staging directory of %q", bsnmask.Mask(f.Path), j.Name)
			}
			info, err := os.Lstat(f.Path)
			if err == nil && !info.Mode().IsRegular() {
				err = errors.New("not a regular file")
			}
			if err != nil {
				undo()
				return nil, fmt.Errorf("etl: deliver %s: staged file: %w", bsnmask.Mask(f.Name), bsnmask.Error(err))
			}
			if err := moveNoReplace(f.Path, filepath.Join(j.Inbox, f.Name)); err != nil {
				undo()
				return nil, &FileError{Name: bsnmask.Mask(f.Name), Err: err}
			}
			placed = append(placed, Placed{Name: f.Name, Size: info.Size(), ModTime: info.ModTime()})
		}
		syncDir(j.Inbox)
		return placed, nil
	})
}

// runSuffix matches the name moveTo gives a file when rejected/ already held its name:
// x.run12.csv for x.csv rejected in run 12.
var runSuffix = regexp.MustCompile(`^(.+)\.run[0-9]+(\.[^.]+)$`)

// originalName is the name a file of rejected/ was delivered under.
func originalName(name string) string {
	if m := runSuffix.FindStringSubmatch(name); m != nil && FeedOf(m[1]+m[2]) != "" {
		return m[1] + m[2]
	}
	return name
}

// Rejected lists the files in the job's rejected/ directory, in order of name.
func (s *Scheduler) Rejected(job string) ([]RejectedFile, error) {
	j, ok := s.jobs[job]
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrUnknownJob, job)
	}
	dir := filepath.Join(j.Inbox, "rejected")
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return []RejectedFile{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("etl: read rejected/ of %q: %w", job, err)
	}
	out := []RejectedFile{}
	for _, e := range entries {
		feed := FeedOf(e.Name())
		if !e.Type().IsRegular() || feed == "" {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue // removed while listing
		}
		rf := RejectedFile{Name: bsnmask.Mask(e.Name()), Feed: feed, Size: info.Size(), RejectedAt: info.ModTime()}
		if rinfo, err := os.Lstat(filepath.Join(dir, e.Name()+".reason.txt")); err == nil && rinfo.Mode().IsRegular() {
			rf.RejectedAt = rinfo.ModTime()
			rf.Replaced = !untouchedSince(filepath.Join(dir, e.Name()), info)
			rf.Reason = readReason(filepath.Join(dir, e.Name()+".reason.txt"))
		}
		out = append(out, rf)
	}
	return out, nil
}

// untouchedSince says whether the rejected file at path (as info) is as the loader left
// it: not changed after its .reason.txt was written. Change times, not modification
// times: the loader sets a rejected file's modification time from the fine clock, the
// kernel stamps the reason's from a coarser one, and no writer can set a change time.
func untouchedSince(path string, info os.FileInfo) bool {
	reason, err := os.Lstat(path + ".reason.txt")
	return err == nil && !stateOf(info).ctime.After(stateOf(reason).ctime)
}

// lastChange is the later of a file's modification and change times.
func lastChange(info os.FileInfo) time.Time {
	st := stateOf(info)
	if st.ctime.After(st.mtime) {
		return st.ctime
	}
	return st.mtime
}

// readReason reads the first line of a .reason.txt, at most 4 KiB of it.
func readReason(path string) string {
	fh, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer fh.Close()
	buf := make([]byte, 4<<10)
	n, _ := fh.Read(buf)
	line, _, _ := strings.Cut(string(buf[:n]), "\n")
	return bsnmask.Mask(strings.TrimSpace(line))
}

// Reload moves a file of the job's rejected/ back into its inbox, under the name it was
// delivered with, and starts a run that loads it; it returns that name and the run id.
// The earlier rejection stays in the ledger; its .reason.txt goes (a new rejection
// writes a new one). A file written to within the job's stable-after since its
// rejection may still be being copied in: ErrRecentlyChanged, try again shortly.
func (s *Scheduler) Reload(job, file string) (string, int64, error) {
	if !plainName(file) || FeedOf(file) == "" {
		return "", 0, &FileError{Name: bsnmask.Mask(file), Err: ErrNotRejected}
	}
	name := originalName(file)
	id, err := s.start(job, func(j Job) ([]Placed, error) {
		rejected := filepath.Join(j.Inbox, "rejected")
		if info, err := os.Lstat(rejected); err != nil || !info.IsDir() {
			return nil, &FileError{Name: bsnmask.Mask(file), Err: ErrNotRejected}
		}
		src := filepath.Join(rejected, file)
		before, err := os.Lstat(src)
		if err != nil || !before.Mode().IsRegular() {
			return nil, &FileError{Name: bsnmask.Mask(file), Err: ErrNotRejected}
		}
		if !untouchedSince(src, before) && time.Since(lastChange(before)) < j.StableAfter {
			return nil, &FileError{Name: bsnmask.Mask(file), Err: ErrRecentlyChanged}
		}
		dst := filepath.Join(j.Inbox, name)
		if err := moveNoReplace(src, dst); err != nil {
			return nil, &FileError{Name: bsnmask.Mask(name), Err: err}
		}
		if err := os.Remove(src + ".reason.txt"); err != nil && !errors.Is(err, fs.ErrNotExist) {
			s.cfg.Logger.Warn("reload: remove the old .reason.txt", "job", j.Name, "file", bsnmask.Mask(file), "error", err)
		}
		syncDir(j.Inbox)
		after, err := os.Lstat(dst)
		if err != nil || after.Size() != before.Size() || !after.ModTime().Equal(before.ModTime()) {
			return nil, nil // written to meanwhile: the run's stability rule decides
		}
		return []Placed{{Name: name, Size: after.Size(), ModTime: after.ModTime()}}, nil
	})
	if err != nil {
		return "", 0, err
	}
	s.cfg.Logger.Info("rejected file moved back into the inbox to be loaded again", "job", job,
		"file", bsnmask.Mask(file), "as", bsnmask.Mask(name), "run_id", id)
	return name, id, nil
}

// errExists is moveNoReplace's answer when the destination exists.
var errExists = ErrFileWaiting

// moveNoReplace moves src to dst on the same file system, never replacing what is at
// dst (a file, or a symbolic link planted there): a hard link fails when dst exists.
// On a file system without hard links it checks and renames; the job is reserved, so
// only an outside writer could slip in between.
func moveNoReplace(src, dst string) error {
	err := os.Link(src, dst)
	switch {
	case err == nil:
		if err := os.Remove(src); err != nil {
			os.Remove(dst) // keep the one copy where it was
			return err
		}
		return nil
	case errors.Is(err, fs.ErrExist):
		return errExists
	}
	if _, err := os.Lstat(dst); err == nil {
		return errExists
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return os.Rename(src, dst)
}

// syncDir makes the renames in dir durable; a failure costs only durability.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}

// splitReady is splitStable, except that the placed files still as they were placed
// are taken at once; the result stays in order of name.
func splitReady(files []inboxFile, placed []Placed, stableAfter time.Duration, now time.Time) ([]inboxFile, []FileResult) {
	var ready, rest []inboxFile
	for _, f := range files {
		if isPlaced(f, placed) {
			ready = append(ready, f)
		} else {
			rest = append(rest, f)
		}
	}
	stable, waiting := splitStable(rest, stableAfter, now)
	if len(ready) > 0 {
		stable = append(stable, ready...)
		sort.Slice(stable, func(i, j int) bool { return stable[i].name < stable[j].name })
	}
	return stable, waiting
}

func isPlaced(f inboxFile, placed []Placed) bool {
	for _, p := range placed {
		if p.Name == f.name && p.Size == f.size && p.ModTime.Equal(f.mtime) {
			return true
		}
	}
	return false
}

// cleanStaging removes what uploads that never finished (a crashed server) left in the
// inbox's staging directory; they may hold raw BSNs.
func cleanStaging(inbox string, now time.Time, log *slog.Logger) {
	dir := filepath.Join(inbox, stagingDir)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		info, err := e.Info()
		if err != nil || !e.Type().IsRegular() || now.Sub(info.ModTime()) < stagingStaleAfter {
			continue
		}
		if err := os.Remove(filepath.Join(dir, e.Name())); err != nil {
			log.Warn("upload: remove an unfinished upload", "file", e.Name(), "error", err)
			continue
		}
		log.Info("upload: removed an unfinished upload", "inbox", inbox, "file", e.Name())
	}
}
