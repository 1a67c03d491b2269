package warehouse

import (
	"fmt"
	"math"
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
//     every solution (suppress_linear.go);
//     2. bounds: what a reader knows about a hidden cell — a small one lies in
//     1…threshold−1, a complementary one is 0 or at least threshold — propagated
//     through the same equations; a cell whose range shrinks to one value is exposed
//     (e.g. a shown total 8 = two hidden small cells, each then 4; suppress_bounds.go).
//   - the complementary cell is chosen among the shown non-zero cells that share a total
//     with an exposed one (a zero only when there is no other): the one that leaves the
//     fewest cells exposed, looking two cells ahead; among equals the cheapest (a table
//     may give each cell a cost, what hiding it loses for readers: SuppressCosts), then
//     the smallest count (hiding a zero protects little, hiding a large count loses
//     much). A small exposed cell that shares its totals with no shown cell at all (a
//     small unpublished rest whose whole and part are hidden, beside the other
//     gemeenten' rests) is protected from further out: the candidates are then the
//     shown cells nearest it through the hidden and unpublished cells of its totals
//     (the whole and part of another gemeente, from which that gemeente's rest, and so
//     the small one, would follow).
//   - with costs, the complementary cells are then revisited, dearest first: a cell is
//     shown again, together with the complementary cells of at least its cost that
//     showing it would give away (the sub-region's figure beside the region's), when
//     cheaper cells, at most one more than are shown again, protect everything in
//     their place. The greedy choice above weighs protection first and sees two cells
//     ahead, so it may hide a main figure where a few minor ones would do. Each such
//     trial is checked against both attacks like any other step, and undone unless it
//     ends safe (leaving exposed at most what protect could not help).
//   - parts of a table that share no total are protected independently.
//   - an unpublished count (SuppressUnpublished), a total's rest beyond the parts that
//     are shown, is an unknown to the reader; it is protected like a shown count when
//     it is small and never hidden as a complementary cell (it is not shown anyway).
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
	// Unpublished is a count the table never shows, only takes into its sums (what a
	// total holds beyond its printed parts); SuppressUnpublished keeps it from being
	// derived when it is small.
	Unpublished
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
	return SuppressUnpublished(values, relations, nil, threshold)
}

// SuppressUnpublished is Suppress for a table some of whose counts are never shown but
// are known to its sums: the rest of a total beyond its parts (episodes not longer
// than three months, beside all episodes and the longer ones). Such a cell is marked
// Unpublished; it is never chosen as a complementary cell, and it is protected like a
// shown count when it is small (it must not follow from the figures shown), while a
// larger one may well follow from them. unpublished may be nil (none).
func SuppressUnpublished(values []int64, relations []Relation, unpublished []bool, threshold int) ([]Suppression, error) {
	return SuppressCosts(values, relations, unpublished, nil, threshold)
}

// SuppressCosts is SuppressUnpublished with a cost per cell: what hiding the cell
// loses for readers (a secondary figure little, the main figure of a series much).
// The costs only steer which cells are hidden as complementary ones, never whether
// the result is safe: the same attacks are checked to the end. cost may be nil (all
// cells cost the same, as in SuppressUnpublished).
func SuppressCosts(values []int64, relations []Relation, unpublished []bool, cost []int, threshold int) ([]Suppression, error) {
	if unpublished != nil && len(unpublished) != len(values) {
		return nil, fmt.Errorf("warehouse: suppress: %d unpublished flags for %d values", len(unpublished), len(values))
	}
	if cost != nil && len(cost) != len(values) {
		return nil, fmt.Errorf("warehouse: suppress: %d costs for %d values", len(cost), len(values))
	}
	if threshold < 1 {
		return nil, fmt.Errorf("warehouse: suppress: threshold %d: use 1 or more", threshold)
	}
	for i, v := range values {
		if v < 0 {
			return nil, fmt.Errorf("warehouse: suppress: value %d of cell %d is negative; only counts can be protected", v, i)
		}
	}
	for r, rel := range relations {
		seen := map[int]bool{}
		for _, c := range rel.cells() {
			if c < 0 || c >= len(values) {
				return nil, fmt.Errorf("warehouse: suppress: relation %d names cell %d of %d", r, c, len(values))
			}
			if seen[c] {
				return nil, fmt.Errorf("warehouse: suppress: relation %d names cell %d twice", r, c)
			}
			seen[c] = true
		}
	}
	state := make([]Suppression, len(values))
	for i, v := range values {
		switch {
		case v >= 1 && v < int64(threshold):
			state[i] = SuppressedSmall
		case unpublished != nil && unpublished[i]:
			state[i] = Unpublished
		}
	}
	for _, comp := range components(len(values), relations) {
		small := false
		for _, c := range comp.cells {
			small = small || state[c] == SuppressedSmall
		}
		if !small {
			continue
		}
		p := newProblem(values, relations, state, cost, comp, int64(threshold))
		p.protect()
		p.cheapen()
		for local, c := range comp.cells {
			state[c] = p.state[local]
		}
	}
	for i := range state {
		if unpublished != nil && unpublished[i] {
			state[i] = Unpublished
		}
	}
	return state, nil
}

