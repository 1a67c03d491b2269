package api

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// chromiumInstall says how to get the browser the dashboard test drives.
const chromiumInstall = "install it with `apt-get install -y chromium` (Debian; `make test` does this through `make browser-deps`), or point LEERPLEIN_CHROMIUM at a Chromium or Chrome binary"

// findChromium returns the browser binary. Without one the test is skipped, unless
// LEERPLEIN_REQUIRE_BROWSER=1 (set by make test) makes that a failure.
func findChromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("LEERPLEIN_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := "the dashboard browser test needs headless Chromium, which is not installed: " + chromiumInstall
	if os.Getenv("LEERPLEIN_REQUIRE_BROWSER") == "1" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// browser starts a headless Chromium with a fresh profile and returns its context.
func browser(t *testing.T, width, height int) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(findChromium(t)),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(width, height),
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	t.Cleanup(cancel)
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(acancel)
	bctx, bcancel := chromedp.NewContext(actx)
	t.Cleanup(bcancel)
	return bctx
}

// screenshotDir is where the test leaves its screenshots for a person to look at.
func screenshotDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("LEERPLEIN_SCREENSHOT_DIR")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "leerplein-browser-test")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// run runs one browser action and fails the test on an error, naming the step.
func run[T any](t *testing.T, ctx context.Context, step string, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatalf("browser: %s: %v", step, err)
	}
	return v
}

// media switches the page between screen ("") and print CSS.
func media(m string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: m})
		return err
	})
}

// logIn opens the dashboard at base, which must send the browser to the login page,
// logs in as the demo's bestuur user and waits for the figures; it returns the login
// page's title.
func logIn(t *testing.T, ctx context.Context, base string, w *demoWarehouse) string {
	t.Helper()
	if err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(chromedp.CSS(`#password`)),
	); err != nil {
		t.Fatalf("browser: open the dashboard: %v", err)
	}
	title := run(t, ctx, "title", chromedp.Title())
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(`#name`), w.user),
		chromedp.SendKeys(chromedp.CSS(`#password`), w.pass),
		chromedp.Submit(chromedp.CSS(`#password`)),
		chromedp.WaitVisible(chromedp.CSS(`body[data-geladen="ja"]`)),
	); err != nil {
		t.Fatalf("browser: log in and wait for the figures: %v", err)
	}
	return title
}

