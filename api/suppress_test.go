package api

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hetleerplein/leerplein/warehouse"
)

func f(v float64) *float64 { return &v }

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
				if month[3].Status != nil && !month[3].Suppressed { // no data, or not the bureau's: no figures at all
					for k, p := range month {
						if p.Value != nil || exact[i+k].Value != nil {
							t.Errorf("%s %s: status %s with a value", p.Month, p.Verzuimsoort, *month[3].Status)
						}
					}
					continue
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
					case e.Value == nil:
						// Not a figure for the analyst either (n.v.t. or no data): the same
						// status for bestuur, never hidden (TestNoFigureIsNoComplement).
						if p.Suppressed || p.Value != nil || p.Status == nil || e.Status == nil || *p.Status != *e.Status {
							t.Errorf("%s %s: bestuur sees %+v where the analist has no figure (%+v)", p.Month, p.Verzuimsoort, p, e)
						}
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
			{SchoolYear: "2021-2022", Value: f(40), Target: f(2.7), OnTrack: new(bool)},
		}}
	// 40 in 2021-2022 is hidden to protect another figure (complementary).
	pat := &suppressionPattern{threshold: 5, cells: map[cellKey]warehouse.Suppression{
		{kpi: "x", year: "2018-2019"}: warehouse.SuppressedSmall,
		{kpi: "x", year: "2019-2020"}: warehouse.Shown,
		{kpi: "x", year: "2020-2021"}: warehouse.SuppressedSmall,
		{kpi: "x", year: "2021-2022"}: warehouse.SuppressedComplementary,
	}}
	got := pat.series(s)
	if !got.Baseline.Suppressed || got.Baseline.Value != nil {
		t.Errorf("baseline 3: got %+v, want suppressed", got.Baseline)
	}
	for _, p := range got.Points[1:] {
		if p.Target != nil || !p.TargetSuppressed || p.OnTrack != nil {
			t.Errorf("%s: target %v (suppressed %v), on_track %v; want the target suppressed and no on_track", p.SchoolYear, p.Target, p.TargetSuppressed, p.OnTrack)
		}
	}
	if got.Points[1].Value == nil || *got.Points[1].Value != 12 || got.Points[2].Value != nil || got.Points[3].Value != nil || !got.Points[3].Suppressed {
		t.Errorf("values: %v, %v, %v; want 12 shown, 2 and 40 suppressed", got.Points[1].Value, got.Points[2].Value, got.Points[3].Value)
	}
	if s.Points[2].Value == nil || *s.Baseline.Value != 3 {
		t.Error("the pattern modified its input")
	}

	pct := warehouse.KPISeries{ID: "p", Unit: warehouse.UnitPercent, TargetRule: warehouse.TargetRule{Kind: warehouse.TargetMinPct, Limit: f(100)},
		Points: []warehouse.KPIPoint{
			{SchoolYear: "2018-2019", Value: f(75), Base: f(4), Target: f(100)},
			{SchoolYear: "2019-2020", Value: f(50), Base: f(40), Target: f(100)},
		}}
	got = pat.series(pct)
	if got.Points[0].Value != nil || !got.Points[0].Suppressed || got.Points[0].Target == nil {
		t.Errorf("75%% of 4: got %+v, want the value suppressed and the fixed target 100 kept", got.Points[0])
	}
	if got.Points[1].Value == nil || got.Points[1].Base != nil {
		t.Errorf("50%% of 40: got %+v, want it shown, without its base", got.Points[1])
	}
}

// TestSuppressionAttackDemo runs the attacker (suppress_attack_test.go) against the
// demo: every area, KPI and year on every channel of the bestuur role.
func TestSuppressionAttackDemo(t *testing.T) {
	w := loadDemo(t)
	ts := w.server(t)
	for _, f := range attackAPI(t, w, ts.URL) {
		t.Error(f)
	}
}

