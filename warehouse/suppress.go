package warehouse

import (
	"fmt"
	"math"
	"math/bits"
	"sort"
)

// Small-number protection for public figures (--openbaar exports; reusable by the API).
//
// The method, as the exports' notes explain it to readers:
//
//   - primary: a count from 1 to threshold−1 is hidden ("<5"); zero is shown;
//   - complementary: where figures add up to a total (a row, a column, a region), no
//     hidden figure may be derivable from the figures shown. Two attacks are checked
//     after every step, and a further cell is hidden until neither succeeds:
//     1. linear: the equations of every total, solved for the hidden cells over the
//     whole table at once. A hidden cell is exposed when it has the same value in
//     every solution (exact arithmetic, see nullSpace);
//     2. bounds: what a reader knows about a hidden cell — a small one lies in
//     1…threshold−1, a complementary one is 0 or at least threshold — propagated
//     through the same equations; a cell whose range shrinks to one value is exposed
//     (e.g. a shown total 8 = two hidden small cells, each then 4).
//   - the complementary cell is chosen among the shown cells that share a total with the
//     exposed one: preferably one that protects it at once, then the smallest non-zero
//     count (hiding a zero protects little, hiding a large count loses much).
//
// A reader with an integer-programming solver could combine bounds across equations
// further than the propagation does; the linear attack, the one a reader with a
// spreadsheet makes, is checked completely.

// Suppression says whether a figure of a public export is hidden, and why.
type Suppression uint8

const (
	// Shown is a figure published as it is.
	Shown Suppression = iota
	// SuppressedSmall is a count from 1 to threshold−1 (primary suppression).
	SuppressedSmall
	// SuppressedComplementary is hidden so that no small count can be derived from the
	// totals beside it (complementary suppression).
	SuppressedComplementary
)

// Hidden reports whether the figure is left out of the export.
func (s Suppression) Hidden() bool { return s != Shown }

// Relation says that one cell is the sum of others: values[Total] = Σ values[Parts].
// Cells are indexes into the values given to Suppress.
type Relation struct {
	Total int
	Parts []int
}

// Suppress applies primary and complementary suppression to a table of counts whose
// additive structure is given by relations, and says for every value whether it may
// be shown. A relation whose total is not quite the sum of its parts (a count of
// distinct persons over a region, where a person who moved counts in two gemeenten)
// is protected as if it were: a reader may assume it is.
func Suppress(values []int64, relations []Relation, threshold int) ([]Suppression, error) {
	if threshold < 1 {
		return nil, fmt.Errorf("warehouse: suppress: threshold %d: use 1 or more", threshold)
	}
	for i, v := range values {
		if v < 0 {
			return nil, fmt.Errorf("warehouse: suppress: value %d of cell %d is negative; only counts can be protected", v, i)
		}
	}
	s := &suppressor{values: values, rels: relations, threshold: int64(threshold),
		state: make([]Suppression, len(values)), cellRels: make([][]int, len(values))}
	for r, rel := range relations {
		cells := append([]int{rel.Total}, rel.Parts...)
		seen := map[int]bool{}
		for _, c := range cells {
			if c < 0 || c >= len(values) {
				return nil, fmt.Errorf("warehouse: suppress: relation %d names cell %d of %d", r, c, len(values))
			}
			if seen[c] {
				return nil, fmt.Errorf("warehouse: suppress: relation %d names cell %d twice", r, c)
			}
			seen[c] = true
			s.cellRels[c] = append(s.cellRels[c], r)
		}
	}
	for i, v := range values {
		if v >= 1 && v < s.threshold {
			s.state[i] = SuppressedSmall
		}
	}
	s.complement()
	return s.state, nil
}

// suppressor holds one table while its complementary cells are chosen.
type suppressor struct {
	values    []int64
	rels      []Relation
	threshold int64
	state     []Suppression
	cellRels  [][]int // per cell, the relations it takes part in
}

