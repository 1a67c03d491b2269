package warehouse

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestLinearRemove hides and shows random cells of random tables in turn, and checks
// after every step that the cells the linear attack exposes are those of a fresh
// elimination over the same hidden cells: what remove leaves (and what copyTo copies)
// must not depend on the order the cells came and went.
func TestLinearRemove(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 31))
	for n := 0; n < 200; n++ {
		cells := 4 + r.IntN(20)
		var rels []Relation
		for k := 0; k < 1+r.IntN(cells/2+1); k++ {
			perm := r.Perm(cells)
			rels = append(rels, Relation{Total: perm[0], Parts: perm[1 : 2+r.IntN(min(4, cells-1))]})
		}
		l := newLinear(rels, cells)
		var saved *linear
		hidden := map[int]bool{}
		for step := 0; step < 40; step++ {
			c := r.IntN(cells)
			if hidden[c] {
				l.remove(c)
				delete(hidden, c)
			} else {
				l.add(c)
				hidden[c] = true
			}
			if step%7 == 3 { // go on with a copy
				saved = l.copyTo(saved)
				l, saved = saved, l
			}
			fresh := newLinear(rels, cells)
			for h := 0; h < cells; h++ {
				if hidden[h] {
					fresh.add(h)
				}
			}
			if got, want := fmt.Sprint(l.determined()), fmt.Sprint(fresh.determined()); got != want {
				t.Fatalf("table %d step %d: exposed %s, a fresh elimination %s", n, step, got, want)
			}
			for h := 0; h < cells; h++ {
				if !hidden[h] {
					if got, want := l.scoreAdd(h, nil), fresh.scoreAdd(h, nil); got != want {
						t.Fatalf("table %d step %d: scoreAdd(%d) %d, fresh %d", n, step, h, got, want)
					}
				}
			}
		}
	}
}
