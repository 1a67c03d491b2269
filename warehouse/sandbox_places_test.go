package warehouse

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestPlacesGoToTheLeastBusyCaller fills both places with one analyst's queries; when
// one ends, the place goes to another analyst who waits, not to the first analyst's
// third query that waited longer. A wait that runs out is a BusyError.
func TestPlacesGoToTheLeastBusyCaller(t *testing.T) {
	pl := newPlaces(2)
	ctx := context.Background()
	for range 2 {
		if err := pl.acquire(ctx, "a", time.Second); err != nil {
			t.Fatal(err)
		}
	}
	got := make(chan string, 2)
	wait := func(who string) {
		if err := pl.acquire(ctx, who, 5*time.Second); err == nil {
			got <- who
		}
	}
	go wait("a")
	time.Sleep(50 * time.Millisecond) // a's third query waits first
	go wait("c")
	time.Sleep(50 * time.Millisecond)
	pl.release("a")
	if who := <-got; who != "c" {
		t.Errorf("the freed place went to %s, want c (no query running)", who)
	}
	pl.release("a")
	if who := <-got; who != "a" {
		t.Errorf("the next place went to %s, want a", who)
	}
	start := time.Now()
	err := pl.acquire(ctx, "d", 100*time.Millisecond)
	var busy *BusyError
	if !errors.As(err, &busy) || time.Since(start) < 100*time.Millisecond {
		t.Errorf("with both places taken: got %v after %s, want a BusyError after 100ms", err, time.Since(start))
	}
	pl.release("c")
	pl.release("a")
	if pl.free != 2 || len(pl.running) != 0 || len(pl.waiting) != 0 {
		t.Errorf("after every release: %d free, running %v, %d waiting; want 2, none, none", pl.free, pl.running, len(pl.waiting))
	}
}