// complement hides further cells until no hidden cell is exposed. Every round hides at
// least one cell or gives up on one, so it ends.
func (s *suppressor) complement() {
	givenUp := make([]bool, len(s.values))
	for {
		k := -1
		for _, c := range s.exposed() {
			if !givenUp[c] {
				k = c
				break
			}
		}
		if k < 0 {
			return
		}
		cands := s.candidates(k)
		if len(cands) == 0 {
			// Every cell around it is hidden and it is still fixed by the structure of
			// the table itself (e.g. a total with a single part): nothing more helps.
			givenUp[k] = true
			continue
		}
		chosen := cands[0]
		for _, c := range cands {
			s.state[c] = SuppressedComplementary
			fixed := s.isExposed(k)
			s.state[c] = Shown
			if !fixed {
				chosen = c
				break
			}
		}
		s.state[chosen] = SuppressedComplementary
	}
}

// candidates lists the shown cells that share a relation with cell k, best first; when
// there are none, those that share a relation with a hidden neighbour of k.
func (s *suppressor) candidates(k int) []int {
	collect := func(from []int) []int {
		seen := map[int]bool{}
		var out []int
		for _, c := range from {
			for _, r := range s.cellRels[c] {
				rel := s.rels[r]
				for _, d := range append([]int{rel.Total}, rel.Parts...) {
					if s.state[d] == Shown && !seen[d] {
						seen[d] = true
						out = append(out, d)
					}
				}
			}
		}
		sort.Slice(out, func(i, j int) bool {
			a, b := s.values[out[i]], s.values[out[j]]
			if (a == 0) != (b == 0) {
				return b == 0
			}
			if a != b {
				return a < b
			}
			return out[i] < out[j]
		})
		return out
	}
	if out := collect([]int{k}); len(out) > 0 {
		return out
	}
	var hiddenNeighbours []int
	for _, r := range s.cellRels[k] {
		rel := s.rels[r]
		for _, d := range append([]int{rel.Total}, rel.Parts...) {
			if d != k && s.state[d].Hidden() {
				hiddenNeighbours = append(hiddenNeighbours, d)
			}
		}
	}
	return collect(hiddenNeighbours)
}

// exposed lists the hidden cells a reader can derive, in index order.
func (s *suppressor) exposed() []int {
	fixed := map[int]bool{}
	for _, c := range s.linearlyDetermined() {
		fixed[c] = true
	}
	for _, c := range s.boundDetermined() {
		fixed[c] = true
	}
	out := make([]int, 0, len(fixed))
	for c := range fixed {
		out = append(out, c)
	}
	sort.Ints(out)
	return out
}

// isExposed reports whether hidden cell k can be derived.
func (s *suppressor) isExposed(k int) bool {
	for _, c := range s.linearlyDetermined() {
		if c == k {
			return true
		}
	}
	for _, c := range s.boundDetermined() {
		if c == k {
			return true
		}
	}
	return false
}

// linearlyDetermined lists the hidden cells whose value follows from the relations and
// the shown cells. The relations restricted to the hidden cells form a matrix A (one
// row per relation, one column per hidden cell, +1 for a total and −1 for a part); a
// hidden cell is free when some vector of A's null space moves it, and fixed otherwise.
func (s *suppressor) linearlyDetermined() []int {
	var hidden []int
	col := make(map[int]int)
	for i, st := range s.state {
		if st.Hidden() {
			col[i] = len(hidden)
			hidden = append(hidden, i)
		}
	}
	if len(hidden) == 0 {
		return nil
	}
	var matrix [][]uint64
	for _, rel := range s.rels {
		row := make([]uint64, len(hidden))
		touched := false
		if j, ok := col[rel.Total]; ok {
			row[j], touched = 1, true
		}
		for _, p := range rel.Parts {
			if j, ok := col[p]; ok {
				row[j], touched = modPrime-1, true // −1
			}
		}
		if touched {
			matrix = append(matrix, row)
		}
	}
	var out []int
	for j, free := range nullSpaceSupport(matrix, len(hidden)) {
		if !free {
			out = append(out, hidden[j])
		}
	}
	return out
}