func (r Relation) cells() []int { return append([]int{r.Total}, r.Parts...) }

// component is a part of a table whose cells are linked by relations: the cells (global
// indexes) and the relations among them.
type component struct {
	cells []int
	rels  []int
}

// components splits a table into parts that share no relation, in order of their first
// cell.
func components(n int, rels []Relation) []component {
	parent := make([]int, n)
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	for _, rel := range rels {
		for _, p := range rel.Parts {
			if a, b := find(rel.Total), find(p); a != b {
				parent[b] = a
			}
		}
	}
	index := map[int]int{}
	var out []component
	for c := 0; c < n; c++ {
		root := find(c)
		k, ok := index[root]
		if !ok {
			k = len(out)
			index[root] = k
			out = append(out, component{})
		}
		out[k].cells = append(out[k].cells, c)
	}
	for r, rel := range rels {
		k := index[find(rel.Total)]
		out[k].rels = append(out[k].rels, r)
	}
	return out
}

// problem is one component being protected, in local cell indexes.
type problem struct {
	values    []int64
	cost      []int // per cell, what hiding it loses; all 0 when no costs are given
	rels      []Relation
	relCells  [][]int       // per relation, its total and parts
	state     []Suppression // a small unpublished cell is SuppressedSmall here, to protect it
	cellRels  [][]int       // per cell, the relations it takes part in
	threshold int64
	lin       *linear
	// below limits the cells protect may hide to those cheaper than below (cheapen's
	// trials); noLimit outside them.
	below int
	// linAnyway and boundAnyway are the cells protect left exposed to either attack
	// (the structure of the table gives them away, e.g. a hidden zero beside a shown
	// total 0); cheapen's trials need not protect them from that attack again.
	linAnyway, boundAnyway map[int]bool
}

// noLimit is problem.below when any cell may be hidden.
const noLimit = math.MaxInt

func newProblem(values []int64, rels []Relation, state []Suppression, cost []int, comp component, threshold int64) *problem {
	local := make(map[int]int, len(comp.cells))
	p := &problem{threshold: threshold, cellRels: make([][]int, len(comp.cells)), cost: make([]int, len(comp.cells)), below: noLimit}
	for i, c := range comp.cells {
		local[c] = i
		p.values = append(p.values, values[c])
		p.state = append(p.state, state[c])
		if cost != nil {
			p.cost[i] = cost[c]
		}
	}
	for _, r := range comp.rels {
		rel := Relation{Total: local[rels[r].Total]}
		for _, c := range rels[r].Parts {
			rel.Parts = append(rel.Parts, local[c])
		}
		for _, c := range rel.cells() {
			p.cellRels[c] = append(p.cellRels[c], len(p.rels))
		}
		p.rels = append(p.rels, rel)
		p.relCells = append(p.relCells, rel.cells())
	}
	p.lin = newLinear(p.rels, len(p.values))
	for c, st := range p.state {
		if st.Hidden() {
			p.lin.add(c)
		}
	}
	return p
}

// protect hides further cells until no hidden cell is exposed. Every round hides one
// cell, so it ends; it stops early only when an exposed cell has no shown cell left
// around it, nor a small one any further out through hidden and unpublished cells
// (the structure of the table fixes it, e.g. a total with a single part).
func (p *problem) protect() { p.protectWithin(-1) }

// protectWithin is protect hiding at most limit cells (any number when limit < 0). It
// reports whether no hidden cell is exposed at the end.
func (p *problem) protectWithin(limit int) bool {
	for n := 0; ; n++ {
		exposed := p.protected(p.lin.determined(), p.linAnyway)
		choose := p.chooseLinear
		if len(exposed) == 0 {
			exposed, choose = p.boundExposed(), p.chooseBound
		}
		if len(exposed) == 0 {
			return true
		}
		if n == limit {
			return false
		}
		c, ok := choose(exposed)
		if !ok {
			return false
		}
		p.hide(c)
	}
}

// protected keeps the cells that must not be derived: all but the larger unpublished
// ones, which a reader may well compute, and those in anyway (nil: none).
func (p *problem) protected(cells []int, anyway map[int]bool) []int {
	out := cells[:0:0]
	for _, c := range cells {
		if p.state[c] != Unpublished && !anyway[c] {
			out = append(out, c)
		}
	}
	return out
}

// boundExposed lists the protected cells the bound attack settles.
func (p *problem) boundExposed() []int {
	return p.protected(boundExposed(p.values, p.rels, p.state, p.threshold), p.boundAnyway)
}

