package api

import (
	"encoding/json"
	"net/http"
	"testing"
)

const curvePath = "/api/v1/kpis/thuiszitters_aanbod_binnen_3_maanden/curve"

// curveScenarios are the curve's specification, run against the demo warehouse with
// the KPI scenarios (and validated against openapi.json with them).
func curveScenarios() []scenario {
	return []scenario{
		{name: "curve of a gemeente, analist", path: curvePath + "?gemeente=GM0392&van=2023-2024&tot=2023-2024", role: "analist", status: 200, golden: "curve_GM0392_analist.json",
			check: bodyHas(`"counts_shown":true`, `"filter":{"subregio":null,"gemeente":"GM0392","van":"2023-2024","tot":"2023-2024","soort":null}`,
				`"note_nl":"Een thuiszitter zonder aanbod telt mee tot het einde van de episode of tot de laatste dag met gegevens (`)},
		{name: "curve of a gemeente, bestuur", path: curvePath + "?gemeente=GM0392&van=2023-2024&tot=2023-2024", role: "bestuur", status: 200, golden: "curve_GM0392_bestuur.json",
			check: bodyHas(`"counts_shown":false`, `"n_episodes":null`, `"at_risk":null,"events":null`)},
		{name: "curve by the KPI's own id, a sub-region and a soort", path: "/api/v1/kpis/thuiszitters_aanbod_binnen_3_maanden_pct/curve?subregio=ijmond&soort=ABSOLUUT&van=2024-2025", role: "beheer", status: 200,
			check: bodyHas(`"subregio":"ijmond"`, `"soort":"absoluut"`, `"school_year":"2024-2025","status":null`)},
		{name: "curve of a gemeente that no longer exists", path: curvePath + "?gemeente=GM0393&van=2019-2020&tot=2019-2020", role: "bestuur", status: 200, golden: "curve_GM0393.json",
			check: bodyHas(`"status":"niet_van_toepassing","suppressed":false,"lopend":false,"n_episodes":null,"censored":null,"share_at_3_months":null,"steps":[]`,
				`"note_nl":"Haarlemmerliede en Spaarnwoude telt in schooljaar 2019-2020 niet mee`)},
		{name: "curve: unknown gemeente, in Dutch", path: curvePath + "?gemeente=GM9999", role: "bestuur", status: 400, golden: "curve_unknown_gemeente.json"},
		{name: "curve: unknown soort, in Dutch", path: curvePath + "?soort=luxe", role: "bestuur", status: 400, invalid: true,
			check: bodyHas(`"error":"parameter soort: onbekende soort \"luxe\"; kies absoluut of langdurig_relatief"`, `"parameter":"soort"`)},
		{name: "curve: misspelt parameter, in Dutch", path: curvePath + "?gemente=GM0392", role: "bestuur", status: 400,
			check: bodyHas(`"error":"parameter gemente: onbekende parameter; gebruik subregio, gemeente, van, tot of soort"`)},
		{name: "curve of a KPI without one", path: "/api/v1/kpis/thuiszitters/curve", role: "bestuur", status: 404, invalid: true,
			check: bodyHas(`has no curve`)},
		{name: "curve without credentials", path: curvePath, status: 401},
	}
}

// TestCurveBestuurSeesNoSmallNumbers compares, on every gemeente, what bestuur and
// analist get: bestuur sees no count, no curve of fewer episodes than the threshold
// (the demo's threshold is 5), and no step where fewer than that were still waiting;
// everything else is the analist's curve.
func TestCurveBestuurSeesNoSmallNumbers(t *testing.T) {
	w := loadDemo(t)
	ts := w.server(t)
	get := func(role, query string) curvesJSON {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, ts.URL+curvePath+query, nil)
		res := w.do(t, req, role)
		defer res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s %s: status %d", role, query, res.StatusCode)
		}
		var out curvesJSON
		if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	const threshold = 5
	suppressed, cut := 0, 0
	for _, g := range []string{"GM0392", "GM0473", "GM0377", "GM0375"} {
		exact, hidden := get("analist", "?gemeente="+g), get("bestuur", "?gemeente="+g)
		if len(exact.Curves) != len(hidden.Curves) {
			t.Fatalf("%s: %d curves for analist, %d for bestuur", g, len(exact.Curves), len(hidden.Curves))
		}
		for i, e := range exact.Curves {
			h := hidden.Curves[i]
			if h.Episodes != nil || h.Censored != nil {
				t.Errorf("%s %s: bestuur sees n_episodes %v, censored %v; want null", g, h.SchoolYear, h.Episodes, h.Censored)
			}
			if e.Episodes == nil {
				continue // not a curve (n.v.t., geen gegevens): nothing to compare
			}
			if n := *e.Episodes; n >= 1 && n < threshold {
				suppressed++
				if !h.Suppressed || h.At3Months != nil || len(h.Steps) != 0 || h.Status == nil || *h.Status != "onderdrukt" {
					t.Errorf("%s %s: %d episodes, bestuur gets %+v; want it onderdrukt", g, h.SchoolYear, n, h)
				}
				continue
			}
			if fmtF(h.At3Months) != fmtF(e.At3Months) {
				t.Errorf("%s %s: share at 3 months %s for bestuur, %s for analist", g, h.SchoolYear, fmtF(h.At3Months), fmtF(e.At3Months))
			}
			var want []stepJSON
			for _, st := range e.Steps {
				if *st.AtRisk >= threshold {
					st.AtRisk, st.Events = nil, nil
					want = append(want, st)
				}
			}
			if len(want) < len(e.Steps) {
				cut++
			}
			if len(want) != len(h.Steps) {
				t.Errorf("%s %s: bestuur sees %d steps, want the %d with at least %d waiting", g, h.SchoolYear, len(h.Steps), len(want), threshold)
				continue
			}
			for k := range want {
				if want[k] != h.Steps[k] {
					t.Errorf("%s %s step %d: bestuur %+v, want %+v", g, h.SchoolYear, k, h.Steps[k], want[k])
				}
			}
		}
	}
	if suppressed == 0 || cut == 0 {
		t.Errorf("%d curves suppressed and %d cut: the demo gemeenten should exercise both rules", suppressed, cut)
	}
}

func fmtF(p *float64) string {
	if p == nil {
		return "null"
	}
	b, _ := json.Marshal(*p)
	return string(b)
}
