package api

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/hetleerplein/leerplein/warehouse"
)

func f(v float64) *float64 { return &v }

// TestSuppressCells pins down primary and complementary suppression on small groups.
func TestSuppressCells(t *testing.T) {
	for _, tc := range []struct {
		name   string
		vals   []*float64
		groups [][]int
		want   []bool
	}{
		{"nothing small", []*float64{f(30), f(10), f(40)}, [][]int{{0, 1, 2}}, []bool{false, false, false}},
		{"zero is shown", []*float64{f(30), f(0), f(30)}, [][]int{{0, 1, 2}}, []bool{false, false, false}},
		{"two small cells protect each other", []*float64{f(33), f(3), f(2), f(38)}, [][]int{{0, 1, 2, 3}}, []bool{false, true, true, false}},
		{"one small cell takes the smallest other non-zero", []*float64{f(40), f(3), f(10), f(0), f(53)}, [][]int{{0, 1, 2, 3, 4}}, []bool{false, true, true, false, false}},
		{"a zero only when nothing else is left", []*float64{f(3), f(0), nil}, [][]int{{0, 1, 2}}, []bool{true, true, false}},
		{"threshold edge: 5 is shown", []*float64{f(5), f(20), f(25)}, [][]int{{0, 1, 2}}, []bool{false, false, false}},
		{"no figure is neither hidden nor chosen", []*float64{f(2), nil, f(50), f(52)}, [][]int{{0, 1, 2, 3}}, []bool{true, false, true, false}},
		{"chains through overlapping groups", []*float64{f(2), f(20), f(22), f(30), f(52)}, [][]int{{0, 1, 2}, {1, 3, 4}}, []bool{true, true, false, true, false}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := suppressCells(tc.vals, tc.groups, 5)
			if !slices.Equal(got, tc.want) {
				t.Errorf("hidden: got %v, want %v", got, tc.want)
			}
			for _, g := range tc.groups {
				if n := countHidden(got, g); n == 1 {
					t.Errorf("group %v has exactly one hidden cell: it can be derived", g)
				}
			}
		})
	}
}

func countHidden(hidden []bool, group []int) int {
	n := 0
	for _, i := range group {
		if hidden[i] {
			n++
		}
	}
	return n
}

// TestSuppressedCannotBeRecovered fetches the monthly series by verzuimsoort as bestuur
// for every gemeente and sub-region of the demo, and checks, as an attacker would
// compute it, that no suppressed count follows from the month's total and the visible
// counts: in every month either nothing is suppressed, or the total is, or at least two
// parts are, with a hidden sum that two cells share (so each has several possible
// values). It also checks that the analyst's exact figures are what was hidden.
func TestSuppressedCannotBeRecovered(t *testing.T) {
	w := loadDemo(t)
	ts := w.server(t)
	snap, err := New(w.db, Config{}, nil).cache.current(t.Context(), w.db, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var filters []string
	for _, g := range snap.snap.Gemeenten {
		filters = append(filters, "gemeente="+g.Code)
	}
	for _, s := range snap.snap.Subregios {
		filters = append(filters, "subregio="+s.Code)
	}
	fetch := func(t *testing.T, q, role string) []monthPointJSON {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, ts.URL+"/api/v1/kpis/verzuim_meldingen_maand?"+q, nil)
		res := w.do(t, req, role)
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("status %d: %s", res.StatusCode, body)
		}
		var out monthSeriesJSON
		if err := json.Unmarshal(body, &out); err != nil {
			t.Fatal(err)
		}
		return out.Points
	}
	hiddenTotal := 0
	for _, q := range filters {
		t.Run(q, func(t *testing.T) {
			shown, exact := fetch(t, q, "bestuur"), fetch(t, q, "analist")
			if len(shown) != len(exact) {
				t.Fatalf("bestuur sees %d points, analist %d", len(shown), len(exact))
			}
			for i := 0; i < len(shown); i += 4 { // relatief, luxe, absoluut, totaal per month
				month := shown[i : i+4]
				if month[3].Verzuimsoort != "totaal" {
					t.Fatalf("month %s: points out of order: %+v", month[0].Month, month)
				}
				var hidden []int
				visibleSum := 0.0
				for k, p := range month[:3] {
					if p.Suppressed {
						hidden = append(hidden, k)
					} else {
						visibleSum += *p.Value
					}
				}
				for k, p := range month {
					e := exact[i+k]
					switch {
					case p.Suppressed && p.Value != nil:
						t.Errorf("%s %s: suppressed but has a value", p.Month, p.Verzuimsoort)
					case !p.Suppressed && *p.Value != *e.Value:
						t.Errorf("%s %s: bestuur sees %v, analist %v", p.Month, p.Verzuimsoort, *p.Value, *e.Value)
					case *e.Value >= 1 && *e.Value < 5 && !p.Suppressed:
						t.Errorf("%s %s = %v is small but shown", p.Month, p.Verzuimsoort, *e.Value)
					}
				}
				hiddenTotal += len(hidden)
				if month[3].Suppressed || len(hidden) == 0 {
					continue
				}
				if len(hidden) == 1 {
					k := hidden[0]
					t.Errorf("%s: %s can be derived: totaal %v − visible %v = %v", month[0].Month, month[k].Verzuimsoort,
						*month[3].Value, visibleSum, *month[3].Value-visibleSum)
				}
				if rest := *month[3].Value - visibleSum; rest < 1 {
					t.Errorf("%s: the hidden cells add up to %v: each is then known", month[0].Month, rest)
				}
			}
		})
	}
	if hiddenTotal == 0 {
		t.Fatal("nothing was suppressed anywhere: the test proves nothing (is the threshold applied?)")
	}
}

