package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestKPIPageInBrowser opens a KPI's detail page from its tile on the dashboard and
// checks what a board member reads there: the definition and the SQL that counts it, the
// yearly chart, the months of the last school years, the figure per gemeente with its
// status in words (Velsen's exemptions are n.v.t., never 0); at 1440 and 360 px.
func TestKPIPageInBrowser(t *testing.T) {
	w := loadDemo(t)
	ctx := browser(t, 1440, 900)
	ts := w.server(t)
	logIn(t, ctx, ts.URL, w)

	// From the tile to the page.
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`.tegel[data-kpi="verzuim_meldingen"] a.tegel-link`)),
		chromedp.WaitVisible(chromedp.CSS(`body[data-kpi="verzuim_meldingen"][data-geladen="ja"]`)),
	); err != nil {
		t.Fatalf("browser: from the tile to the page: %v", err)
	}
	title := run(t, ctx, "title", chromedp.Text(chromedp.CSS(`h1`)))
	what := run(t, ctx, "definition", chromedp.Text(chromedp.CSS(`.detail-wat`)))
	sqlText := run(t, ctx, "sql", chromedp.Evaluate[string](`document.querySelector("pre.sql").textContent`))
	charts := run(t, ctx, "yearly chart", chromedp.Evaluate[int](`document.querySelectorAll('#grafieken .grafiek[data-kpi="verzuim_meldingen"] circle.reeks-punt').length`))
	months := run(t, ctx, "months", chromedp.Evaluate[int](`document.querySelectorAll("#maanden path.maand-lijn").length`))
	// The latest year's line has a point for each month with a relatief figure for
	// bestuur, and a gap (no point, never a 0) for each hidden month.
	monthPoints := run(t, ctx, "month points", chromedp.Evaluate[int](`(document.querySelector("#maanden path.maand-0").getAttribute("d").match(/[ML]/g) || []).length`))
	shown, hidden := monthsShown(t, w, ts.URL, "2024-2025", "relatief")
	rows := run(t, ctx, "gemeenten", chromedp.Evaluate[int](`document.querySelectorAll("#per-gemeente tbody tr").length`))
	haarlem := run(t, ctx, "Haarlem row", chromedp.Evaluate[string](`[...document.querySelectorAll("#per-gemeente tbody tr")].find(r => r.textContent.startsWith("Haarlem")).textContent`))
	shot := run(t, ctx, "screenshot", chromedp.FullScreenshot(100))

	// Exemptions per gemeente: Velsen runs leerplicht itself.
	if err := chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/kpi/vrijstellingen"),
		chromedp.WaitVisible(chromedp.CSS(`body[data-kpi="vrijstellingen"][data-geladen="ja"]`)),
	); err != nil {
		t.Fatalf("browser: open /kpi/vrijstellingen: %v", err)
	}
	velsen := run(t, ctx, "Velsen row", chromedp.Evaluate[string](`[...document.querySelectorAll("#per-gemeente tbody tr")].find(r => r.textContent.startsWith("Velsen")).textContent`))
	monthsHidden := run(t, ctx, "months hidden", chromedp.Evaluate[bool](`document.getElementById("maanden-sectie").hidden`))
	run(t, ctx, "phone size", chromedp.EmulateViewport(360, 780))
	phone := run(t, ctx, "phone screenshot", chromedp.FullScreenshot(100))
	phoneWide := run(t, ctx, "phone width", chromedp.Evaluate[string](`[...document.querySelectorAll("body *")]
		.filter(e => e.getBoundingClientRect().right > 361 && !e.closest(".tabel-schuif, pre, details"))
		.map(e => e.tagName + (e.id ? "#" + e.id : "") + " " + Math.round(e.getBoundingClientRect().right)).slice(0, 5).join(", ")`))
	run(t, ctx, "laptop size", chromedp.EmulateViewport(1440, 900))

	checks := []struct {
		name, got, want string
		ok              bool
	}{
		{"the page is the KPI's", title, "Verzuimmeldingen", strings.TrimSpace(title) == "Verzuimmeldingen"},
		{"the definition in Dutch", what, "the description and the target", strings.Contains(what, "Meldingen van ongeoorloofd verzuim") && strings.Contains(what, "Doel:")},
		{"the SQL that counts it", fmt.Sprintf("%.80s", sqlText), "sql/metrics/verzuim_meldingen.sql", strings.Contains(sqlText, "rij_tabel3") && strings.Contains(sqlText, "select")},
		{"the yearly chart", fmt.Sprint(charts), "a point per school year (10)", charts == 10},
		{"the months of the last three school years", fmt.Sprint(months), "3 lines", months == 3},
		{"a point per shown month, a gap per hidden one", fmt.Sprintf("%d points", monthPoints), fmt.Sprintf("%d points (%d months hidden)", shown, hidden), monthPoints == shown && shown+hidden == 12},
		{"a row per gemeente", fmt.Sprint(rows), "7", rows == 7},
		{"Haarlem's figures", haarlem, "numbers", strings.ContainsAny(haarlem, "0123456789")},
		{"Velsen's exemptions are n.v.t.", velsen, "n.v.t., no 0", strings.Contains(velsen, "n.v.t.") && !strings.ContainsAny(strings.TrimPrefix(velsen, "Velsen"), "0123456789")},
		{"no months for a KPI without them", fmt.Sprint(monthsHidden), "true", monthsHidden},
		{"a phone needs no sideways scrolling", phoneWide, "nothing wider than 360 px", phoneWide == ""},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if !c.ok {
				t.Errorf("got %q, want %s", c.got, c.want)
			}
		})
	}
	for name, img := range map[string][]byte{"kpi-verzuim.png": shot, "kpi-vrijstellingen-telefoon.png": phone} {
		p := filepath.Join(screenshotDir(t), name)
		if err := os.WriteFile(p, img, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s", p)
	}

	// An unknown KPI is a 404, not a page without figures.
	req, _ := http.NewRequest(http.MethodGet, ts.URL+"/kpi/bestaat_niet", nil)
	req.Header.Set("Authorization", "Bearer "+w.tokens["bestuur"])
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("/kpi/bestaat_niet: %d, want 404", res.StatusCode)
	}
}

