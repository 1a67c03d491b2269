package warehouse

import (
	"context"
	"sync"
	"time"
)

// places hands out the sandbox's workers, one per running query. When one frees up it
// goes to the waiting query whose caller has the fewest queries running (the longest
// waiting of those): an analyst who keeps every worker busy does not starve another.
type places struct {
	mu      sync.Mutex
	free    int
	running map[string]int
	waiting []*placeWaiter
}

type placeWaiter struct {
	who     string
	granted bool
	ready   chan struct{}
}

func newPlaces(n int) *places {
	return &places{free: n, running: map[string]int{}}
}

// acquire takes a place for who, waiting at most wait: BusyError when none came free,
// the context's error when it ended first.
func (pl *places) acquire(ctx context.Context, who string, wait time.Duration) error {
	pl.mu.Lock()
	if pl.free > 0 && len(pl.waiting) == 0 {
		pl.free--
		pl.running[who]++
		pl.mu.Unlock()
		return nil
	}
	w := &placeWaiter{who: who, ready: make(chan struct{})}
	pl.waiting = append(pl.waiting, w)
	pl.mu.Unlock()
	timer := time.NewTimer(wait)
	defer timer.Stop()
	var err error
	select {
	case <-w.ready:
		return nil
	case <-timer.C:
		err = &BusyError{Wait: wait}
	case <-ctx.Done():
		err = ctx.Err()
	}
	pl.mu.Lock()
	defer pl.mu.Unlock()
	if w.granted { // it came free as the wait ended: take it
		return nil
	}
	for i, x := range pl.waiting {
		if x == w {
			pl.waiting = append(pl.waiting[:i], pl.waiting[i+1:]...)
			break
		}
	}
	return err
}

// release gives who's place to the fairest waiter, or frees it.
func (pl *places) release(who string) {
	pl.mu.Lock()
	defer pl.mu.Unlock()
	if pl.running[who]--; pl.running[who] <= 0 {
		delete(pl.running, who)
	}
	if len(pl.waiting) == 0 {
		pl.free++
		return
	}
	best := 0
	for i, x := range pl.waiting {
		if pl.running[x.who] < pl.running[pl.waiting[best].who] {
			best = i
		}
	}
	w := pl.waiting[best]
	pl.waiting = append(pl.waiting[:best], pl.waiting[best+1:]...)
	pl.running[w.who]++
	w.granted = true
	close(w.ready)
}
