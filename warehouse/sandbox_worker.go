package warehouse

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/ipc"
)

// SandboxWorkerArg is the first argument that makes the leerplein binary a sandbox
// worker (the hidden command `leerplein sandbox-worker`). A test binary whose package
// starts a Publisher checks for it in TestMain and then calls RunSandboxWorker, so the
// tests run the real worker code in a real child process.
const SandboxWorkerArg = "sandbox-worker"

// sandboxWorkerEnv marks a worker's environment: a worker never starts workers, so a
// test binary without the TestMain hook cannot start itself over and over.
const sandboxWorkerEnv = "LEERPLEIN_SANDBOX_WORKER"

// Sizes of the result a worker sends: batches are cut to about resultChunk bytes, and a
// single row may not be larger than maxResultRow, so the server never holds more than
// one such batch of a result in memory while it sends it.
const (
	resultChunk  = 4 << 20
	maxResultRow = 16 << 20
)

// RunSandboxWorker is the body of a sandbox worker process: it limits its own memory,
// opens the snapshot named in the first request read-only, and then answers queries
// from stdin on stdout (sandbox_proto.go) until stdin closes.
func RunSandboxWorker(stdin io.Reader, stdout io.Writer) error {
	fw := &frameWriter{w: bufio.NewWriterSize(stdout, 256<<10)}
	dec := json.NewDecoder(bufio.NewReader(stdin))
	var open workerRequest
	if err := dec.Decode(&open); err != nil || open.Op != "open" {
		return fmt.Errorf("warehouse: sandbox worker: expected an open request on stdin (this command is started by leerplein serve)")
	}
	fail := func(err error) error {
		fw.json(frameError, workerError{Kind: errKindOther, Msg: err.Error()})
		fw.flush()
		return err
	}
	if err := limitProcess(open.DataLimit); err != nil {
		return fail(fmt.Errorf("warehouse: sandbox worker: limit the process: %w", err))
	}
	// Nothing in the sandbox may be found relative to where the server runs.
	if err := os.Chdir("/"); err != nil {
		return fail(err)
	}
	lim := SandboxLimits{Timeout: time.Duration(open.TimeoutMS) * time.Millisecond, MemoryLimit: open.MemoryLimit,
		Threads: open.Threads, MaxConcurrent: 1}
	sb, err := OpenSandbox(context.Background(), open.Path, lim)
	if err != nil {
		return fail(err)
	}
	defer sb.Close()
	sb.secrets = newServerSecrets(open.Hide, open.Words)
	if err := fw.json(frameReady, map[string]int{"pid": os.Getpid()}); err != nil {
		return err
	}
	if err := fw.flush(); err != nil {
		return err
	}

	reqs := make(chan workerRequest)
	go func() {
		defer close(reqs)
		for {
			var r workerRequest
			if err := dec.Decode(&r); err != nil {
				return
			}
			reqs <- r
		}
	}()
	// The server sends the next query once it has read the answer, which can be before
	// this loop has seen the query end: a query that comes in while one runs is next.
	var next *workerRequest
	nextCancelled := false
	for {
		var req workerRequest
		cancelled := false
		if next != nil {
			req, next, cancelled, nextCancelled = *next, nil, nextCancelled, false
		} else {
			r, ok := <-reqs
			if !ok {
				return nil
			}
			req = r
		}
		if req.Op != "query" && req.Op != "describe" {
			continue // a cancel that came after its query ended
		}
		ctx, cancel := context.WithCancel(context.Background())
		if cancelled {
			cancel()
		}
		done := make(chan error, 1)
		go func() {
			if req.Op == "describe" {
				done <- serveDescribe(ctx, sb, fw, req)
			} else {
				done <- serveQuery(ctx, sb, fw, req)
			}
		}()
	wait:
		for {
			select {
			case r, ok := <-reqs:
				switch {
				case !ok:
					cancel()
					return nil // the server is gone
				case r.Op == "cancel" && r.ID == req.ID:
					cancel()
				case r.Op == "cancel" && next != nil && r.ID == next.ID:
					nextCancelled = true
				case r.Op == "query" || r.Op == "describe":
					next = &r
				}
			case err := <-done:
				cancel()
				if err != nil {
					return err // stdout is gone
				}
				break wait
			}
		}
	}
}