// TestDashboardInBrowser logs in to the built-in dashboard with headless Chromium as a
// bestuur user, checks the tiles against the demo figures, filters on a gemeente, and
// saves screenshots (screen and print) for a person to look at.
func TestDashboardInBrowser(t *testing.T) {
	w := loadDemo(t)
	ctx := browser(t, 1440, 900)
	ts := w.server(t)

	loginTitle := logIn(t, ctx, ts.URL, w)
	nulmeting := run(t, ctx, "baseline", chromedp.Text(chromedp.CSS(`[data-kpi="verzuim_meldingen"] .tegel-nulmeting`)))
	asOf := run(t, ctx, "data as of", chromedp.Text(chromedp.CSS(`#data-as-of`)))
	tiles := run(t, ctx, "tiles", chromedp.Evaluate[int](`document.querySelectorAll("#tegels .tegel").length`))
	charts := run(t, ctx, "charts", chromedp.Evaluate[int](`document.querySelectorAll("#grafieken .grafiek").length`))
	statusTiles := run(t, ctx, "status", chromedp.Evaluate[int](`document.querySelectorAll("#tegels .tegel.op-koers, #tegels .tegel.niet-op-koers").length`))
	statusText := run(t, ctx, "status text", chromedp.Text(chromedp.CSS(`#tegels .tegel .status`)))
	screen := run(t, ctx, "screenshot", chromedp.FullScreenshot(100))
	run(t, ctx, "print media", media("print"))
	printed := run(t, ctx, "print screenshot", chromedp.FullScreenshot(100))
	run(t, ctx, "screen media", media(""))
	run(t, ctx, "projector size", chromedp.EmulateViewport(1920, 1080))
	projector := run(t, ctx, "projector screenshot", chromedp.CaptureScreenshot())
	// The narrowest phone in common use: 360 CSS pixels.
	run(t, ctx, "phone size", chromedp.EmulateViewport(360, 780))
	phone := run(t, ctx, "phone screenshot", chromedp.CaptureScreenshot()) // the first screen
	phoneFull := run(t, ctx, "phone full screenshot", chromedp.FullScreenshot(100))
	phoneWide := run(t, ctx, "phone page width", chromedp.Evaluate[string](`[...document.querySelectorAll("body *")]
		.filter(e => e.getBoundingClientRect().right > 361)
		.map(e => e.tagName + (e.id ? "#" + e.id : "") + (e.className && e.className.baseVal === undefined ? "." + e.className : "") + " " + Math.round(e.getBoundingClientRect().right))
		.slice(0, 5).join(", ")`))
	// The charts' axis words, as tall as the phone draws them (a 14px label in a chart
	// scaled to the screen).
	phoneLabel := run(t, ctx, "phone chart label", chromedp.Evaluate[float64](`document.querySelector(".grafiek svg text.as").getBoundingClientRect().height`))
	phoneHeader := run(t, ctx, "phone header", chromedp.Evaluate[float64](`document.querySelector("header.kop").getBoundingClientRect().height`))
	run(t, ctx, "laptop size", chromedp.EmulateViewport(1440, 900))

	checks := []struct {
		name      string
		got, want string
		ok        bool
	}{
		{"login page first", loginTitle, "a title with Inloggen", strings.Contains(loginTitle, "Inloggen")},
		{"a phone needs no sideways scrolling", "wider than 360 px: " + phoneWide, "nothing", phoneWide == ""},
		{"a phone's chart labels are readable", fmt.Sprintf("%.1f px", phoneLabel), "at least 10 px tall", phoneLabel >= 10},
		{"a phone's header is compact", fmt.Sprintf("%.0f px", phoneHeader), "at most a third of the screen (260 px)", phoneHeader <= 260},
		{"baseline of verzuimmeldingen in Dutch number format", nulmeting, "Nulmeting 2018-2019: 1.498", strings.TrimSpace(nulmeting) == "Nulmeting 2018-2019: 1.498"},
		{"data_as_of shown", asOf, "a date", asOf != "" && asOf != "…" && asOf != "nog niet geladen"},
		{"one tile per KPI with a target", fmt.Sprint(tiles), "7", tiles == 7},
		{"one chart per KPI", fmt.Sprint(charts), "13 (the catalogue)", charts == 13},
		{"tiles with a status colour", fmt.Sprint(statusTiles), "at least 5", statusTiles >= 5},
		{"status in words", statusText, "Op koers or Niet op koers", strings.Contains(strings.ToLower(statusText), "op koers")},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if !c.ok {
				t.Errorf("got %q, want %s", c.got, c.want)
			}
		})
	}

	// The figures say what they are: the period the figures cover beside the load time,
	// a target as it is judged (95,4 for a count is "≤ 95", never "≤ 96"), and a year
	// without data named as such, never a 0.
	periode := run(t, ctx, "period", chromedp.Text(chromedp.CSS(`#periode`)))
	doel := run(t, ctx, "target", chromedp.Text(chromedp.CSS(`.tegel[data-kpi="thuiszitters"] .tegel-doel`)))
	vsvLater := run(t, ctx, "vsv later years", chromedp.Text(chromedp.CSS(`.tegel[data-kpi="vsv_nieuw"] .tegel-later`)))
	vsvGap := run(t, ctx, "vsv gap", chromedp.Evaluate[string](`[...document.querySelectorAll('.grafiek[data-kpi="vsv_nieuw"] g.status-geen_gegevens text')].map(e => e.textContent).join(" ")`))
	for _, c := range []struct{ name, got, want string }{
		{"header says the period of the figures", periode, "schooljaren 2015-2016 t/m 2024-2025"},
		{"a count's target as judged", doel, "Doel: ≤ 95"},
		{"a year without data is named on the tile", vsvLater, "2024-2025: geen gegevens"},
		{"a year without data is a gap in words on the chart", vsvGap, "geen gegevens"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if strings.TrimSpace(c.got) != c.want {
				t.Errorf("got %q, want %q", c.got, c.want)
			}
		})
	}

	// Velsen runs leerplicht itself: its exemptions are n.v.t. in every year, with the
	// reason on hover and in print, and never a 0 or a point on the line.
	choose := func(code string) {
		t.Helper()
		if err := chromedp.Do(ctx,
			chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				_, err := chromedp.Evaluate[chromedp.Void](`(() => { document.body.dataset.geladen = "nee";
					const s = document.getElementById("filter-gemeente"); s.value = "`+code+`";
					s.dispatchEvent(new Event("change")); })()`)(ctx, tg)
				return err
			}),
			chromedp.WaitVisible(chromedp.CSS(`body[data-geladen="ja"]`)),
		); err != nil {
			t.Fatalf("browser: filter on gemeente %s: %v", code, err)
		}
	}
	choose("GM0453")
	type chartState struct {
		NVT, Points, Zeros, Years int
		Reason, Note              string
	}
	velsen := run(t, ctx, "velsen exemptions", chromedp.Evaluate[chartState](`(() => {
		const f = document.querySelector('.grafiek[data-kpi="vrijstellingen"]');
		const g = [...f.querySelectorAll("g.status-niet_van_toepassing")];
		return {NVT: g.filter(e => e.querySelector("text").textContent === "n.v.t.").length,
			Points: f.querySelectorAll("circle.reeks-punt").length,
			Zeros: [...f.querySelectorAll("text.label, text.label-geen-waarde")].filter(e => e.textContent.trim() === "0").length,
			Years: [...f.querySelectorAll("text.as")].filter(e => /^\d\d-\d\d/.test(e.textContent)).length,
			Reason: g.length ? g[0].querySelector("title").textContent : "",
			Note: (f.querySelector(".toelichting") || {}).textContent || ""};
	})()`))
	run(t, ctx, "print media", media("print"))
	velsenPrint := run(t, ctx, "velsen print screenshot", chromedp.FullScreenshot(100))
	noteShown := run(t, ctx, "note printed", chromedp.Evaluate[bool](`getComputedStyle(document.querySelector('.grafiek[data-kpi="vrijstellingen"] .toelichting')).display !== "none"`))
	run(t, ctx, "screen media", media(""))
	velsenScreen := run(t, ctx, "velsen screenshot", chromedp.FullScreenshot(100))
	t.Run("n.v.t. for an IJmond gemeente's exemptions, never 0", func(t *testing.T) {
		if velsen.NVT != velsen.Years || velsen.Years < 10 || velsen.Points != 0 || velsen.Zeros != 0 {
			t.Errorf("exemptions of Velsen: %d n.v.t. columns for %d years, %d points, %d zeros; want n.v.t. in every year, no point, no 0", velsen.NVT, velsen.Years, velsen.Points, velsen.Zeros)
		}
		for _, txt := range []string{velsen.Reason, velsen.Note} {
			if !strings.Contains(txt, "Velsen voert de leerplicht zelf uit") {
				t.Errorf("the reason %q does not say why", txt)
			}
		}
		if !noteShown {
			t.Error("the reason is not printed")
		}
	})

	// Haarlemmerliede en Spaarnwoude (merged in 2019) is not a current choice but stays
	// reachable for its own years; as bestuur its small counts read "te weinig om te
	// tonen" (not "<5": a count hidden to protect another is not necessarily small).
	former := run(t, ctx, "former gemeente", chromedp.Evaluate[string](`(() => {
		const o = document.querySelector('#filter-gemeente option[value="GM0393"]');
		return (o.parentElement.tagName === "OPTGROUP" ? o.parentElement.label : "current") + "|" + (o.dataset.tot || "") + "|" + o.textContent;
	})()`))
	choose("GM0393")
	suppressed := run(t, ctx, "suppressed", chromedp.Evaluate[int](`[...document.querySelectorAll(".status-onderdrukt")].filter(e => e.textContent.includes("te weinig")).length`))
	smallAsNumber := run(t, ctx, "suppressed as x or <5", chromedp.Evaluate[int](`[...document.querySelectorAll(".tegel-waarde, text")].filter(e => /^(x|<5|<5%)$/.test(e.textContent.trim())).length`))
	lastYear := run(t, ctx, "years of a former gemeente", chromedp.Evaluate[string](`[...document.querySelectorAll('.grafiek[data-kpi="thuiszitters"] text.as')].map(e => e.textContent).filter(s => /^\d\d-\d\d$/.test(s)).pop() || ""`))
	url := run(t, ctx, "location", chromedp.Location())
	filtered := run(t, ctx, "filtered screenshot", chromedp.FullScreenshot(100))
	t.Run("a gemeente that no longer exists is offered for its own years", func(t *testing.T) {
		if former != "Niet meer bestaand|2018-2019|Haarlemmerliede en Spaarnwoude (t/m 2018-2019)" {
			t.Errorf("option of GM0393 = %q", former)
		}
		if lastYear != "18-19" {
			t.Errorf("its charts end in %q, want 18-19", lastYear)
		}
	})
	t.Run("suppressed numbers read te weinig om te tonen for bestuur", func(t *testing.T) {
		if suppressed == 0 || smallAsNumber != 0 {
			t.Errorf("%d suppressed figures in words, %d shown as x or <5; want some, none", suppressed, smallAsNumber)
		}
	})
	t.Run("filter kept in the address", func(t *testing.T) {
		if !strings.Contains(url, "gemeente=GM0393") {
			t.Errorf("location %q lacks gemeente=GM0393", url)
		}
	})

	dir := screenshotDir(t)
	for name, img := range map[string][]byte{"dashboard.png": screen, "dashboard-print.png": printed, "dashboard-gemeente.png": filtered,
		"dashboard-velsen.png": velsenScreen, "dashboard-velsen-print.png": velsenPrint,
		"dashboard-projector.png": projector, "dashboard-telefoon.png": phone, "dashboard-telefoon-heel.png": phoneFull} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, img, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s", path)
	}
}

