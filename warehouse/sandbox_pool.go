package warehouse

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"os/user"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/apache/arrow-go/v18/arrow/ipc"
)

// SandboxConfig bounds the analysts' SQL sandbox as the server runs it: in worker
// processes, one query each, with a hard memory limit per process. The zero value of a
// field means its default.
type SandboxConfig struct {
	// Timeout stops a query that runs longer (the worker is killed when the query does
	// not stop within KillGrace). Default 30 s.
	Timeout time.Duration
	// Memory is the hard memory limit of all worker processes together (DuckDB size
	// syntax, "2GB"); each of the Workers gets an equal share as its data limit
	// (RLIMIT_DATA, on top of what the Go runtime maps at its start), and DuckDB's own
	// memory_limit in it is three quarters of that. A result is built in DuckDB's
	// memory before it is sent, so that also bounds one result. Default 2GB.
	Memory string
	// Workers is how many queries run at once, one worker process each. Default 4.
	Workers int
	// Threads DuckDB may use in one worker. Default the number of CPUs, at most 4.
	Threads int
	// QueueWait is how long a query waits for a free worker before it is refused as
	// busy (ErrSandboxBusy). Default 10 s.
	QueueWait time.Duration
	// MaxResultBytes caps one result (Arrow bytes); a larger result is cut, like at
	// the row cap. Default 256 MiB.
	MaxResultBytes int64
	// KillGrace is how long a query may take to stop after its time limit or its
	// client went away, before its worker is killed. Default 2 s.
	KillGrace time.Duration
	// Command starts a worker: a program and its arguments that end up in
	// RunSandboxWorker. Default: this executable with SandboxWorkerArg.
	Command []string
}

func (c SandboxConfig) withDefaults() SandboxConfig {
	if c.Timeout <= 0 {
		c.Timeout = 30 * time.Second
	}
	if c.Memory == "" {
		c.Memory = "2GB"
	}
	if c.Workers <= 0 {
		c.Workers = 4
	}
	if c.Threads <= 0 {
		c.Threads = min(runtime.NumCPU(), 4)
	}
	if c.QueueWait <= 0 {
		c.QueueWait = 10 * time.Second
	}
	if c.MaxResultBytes <= 0 {
		c.MaxResultBytes = 256 << 20
	}
	if c.KillGrace <= 0 {
		c.KillGrace = 2 * time.Second
	}
	if len(c.Command) == 0 {
		if exe, err := os.Executable(); err == nil {
			c.Command = []string{exe, SandboxWorkerArg}
		}
	}
	return c
}

// Check reports a configuration the sandbox cannot run: a memory size it cannot read,
// or too little of it per worker.
func (c SandboxConfig) Check() error {
	_, err := c.withDefaults().workerMemory()
	return err
}

// minWorkerMemory is the smallest share of memory a worker can open DuckDB in.
const minWorkerMemory = 128 << 20

// workerMemory is each worker's share of Memory, in bytes.
func (c SandboxConfig) workerMemory() (int64, error) {
	total, err := ParseSize(c.Memory)
	if err != nil {
		return 0, fmt.Errorf("warehouse: sandbox: memory %q: use a size such as 512MB or 2GB", c.Memory)
	}
	share := total / int64(c.Workers)
	if share < minWorkerMemory {
		return 0, fmt.Errorf("warehouse: sandbox: memory %s for %d workers is %d MB each; each needs at least %d MB",
			c.Memory, c.Workers, share>>20, minWorkerMemory>>20)
	}
	return share, nil
}

// ParseSize reads a size in DuckDB's syntax ("512MB", "2GB", "1.5GiB"): KB, MB, GB
// and TB are powers of 1000, KiB to TiB powers of 1024.
func ParseSize(s string) (int64, error) {
	if !memoryLimitPattern.MatchString(strings.TrimSpace(s)) {
		return 0, fmt.Errorf("%q is not a size such as 512MB or 2GB", s)
	}
	t := strings.TrimSpace(s)
	i := strings.IndexFunc(t, func(r rune) bool { return !(r >= '0' && r <= '9' || r == '.') })
	num, unit := t[:i], strings.ToUpper(strings.TrimSpace(t[i:]))
	f, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a size such as 512MB or 2GB", s)
	}
	mult := map[string]float64{"B": 1, "KB": 1e3, "MB": 1e6, "GB": 1e9, "TB": 1e12,
		"KIB": 1 << 10, "MIB": 1 << 20, "GIB": 1 << 30, "TIB": 1 << 40}[unit]
	v := f * mult
	if v >= math.MaxInt64 {
		return 0, fmt.Errorf("%q is too large", s)
	}
	return int64(v), nil
}

