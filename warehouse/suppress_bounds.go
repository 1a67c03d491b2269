package warehouse

import "math"

// The bound attack: what a reader knows of each hidden cell — a small one ("<5") lies
// in 1…threshold−1, a complementary one is 0 or at least the threshold, an unpublished
// one is not negative (a small unpublished one is taken as 1…threshold−1, as if the
// reader knew it is small) — narrowed through the relations (the total lies within the
// sum of its parts' ranges, each part within the total's range less the others')
// until nothing changes. A hidden cell whose range holds a single value is exposed.

// unbounded stands for "no upper bound".
const unbounded = math.MaxInt64 / 4

// boundRounds caps the propagation: ranges may shrink by one in each round around a
// cycle of relations; a cap keeps it quick, at the price of a weaker reader.
const boundRounds = 100

// boundExposed lists the hidden cells whose range shrinks to one value, in index order.
func boundExposed(values []int64, rels []Relation, state []Suppression, threshold int64) []int {
	lo := make([]int64, len(values))
	hi := make([]int64, len(values))
	for i, v := range values {
		switch state[i] {
		case Shown:
			lo[i], hi[i] = v, v
		case SuppressedSmall:
			lo[i], hi[i] = 1, threshold-1
		case SuppressedComplementary, Unpublished:
			lo[i], hi[i] = 0, unbounded
		}
	}
	// narrow applies what a reader knows of a complementary cell: it is 0 or at least
	// the threshold, never small.
	narrow := func(i int) bool {
		if state[i] != SuppressedComplementary {
			return false
		}
		switch {
		case hi[i] < threshold && hi[i] != 0:
			hi[i] = 0
			return true
		case lo[i] > 0 && lo[i] < threshold:
			lo[i] = threshold
			return true
		}
		return false
	}
	for round := 0; round < boundRounds; round++ {
		changed := false
		for _, rel := range rels {
			var sumLo, finiteHi int64
			open := 0 // parts without an upper bound
			for _, p := range rel.Parts {
				sumLo += lo[p]
				if hi[p] >= unbounded {
					open++
				} else {
					finiteHi += hi[p]
				}
			}
			t := rel.Total
			if sumLo > lo[t] {
				lo[t], changed = sumLo, true
			}
			if open == 0 && finiteHi < hi[t] {
				hi[t], changed = finiteHi, true
			}
			for _, p := range rel.Parts {
				otherLo := sumLo - lo[p]
				otherOpen, otherHi := open, finiteHi
				if hi[p] >= unbounded {
					otherOpen--
				} else {
					otherHi -= hi[p]
				}
				if hi[t] < unbounded {
					if v := hi[t] - otherLo; v < hi[p] {
						hi[p], changed = v, true
					}
				}
				if otherOpen == 0 {
					if v := lo[t] - otherHi; v > lo[p] {
						lo[p], changed = v, true
					}
				}
			}
		}
		for i := range values {
			if narrow(i) {
				changed = true
			}
		}
		if !changed {
			break
		}
	}
	var out []int
	for i, st := range state {
		if st.Hidden() && lo[i] == hi[i] {
			out = append(out, i)
		}
	}
	return out
}
