package api

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/hetleerplein/leerplein/warehouse"
)

// TestStewardPageInBrowser logs in as a beheer user with headless Chromium, opens the
// data steward's page over the ledger fixture and checks what the steward must see:
// the stale-feed banner, the runs, the rejected files with their reasons and the
// quarantine by reason, never a BSN.
func TestStewardPageInBrowser(t *testing.T) {
	w := ledgerWarehouse(t)
	const user, pass = "beheerder", "beheer-wachtwoord-2026"
	if err := SetUser(context.Background(), w.db, user, "beheer", pass, true); err != nil {
		t.Fatal(err)
	}
	ctx := browser(t, 1440, 900)
	// The real clock: the session cookie's expiry must lie in the browser's future. By
	// it, every feed of the fixture's jobs is stale.
	srv, ts := ledgerServer(t, w, &rejectedJobs{fakeJobs: &fakeJobs{}, files: map[string][]RejectedFile{
		"wekelijks": {{Name: "maatregelen_kapot.csv", Feed: "maatregelen", Size: 40, RejectedAt: ledgerNow.Add(-time.Hour),
			Reason: "verplichte kolom 'maatregel' ontbreekt"}}}})
	srv.now = time.Now
	logInAt(t, ctx, ts.URL+"/beheer", user, pass)
	wctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(wctx, chromedp.WaitVisible(chromedp.CSS(`body[data-geladen="ja"]`))); err != nil {
		loc, _ := chromedp.Run(ctx, chromedp.Location())
		text, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`body`)))
		t.Fatalf("browser: the steward page did not finish loading (%v); at %s it shows: %.600s", err, loc, text)
	}
	banner := run(t, ctx, "banner", chromedp.Text(chromedp.CSS(`#verouderd`)))
	runs := run(t, ctx, "runs", chromedp.Evaluate[int](`document.querySelectorAll("#rondes tbody tr").length`))
	rejected := run(t, ctx, "rejected", chromedp.Text(chromedp.CSS(`#afgekeurd`)))
	groups := run(t, ctx, "quarantine", chromedp.Evaluate[int](`document.querySelectorAll("#quarantaine tbody tr").length`))
	page := run(t, ctx, "page text", chromedp.Text(chromedp.CSS(`main`)))
	errorShown := run(t, ctx, "error", chromedp.Evaluate[bool](`!document.getElementById("melding").hidden`))
	shot := run(t, ctx, "screenshot", chromedp.FullScreenshot(100))
	run(t, ctx, "phone size", chromedp.EmulateViewport(360, 780))
	phone := run(t, ctx, "phone screenshot", chromedp.FullScreenshot(100))
	phoneWidth := run(t, ctx, "phone page width", chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	run(t, ctx, "laptop size", chromedp.EmulateViewport(1440, 900))

	// The board's dashboard says which figures rest on stale feeds, and links beheer here.
	if err := chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(`body[data-geladen="ja"]`)),
	); err != nil {
		t.Fatalf("browser: open the dashboard: %v", err)
	}
	dashBanner := run(t, ctx, "dashboard banner", chromedp.Text(chromedp.CSS(`#verouderd`)))
	link := run(t, ctx, "beheer link", chromedp.Evaluate[int](`document.querySelectorAll('a[href="/beheer"]').length`))

	const wantBanner = "Gegevens verouderd: leerlingen, maatregelen, verzuimmeldingen, vsv_cijfers"
	const wantDashBanner = "Gegevens verouderd: maatregelen, verzuimmeldingen, vsv_cijfers"
	checks := []struct {
		name string
		ok   bool
		got  string
		want string
	}{
		{"stale banner", banner == wantBanner, banner, wantBanner},
		{"three runs", runs == 3, strings.Repeat("row ", runs), "3 rows"},
		{"rejected file with its reason", strings.Contains(rejected, "maatregelen_kapot.csv") && strings.Contains(rejected, "verplichte kolom 'maatregel' ontbreekt") && strings.Contains(rejected, "Opnieuw laden"), rejected, "maatregelen_kapot.csv and its reason"},
		{"five quarantine groups", groups == 5, strings.Repeat("row ", groups), "5 rows"},
		{"never a BSN", !strings.Contains(page, "123456789"), "the page holds 123456789", "no BSN"},
		{"no error message", !errorShown, "an error is shown", "none"},
		{"a phone scrolls tables, not the page", phoneWidth <= 360, fmt.Sprintf("page %d px wide", phoneWidth), "at most 360 px"},
		{"dashboard banner: the KPI feeds only", dashBanner == wantDashBanner, dashBanner, wantDashBanner},
		{"dashboard links the steward page", link == 1, strings.Repeat("link ", link), "1 link"},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if !c.ok {
				t.Errorf("got %q, want %s", c.got, c.want)
			}
		})
	}
	for name, img := range map[string][]byte{"beheer.png": shot, "beheer-telefoon.png": phone} {
		path := filepath.Join(screenshotDir(t), name)
		if err := os.WriteFile(path, img, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s", path)
	}
}

// rejectedJobs is fakeJobs whose jobs have files in rejected/: the scheduler's side of
// the steward page's list of rejected files. Nothing can be delivered or reloaded.
type rejectedJobs struct {
	*fakeJobs
	files map[string][]RejectedFile
}

func (r *rejectedJobs) FeedOf(string) string { return "" }
func (r *rejectedJobs) FeedNames() []string  { return warehouse.Bronnen() }
func (r *rejectedJobs) StagingDir(string) (string, error) {
	return "", errors.New("no uploads in this test")
}
func (r *rejectedJobs) Deliver(string, []StagedFile) (int64, error) {
	return 0, errors.New("no uploads in this test")
}
func (r *rejectedJobs) Reload(string, string) (string, int64, error) {
	return "", 0, errors.New("no reloads in this test")
}

func (r *rejectedJobs) Rejected(job string) ([]RejectedFile, error) {
	for _, j := range r.Jobs() {
		if j.Name == job {
			return r.files[job], nil
		}
	}
	return nil, fmt.Errorf("job %s: %w", job, ErrJobUnknown)
}
