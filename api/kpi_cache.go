package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sync"
	"time"

	"github.com/hetleerplein/leerplein/warehouse"
)

// maxCachedBodies bounds the responses kept per load: beyond it, odd filter
// combinations are computed per request (still from the in-memory snapshot).
const maxCachedBodies = 4096

// cache keeps the KPI snapshot of the current load and the responses computed from it.
// Every FreshnessInterval one request reads the warehouse's LoadState; when its key has
// changed (a load committed) or the day has (a school year may have ended), a new
// snapshot is read and every cached response dropped.
type cache struct {
	interval time.Duration
	day      time.Time // Config.KPIDay: the day figures are read for; zero: today

	mu      sync.RWMutex
	gen     *generation // nil until the first request
	checked time.Time   // when gen's key was last compared with the warehouse

	refresh sync.Mutex // one refresh at a time
}

// generation is what one load state gives: its snapshot and the series and responses
// made from it.
type generation struct {
	snap   *warehouse.KPISnapshot
	mu     sync.Mutex
	bodies map[string]*bodyEntry
	values map[string]*valueEntry

	patternMu sync.Mutex // the suppression pattern, built at the first bestuur request
	pattern   *suppressionPattern
	reports   map[string]warehouse.AnnualReport // the annual reports it protects, by school year
}

type bodyEntry struct {
	once sync.Once
	b    *body
	err  error
}

type valueEntry struct {
	once sync.Once
	v    any
	err  error
}

func newCache(interval time.Duration, day time.Time) *cache {
	return &cache{interval: interval, day: day}
}

// invalidate makes the next request compare the load state with the warehouse.
func (c *cache) invalidate() {
	c.mu.Lock()
	c.checked = time.Time{}
	c.mu.Unlock()
}

// current returns the generation of the warehouse's committed state, refreshing it
// when it is older than the interval. While one request refreshes, others go on with
// the previous generation.
func (c *cache) current(ctx context.Context, db *warehouse.DB, now time.Time) (*generation, error) {
	c.mu.RLock()
	gen, checked := c.gen, c.checked
	c.mu.RUnlock()
	if gen != nil && fresh(now, checked, c.interval) {
		return gen, nil
	}
	if gen != nil {
		if !c.refresh.TryLock() {
			return gen, nil // someone else is checking
		}
	} else {
		c.refresh.Lock()
	}
	defer c.refresh.Unlock()
	// Another request may have refreshed while this one waited for the lock.
	c.mu.RLock()
	gen, checked = c.gen, c.checked
	c.mu.RUnlock()
	if gen != nil && fresh(now, checked, c.interval) {
		return gen, nil
	}
	state, err := db.LoadState(ctx)
	if err != nil {
		return nil, fmt.Errorf("api: load state: %w", err)
	}
	// A new load, or a new day: a school year may have ended (lopend is decided on the
	// day the snapshot is read for, the server's clock).
	today := warehouse.Today(now)
	if !c.day.IsZero() {
		today = warehouse.Today(c.day)
	}
	if gen == nil || gen.snap.State.Key != state.Key || !gen.snap.Today.Equal(today) {
		snap, err := db.KPISnapshotOn(ctx, today)
		if err != nil {
			return nil, fmt.Errorf("api: kpi snapshot: %w", err)
		}
		gen = &generation{snap: snap, bodies: make(map[string]*bodyEntry), values: make(map[string]*valueEntry)}
	}
	c.mu.Lock()
	c.gen, c.checked = gen, now
	c.mu.Unlock()
	return gen, nil
}

// fresh reports whether a check at checked still holds at now; a clock that went back
// (a corrected clock, a test's injected day) makes it stale.
func fresh(now, checked time.Time, interval time.Duration) bool {
	d := now.Sub(checked)
	return d >= 0 && d < interval
}

// body returns the response cached under key, computing it once with make.
func (g *generation) body(key string, make func() (*body, error)) (*body, error) {
	g.mu.Lock()
	e, ok := g.bodies[key]
	if !ok {
		e = &bodyEntry{}
		if len(g.bodies) < maxCachedBodies {
			g.bodies[key] = e
		}
	}
	g.mu.Unlock()
	e.once.Do(func() {
		e.b, e.err = make()
		if e.err == nil && e.b.etag == "" {
			sum := sha256.Sum256(e.b.data)
			e.b.etag = `"` + hex.EncodeToString(sum[:12]) + `"`
		}
	})
	return e.b, e.err
}

// suppression returns the load's suppression pattern, building it once: over the
// snapshot's figures and the annual reports of its years, read in the same load state
// (warehouse.ErrStateChanged, not kept, when a load committed since the snapshot). It
// runs once for every reader of the generation, so no request's cancellation stops it.
func (g *generation) suppression(db *warehouse.DB, threshold int) (*suppressionPattern, error) {
	g.patternMu.Lock()
	defer g.patternMu.Unlock()
	if g.pattern != nil {
		return g.pattern, nil
	}
	reports, err := db.JaarverslagenAt(context.Background(), g.snap.Years, g.snap.Today, g.snap.State.Key)
	if err != nil {
		return nil, fmt.Errorf("api: suppression: %w", err)
	}
	p, err := buildPattern(g.snap, reports, threshold)
	if err != nil {
		return nil, err
	}
	g.pattern, g.reports = p, reports
	return p, nil
}

// report is the annual report of school year sj that the pattern protects; false when
// the pattern is not built or the year has no report.
func (g *generation) report(sj string) (warehouse.AnnualReport, bool) {
	g.patternMu.Lock()
	defer g.patternMu.Unlock()
	r, ok := g.reports[sj]
	return r, ok
}

// value returns the value cached under key (a series), computing it once with make.
// Callers must not modify what it returns.
func (g *generation) value(key string, make func() (any, error)) (any, error) {
	g.mu.Lock()
	e, ok := g.values[key]
	if !ok {
		e = &valueEntry{}
		if len(g.values) < maxCachedBodies {
			g.values[key] = e
		}
	}
	g.mu.Unlock()
	e.once.Do(func() { e.v, e.err = make() })
	return e.v, e.err
}