// modPrime is the Mersenne prime 2^61−1. The relations' matrices hold only 0 and ±1,
// and their minors are small integers, far below it: rank and null space modulo this
// prime are those over the rationals, computed exactly and fast.
const modPrime = 1<<61 - 1

func mulMod(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	return bits.Rem64(hi, lo, modPrime)
}

func powMod(a, e uint64) uint64 {
	r := uint64(1)
	for ; e > 0; e >>= 1 {
		if e&1 == 1 {
			r = mulMod(r, a)
		}
		a = mulMod(a, a)
	}
	return r
}

// nullSpaceSupport reports for every column of matrix (n columns) whether some vector
// of its null space is non-zero there. In reduced row echelon form a free column is
// always moved by its own basis vector, and a pivot column is moved exactly when its
// row has a non-zero entry in some free column.
func nullSpaceSupport(matrix [][]uint64, n int) []bool {
	m := len(matrix)
	pivotRowOfCol := make([]int, n)
	for j := range pivotRowOfCol {
		pivotRowOfCol[j] = -1
	}
	r := 0
	for j := 0; j < n && r < m; j++ {
		p := -1
		for i := r; i < m; i++ {
			if matrix[i][j] != 0 {
				p = i
				break
			}
		}
		if p < 0 {
			continue
		}
		matrix[r], matrix[p] = matrix[p], matrix[r]
		inv := powMod(matrix[r][j], modPrime-2)
		for jj := j; jj < n; jj++ {
			matrix[r][jj] = mulMod(matrix[r][jj], inv)
		}
		for i := 0; i < m; i++ {
			if i == r || matrix[i][j] == 0 {
				continue
			}
			f := matrix[i][j]
			for jj := j; jj < n; jj++ {
				if matrix[r][jj] != 0 {
					matrix[i][jj] = (matrix[i][jj] + modPrime - mulMod(f, matrix[r][jj])) % modPrime
				}
			}
		}
		pivotRowOfCol[j] = r
		r++
	}
	free := make([]bool, n)
	for j := 0; j < n; j++ {
		if pivotRowOfCol[j] < 0 {
			free[j] = true
		}
	}
	for j := 0; j < n; j++ {
		row := pivotRowOfCol[j]
		if row < 0 {
			continue
		}
		for f := 0; f < n; f++ {
			if pivotRowOfCol[f] < 0 && matrix[row][f] != 0 {
				free[j] = true
				break
			}
		}
	}
	return free
}

// unbounded stands for "no upper bound" in the bound propagation.
const unbounded = math.MaxInt64 / 4

