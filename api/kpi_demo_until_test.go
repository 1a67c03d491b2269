package api

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/hetleerplein/leerplein/warehouse"
)

// TestKPIInProgressDemoUntil loads the demo as `make run` does on 4 December 2026 —
// through the day before, inside 2026-2027 — and reads every KPI on that day over HTTP.
// Each KPI counted from dated events (docs/forecast.md) is in progress in 2026-2027, up
// to the last day its feeds have a date in it (the absence reports: 3 December 2026
// itself; a feed with a few records a month may have its last a few days earlier), with
// a forecast or the reason it has none; the absence reports, which the rules allow to
// forecast, have one. VSV, replaced from DUO once a year, has none; any other KPI that
// has one is held to the same. The day is injected (Config.KPIDay): nothing depends on today.
func TestKPIInProgressDemoUntil(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the demo through 3 December 2026 (eleven and a half school years)")
	}
	until := time.Date(2026, time.December, 3, 0, 0, 0, 0, time.UTC)
	w, err := buildDemo(until)
	if err != nil {
		t.Fatalf("build demo warehouse through %s: %v", until.Format(time.DateOnly), err)
	}
	t.Cleanup(func() { w.db.Close(); os.RemoveAll(w.dir) })
	ts := httptest.NewServer(New(w.db, Config{Version: "test", KPIDay: until.AddDate(0, 0, 1)}, nil).Handler())
	t.Cleanup(ts.Close)
	dated := map[string]bool{"verzuim_meldingen": true, "thuiszitters": true, "thuiszitters_langer_dan_3_maanden": true,
		"thuiszitters_aanbod_binnen_3_maanden_pct": true, "rmc_ers": true, "vrijstellingen": true, "halt_pv": true}
	for _, def := range warehouse.KPICatalogue() {
		t.Run(def.ID, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, ts.URL+"/api/v1/kpis/"+def.ID, nil)
			res := w.do(t, req, "analist")
			defer res.Body.Close()
			if res.StatusCode != http.StatusOK {
				t.Fatalf("status %d, want 200", res.StatusCode)
			}
			var s struct {
				InProgress *inProgressJSON `json:"in_progress"`
			}
			if err := json.NewDecoder(res.Body).Decode(&s); err != nil {
				t.Fatal(err)
			}
			ip := s.InProgress
			switch {
			case strings.HasPrefix(def.ID, "vsv_") && ip != nil:
				t.Fatalf("in_progress %s, want none: VSV figures come from DUO once a year", ip.SchoolYear)
			case dated[def.ID] && ip == nil:
				t.Fatal("no in_progress, want 2026-2027 in progress")
			case ip == nil:
				return // not counted from dated events
			}
			earliest := "2026-11-03" // a month back: the feed's last date in the year
			if def.ID == "verzuim_meldingen" {
				earliest = "2026-12-03"
			}
			if ip.SchoolYear != "2026-2027" || ip.Through == nil || *ip.Through < earliest || *ip.Through > "2026-12-03" {
				t.Errorf("in progress %s through %s, want 2026-2027 through a day from %s to 2026-12-03", ip.SchoolYear, deref(ip.Through), earliest)
			}
			f := ip.Forecast
			if (f.Value == nil) == (f.ReasonNL == nil) && ip.Status == nil {
				t.Errorf("forecast %v, reason %v: want either a forecast or the reason there is none", f.Value, f.ReasonNL)
			}
			if def.ID == "verzuim_meldingen" {
				if ip.Value == nil || f.Value == nil || f.Low == nil || f.High == nil || *f.Low > *f.Value || *f.Value > *f.High || *f.Low < *ip.Value {
					t.Errorf("value %v forecast %v [%v, %v]: want a count to date and a forecast inside its interval, not below the count", ip.Value, f.Value, f.Low, f.High)
				}
				if len(f.BasedOn) == 0 || f.BasedOn[len(f.BasedOn)-1] != "2025-2026" {
					t.Errorf("forecast based on %v, want the complete years up to 2025-2026", f.BasedOn)
				}
			}
		})
	}
}

// deref is *s, or "(none)".
func deref(s *string) string {
	if s == nil {
		return "(none)"
	}
	return *s
}