// BusyError refuses a query because every worker was in use for the whole QueueWait.
type BusyError struct {
	Wait time.Duration
}

// Error is for the analyst.
func (e *BusyError) Error() string {
	return "bezet: alle sandbox-plaatsen zijn in gebruik, probeer het over een minuut opnieuw"
}

// CrashError is a worker that ended during a query for another reason than its memory
// limit; the query is lost, the next one gets a new worker.
type CrashError struct {
	Detail string // the worker's last output, for the log
}

// Error is for the analyst.
func (e *CrashError) Error() string {
	return "de sandbox stopte onverwacht tijdens de query en wordt opnieuw gestart; de query is afgebroken"
}

// generation is the sandbox over one snapshot copy: the worker processes that have it
// open. A publish swaps in a new generation; the old one closes once its queries are
// done.
type generation struct {
	p    *Publisher
	path string // the snapshot copy the workers open

	mu       sync.Mutex
	idle     []*worker
	inFlight int
	closed   bool
	quiet    *sync.Cond
}

func newGeneration(p *Publisher, path string) *generation {
	g := &generation{p: p, path: path}
	g.quiet = sync.NewCond(&g.mu)
	return g
}

// begin counts a query in; false when the generation is closing.
func (g *generation) begin() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return false
	}
	g.inFlight++
	return true
}

func (g *generation) end() {
	g.mu.Lock()
	g.inFlight--
	if g.inFlight == 0 {
		g.quiet.Broadcast()
	}
	g.mu.Unlock()
}

// get returns an idle worker or starts one.
func (g *generation) get() (*worker, error) {
	g.mu.Lock()
	if n := len(g.idle); n > 0 {
		w := g.idle[n-1]
		g.idle = g.idle[:n-1]
		g.mu.Unlock()
		return w, nil
	}
	g.mu.Unlock()
	return g.start()
}

// start starts a worker on this generation's snapshot.
func (g *generation) start() (*worker, error) {
	return startWorker(g.p.cfg.Command, g.p.openRequest(g.path))
}

// put takes a worker back after a query; a broken one is ended, and a new one started
// in its place so the next query need not wait for it.
func (g *generation) put(w *worker) {
	g.mu.Lock()
	if !w.broken && !g.closed {
		g.idle = append(g.idle, w)
		g.mu.Unlock()
		return
	}
	replace := !g.closed && len(g.idle) == 0
	if replace {
		g.inFlight++ // the start counts as running: close waits for it
	}
	g.mu.Unlock()
	go w.stop()
	if replace {
		go func() {
			defer g.end()
			if nw, err := g.start(); err == nil {
				g.put(nw)
			} else {
				g.p.log.Warn("start a sandbox worker", "err", err)
			}
		}()
	}
}

// close waits until no query runs, ends the workers and removes the snapshot copy.
func (g *generation) close() error {
	g.mu.Lock()
	g.closed = true
	for g.inFlight > 0 {
		g.quiet.Wait()
	}
	idle := g.idle
	g.idle = nil
	g.mu.Unlock()
	for _, w := range idle {
		w.stop()
	}
	return os.RemoveAll(filepath.Dir(g.path))
}

// openRequest is what a new worker of path is told.
func (p *Publisher) openRequest(path string) workerRequest {
	hide := []string{filepath.Dir(path), filepath.Dir(p.path)}
	if real, err := filepath.EvalSymlinks(filepath.Dir(path)); err == nil {
		hide = append(hide, real, filepath.Dir(real), filepath.Dir(filepath.Dir(real)))
	}
	if wd, err := os.Getwd(); err == nil {
		hide = append(hide, wd)
	}
	if home, err := os.UserHomeDir(); err == nil {
		hide = append(hide, home)
	}
	if exe, err := os.Executable(); err == nil {
		hide = append(hide, filepath.Dir(exe))
	}
	var words []string
	if host, err := os.Hostname(); err == nil {
		words = append(words, host)
	}
	if u, err := user.Current(); err == nil {
		words = append(words, u.Username)
	} else if u := os.Getenv("USER"); u != "" {
		words = append(words, u)
	}
	return workerRequest{Op: "open", Path: path, MemoryLimit: fmt.Sprintf("%dMiB", p.share*3/4>>20),
		DataLimit: p.share, Threads: p.cfg.Threads, TimeoutMS: p.cfg.Timeout.Milliseconds(), Hide: hide, Words: words}
}

