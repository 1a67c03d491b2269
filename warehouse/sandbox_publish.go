package warehouse

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	sqlfiles "github.com/hetleerplein/leerplein/sql"
)

// ErrNoSandbox is returned while the analysts' sandbox is not (yet) published.
var ErrNoSandbox = errors.New("warehouse: the SQL sandbox is not available yet")

// Publisher keeps the analysts' sandbox current and runs their queries: it writes the
// snapshot of the analyst views (DB.Snapshot) and swaps in a new generation of worker
// processes over it (sandbox_pool.go); the replaced generation ends once its running
// queries are done. It is safe for concurrent use.
type Publisher struct {
	db    *DB
	path  string
	cfg   SandboxConfig
	share int64 // each worker's memory, bytes
	log   *slog.Logger
	delay time.Duration
	// places hands out the workers (at most cfg.Workers queries run).
	places *places

	publishMu sync.Mutex // one publish at a time
	mu        sync.RWMutex
	current   *generation
	closed    bool
	kick      chan struct{}
}

// NewPublisher prepares a publisher that writes the snapshot to path (SandboxFile beside
// the warehouse). Loads in quick succession are published once, delay after the last.
// It fails on a configuration it cannot run (a memory size it cannot read or share).
func NewPublisher(db *DB, path string, cfg SandboxConfig, delay time.Duration, logger *slog.Logger) (*Publisher, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	cfg = cfg.withDefaults()
	share, err := cfg.workerMemory()
	if err != nil {
		return nil, err
	}
	if len(cfg.Command) == 0 {
		return nil, errors.New("warehouse: sandbox: no worker command, and this executable cannot be found")
	}
	// The workers run in /, not in the server's directory: they get absolute paths.
	path, err = filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("warehouse: sandbox: %w", err)
	}
	return &Publisher{db: db, path: path, cfg: cfg, share: share, log: logger, delay: delay,
		places: newPlaces(cfg.Workers), kick: make(chan struct{}, 1)}, nil
}

// Path is the snapshot file.
func (p *Publisher) Path() string { return p.path }

// Config is the sandbox configuration, defaults filled in.
func (p *Publisher) Config() SandboxConfig { return p.cfg }

// WorkerMemory is each worker process's hard memory limit in bytes.
func (p *Publisher) WorkerMemory() int64 { return p.share }

// Publish writes a new snapshot and swaps its sandbox in, now.
func (p *Publisher) Publish(ctx context.Context) error { return p.publish(ctx, false) }

// publish swaps in a sandbox over a new snapshot, or with reuse over the snapshot on
// disk when its stamp says the warehouse has not changed since it was written: a
// restarted server then need not copy a large warehouse again.
func (p *Publisher) publish(ctx context.Context, reuse bool) error {
	p.publishMu.Lock()
	defer p.publishMu.Unlock()
	start := time.Now()
	// The stamp is taken before the snapshot: a load committing in between makes the
	// snapshot newer than its stamp, which only costs a rebuild at the next start.
	stamp, err := p.stamp(ctx)
	if err != nil {
		return fmt.Errorf("warehouse: publish sandbox: %w", err)
	}
	if old, err := os.ReadFile(p.stampPath()); reuse && err == nil && string(old) == stamp && fileExists(p.path) {
		p.log.Info("sandbox snapshot reused: the warehouse has not changed since it was written", "path", p.path)
	} else {
		if err := os.Remove(p.stampPath()); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("warehouse: publish sandbox: %w", err)
		}
		if err := p.db.Snapshot(ctx, p.path); err != nil {
			return fmt.Errorf("warehouse: publish sandbox: %w", err)
		}
		if err := os.WriteFile(p.stampPath(), []byte(stamp), 0o600); err != nil {
			p.log.Warn("write the sandbox stamp; the next start copies the warehouse again", "err", err)
		}
	}
	// DuckDB shares one instance per file path within a process, so every sandbox
	// opens the snapshot under a path of its own: a hard link (or copy) in a fresh
	// directory, named analist.duckdb so its catalog is still called analist.
	gen, err := p.generation()
	if err != nil {
		return fmt.Errorf("warehouse: publish sandbox: %w", err)
	}
	// One worker opens the new copy before it is swapped in: a snapshot or a worker
	// command that does not work leaves the current generation in place.
	g := newGeneration(p, filepath.Join(gen, SandboxFile))
	w, err := g.start()
	if err != nil {
		os.RemoveAll(gen)
		return fmt.Errorf("warehouse: publish sandbox: %w", err)
	}
	g.put(w)
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return errors.Join(ErrSandboxClosed, g.close())
	}
	old := p.current
	p.current = g
	p.mu.Unlock()
	if old != nil {
		go func() {
			if err := old.close(); err != nil {
				p.log.Warn("close replaced sandbox", "err", err)
			}
		}()
	}
	p.log.Info("sandbox published", "path", p.path, "duration_ms", time.Since(start).Milliseconds())
	return nil
}