// TestSuppressionAttackInProgress is TestSuppressionAttackDemo on a day inside the demo's
// last school year: the attacker also reads every KPI's period to date and the same
// period of earlier years, and knows their sums (a period is part of its year, adds up
// over areas, and the absence reports to date are the months that ended plus the days
// since). On progressDay, a period of 2023-2024 to 3 December less its months August to
// November is the few reports of 1 to 3 December 2023 in an area.
func TestSuppressionAttackInProgress(t *testing.T) {
	w := loadDemo(t)
	ts := httptest.NewServer(New(w.db, Config{Version: "test", KPIDay: progressDay}, nil).Handler())
	t.Cleanup(ts.Close)
	for _, f := range attackAPI(t, w, ts.URL) {
		t.Error(f)
	}
	t.Run("the attacker finds the days since the last month without the pattern", func(t *testing.T) {
		srv := New(w.db, Config{Version: "test", KPIDay: progressDay}, nil)
		primaryOnly(t, srv)
		ts := httptest.NewServer(srv.Handler())
		t.Cleanup(ts.Close)
		// Zuid-Kennemerland's few reports of 1 to 3 December 2023: its period to date
		// less its months August to November.
		want := "the unpublished count " + ytdKey("verzuim_meldingen", "subregio:zk", "2023-2024") + " minus "
		found := attackAPI(t, w, ts.URL)
		if !slices.ContainsFunc(found, func(f string) bool { return strings.HasPrefix(f, want) }) {
			t.Errorf("the attacker does not find %q… among its %d findings", want, len(found))
		}
	})
}

// TestSuppressionAttackerDetects runs the attacker against the demo with small counts
// suppressed one at a time (the primary rule alone, as before this pattern), so that
// its silence above means something: it must recover Zandvoort's thuiszitters.
func TestSuppressionAttackerDetects(t *testing.T) {
	w := loadDemo(t)
	srv := New(w.db, Config{Version: "test"}, nil)
	primaryOnly(t, srv)
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	found := attackAPI(t, w, ts.URL)
	want := "hidden thuiszitters|gemeente:GM0473|2018-2019 (1) follows from the figures shown"
	if !slices.Contains(found, want) {
		t.Errorf("the attacker does not find %q among its %d findings", want, len(found))
	}
	t.Logf("primary suppression alone: %d findings, e.g. %v", len(found), found[:min(3, len(found))])
}

// TestZandvoortNotBySubtraction is the reported case: thuiszitters 2018-2019, the
// region minus the other gemeenten (or Zuid-Kennemerland minus its other gemeenten)
// gave Zandvoort's hidden count of 1. A reader must now miss a term of each difference.
func TestZandvoortNotBySubtraction(t *testing.T) {
	w := loadDemo(t)
	ts := w.server(t)
	value := func(q string) *float64 {
		req, _ := http.NewRequest(http.MethodGet, ts.URL+"/api/v1/kpis/thuiszitters?van=2018-2019&tot=2018-2019"+q, nil)
		res := w.do(t, req, "bestuur")
		defer res.Body.Close()
		var s seriesJSON
		if err := json.NewDecoder(res.Body).Decode(&s); err != nil || len(s.Points) != 1 {
			t.Fatalf("%s: %v, %d points", q, err, len(s.Points))
		}
		return s.Points[0].Value
	}
	if v := value("&gemeente=GM0473"); v != nil {
		t.Fatalf("Zandvoort's thuiszitters 2018-2019 are shown (%v); the demo no longer has the case", *v)
	}
	snap, err := w.db.KPISnapshot(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, total := range []struct{ name, q, subregio string }{{"the region", "", ""}, {"Zuid-Kennemerland", "&subregio=zk", "zk"}} {
		terms := []*float64{value(total.q)}
		for _, g := range snap.Gemeenten {
			if g.Code != "GM0473" && (total.subregio == "" || g.Subregio == total.subregio) {
				terms = append(terms, value("&gemeente="+g.Code))
			}
		}
		if !slices.Contains(terms, nil) {
			diff := *terms[0]
			for _, v := range terms[1:] {
				diff -= *v
			}
			t.Errorf("%s minus the other gemeenten gives Zandvoort's hidden count: %v", total.name, diff)
		}
	}
}

// BenchmarkBuildPattern measures the suppression pattern of the demo: once per load.
func BenchmarkBuildPattern(b *testing.B) {
	w := loadDemo(b)
	snap, err := w.db.KPISnapshot(b.Context())
	if err != nil {
		b.Fatal(err)
	}
	reports, err := w.db.JaarverslagenAt(b.Context(), snap.Years, snap.Today, snap.State.Key)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := buildPattern(snap, reports, 5); err != nil {
			b.Fatal(err)
		}
	}
}