// TestDashboardYearInProgress shows the dashboard on an injected day inside the demo's
// last school year: that year reads "t/m <datum>" on its tiles and under its chart
// point, and is not judged against a target for the whole year. No test depends on the
// real date.
func TestDashboardYearInProgress(t *testing.T) {
	w := loadDemo(t)
	ctx := browser(t, 1440, 900)
	// The session is made on the real day (a cookie that expired in 2025 would not be
	// kept by the browser); then the server's clock goes back into the school year.
	var day atomic.Pointer[time.Time]
	srv := New(w.db, Config{Version: "test"}, nil)
	srv.now = func() time.Time {
		if d := day.Load(); d != nil {
			return *d
		}
		return time.Now()
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	logIn(t, ctx, ts.URL, w)
	inYear := time.Date(2025, time.March, 1, 10, 0, 0, 0, time.UTC)
	day.Store(&inYear)
	if err := chromedp.Do(ctx,
		chromedp.Reload(),
		chromedp.WaitVisible(chromedp.CSS(`body[data-geladen="ja"]`)),
	); err != nil {
		t.Fatalf("browser: reload on %s: %v", inYear.Format(time.DateOnly), err)
	}
	year := run(t, ctx, "tile year", chromedp.Text(chromedp.CSS(`.tegel[data-kpi="verzuim_meldingen"] .tegel-jaar`)))
	verdict := run(t, ctx, "tile verdict", chromedp.Text(chromedp.CSS(`.tegel[data-kpi="verzuim_meldingen"] .status`)))
	judged := run(t, ctx, "tile colour", chromedp.Evaluate[bool](`document.querySelector('.tegel[data-kpi="verzuim_meldingen"]').matches(".op-koers, .niet-op-koers")`))
	axis := run(t, ctx, "chart axis", chromedp.Evaluate[string](`[...document.querySelectorAll('.grafiek[data-kpi="verzuim_meldingen"] tspan.as-lopend')].map(e => e.textContent).join(" ")`))
	hollow := run(t, ctx, "chart point", chromedp.Evaluate[int](`document.querySelectorAll('.grafiek[data-kpi="verzuim_meldingen"] circle.reeks-punt.lopend').length`))
	periode := run(t, ctx, "period", chromedp.Text(chromedp.CSS(`#periode`)))
	shot := run(t, ctx, "screenshot", chromedp.FullScreenshot(100))
	for _, c := range []struct {
		name string
		ok   bool
		got  string
	}{
		{"the year in progress says t/m its last day", year == "Schooljaar 2024-2025, t/m 1 maart 2025 (loopt nog)", year},
		{"and is not judged", verdict == "Geen oordeel: het schooljaar loopt nog" && !judged, fmt.Sprintf("%s, coloured %v", verdict, judged)},
		{"its chart point is marked", axis == "t/m 01-03" && hollow == 1, fmt.Sprintf("%q, %d hollow points", axis, hollow)},
		{"the header says how far the period goes", periode == "schooljaren 2015-2016 t/m 2024-2025 (2024-2025 t/m 1 maart 2025)", periode},
	} {
		t.Run(c.name, func(t *testing.T) {
			if !c.ok {
				t.Errorf("got %s", c.got)
			}
		})
	}
	if err := os.WriteFile(filepath.Join(screenshotDir(t), "dashboard-lopend.png"), shot, 0o644); err != nil {
		t.Fatal(err)
	}
}