// stampPath is the file beside the snapshot that says what it was made from.
func (p *Publisher) stampPath() string { return p.path + ".stamp" }

// stamp identifies what a snapshot made now holds: the warehouse's committed load state
// and this build's migrations, models (sql/marts) and analyst schema.
func (p *Publisher) stamp(ctx context.Context) (string, error) {
	st, err := p.db.LoadState(ctx)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	fmt.Fprintf(h, "load %s %d\n", st.Key, st.DataAsOf.UnixNano())
	names, err := fs.Glob(sqlfiles.FS, "migrations/*.sql")
	if err != nil {
		return "", err
	}
	models, err := fs.Glob(sqlfiles.FS, "marts/*.sql") // the rules and the analyst views
	if err != nil {
		return "", err
	}
	for _, name := range append(names, models...) {
		body, err := sqlfiles.FS.ReadFile(name)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s %d\n", name, len(body))
		h.Write(body)
	}
	for _, v := range AnalistSchema() {
		fmt.Fprintf(h, "view %s\n", v.Name)
		for _, c := range v.Columns {
			fmt.Fprintf(h, "  %s %s\n", c.Name, c.Type)
		}
	}
	return hex.EncodeToString(h.Sum(nil)) + "\n", nil
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// generationsDir holds the sandboxes' own copies of the snapshot, beside it.
func (p *Publisher) generationsDir() string {
	return filepath.Join(filepath.Dir(p.path), ".analist-sandbox")
}

// generation links the snapshot into a new directory and returns the directory.
func (p *Publisher) generation() (string, error) {
	if err := os.MkdirAll(p.generationsDir(), 0o700); err != nil {
		return "", err
	}
	gen, err := os.MkdirTemp(p.generationsDir(), "gen-")
	if err != nil {
		return "", err
	}
	dst := filepath.Join(gen, SandboxFile)
	if err := os.Link(p.path, dst); err != nil {
		if err := copyFile(p.path, dst); err != nil {
			os.RemoveAll(gen)
			return "", err
		}
	}
	return gen, nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// Trigger asks for a publish soon, without waiting: Run publishes once, delay after
// the last call.
func (p *Publisher) Trigger() {
	select {
	case p.kick <- struct{}{}:
	default:
	}
}

// Run publishes at once (reusing the snapshot on disk when the warehouse has not
// changed since it was written) and then after every Trigger (debounced), until ctx is
// done; then it closes the sandbox.
func (p *Publisher) Run(ctx context.Context) {
	defer p.Close()
	p.mu.RLock()
	fresh := p.current == nil
	p.mu.RUnlock()
	if fresh {
		// Copies left by a process that did not stop cleanly.
		if err := os.RemoveAll(p.generationsDir()); err != nil {
			p.log.Warn("remove old sandbox copies", "err", err)
		}
	}
	if err := p.publish(ctx, true); err != nil && ctx.Err() == nil {
		p.log.Error("publish sandbox", "err", err)
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-p.kick:
		}
		// Debounce: wait until no Trigger came for delay.
		t := time.NewTimer(p.delay)
	wait:
		for {
			select {
			case <-ctx.Done():
				t.Stop()
				return
			case <-p.kick:
				t.Reset(p.delay)
			case <-t.C:
				break wait
			}
		}
		if err := p.Publish(ctx); err != nil && ctx.Err() == nil {
			p.log.Error("publish sandbox", "err", err)
		}
	}
}

// Query runs an analyst query in a worker of the current sandbox and returns its
// result, spooled to a file: the worker is free for the next query before the caller
// reads the result, however slowly. It waits at most QueueWait for a free worker
// (BusyError). The errors are those of Sandbox.Query, and MemoryError when the query
// took more than the worker's memory, CrashError when the worker died otherwise;
// ErrNoSandbox before the first publish. who names the caller: a worker that comes free
// goes to the caller with the fewest queries running. The caller closes the result.
func (p *Publisher) Query(ctx context.Context, who, query string, maxRows int) (*SQLResult, error) {
	if err := CheckQueryText(query); err != nil {
		return nil, err
	}
	if maxRows <= 0 {
		return nil, fmt.Errorf("warehouse: sandbox: max rows must be positive")
	}
	g, err := p.enter()
	if err != nil {
		return nil, err
	}
	defer g.end()
	return p.query(ctx, g, who, query, maxRows)
}

// enter counts a statement in on the current sandbox and returns it; the caller calls
// end on it when done. Counted in under the read lock: a swap after this waits for the
// statement to end. ErrNoSandbox when none is published or the publisher is closed.
func (p *Publisher) enter() (*generation, error) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	g := p.current
	if g == nil || p.closed || !g.begin() {
		return nil, ErrNoSandbox
	}
	return g, nil
}

// Close ends the current sandbox's workers (after their running queries) and removes
// its copy; the snapshot file stays.
func (p *Publisher) Close() error {
	p.mu.Lock()
	g := p.current
	p.current = nil
	p.closed = true
	p.mu.Unlock()
	if g == nil {
		return nil
	}
	return g.close()
}
