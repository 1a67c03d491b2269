package warehouse

import "testing"

func TestDebugSuppress(t *testing.T) {
	values := []int64{3, 8, 20, 9, 10, 30, 31, 49, 12, 18, 50, 80}
	rels := []Relation{{6, []int{0, 1, 2}}, {7, []int{3, 4, 5}}, {8, []int{0, 3}}, {9, []int{1, 4}}, {10, []int{2, 5}}, {11, []int{6, 7}}, {11, []int{8, 9, 10}}}
	s := &suppressor{values: values, rels: rels, threshold: 5, state: make([]Suppression, len(values)), cellRels: make([][]int, len(values))}
	for r, rel := range rels {
		for _, c := range append([]int{rel.Total}, rel.Parts...) {
			s.cellRels[c] = append(s.cellRels[c], r)
		}
	}
	s.state[0] = SuppressedSmall
	for step := 0; step < 10; step++ {
		ex := s.exposed()
		t.Log("state", s.state, "exposed", ex, "lin", s.linearlyDetermined(), "bound", s.boundDetermined())
		if len(ex) == 0 {
			break
		}
		t.Log("cands", s.candidates(ex[0]))
		for _, c := range s.candidates(ex[0]) {
			s.state[c] = SuppressedComplementary
			t.Log(" try", c, s.isExposed(ex[0]), s.linearlyDetermined(), s.boundDetermined())
			s.state[c] = Shown
		}
		s.state[s.candidates(ex[0])[0]] = SuppressedComplementary
	}
}