// boundDetermined lists the hidden cells whose range, as a reader can narrow it down
// from what the export shows, holds a single value.
func (s *suppressor) boundDetermined() []int {
	lo := make([]int64, len(s.values))
	hi := make([]int64, len(s.values))
	for i, v := range s.values {
		switch s.state[i] {
		case Shown:
			lo[i], hi[i] = v, v
		case SuppressedSmall:
			lo[i], hi[i] = 1, s.threshold-1
		case SuppressedComplementary:
			lo[i], hi[i] = 0, unbounded // 0 or at least the threshold, see narrow
		}
	}
	// narrow applies what a reader knows of a complementary cell: it is 0 or at least
	// the threshold, never small.
	narrow := func(i int) bool {
		if s.state[i] != SuppressedComplementary {
			return false
		}
		switch {
		case hi[i] < s.threshold && hi[i] != 0:
			hi[i] = 0
			return true
		case lo[i] > 0 && lo[i] < s.threshold:
			lo[i] = s.threshold
			return true
		}
		return false
	}
	for round := 0; round < 4*len(s.rels)+8; round++ {
		changed := false
		for _, rel := range s.rels {
			// total = Σ parts: the total lies within the parts' bounds, each part within
			// the total's bounds less the other parts' bounds.
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
		for i := range s.values {
			if narrow(i) {
				changed = true
			}
		}
		if !changed {
			break
		}
	}
	var out []int
	for i, st := range s.state {
		if st.Hidden() && lo[i] == hi[i] {
			out = append(out, i)
		}
	}
	return out
}

// Grid is a two-way table of counts with its margins, the shape of most published
// tables: rows × columns, a total per row and per column, and a grand total.
type Grid struct {
	Cells     [][]int64 // len(rows) × len(cols)
	RowTotals []int64   // the total of each row; nil when the table has none
	ColTotals []int64   // the total of each column; nil when the table has none
	Total     int64     // the grand total; only when both RowTotals and ColTotals are set
}

// GridSuppression says which figures of a Grid may be shown, in the Grid's shape.
type GridSuppression struct {
	Cells     [][]Suppression
	RowTotals []Suppression
	ColTotals []Suppression
	Total     Suppression
}

// SuppressGrid protects a Grid: the relations are its rows and columns with their
// totals (and the grand total as the sum of either margin).
func SuppressGrid(g Grid, threshold int) (GridSuppression, error) {
	rows := len(g.Cells)
	cols := 0
	if rows > 0 {
		cols = len(g.Cells[0])
	}
	for i, r := range g.Cells {
		if len(r) != cols {
			return GridSuppression{}, fmt.Errorf("warehouse: suppress grid: row %d has %d cells, row 0 has %d", i, len(r), cols)
		}
	}
	if g.RowTotals != nil && len(g.RowTotals) != rows {
		return GridSuppression{}, fmt.Errorf("warehouse: suppress grid: %d row totals for %d rows", len(g.RowTotals), rows)
	}
	if g.ColTotals != nil && len(g.ColTotals) != cols {
		return GridSuppression{}, fmt.Errorf("warehouse: suppress grid: %d column totals for %d columns", len(g.ColTotals), cols)
	}
	var values []int64
	cell := func(i, j int) int { return i*cols + j }
	for _, r := range g.Cells {
		values = append(values, r...)
	}
	rowTotal := func(i int) int { return rows*cols + i }
	colTotal := func(j int) int { return rows*cols + len(g.RowTotals) + j }
	values = append(values, g.RowTotals...)
	values = append(values, g.ColTotals...)
	grand := -1
	if g.RowTotals != nil && g.ColTotals != nil {
		grand = len(values)
		values = append(values, g.Total)
	}
	var rels []Relation
	if g.RowTotals != nil {
		for i := 0; i < rows; i++ {
			rel := Relation{Total: rowTotal(i)}
			for j := 0; j < cols; j++ {
				rel.Parts = append(rel.Parts, cell(i, j))
			}
			rels = append(rels, rel)
		}
	}
	if g.ColTotals != nil {
		for j := 0; j < cols; j++ {
			rel := Relation{Total: colTotal(j)}
			for i := 0; i < rows; i++ {
				rel.Parts = append(rel.Parts, cell(i, j))
			}
			rels = append(rels, rel)
		}
	}
	if grand >= 0 {
		byRow := Relation{Total: grand}
		for i := 0; i < rows; i++ {
			byRow.Parts = append(byRow.Parts, rowTotal(i))
		}
		byCol := Relation{Total: grand}
		for j := 0; j < cols; j++ {
			byCol.Parts = append(byCol.Parts, colTotal(j))
		}
		rels = append(rels, byRow, byCol)
	}
	st, err := Suppress(values, rels, threshold)
	if err != nil {
		return GridSuppression{}, err
	}
	out := GridSuppression{Cells: make([][]Suppression, rows)}
	for i := 0; i < rows; i++ {
		out.Cells[i] = st[cell(i, 0) : cell(i, 0)+cols]
	}
	if g.RowTotals != nil {
		out.RowTotals = st[rowTotal(0) : rowTotal(0)+rows]
	}
	if g.ColTotals != nil {
		out.ColTotals = st[colTotal(0) : colTotal(0)+cols]
	}
	if grand >= 0 {
		out.Total = st[grand]
	}
	return out, nil
}
