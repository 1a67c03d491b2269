package api

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"
)

// reportCells says which annual-report cell each KPI equals (definitions.md, KPIs).
// warehouse/kpi_test.go checks the same on the report's boundary cases; here the demo's
// ten years are checked through the API, as an analyst receives them.
var reportCells = map[string][3]string{
	"verzuim_meldingen":                 {"tabel3", "totaal", "totaal"},
	"thuiszitters":                      {"tabel6", "thuiszitters", "totaal"},
	"thuiszitters_langer_dan_3_maanden": {"tabel6", "langer_dan_3_maanden", "totaal"},
	"vsv_nieuw":                         {"tabel7", "totaal_regio", "vsvers"},
	"vsv_pct_vo":                        {"tabel7", "vo_regio", "vsv_pct"},
	"vsv_pct_mbo":                       {"tabel7", "mbo_regio", "vsv_pct"},
	"rmc_ers":                           {"tabel8", "rmc_ers", "aantal"},
	"vrijstellingen":                    {"tabel2", "totaal", "aantal"},
	"halt_pv":                           {"tabel4", "totaal", "totaal"},
}

// TestKPIsEqualTheReport fetches every report-cell KPI from the API (as analist, whole
// region, and the thuiszitters KPIs per sub-region) and checks every school year
// against the annual report computed on the same demo warehouse.
func TestKPIsEqualTheReport(t *testing.T) {
	w := loadDemo(t)
	ts := w.server(t)
	fetch := func(t *testing.T, path string) seriesJSON {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, ts.URL+path, nil)
		res := w.do(t, req, "analist")
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		var s seriesJSON
		if res.StatusCode != http.StatusOK || json.Unmarshal(body, &s) != nil {
			t.Fatalf("%s: %d %.300s", path, res.StatusCode, body)
		}
		return s
	}
	cells := map[string]map[[3]string]float64{}
	cellsOf := func(t *testing.T, year string) map[[3]string]float64 {
		if cells[year] == nil {
			cs, err := w.db.Jaarverslag(context.Background(), year)
			if err != nil {
				t.Fatalf("Jaarverslag(%s): %v", year, err)
			}
			cells[year] = map[[3]string]float64{}
			for _, c := range cs {
				if c.Status.IsValue() { // a cell without data has no value to compare
					cells[year][[3]string{c.Tabel, c.Rij, c.Kolom}] = c.Waarde.Float64()
				}
			}
		}
		return cells[year]
	}
	check := func(t *testing.T, path string, cell [3]string) {
		s := fetch(t, path)
		if len(s.Points) != 10 {
			t.Fatalf("%s: %d points, want the demo's ten school years", path, len(s.Points))
		}
		for _, p := range s.Points {
			want, ok := cellsOf(t, p.SchoolYear)[cell]
			switch {
			case !ok && p.Value != nil:
				t.Errorf("%s %s = %v, want null (no such report cell)", path, p.SchoolYear, *p.Value)
			case ok && p.Value == nil:
				t.Errorf("%s %s = null, want %v (%v)", path, p.SchoolYear, want, cell)
			case ok && *p.Value != want:
				t.Errorf("%s %s = %v, want %v (%v)", path, p.SchoolYear, *p.Value, want, cell)
			}
		}
	}
	for id, cell := range reportCells {
		t.Run(id, func(t *testing.T) { check(t, "/api/v1/kpis/"+id, cell) })
	}
	for _, sub := range []string{"zk", "ijmond"} {
		t.Run("thuiszitters "+sub, func(t *testing.T) {
			check(t, "/api/v1/kpis/thuiszitters?subregio="+sub, [3]string{"tabel6", "thuiszitters", sub})
			check(t, "/api/v1/kpis/thuiszitters_langer_dan_3_maanden?subregio="+sub, [3]string{"tabel6", "langer_dan_3_maanden", sub})
		})
	}
	t.Run("2018-2019 as published", func(t *testing.T) {
		if s := fetch(t, "/api/v1/kpis/verzuim_meldingen"); s.Baseline == nil || s.Baseline.Value == nil || *s.Baseline.Value != 1498 {
			t.Errorf("verzuim_meldingen baseline %+v, want 2018-2019 = 1498 (seed_tables.csv)", s.Baseline)
		}
	})
}
