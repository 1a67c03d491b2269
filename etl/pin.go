package etl

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
	"time"
)

// errChanged says the file changed while it was being loaded: the load rolls back and
// the file stays in the inbox for the next run.
var errChanged = errors.New("etl: the file changed during the load")

// fileState identifies a file's bytes without reading them: the inode, the size, and
// the modification and change times. Every write changes ctime (which, unlike mtime, no
// writer can set back), and a file renamed over the path has another inode.
type fileState struct {
	dev, ino     uint64
	size         int64
	mtime, ctime time.Time
}

// stateOf reads the state from a stat result.
func stateOf(info os.FileInfo) fileState {
	st := fileState{size: info.Size(), mtime: info.ModTime()}
	if sys, ok := info.Sys().(*syscall.Stat_t); ok {
		st.dev, st.ino = uint64(sys.Dev), sys.Ino
		st.ctime = time.Unix(sys.Ctim.Sec, sys.Ctim.Nsec)
	}
	return st
}

func (a fileState) equal(b fileState) bool {
	return a.dev == b.dev && a.ino == b.ino && a.size == b.size && a.mtime.Equal(b.mtime) && a.ctime.Equal(b.ctime)
}

// pinned is an inbox file held open for its load. Its state is taken once, when it is
// opened; the hash reads exactly that many bytes from the same descriptor, and
// unchanged tells, before the commit and before the file is moved, whether the file
// at the path is still those bytes. The readers (DuckDB, excelize) read the path in
// between: if the state is the same afterwards, they read the bytes that were hashed.
type pinned struct {
	fh    *os.File
	path  string
	state fileState
}

// pin opens the file and records its state.
func pin(path string) (*pinned, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	info, err := fh.Stat()
	if err != nil {
		fh.Close()
		return nil, err
	}
	return &pinned{fh: fh, path: path, state: stateOf(info)}, nil
}

// close releases the descriptor.
func (p *pinned) close() { p.fh.Close() }

// hash returns the SHA-256 of exactly the bytes the file had when it was pinned; a file
// cut shorter since is errChanged.
func (p *pinned) hash() (string, error) {
	h := sha256.New()
	n, err := io.Copy(h, io.NewSectionReader(p.fh, 0, p.state.size))
	if err != nil {
		return "", err
	}
	if n != p.state.size {
		return "", fmt.Errorf("%w: %d bytes where it had %d", errChanged, n, p.state.size)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// unchanged tells whether the path still holds the file as it was pinned: the same
// inode, not written to since.
func (p *pinned) unchanged() bool {
	held, err := p.fh.Stat()
	if err != nil || !stateOf(held).equal(p.state) {
		return false
	}
	now, err := os.Stat(p.path)
	return err == nil && stateOf(now).equal(p.state)
}