// query runs a query on a worker of g, within a place of the publisher, and spools its
// result to a file; the worker and the place are free again when it returns.
func (p *Publisher) query(ctx context.Context, g *generation, who, query string, maxRows int) (*SQLResult, error) {
	if err := p.places.acquire(ctx, who, p.cfg.QueueWait); err != nil {
		return nil, err
	}
	defer p.places.release(who)
	w, err := g.get()
	if err != nil {
		return nil, err
	}
	spool, err := os.CreateTemp(p.generationsDir(), "result-*.arrow")
	if err != nil {
		g.put(w)
		return nil, fmt.Errorf("warehouse: sandbox: spool: %w", err)
	}
	discard := func() {
		spool.Close()
		os.Remove(spool.Name())
	}
	bw := bufio.NewWriterSize(spool, 1<<20)
	req := workerRequest{Query: query, MaxRows: maxRows, MaxBytes: p.cfg.MaxResultBytes}
	a, cause := w.run(req, spoolWriter{bw}, p.cfg.Timeout, p.cfg.KillGrace, ctx.Done())
	err = p.answerError(w, a, cause)
	g.put(w)
	if err != nil {
		discard()
		return nil, err
	}
	if err := bw.Flush(); err != nil {
		discard()
		return nil, fmt.Errorf("warehouse: sandbox: spool: %w", err)
	}
	if _, err := spool.Seek(0, 0); err != nil {
		discard()
		return nil, fmt.Errorf("warehouse: sandbox: spool: %w", err)
	}
	rd, err := ipc.NewReader(bufio.NewReaderSize(spool, 1<<20))
	if err != nil {
		discard()
		return nil, fmt.Errorf("warehouse: sandbox: read the spooled result: %w", err)
	}
	return &SQLResult{Columns: a.header.Columns, reader: rd, maxRows: math.MaxInt64,
		knownTruncated: a.done.Truncated, cutAtBytes: a.done.CutAtBytes, release: discard}, nil
}

// answerError is the error of a query's answer, nil when it has its result.
func (p *Publisher) answerError(w *worker, a answer, cause string) error {
	var se *spoolError
	switch {
	case cause == "timeout":
		return &TimeoutError{Limit: p.cfg.Timeout}
	case cause == "cancelled":
		return context.Canceled
	case errors.As(a.err, &se):
		return fmt.Errorf("warehouse: sandbox: spool: %w", se.err)
	case a.err != nil: // the worker ended, or sent what it should not
		if w.crashedOfMemory() {
			return &MemoryError{Limit: fmt.Sprintf("%d MB", p.share>>20)}
		}
		detail := MaskBSN(w.stderr.String())
		p.log.Error("sandbox worker ended during a query", "pid", w.pid(), "exit", w.cmd.ProcessState.String(), "output", detail)
		return &CrashError{Detail: detail}
	case a.failed != nil:
		switch a.failed.Kind {
		case errKindRefused:
			return &RefusedError{Reason: a.failed.Msg}
		case errKindQuery:
			return &QueryError{Msg: a.failed.Msg}
		case errKindTimeout:
			return &TimeoutError{Limit: p.cfg.Timeout}
		case errKindMemory:
			// DuckDB survived, but what it and the C allocator kept from the attempt
			// would be missing for the next query: the next one gets a new worker.
			w.broken = true
			return &MemoryError{Limit: fmt.Sprintf("%d MB", p.share>>20)}
		}
		return fmt.Errorf("warehouse: sandbox: %s", a.failed.Msg)
	}
	return nil
}

// spoolWriter tags the errors of writing the spool file: they are the server's, not
// the worker's.
type spoolWriter struct{ w *bufio.Writer }

func (s spoolWriter) Write(p []byte) (int, error) {
	n, err := s.w.Write(p)
	if err != nil {
		err = &spoolError{err}
	}
	return n, err
}

type spoolError struct{ err error }

func (e *spoolError) Error() string { return e.err.Error() }

// ErrSandboxBusy is matched by a BusyError: every place was taken.
var ErrSandboxBusy = errors.New("warehouse: sandbox: busy")

// Is makes errors.Is(err, ErrSandboxBusy) true for a BusyError.
func (e *BusyError) Is(target error) bool { return target == ErrSandboxBusy }