// monthsShown counts the months of a school year's verzuimsoort that the monthly series
// shows to bestuur as a value, and those it hides.
func monthsShown(t *testing.T, w *demoWarehouse, base, year, soort string) (shown, hidden int) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+"/api/v1/kpis/verzuim_meldingen_maand?van="+year+"&tot="+year, nil)
	req.Header.Set("Authorization", "Bearer "+w.tokens["bestuur"])
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var m struct {
		Points []struct {
			Verzuimsoort string   `json:"verzuimsoort"`
			Value        *float64 `json:"value"`
		} `json:"points"`
	}
	if err := json.NewDecoder(res.Body).Decode(&m); err != nil {
		t.Fatal(err)
	}
	for _, p := range m.Points {
		switch {
		case p.Verzuimsoort != soort:
		case p.Value != nil:
			shown++
		default:
			hidden++
		}
	}
	return shown, hidden
}

// TestKPIPageYearInProgress reads the demo on 3 December 2024, inside school year
// 2024-2025: the absence page shows the year to date beside the same period of earlier
// years and the forecast with its band in words; the offer KPI's page shows the
// time-to-offer curves with the three-month mark.
func TestKPIPageYearInProgress(t *testing.T) {
	w := loadDemo(t)
	ctx := browser(t, 1440, 900)
	srv := New(w.db, Config{Version: "test", KPIDay: time.Date(2024, time.December, 3, 12, 0, 0, 0, time.UTC)}, nil)
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	logIn(t, ctx, ts.URL, w)
	if err := chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/kpi/verzuim_meldingen"),
		chromedp.WaitVisible(chromedp.CSS(`body[data-kpi="verzuim_meldingen"][data-geladen="ja"]`)),
	); err != nil {
		t.Fatalf("browser: open /kpi/verzuim_meldingen: %v", err)
	}
	lopend := run(t, ctx, "year in progress", chromedp.Text(chromedp.CSS(`#lopend-sectie`)))
	band := run(t, ctx, "forecast band", chromedp.Evaluate[int](`document.querySelectorAll("#lopend svg.verwachting-band rect.band-interval").length`))
	// December runs through the 3rd: its month is drawn apart (a dotted step to an open
	// point, labelled), not as a whole month that seems to fall.
	partial := run(t, ctx, "partial month", chromedp.Evaluate[string](`[...document.querySelectorAll("#maanden .maand-deel, #maanden .maand-deel-punt, #maanden .maand-deel-label, #maanden .maand-deel-uitleg")].map(e => e.getAttribute("class").split(" ").pop() + (e.matches("text, p") ? ":" + e.textContent : "")).join(" | ")`))
	wholeMonths := run(t, ctx, "whole months", chromedp.Evaluate[int](`(document.querySelector("#maanden path.maand-0:not(.maand-deel)").getAttribute("d").match(/[ML]/g) || []).length`))
	shown, hidden := monthsShown(t, w, ts.URL, "2024-2025", "relatief")
	gemeenteHead := run(t, ctx, "per gemeente head", chromedp.Text(chromedp.CSS(`#per-gemeente thead`)))
	gemeenteCells := run(t, ctx, "per gemeente cells", chromedp.Text(chromedp.CSS(`#per-gemeente tbody`)))
	shot := run(t, ctx, "screenshot", chromedp.FullScreenshot(100))
	run(t, ctx, "phone size", chromedp.EmulateViewport(360, 780))
	phoneTable := run(t, ctx, "phone table", chromedp.Evaluate[string](`(() => { const b = document.querySelector("#per-gemeente .tabel-schuif"); return b.scrollWidth + " in " + b.clientWidth; })()`))
	phoneShot := run(t, ctx, "phone screenshot", chromedp.FullScreenshot(100))
	run(t, ctx, "laptop size", chromedp.EmulateViewport(1440, 900))
	if err := chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/kpi/thuiszitters_aanbod_binnen_3_maanden_pct"),
		chromedp.WaitVisible(chromedp.CSS(`body[data-kpi="thuiszitters_aanbod_binnen_3_maanden_pct"][data-geladen="ja"]`)),
	); err != nil {
		t.Fatalf("browser: open the offer KPI's page: %v", err)
	}
	curves := run(t, ctx, "curves", chromedp.Evaluate[int](`document.querySelectorAll("#curve path.maand-lijn").length`))
	legend := run(t, ctx, "curve legend", chromedp.Text(chromedp.CSS(`#curve .legenda`)))
	noForecast := run(t, ctx, "percentage", chromedp.Text(chromedp.CSS(`#lopend-sectie`)))
	curveShot := run(t, ctx, "curve screenshot", chromedp.FullScreenshot(100))

	for _, c := range []struct {
		name, got, want string
		ok              bool
	}{
		{"the year to date", lopend, "t/m 3 december 2024", strings.Contains(lopend, "t/m 3 december 2024")},
		{"the same period last year", lopend, "Zelfde periode in 2023-2024", strings.Contains(lopend, "Zelfde periode in 2023-2024")},
		{"the forecast in words", lopend, "Verwachting … 80% kans … kans dat het doel gehaald wordt", strings.Contains(lopend, "Verwachting voor het hele schooljaar") && strings.Contains(lopend, "80% kans") && strings.Contains(lopend, "kans dat het doel gehaald wordt")},
		{"the forecast band drawn", fmt.Sprint(band), "1", band == 1},
		{"the running month drawn apart and explained", partial, "maand-deel, its open point, 't/m 3 dec' and the note",
			strings.Count(partial, "maand-deel |") == 1 && strings.Contains(partial, "maand-deel-punt") && strings.Contains(partial, "maand-deel-label:t/m 3 dec") && strings.Contains(partial, "telt t/m 3 december 2024")},
		{"the whole months' line leaves the running month out", fmt.Sprint(wholeMonths), fmt.Sprintf("%d points: the months shown to bestuur but December", shown-1), wholeMonths == shown-1 && shown+hidden == 12},
		{"the year in progress named once, in its column's head", gemeenteHead + " / " + fmt.Sprintf("%.60s", gemeenteCells), "2024-2025 t/m 3 dec 2024 in the head, no t/m in the cells",
			strings.Contains(gemeenteHead, "t/m 3 dec 2024") && !strings.Contains(gemeenteCells, "t/m")},
		{"the table per gemeente fits a phone", phoneTable, "its scroll width within its box", phoneFits(phoneTable)},
		{"three cohorts' curves", fmt.Sprint(curves), "3", curves == 3},
		{"the share within three months named", legend, "… binnen 3 maanden", strings.Contains(legend, "binnen 3 maanden")},
		{"no forecast for a percentage, said so", noForecast, "Geen verwachting or the reason", strings.Contains(noForecast, "verwachting")},
	} {
		t.Run(c.name, func(t *testing.T) {
			if !c.ok {
				t.Errorf("got %q, want %s", c.got, c.want)
			}
		})
	}
	for name, img := range map[string][]byte{"kpi-lopend.png": shot, "kpi-lopend-telefoon.png": phoneShot, "kpi-aanbod-curve.png": curveShot} {
		p := filepath.Join(screenshotDir(t), name)
		if err := os.WriteFile(p, img, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s", p)
	}
}

// phoneFits reads "scrollWidth in clientWidth" of a scrolling box: true when its content
// needs no sideways scrolling.
func phoneFits(s string) bool {
	var scroll, client int
	if _, err := fmt.Sscanf(s, "%d in %d", &scroll, &client); err != nil {
		return false
	}
	return client > 0 && scroll <= client
}
