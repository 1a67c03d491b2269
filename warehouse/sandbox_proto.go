package warehouse

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// The protocol between the server and a sandbox worker process. The server writes JSON
// requests to the worker's stdin, one per line; the worker answers on stdout in frames:
// a kind byte, a big-endian uint32 length and the payload. One query runs at a time:
//
//	server → worker   {"op":"open",…} once, then {"op":"query",…}, {"op":"describe",…}
//	                  and {"op":"cancel",…}
//	worker → server   'R' ready | 'E' error (after open)
//	                  per query: 'H' header, 'A'… Arrow IPC stream bytes, 'D' done | 'E' error
//	                  per describe: 'H' header (columns, parameter types), 'D' done | 'E' error
//
// Closing the worker's stdin ends it.

// Frame kinds.
const (
	frameReady  = 'R'
	frameHeader = 'H'
	frameArrow  = 'A'
	frameDone   = 'D'
	frameError  = 'E'
)

// maxFrame bounds one frame: Arrow bytes come in pieces of at most arrowFrame, the
// other frames are small JSON. A larger frame is a broken worker.
const (
	arrowFrame = 1 << 20
	maxFrame   = arrowFrame + 64<<10
)

// workerRequest is one message to the worker.
type workerRequest struct {
	Op string `json:"op"` // open, query, describe or cancel

	// open
	Path        string   `json:"path,omitempty"`
	MemoryLimit string   `json:"memory_limit,omitempty"` // DuckDB's own limit
	DataLimit   int64    `json:"data_limit,omitempty"`   // RLIMIT_DATA of the process, bytes
	Threads     int      `json:"threads,omitempty"`
	Hide        []string `json:"hide,omitempty"`  // server paths no answer may contain
	Words       []string `json:"words,omitempty"` // user and host names, removed from errors

	// query and cancel
	ID        int64  `json:"id,omitempty"`
	Query     string `json:"query,omitempty"`
	MaxRows   int    `json:"max_rows,omitempty"`
	MaxBytes  int64  `json:"max_bytes,omitempty"`
	TimeoutMS int64  `json:"timeout_ms,omitempty"`
}

// workerHeader starts a query's answer: its columns.
type workerHeader struct {
	Columns []SQLColumn `json:"columns"`
	Params  []string    `json:"params,omitempty"` // of a describe
}

// workerDone ends a query's answer.
type workerDone struct {
	Rows      int64 `json:"rows"`
	Truncated bool  `json:"truncated"`
	// CutAtBytes: the result was cut because it reached the byte cap (not the row cap).
	CutAtBytes bool `json:"cut_at_bytes,omitempty"`
}

// Kinds of a worker's error frame; they map to the sandbox's error types.
const (
	errKindRefused = "refused"
	errKindQuery   = "query"
	errKindTimeout = "timeout"
	errKindMemory  = "memory"
	errKindOther   = "other"
)

// workerError is a failed open or query.
type workerError struct {
	Kind string `json:"kind"`
	Msg  string `json:"msg"`
}

// frameWriter writes frames to the worker's stdout.
type frameWriter struct {
	w *bufio.Writer
}

func (f *frameWriter) frame(kind byte, payload []byte) error {
	var hdr [5]byte
	hdr[0] = kind
	binary.BigEndian.PutUint32(hdr[1:], uint32(len(payload)))
	if _, err := f.w.Write(hdr[:]); err != nil {
		return err
	}
	_, err := f.w.Write(payload)
	return err
}

func (f *frameWriter) json(kind byte, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return f.frame(kind, b)
}

// flush sends what is buffered.
func (f *frameWriter) flush() error { return f.w.Flush() }

// arrowWriter is the io.Writer the worker's Arrow IPC writer writes to: the bytes go
// out as 'A' frames of at most arrowFrame bytes (the IPC writer's many small writes
// are gathered). It counts what it took.
type arrowWriter struct {
	f       *frameWriter
	buf     []byte
	written int64
}

func (a *arrowWriter) Write(p []byte) (int, error) {
	n := len(p)
	a.written += int64(n)
	for len(p) > 0 {
		k := min(len(p), arrowFrame-len(a.buf))
		a.buf = append(a.buf, p[:k]...)
		p = p[k:]
		if len(a.buf) == arrowFrame {
			if err := a.flush(); err != nil {
				return 0, err
			}
		}
	}
	return n, nil
}

// flush sends what is gathered as one frame.
func (a *arrowWriter) flush() error {
	if len(a.buf) == 0 {
		return nil
	}
	err := a.f.frame(frameArrow, a.buf)
	a.buf = a.buf[:0]
	return err
}

// errBadFrame is a frame the server cannot accept: the worker is broken.
var errBadFrame = errors.New("warehouse: sandbox worker: malformed answer")

// readFrameHeader reads a frame's kind and length.
func readFrameHeader(r io.Reader) (byte, int, error) {
	var hdr [5]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return 0, 0, err
	}
	n := binary.BigEndian.Uint32(hdr[1:])
	if n > maxFrame {
		return 0, 0, fmt.Errorf("%w: a frame of %d bytes", errBadFrame, n)
	}
	return hdr[0], int(n), nil
}

// readJSONFrame reads a frame's payload of n bytes into v.
func readJSONFrame(r io.Reader, n int, v any) error {
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%w: %v", errBadFrame, err)
	}
	return nil
}
