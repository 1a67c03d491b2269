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

// Publisher keeps the analysts' sandbox current: it writes the snapshot of the analyst
// views (DB.Snapshot), opens it as a Sandbox and swaps it in; the replaced sandbox
// closes once its running queries are done. It is safe for concurrent use.
type Publisher struct {
	db    *DB
	path  string
	lim   SandboxLimits
	log   *slog.Logger
	delay time.Duration

	publishMu sync.Mutex // one publish at a time
	mu        sync.RWMutex
	current   *Sandbox
	closed    bool
	kick      chan struct{}
}

// NewPublisher prepares a publisher that writes the snapshot to path (SandboxFile beside
// the warehouse). Loads in quick succession are published once, delay after the last.
func NewPublisher(db *DB, path string, lim SandboxLimits, delay time.Duration, logger *slog.Logger) *Publisher {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Publisher{db: db, path: path, lim: lim.withDefaults(), log: logger, delay: delay, kick: make(chan struct{}, 1)}
}

// Path is the snapshot file.
func (p *Publisher) Path() string { return p.path }

// Limits are the sandbox limits, defaults filled in.
func (p *Publisher) Limits() SandboxLimits { return p.lim }

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
	sb, err := OpenSandbox(ctx, filepath.Join(gen, SandboxFile), p.lim)
	if err != nil {
		os.RemoveAll(gen)
		return fmt.Errorf("warehouse: publish sandbox: %w", err)
	}
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return errors.Join(ErrSandboxClosed, p.retire(sb))
	}
	old := p.current
	p.current = sb
	p.mu.Unlock()
	if old != nil {
		go func() {
			if err := p.retire(old); err != nil {
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
// and this build's migrations and analyst schema.
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
	for _, name := range names {
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

// retire closes a sandbox, once its queries are done, and removes its directory.
func (p *Publisher) retire(sb *Sandbox) error {
	err := sb.Close()
	return errors.Join(err, os.RemoveAll(filepath.Dir(sb.Path())))
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

// Query runs an analyst query on the current sandbox (see Sandbox.Query); ErrNoSandbox
// before the first publish.
func (p *Publisher) Query(ctx context.Context, query string, maxRows int) (*SQLResult, error) {
	p.mu.RLock()
	sb := p.current
	if sb == nil || p.closed {
		p.mu.RUnlock()
		return nil, ErrNoSandbox
	}
	// Counted in under the read lock: a swap after this waits for the query to end.
	if !sb.begin() {
		p.mu.RUnlock()
		return nil, ErrNoSandbox
	}
	p.mu.RUnlock()
	return sb.run(ctx, query, maxRows)
}

// Close closes the current sandbox (after its running queries) and removes its copy;
// the snapshot file stays.
func (p *Publisher) Close() error {
	p.mu.Lock()
	sb := p.current
	p.current = nil
	p.closed = true
	p.mu.Unlock()
	if sb == nil {
		return nil
	}
	return p.retire(sb)
}
