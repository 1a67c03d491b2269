// Package suppresstest is the reader's side of small-number protection, for tests: given
// the figures shown and the sums they take part in, what can a reader work out about
// the hidden ones? It is written apart from warehouse.Suppress (by another route, in
// exact arithmetic), so that a test can audit what Suppress decided, as
// net/http/httptest serves tests of net/http.
package suppresstest

import (
	"math/big"

	"github.com/hetleerplein/leerplein/warehouse"
)

// Determined lists the hidden cells whose value the relations fix, given the others
// (the linear attack, as a reader with a spreadsheet makes it over all the sums at
// once). Hidden cell k is determined exactly when the unit vector e_k is a combination
// of the equations' rows, i.e. when Aᵀ·y = e_k has a solution (A: relations × hidden
// cells); all the systems are solved at once, eliminating [Aᵀ | I] over the rationals.
func Determined(rels []warehouse.Relation, hidden []int) []int {
	n := len(hidden)
	row := map[int]int{}
	for j, i := range hidden {
		row[i] = j
	}
	var cols []map[int]int64 // the columns of Aᵀ: per relation, its hidden cells (±1)
	for _, rel := range rels {
		col := map[int]int64{}
		if j, ok := row[rel.Total]; ok {
			col[j] = 1
		}
		for _, p := range rel.Parts {
			if j, ok := row[p]; ok {
				col[j] = -1
			}
		}
		if len(col) > 0 {
			cols = append(cols, col)
		}
	}
	m := len(cols)
	// M = [Aᵀ | I]: n rows, m + n columns, sparse (only non-zero entries are kept).
	M := make([]map[int]*big.Rat, n)
	for j := range M {
		M[j] = map[int]*big.Rat{m + j: big.NewRat(1, 1)}
	}
	for r, col := range cols {
		for j, v := range col {
			M[j][r] = big.NewRat(v, 1)
		}
	}
	pivotRow := 0
	for col := 0; col < m && pivotRow < n; col++ {
		p := -1
		for i := pivotRow; i < n; i++ {
			if v, ok := M[i][col]; ok && v.Sign() != 0 {
				p = i
				break
			}
		}
		if p < 0 {
			continue
		}
		M[pivotRow], M[p] = M[p], M[pivotRow]
		for i := pivotRow + 1; i < n; i++ {
			v, ok := M[i][col]
			if !ok || v.Sign() == 0 {
				continue
			}
			f := new(big.Rat).Quo(v, M[pivotRow][col])
			for k, x := range M[pivotRow] {
				y := new(big.Rat).Mul(f, x)
				if old, ok := M[i][k]; ok {
					y.Sub(old, y)
				} else {
					y.Neg(y)
				}
				if y.Sign() == 0 {
					delete(M[i], k)
				} else {
					M[i][k] = y
				}
			}
		}
		pivotRow++
	}
	// Rows from pivotRow on are zero in the Aᵀ part; Aᵀ·y = e_k is solvable exactly
	// when column m+k is zero in those rows too.
	var out []int
	for k := 0; k < n; k++ {
		solvable := true
		for i := pivotRow; i < n; i++ {
			if v, has := M[i][m+k]; has && v.Sign() != 0 {
				solvable = false
				break
			}
		}
		if solvable {
			out = append(out, hidden[k])
		}
	}
	return out
}

// Knowledge is what a reader knows of one figure before the sums narrow it.
type Knowledge uint8

const (
	// Known is a figure shown.
	Known Knowledge = iota
	// Small is a hidden figure the reader knows to lie in 1…threshold−1 ("<5").
	Small
	// NotSmall is a hidden figure the reader knows to be 0 or at least the threshold
	// (hidden to protect another).
	NotSmall
	// Unknown is a figure of which the reader knows only that it is a count.
	Unknown
)

// infinity stands for "no upper bound".
const infinity = int64(1) << 60

// Settled narrows what the reader knows through the relations (a total lies within
// the sum of its parts' ranges, a part within the total's range less the others'),
// until nothing changes, and lists the hidden figures whose range is then one value
// (the bound attack). values holds the shown figures (the others are not read); the
// relations are taken as exact, as a reader may take them.
func Settled(values []int64, rels []warehouse.Relation, know []Knowledge, threshold int64) []int {
	lo := make([]int64, len(values))
	hi := make([]int64, len(values))
	for i, k := range know {
		switch k {
		case Known:
			lo[i], hi[i] = values[i], values[i]
		case Small:
			lo[i], hi[i] = 1, threshold-1
		default:
			lo[i], hi[i] = 0, infinity
		}
	}
	for changed, round := true, 0; changed && round < 10000; round++ {
		changed = false
		set := func(i int, l, h int64) {
			if l > lo[i] {
				lo[i], changed = l, true
			}
			if h < hi[i] {
				hi[i], changed = h, true
			}
		}
		for _, rel := range rels {
			var sumLo, finiteHi int64
			open := 0 // parts without an upper bound
			for _, p := range rel.Parts {
				sumLo += lo[p]
				if hi[p] >= infinity {
					open++
				} else {
					finiteHi += hi[p]
				}
			}
			if open == 0 {
				set(rel.Total, sumLo, finiteHi)
			} else {
				set(rel.Total, sumLo, infinity)
			}
			for _, p := range rel.Parts {
				otherOpen, otherHi := open, finiteHi
				if hi[p] >= infinity {
					otherOpen--
				} else {
					otherHi -= hi[p]
				}
				l, h := int64(0), infinity
				if otherOpen == 0 {
					l = lo[rel.Total] - otherHi
				}
				if hi[rel.Total] < infinity {
					h = hi[rel.Total] - (sumLo - lo[p])
				}
				set(p, l, h)
			}
		}
		for i, k := range know {
			if k != NotSmall {
				continue
			}
			switch {
			case hi[i] < threshold && hi[i] > 0:
				hi[i], changed = 0, true
			case lo[i] > 0 && lo[i] < threshold:
				lo[i], changed = threshold, true
			}
		}
	}
	var out []int
	for i, k := range know {
		// lo > hi: the sums contradict the figures (a region that counts a person once
		// whom two gemeenten count): the reader is left with no value, not one.
		if k != Known && lo[i] == hi[i] {
			out = append(out, i)
		}
	}
	return out
}
