package warehouse

import "sort"

// The linear attack: with the shown cells filled in, the relations are linear equations
// in the hidden cells, A·x = b, with A holding +1 for a total and −1 for a part. A hidden
// cell is exposed when every solution gives it the same value: when no vector of A's
// null space moves it.
//
// linear keeps A (one column per hidden cell, in the order they were hidden) in reduced
// row echelon form R = E·A, with E the row operations so far, so that hiding one more
// cell costs one reduction of its column, and the effect of hiding a candidate is known
// without hiding it (scoreAdd). In R a pivot column is a unit vector and a free column
// is a combination of the pivot columns; a pivot column is exposed exactly when its row
// is zero in every free column. scoreAdd and scorePair look one and two cells ahead.
//
// Arithmetic is modulo the prime 2^31−1. A holds only 0 and ±1 and the minors of such
// tables are small integers, far below the prime, so the ranks are those over the
// rationals; the tests check the result again in exact rational arithmetic.
type linear struct {
	m        int              // relations
	cellCoef [][]coef         // per cell: its non-zero entries of A
	et       [][]uint64       // E transposed: et[k][i] = E[i][k], so that E·a reads columns
	memo     map[int][]uint64 // reduce's results since the last add (E is fixed between adds)
	cols     []int            // hidden cells, one per column of R
	r        [][]uint64       // per column of R, its m entries
	pivotRow []int            // per column: its pivot row, −1 for a free column
	rowPivot []int            // per row: its pivot column, −1 when none
}

type coef struct {
	rel int
	val uint64
}

const linPrime = 1<<31 - 1

func newLinear(rels []Relation, cells int) *linear {
	l := &linear{m: len(rels), cellCoef: make([][]coef, cells), et: make([][]uint64, len(rels)),
		rowPivot: make([]int, len(rels)), memo: make(map[int][]uint64)}
	for r, rel := range rels {
		l.cellCoef[rel.Total] = append(l.cellCoef[rel.Total], coef{r, 1})
		for _, p := range rel.Parts {
			l.cellCoef[p] = append(l.cellCoef[p], coef{r, linPrime - 1})
		}
		l.et[r] = make([]uint64, len(rels))
		l.et[r][r] = 1
		l.rowPivot[r] = -1
	}
	return l
}

// reduce returns E·a for the column a of cell c. The choice of a complementary cell
// scores the same cells many times over while E stays as it is, so the result is kept
// until the next add; callers must not modify it.
func (l *linear) reduce(c int) []uint64 {
	if v, ok := l.memo[c]; ok {
		return v
	}
	v := make([]uint64, l.m)
	l.memo[c] = v
	for _, k := range l.cellCoef[c] {
		for i, x := range l.et[k.rel] {
			if x != 0 {
				v[i] = (v[i] + x*k.val) % linPrime
			}
		}
	}
	return v
}

// add makes cell c hidden: its column joins R, as a new pivot when it is independent of
// the hidden columns so far, else as a free column.
func (l *linear) add(c int) {
	v := append([]uint64(nil), l.reduce(c)...)
	clear(l.memo) // E changes below
	piv := -1
	for i := 0; i < l.m; i++ {
		if l.rowPivot[i] < 0 && v[i] != 0 {
			piv = i
			break
		}
	}
	col := len(l.cols)
	l.cols = append(l.cols, c)
	if piv < 0 {
		l.r = append(l.r, v)
		l.pivotRow = append(l.pivotRow, -1)
		return
	}
	l.pivot(v, piv)
	l.r = append(l.r, v)
	l.pivotRow = append(l.pivotRow, piv)
	l.rowPivot[piv] = col
}

// pivot makes the reduced column v a unit vector at row piv, a row without a pivot, by
// row operations on E and the free columns of R: scale row piv to make v's entry 1,
// then clear v in every other row. Pivot columns are zero in row piv (it has no
// pivot), so they do not change. v may be one of the free columns of R.
func (l *linear) pivot(v []uint64, piv int) {
	scaleRow := func(i int, f uint64) {
		for _, col := range l.et {
			col[i] = col[i] * f % linPrime
		}
		for j, rc := range l.r {
			if l.pivotRow[j] < 0 {
				rc[i] = rc[i] * f % linPrime
			}
		}
	}
	subRow := func(i int, f uint64) { // row i −= f · row piv
		for _, col := range l.et {
			if x := col[piv]; x != 0 {
				col[i] = (col[i] + linPrime - f*x%linPrime) % linPrime
			}
		}
		for j, rc := range l.r {
			if l.pivotRow[j] < 0 && rc[piv] != 0 {
				rc[i] = (rc[i] + linPrime - f*rc[piv]%linPrime) % linPrime
			}
		}
	}
	w := append([]uint64(nil), v...) // v itself may change below
	scaleRow(piv, invMod(w[piv]))
	for i := 0; i < l.m; i++ {
		if i != piv && w[i] != 0 {
			subRow(i, w[i])
		}
	}
	clear(v)
	v[piv] = 1
}