// demoPattern is the demo's snapshot and the suppression pattern built over it.
func demoPattern(t *testing.T) (*warehouse.KPISnapshot, *suppressionPattern) {
	t.Helper()
	w := loadDemo(t)
	snap, err := w.db.KPISnapshot(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	reports, err := w.db.JaarverslagenAt(t.Context(), snap.Years, snap.Today, snap.State.Key)
	if err != nil {
		t.Fatal(err)
	}
	p, err := buildPattern(snap, reports, 5)
	if err != nil {
		t.Fatal(err)
	}
	return snap, p
}

// TestNoFigureIsNoComplement checks that the pattern of the demo never hides a cell that
// is not a value (sql/marts/04_figuur_status.sql: no data, or not the bureau's to count).
// A reader knows such a cell counts nothing — Haarlemmerliede en Spaarnwoude, merged in
// 2019, has no absence in 2023-2024 — so hiding it protects no other cell: before this
// rule the pattern chose it as the complement of a small count in the same sum, and an
// attacker who knew it was 0 could recover what it was meant to protect.
func TestNoFigureIsNoComplement(t *testing.T) {
	snap, p := demoPattern(t)
	checked := 0
	for _, d := range warehouse.KPICatalogue() {
		if d.Unit != warehouse.UnitCount || !d.Supports(warehouse.FilterGemeente) {
			continue
		}
		for _, a := range areasOf(snap) {
			s, err := snap.Series(d.ID, a.filter)
			if err != nil {
				t.Fatal(err)
			}
			for _, pt := range s.Points {
				if pt.Status.IsValue() || pt.Value == nil {
					continue
				}
				checked++
				if p.hidden(cellKey{kpi: d.ID, area: a.key, year: pt.SchoolYear}, *pt.Value) {
					t.Errorf("%s %s %s is %s, yet hidden as if it were a secret", d.ID, a.key, pt.SchoolYear, pt.Status)
				}
			}
		}
		for _, a := range areasOf(snap) {
			points, err := snap.MonthlyAbsence(a.filter)
			if err != nil {
				t.Fatal(err)
			}
			for _, mp := range withMonthTotals(points) {
				if mp.Status.IsValue() || mp.Value == nil {
					continue
				}
				checked++
				if p.hidden(monthKey(a.key, mp), *mp.Value) {
					t.Errorf("%s %s %s %s is %s, yet hidden as if it were a secret", warehouse.MonthlyID, a.key, mp.Month.Format("2006-01"), mp.Verzuimsoort, mp.Status)
				}
			}
		}
	}
	if checked == 0 {
		t.Fatal("the demo has no cell without a value: the test checks nothing")
	}
	t.Logf("%d cells without a value checked", checked)
}

// TestRegionRelatiefMostlyShown checks that the demo's region keeps most of its monthly
// relatief, the main kind of absence. Its absoluut is small in most months, so nearly
// every month needs a complementary cell; before cellCost the greedy choice often took
// relatief (a third of the months hidden, in two school years ten of twelve), where the
// luxe beside it protects as well.
func TestRegionRelatiefMostlyShown(t *testing.T) {
	_, p := demoPattern(t)
	months, hidden := 0, 0
	perYear := map[string]int{}
	for k, st := range p.cells {
		if k.kpi != warehouse.MonthlyID || k.area != "" || k.soort != "relatief" {
			continue
		}
		months++
		if st.Hidden() {
			hidden++
			perYear[k.year]++
		}
	}
	if months == 0 {
		t.Fatal("the demo has no monthly relatief for the region")
	}
	if hidden*5 > months {
		t.Errorf("the region's relatief is hidden in %d of %d months (by school year %v), want at most a fifth", hidden, months, perYear)
	}
	for y, n := range perYear {
		if n > 6 {
			t.Errorf("the region's relatief is hidden in %d months of %s, want at most half", n, y)
		}
	}
}