func (p *problem) hide(c int) {
	p.state[c] = SuppressedComplementary
	p.lin.add(c)
}

// neighbours lists the shown non-zero cells that share a relation with any of cells,
// smallest first (then by index); only when there are none, the zeros. A hidden zero
// protects little (a reader who finds its range below the threshold knows it is 0) and
// would hide a whole table of zeros around a small count.
func (p *problem) neighbours(cells []int) []int {
	seen := map[int]bool{}
	var out []int
	for _, c := range cells {
		for _, r := range p.cellRels[c] {
			for _, d := range p.relCells[r] {
				if p.state[d] == Shown && !seen[d] && p.cost[d] < p.below {
					seen[d] = true
					out = append(out, d)
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return p.prefer(out[i], out[j]) })
	for i, c := range out {
		if p.values[c] == 0 && i > 0 {
			return out[:i]
		}
	}
	return out
}

// outward is neighbours for cells that may have none: when no shown cell shares a
// relation with cells, the search goes outward through the hidden and unpublished
// cells of their relations, one ring at a time, and lists the shown cells around the
// nearest ring that has any (nil when the search reaches none). A small unpublished
// rest may share sums only with hidden and unpublished cells (its whole and part
// hidden as "<5", the other gemeenten' rests beside it) and still be settled, because
// those other rests follow from their wholes and parts: only a cell further away
// protects it. protect turns here only for small exposed cells and only when no
// exposed cell has a shown neighbour, so that elsewhere the choice is as before (a
// complementary cell that nothing around protects, such as a hidden zero beside a
// shown total 0, is not worth hiding cells far away for).
func (p *problem) outward(cells []int) []int {
	reached := make(map[int]bool, len(cells))
	for _, c := range cells {
		reached[c] = true
	}
	for ring := cells; len(ring) > 0; {
		var next []int
		shown := false
		for _, c := range ring {
			for _, r := range p.cellRels[c] {
				for _, d := range p.relCells[r] {
					switch {
					case p.state[d] == Shown:
						shown = true
					case !reached[d]:
						reached[d] = true
						next = append(next, d)
					}
				}
			}
		}
		if shown {
			// The nearest shown cells; none when they are too dear for cheapen's trial,
			// which then fails as it did before the search went outward.
			return p.neighbours(ring)
		}
		ring = next
	}
	return nil
}

// prefer orders candidates for complementary suppression.
func (p *problem) prefer(a, b int) bool {
	va, vb := p.values[a], p.values[b]
	if (va == 0) != (vb == 0) {
		return vb == 0
	}
	if ca, cb := p.cost[a], p.cost[b]; ca != cb {
		return ca < cb
	}
	if va != vb {
		return va < vb
	}
	return a < b
}

// maxPairFirsts bounds the two-cell lookahead to the best first cells, so that a large
// table (many gemeenten) stays quick; the rest only narrows the choice.
const maxPairFirsts = 40

// chooseLinear picks the next complementary cell against the linear attack: the
// neighbour of an exposed cell (further out when there is none: outward) after which
// the fewest cells are exposed; when no single cell lowers that number (a cell must be
// hidden on a cycle of totals, which takes several), the first cell of the best pair.
func (p *problem) chooseLinear(exposed []int) (int, bool) {
	cands := p.neighbours(exposed)
	if len(cands) == 0 {
		cands = p.outward(p.small(exposed))
	}
	if len(cands) == 0 {
		return 0, false
	}
	isExposed := make(map[int]bool, len(exposed))
	for _, c := range exposed {
		isExposed[c] = true
	}
	best, bestScore := cands[0], len(exposed)+2
	var tied []int // the candidates with the best score, best first
	for _, c := range cands {
		switch s := p.lin.scoreAdd(c, isExposed); {
		case s < bestScore:
			best, bestScore, tied = c, s, []int{c}
		case s == bestScore:
			tied = append(tied, c)
		}
	}
	if bestScore == 0 {
		// Linearly safe either way: take one the bound attack does not defeat.
		for _, c := range tied {
			p.state[c] = SuppressedComplementary
			safe := len(p.boundExposed()) == 0
			p.state[c] = Shown
			if safe {
				return c, true
			}
		}
	}
	if bestScore < len(exposed) {
		return best, true
	}
	pairFirst, pairScore := -1, len(exposed)
	for i, c1 := range cands {
		if i == maxPairFirsts {
			break
		}
		// The second cell must tie in with the first to be of use.
		p.state[c1] = SuppressedComplementary
		seconds := p.neighbours([]int{c1})
		p.state[c1] = Shown
		for _, c2 := range seconds {
			if s := p.lin.scorePair(c1, c2, isExposed); s < pairScore {
				pairFirst, pairScore = c1, s
			}
		}
	}
	if pairFirst >= 0 {
		return pairFirst, true
	}
	return best, true
}

// chooseBound picks the next complementary cell against the bound attack: the first
// neighbour of an exposed cell after which that cell's range is wide again, else the
// best neighbour. Only when no exposed cell has a shown neighbour does it look further
// out (outward), so that a cell near some exposed one is still preferred.
func (p *problem) chooseBound(exposed []int) (int, bool) {
	for _, k := range exposed {
		cands := p.neighbours([]int{k})
		if len(cands) == 0 {
			continue
		}
		return p.chooseBoundAmong(k, cands), true
	}
	for _, k := range p.small(exposed) {
		if cands := p.outward([]int{k}); len(cands) > 0 {
			return p.chooseBoundAmong(k, cands), true
		}
	}
	return 0, false
}

// chooseBoundAmong picks among cands the first after which exposed cell k's range is
// wide again, else the first.
func (p *problem) chooseBoundAmong(k int, cands []int) int {
	for _, c := range cands {
		p.state[c] = SuppressedComplementary
		still := false
		for _, e := range p.boundExposed() {
			still = still || e == k
		}
		p.state[c] = Shown
		if !still {
			return c
		}
	}
	return cands[0]
}

// maxGroup is how many cells of at least the same cost cheapen shows again at once:
// a cell hidden to protect a dear cell (the sub-region beside the region) is shown
// with it, or neither could be. On the bestuur pattern of the demo 5 shows a little
// more than 3; more costs time for little.
const maxGroup = 5

// maxExtra is how many more cells cheapen may hide than it shows again: one lets a
// main figure give way to two minor ones, without hiding much more in all.
const maxExtra = 1

// cheapen revisits the complementary cells, dearest first: a cell is shown again, with
// the complementary cells of at least its cost that showing it would expose, when at
// most maxExtra more cheaper cells protect everything in their place. The greedy
// choice looks two cells ahead and weighs how many cells stay exposed before what they
// cost, so it may hide a main figure where a few minor ones would do; this catches
// that. A trial that does not end safe within its limit is undone.
func (p *problem) cheapen() {
	p.linAnyway, p.boundAnyway = map[int]bool{}, map[int]bool{}
	for _, c := range p.protected(p.lin.determined(), nil) {
		p.linAnyway[c] = true
	}
	for _, c := range p.boundExposed() {
		p.boundAnyway[c] = true
	}
	defer func() { p.linAnyway, p.boundAnyway = nil, nil }()
	var dear []int
	for c, st := range p.state {
		if st == SuppressedComplementary {
			dear = append(dear, c)
		}
	}
	sort.SliceStable(dear, func(i, j int) bool {
		a, b := dear[i], dear[j]
		if p.cost[a] != p.cost[b] {
			return p.cost[a] > p.cost[b]
		}
		return p.values[a] > p.values[b]
	})
	var saved *linear
	state := make([]Suppression, len(p.state))
	for _, c := range dear {
		if p.state[c] != SuppressedComplementary {
			continue // shown again with another
		}
		cheaper := false
		for d, st := range p.state {
			cheaper = cheaper || st == Shown && p.cost[d] < p.cost[c]
		}
		if !cheaper {
			continue
		}
		copy(state, p.state)
		saved = p.lin.copyTo(saved)
		group := []int{c}
		p.state[c] = Shown
		p.lin.remove(c)
		for len(group) < maxGroup {
			next := -1
			for _, d := range p.protected(p.lin.determined(), p.linAnyway) {
				if p.state[d] == SuppressedComplementary && p.cost[d] >= p.cost[c] {
					next = d
					break
				}
			}
			if next < 0 {
				break
			}
			group = append(group, next)
			p.state[next] = Shown
			p.lin.remove(next)
		}
		ok := true
		for _, d := range group {
			ok = ok && !p.besideAnyway(d)
		}
		if ok {
			p.below = p.cost[c]
			ok = p.protectWithin(len(group) + maxExtra)
		}
		p.below = noLimit
		if !ok {
			copy(p.state, state)
			p.lin, saved = saved, p.lin
		}
	}
}

// besideAnyway reports whether cell c shares a sum with a cell protect left exposed.
// cheapen leaves such a cell hidden: shown, it could leave the exposed ones alone in
// their sum (hidden zeros whose sum is then known to be 0), which the trial, tolerating
// them, would not notice.
func (p *problem) besideAnyway(c int) bool {
	for _, r := range p.cellRels[c] {
		for _, d := range p.relCells[r] {
			if p.linAnyway[d] || p.boundAnyway[d] {
				return true
			}
		}
	}
	return false
}

// small keeps the small cells of cells (SuppressedSmall here, unpublished or not).
func (p *problem) small(cells []int) []int {
	var out []int
	for _, c := range cells {
		if p.state[c] == SuppressedSmall {
			out = append(out, c)
		}
	}
	return out
}