// TestSuppressSeriesTargets checks that a target computed from a suppressed baseline
// is suppressed too (it would give the baseline back), and that percentages follow
// their base.
func TestSuppressSeriesTargets(t *testing.T) {
	rule := warehouse.TargetRule{Kind: warehouse.TargetReduction, BaselineYear: "2018-2019", Reduction: 0.1}
	tr := true
	s := warehouse.KPISeries{ID: "x", Unit: warehouse.UnitCount, TargetRule: rule,
		Baseline: &warehouse.KPIPoint{SchoolYear: "2018-2019", Value: f(3)},
		Points: []warehouse.KPIPoint{
			{SchoolYear: "2018-2019", Value: f(3)},
			{SchoolYear: "2019-2020", Value: f(12), Target: f(2.7), OnTrack: new(bool)},
			{SchoolYear: "2020-2021", Value: f(2), Target: f(2.7), OnTrack: &tr},
		}}
	got := suppressSeries(s, 5)
	if !got.Baseline.Suppressed || got.Baseline.Value != nil {
		t.Errorf("baseline 3: got %+v, want suppressed", got.Baseline)
	}
	for _, p := range got.Points[1:] {
		if p.Target != nil || !p.TargetSuppressed || p.OnTrack != nil {
			t.Errorf("%s: target %v (suppressed %v), on_track %v; want the target suppressed and no on_track", p.SchoolYear, p.Target, p.TargetSuppressed, p.OnTrack)
		}
	}
	if got.Points[1].Value == nil || *got.Points[1].Value != 12 || got.Points[2].Value != nil {
		t.Errorf("values: %v, %v; want 12 shown and 2 suppressed", got.Points[1].Value, got.Points[2].Value)
	}
	if s.Points[2].Value == nil || *s.Baseline.Value != 3 {
		t.Error("suppressSeries modified its input")
	}

	pct := warehouse.KPISeries{ID: "p", Unit: warehouse.UnitPercent, TargetRule: warehouse.TargetRule{Kind: warehouse.TargetMinPct, Limit: f(100)},
		Points: []warehouse.KPIPoint{
			{SchoolYear: "2018-2019", Value: f(75), Base: f(4), Target: f(100)},
			{SchoolYear: "2019-2020", Value: f(50), Base: f(40), Target: f(100)},
		}}
	got = suppressSeries(pct, 5)
	if got.Points[0].Value != nil || !got.Points[0].Suppressed || got.Points[0].Target == nil {
		t.Errorf("75%% of 4: got %+v, want the value suppressed and the fixed target 100 kept", got.Points[0])
	}
	if got.Points[1].Value == nil || got.Points[1].Base != nil {
		t.Errorf("50%% of 40: got %+v, want it shown, without its base", got.Points[1])
	}
}