// remove makes the hidden cell c shown again: its column leaves R. A free column just
// goes; a pivot column hands its row to a free column that is non-zero there (R stays
// reduced), or, when there is none, leaves its row without a pivot, as if c had never
// been added (the free columns are zero in that row).
func (l *linear) remove(c int) {
	j := -1
	for k, col := range l.cols {
		if col == c {
			j = k
		}
	}
	if j < 0 {
		return
	}
	clear(l.memo) // E may change below
	if piv := l.pivotRow[j]; piv >= 0 {
		l.rowPivot[piv] = -1
		l.pivotRow[j] = -2 // not to be taken for a free column below (it is a unit vector in row piv)
		for f, rc := range l.r {
			if l.pivotRow[f] == -1 && rc[piv] != 0 {
				l.pivot(rc, piv)
				l.pivotRow[f], l.rowPivot[piv] = piv, f
				break
			}
		}
	}
	l.cols = append(l.cols[:j], l.cols[j+1:]...)
	l.r = append(l.r[:j], l.r[j+1:]...)
	l.pivotRow = append(l.pivotRow[:j], l.pivotRow[j+1:]...)
	for i, k := range l.rowPivot {
		if k > j {
			l.rowPivot[i] = k - 1
		}
	}
}

// copyTo makes dst a copy of l that changes apart from it, reusing dst's memory (a
// trial of cheapen saves l there, and there are many trials). dst may be nil.
func (l *linear) copyTo(dst *linear) *linear {
	if dst == nil {
		dst = &linear{}
	}
	dst.m, dst.cellCoef = l.m, l.cellCoef
	if dst.memo == nil {
		dst.memo = make(map[int][]uint64)
	}
	clear(dst.memo)
	dst.cols = append(dst.cols[:0], l.cols...)
	dst.pivotRow = append(dst.pivotRow[:0], l.pivotRow...)
	dst.rowPivot = append(dst.rowPivot[:0], l.rowPivot...)
	dst.et = copyColumns(dst.et, l.et)
	dst.r = copyColumns(dst.r, l.r)
	return dst
}

// copyColumns copies src into dst, reusing dst's columns.
func copyColumns(dst, src [][]uint64) [][]uint64 {
	for len(dst) < len(src) {
		dst = append(dst, nil)
	}
	dst = dst[:len(src)]
	for k, col := range src {
		dst[k] = append(dst[k][:0], col...)
	}
	return dst
}

// determined lists the hidden cells whose value follows from the shown ones, in index
// order.
func (l *linear) determined() []int {
	var out []int
	for j, row := range l.pivotRow {
		if row < 0 {
			continue
		}
		fixed := true
		for f, rc := range l.r {
			if l.pivotRow[f] < 0 && rc[row] != 0 {
				fixed = false
				break
			}
		}
		if fixed {
			out = append(out, l.cols[j])
		}
	}
	sort.Ints(out)
	return out
}

// scoreAdd tells how many hidden cells would be exposed after hiding cell c too, given
// the cells exposed now. An independent column adds one exposed cell (c itself); a
// dependent one is free and frees every pivot column it is a combination of.
func (l *linear) scoreAdd(c int, exposed map[int]bool) int {
	v := l.reduce(c)
	for i := 0; i < l.m; i++ {
		if l.rowPivot[i] < 0 && v[i] != 0 {
			return len(exposed) + 1
		}
	}
	n := len(exposed)
	for i := 0; i < l.m; i++ {
		if v[i] != 0 && exposed[l.cols[l.rowPivot[i]]] {
			n--
		}
	}
	return n
}

// scorePair tells how many hidden cells would be exposed after hiding c1 and then c2,
// without hiding either: hiding c1 as a new pivot applies a row operation G to E, so
// c2's reduced column is G·(E·a₂), computed from the two reduced columns.
func (l *linear) scorePair(c1, c2 int, exposed map[int]bool) int {
	v1, v2 := l.reduce(c1), l.reduce(c2)
	piv := -1
	for i := 0; i < l.m; i++ {
		if l.rowPivot[i] < 0 && v1[i] != 0 {
			piv = i
			break
		}
	}
	if piv < 0 {
		// c1 is dependent: it frees the pivots it combines and leaves E as it is.
		after := make(map[int]bool, len(exposed))
		for c := range exposed {
			after[c] = true
		}
		for i := 0; i < l.m; i++ {
			if v1[i] != 0 && l.rowPivot[i] >= 0 {
				delete(after, l.cols[l.rowPivot[i]])
			}
		}
		return l.scoreAdd(c2, after)
	}
	wp := v2[piv] * invMod(v1[piv]) % linPrime
	n := len(exposed) + 1 // c1 joins as an exposed pivot
	for i := 0; i < l.m; i++ {
		w := wp
		if i != piv {
			w = (v2[i] + linPrime - v1[i]*wp%linPrime) % linPrime
		}
		if w == 0 {
			continue
		}
		switch {
		case i == piv:
			n-- // frees c1
		case l.rowPivot[i] < 0:
			return len(exposed) + 2 // c2 is independent too
		case exposed[l.cols[l.rowPivot[i]]]:
			n--
		}
	}
	return n
}

func invMod(a uint64) uint64 {
	r, e := uint64(1), uint64(linPrime-2)
	for ; e > 0; e >>= 1 {
		if e&1 == 1 {
			r = r * a % linPrime
		}
		a = a * a % linPrime
	}
	return r
}