// ServeSandboxWorkerIfAsked makes a test binary a sandbox worker when it was started as
// one (its first argument is SandboxWorkerArg): it serves until stdin closes and exits.
// Otherwise it returns at once. TestMain of a package that starts a Publisher calls it.
func ServeSandboxWorkerIfAsked() {
	if len(os.Args) < 2 || os.Args[1] != SandboxWorkerArg {
		return
	}
	if err := RunSandboxWorker(os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(0)
}

// serveQuery runs one query and writes its answer; an error is returned only when stdout
// fails.
func serveQuery(ctx context.Context, sb *Sandbox, fw *frameWriter, req workerRequest) error {
	werr := func(err error) error {
		if err := fw.json(frameError, classify(err, sb.secrets)); err != nil {
			return err
		}
		return fw.flush()
	}
	res, err := sb.Query(ctx, req.Query, req.MaxRows)
	if err != nil {
		return werr(err)
	}
	defer res.Close()
	for _, c := range res.Columns {
		if sb.secrets.containsPath([]byte(c.Name)) {
			return werr(errLeak)
		}
	}
	if err := fw.json(frameHeader, workerHeader{Columns: res.Columns}); err != nil {
		return err
	}
	aw := &arrowWriter{f: fw}
	iw := ipc.NewWriter(aw, ipc.WithSchema(res.Schema()))
	var rows int64
	cut := false
	for !cut && res.Next() {
		rec := res.RecordBatch()
		if sb.secrets.leaks(rec) {
			return werr(errLeak)
		}
		for _, ch := range chunkRows(rec) {
			if ch.bytes > maxResultRow && ch.to-ch.from == 1 {
				return werr(&QueryError{Msg: fmt.Sprintf("een rij van het resultaat is groter dan %d MB; "+
					"vraag minder of kortere waarden op", maxResultRow>>20)})
			}
			if aw.written+ch.bytes > req.MaxBytes {
				cut = true
				break
			}
			part := rec.NewSlice(ch.from, ch.to)
			err := iw.Write(part)
			part.Release()
			if err != nil {
				return err
			}
			rows += ch.to - ch.from
		}
	}
	if err := res.Err(); err != nil && !cut {
		return werr(err)
	}
	if err := iw.Close(); err != nil {
		return err
	}
	if err := aw.flush(); err != nil {
		return err
	}
	done := workerDone{Rows: rows, Truncated: cut || res.Truncated(), CutAtBytes: cut}
	if err := fw.json(frameDone, done); err != nil {
		return err
	}
	return fw.flush()
}

// errLeak refuses a result that holds a path of the server.
var errLeak = &RefusedError{Reason: "het resultaat bevat een pad van de server; zulke gegevens geeft de SQL-zandbak niet"}

// classify turns a sandbox error into the worker's error frame.
func classify(err error, secrets *serverSecrets) workerError {
	var refused *RefusedError
	var timeout *TimeoutError
	var mem *MemoryError
	var qe *QueryError
	switch {
	case errors.As(err, &refused):
		return workerError{Kind: errKindRefused, Msg: secrets.scrub(refused.Reason)}
	case errors.As(err, &timeout):
		return workerError{Kind: errKindTimeout}
	case errors.As(err, &mem):
		return workerError{Kind: errKindMemory}
	case errors.As(err, &qe):
		return workerError{Kind: errKindQuery, Msg: secrets.scrub(qe.Msg)}
	}
	return workerError{Kind: errKindOther, Msg: secrets.scrub(err.Error())}
}

// rowChunk is a run of rows of a batch and its estimated size in bytes.
type rowChunk struct {
	from, to int64
	bytes    int64
}

// chunkRows cuts a batch into runs of rows of about resultChunk bytes; a row larger
// than that is a run of its own.
func chunkRows(rec arrow.RecordBatch) []rowChunk {
	n := rec.NumRows()
	var total int64
	for _, col := range rec.Columns() {
		total += rangeBytes(col.Data(), 0, n)
	}
	if total <= resultChunk {
		return []rowChunk{{from: 0, to: n, bytes: total}} // the usual case: one look per column
	}
	var out []rowChunk
	cur := rowChunk{}
	for r := int64(0); r < n; r++ {
		var size int64
		for _, col := range rec.Columns() {
			size += rangeBytes(col.Data(), r, r+1)
		}
		if cur.to > cur.from && cur.bytes+size > resultChunk {
			out = append(out, cur)
			cur = rowChunk{from: r, to: r}
		}
		cur.to = r + 1
		cur.bytes += size
	}
	if cur.to > cur.from {
		out = append(out, cur)
	}
	return out
}
