package api

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
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

// TestDashboardInBrowser logs in to the built-in dashboard with headless Chromium as a
// bestuur user, checks the tiles against the demo figures, filters on a gemeente, and
// saves screenshots (screen and print) for a person to look at.
func TestDashboardInBrowser(t *testing.T) {
	w := loadDemo(t)
	ctx := browser(t, 1440, 900)
	ts := w.server(t)

	if err := chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(`#password`)),
	); err != nil {
		t.Fatalf("browser: open the dashboard: %v", err)
	}
	loginTitle := run(t, ctx, "title", chromedp.Title())
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(`#name`), w.user),
		chromedp.SendKeys(chromedp.CSS(`#password`), w.pass),
		chromedp.Submit(chromedp.CSS(`#password`)),
		chromedp.WaitVisible(chromedp.CSS(`body[data-geladen="ja"]`)),
	); err != nil {
		t.Fatalf("browser: log in and wait for the figures: %v", err)
	}
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
	run(t, ctx, "phone size", chromedp.EmulateViewport(390, 844))
	phone := run(t, ctx, "phone screenshot", chromedp.CaptureScreenshot()) // the first screen
	phoneWide := run(t, ctx, "phone page width", chromedp.Evaluate[string](`[...document.querySelectorAll("body *")]
		.filter(e => e.getBoundingClientRect().right > 391)
		.map(e => e.tagName + (e.id ? "#" + e.id : "") + (e.className && e.className.baseVal === undefined ? "." + e.className : "") + " " + Math.round(e.getBoundingClientRect().right))
		.slice(0, 5).join(", ")`))
	run(t, ctx, "laptop size", chromedp.EmulateViewport(1440, 900))

	checks := []struct {
		name      string
		got, want string
		ok        bool
	}{
		{"login page first", loginTitle, "a title with Inloggen", strings.Contains(loginTitle, "Inloggen")},
		{"a phone needs no sideways scrolling", "wider than 390 px: " + phoneWide, "nothing", phoneWide == ""},
		{"baseline of verzuimmeldingen in Dutch number format", nulmeting, "Nulmeting 2018-2019: 1.498", strings.TrimSpace(nulmeting) == "Nulmeting 2018-2019: 1.498"},
		{"data_as_of shown", asOf, "a date", asOf != "" && asOf != "…" && asOf != "nog niet geladen"},
		{"one tile per KPI with a target", fmt.Sprint(tiles), "7", tiles == 7},
		{"one chart per KPI", fmt.Sprint(charts), "11", charts == 11},
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

	// Filter on a small gemeente: as bestuur, suppressed counts show as "x" (not "<5": a
	// count hidden to protect another is not necessarily small).
	if err := chromedp.Do(ctx,
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := chromedp.Evaluate[chromedp.Void](`document.body.dataset.geladen = "nee";
				const s = document.getElementById("filter-gemeente"); s.value = "GM0393";
				s.dispatchEvent(new Event("change"));`)(ctx, tg)
			return err
		}),
		chromedp.WaitVisible(chromedp.CSS(`body[data-geladen="ja"]`)),
	); err != nil {
		t.Fatalf("browser: filter on a gemeente: %v", err)
	}
	suppressed := run(t, ctx, "suppressed", chromedp.Evaluate[int](`[...document.querySelectorAll(".onderdrukt, .label-onderdrukt")].filter(e => e.textContent.startsWith("x")).length`))
	url := run(t, ctx, "location", chromedp.Location())
	filtered := run(t, ctx, "filtered screenshot", chromedp.FullScreenshot(100))
	t.Run("suppressed numbers marked x for bestuur", func(t *testing.T) {
		if suppressed == 0 {
			t.Error("a gemeente that existed until 2018 shows no suppressed value (x)")
		}
	})
	t.Run("filter kept in the address", func(t *testing.T) {
		if !strings.Contains(url, "gemeente=GM0393") {
			t.Errorf("location %q lacks gemeente=GM0393", url)
		}
	})

	dir := screenshotDir(t)
	for name, img := range map[string][]byte{"dashboard.png": screen, "dashboard-print.png": printed, "dashboard-gemeente.png": filtered, "dashboard-projector.png": projector, "dashboard-telefoon.png": phone} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, img, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s", path)
	}
}
