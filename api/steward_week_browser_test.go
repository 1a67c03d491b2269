package api

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"
)

// TestStewardWeekInBrowser is the steward's week in headless Chromium against one server
// process that is never restarted: a beheer user uploads an export with one bad row on
// /beheer, sees the run it started finish, downloads that run's quarantine as XLSX
// (read back here with excelize: the line, column and Dutch reason, never the BSN),
// makes an analist token on the page and uses it at once.
func TestStewardWeekInBrowser(t *testing.T) {
	f := newUploadFixture(t, Config{}, time.Hour)
	const user, pass = "beheerder", "beheer-wachtwoord-2026"
	if err := SetUser(context.Background(), f.db, user, "beheer", pass, true); err != nil {
		t.Fatal(err)
	}
	// Five good rows of Haarlem and one whose BSN fails the eleven test.
	good := elevenBSN(900)
	bad := good[:8] + fmt.Sprint((int(good[8]-'0')+1)%10)
	export := string(verzuimCSV("w", 5)) +
		"wfout;" + bad + ";01-01-2010;Haarlem;WVO;RELATIEF;01-10-2024;24-09-2024;12,5;00AA\r\n"
	const fileName = "verzuimmeldingen_2024-2025_mail.csv"
	path := filepath.Join(t.TempDir(), fileName)
	if err := os.WriteFile(path, []byte(export), 0o600); err != nil {
		t.Fatal(err)
	}
	downloads := t.TempDir()

	ctx := browser(t, 1400, 900)
	if err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		// Downloads keep the name the server gives them.
		_, err := chromedp.Call(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
			Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: downloads})
		return err
	})); err != nil {
		t.Fatalf("browser: allow downloads: %v", err)
	}
	logInAt(t, ctx, f.ts.URL+"/beheer", user, pass)
	waitFor(t, ctx, `body[data-geladen="ja"]`, "the steward page to load")

	// Upload: choose the file and press the button; the page follows the run it started.
	if err := chromedp.Do(ctx,
		chromedp.SetUploadFiles(chromedp.CSS(`#upload-bestanden`), []string{path}),
		chromedp.Click(chromedp.CSS(`#upload-knop`)),
	); err != nil {
		t.Fatalf("browser: upload: %v", err)
	}
	waitFor(t, ctx, `#volg[data-klaar="ja"]`, "the run to finish")
	followed := run(t, ctx, "run text", chromedp.Text(chromedp.CSS(`#volg`)))
	for _, want := range []string{fileName, "geladen", "1 regel (Excel)"} {
		if !strings.Contains(followed, want) {
			t.Errorf("the followed run says %q; want %q in it", followed, want)
		}
	}
	if errorShown := run(t, ctx, "error", chromedp.Evaluate[bool](`!document.getElementById("melding").hidden`)); errorShown {
		t.Errorf("the page shows an error: %s", run(t, ctx, "error text", chromedp.Text(chromedp.CSS(`#melding`))))
	}
	var rows int
	if err := f.db.QueryRow(`select count(*) from fact_verzuimmelding`).Scan(&rows); err != nil || rows != 5 {
		t.Errorf("rows loaded: %d (%v), want the 5 good ones", rows, err)
	}

	// Download the run's quarantine as XLSX with the link in the followed run.
	run(t, ctx, "download", chromedp.Click(chromedp.CSS(`#volg a.q-download`)))
	xlsx := waitDownload(t, downloads, ".xlsx")
	if !strings.HasPrefix(filepath.Base(xlsx), "quarantaine-run-") {
		t.Errorf("downloaded %s; want a name that says the run", filepath.Base(xlsx))
	}
	wb, err := excelize.OpenFile(xlsx)
	if err != nil {
		t.Fatalf("open the downloaded quarantine: %v", err)
	}
	defer wb.Close()
	sheet, err := wb.GetRows("Quarantaine")
	if err != nil {
		t.Fatalf("sheet Quarantaine: %v", err)
	}
	if want := []string{"bestand", "regel", "blad", "kolom", "waarde", "reden"}; len(sheet) != 2 || !slices.Equal(sheet[0], want) {
		t.Fatalf("sheet Quarantaine: %q; want the header %q and one problem", sheet, want)
	}
	got := sheet[1]
	if got[0] != fileName || got[1] != "7" || got[3] != "bsn" || !strings.Contains(got[len(got)-1], "elfproef") {
		t.Errorf("the problem reads %q; want the file, line 7 (the header is line 1), column bsn and the eleven test in Dutch", got)
	}
	if note, _ := wb.GetRows("Toelichting"); len(note) == 0 {
		t.Error("the workbook has no sheet Toelichting that says what it covers")
	}

	// A token for a new analist, shown once on the page, that works at once.
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(`#t-naam`), "stagiair"),
		chromedp.SetValue(chromedp.CSS(`#t-rol`), "analist"),
		chromedp.Click(chromedp.CSS(`#nieuw-token button[type=submit]`)),
	); err != nil {
		t.Fatalf("browser: make a token: %v", err)
	}
	waitFor(t, ctx, `#geheim:not([hidden]) #geheim-waarde`, "the new token to be shown")
	token := run(t, ctx, "token", chromedp.Text(chromedp.CSS(`#geheim-waarde`)))
	waitFor(t, ctx, `#tokens tbody tr`, "the token list")
	list := run(t, ctx, "token list", chromedp.Text(chromedp.CSS(`#tokens`)))
	if !strings.Contains(list, "stagiair") || !strings.Contains(list, "analist") || strings.Contains(list, token) {
		t.Errorf("token list %q; want stagiair as analist, without the token itself", list)
	}
	for _, c := range []struct {
		path string
		want int
	}{{"/api/v1/kpis", http.StatusOK}, {"/api/v1/schema", http.StatusOK}, {"/api/v1/users", http.StatusForbidden}} {
		req, _ := http.NewRequest(http.MethodGet, f.ts.URL+c.path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != c.want {
			t.Errorf("the new analist token on %s: %d, want %d", c.path, res.StatusCode, c.want)
		}
	}

	page := run(t, ctx, "page text", chromedp.Text(chromedp.CSS(`body`)))
	if strings.Contains(page, bad) || strings.Contains(page, good) {
		t.Error("the page shows a BSN")
	}
	shot := run(t, ctx, "screenshot", chromedp.FullScreenshot(100))
	run(t, ctx, "phone size", chromedp.EmulateViewport(360, 780))
	phone := run(t, ctx, "phone screenshot", chromedp.FullScreenshot(100))
	if w := run(t, ctx, "phone width", chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); w > 360 {
		wide := run(t, ctx, "wide elements", chromedp.Evaluate[string](`[...document.querySelectorAll("body *")].filter(e => e.getBoundingClientRect().right > 362 && !e.closest(".tabel-schuif, table")).slice(0, 8).map(e => e.tagName + (e.id ? "#" + e.id : "") + "." + e.className + " " + Math.round(e.getBoundingClientRect().right)).join(", ")`))
		t.Errorf("on a phone the page is %d px wide; tables should scroll, not the page: %s", w, wide)
	}
	for name, img := range map[string][]byte{"beheer-week.png": shot, "beheer-week-telefoon.png": phone} {
		p := filepath.Join(screenshotDir(t), name)
		if err := os.WriteFile(p, img, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s", p)
	}
}

// logInAt opens url, which must send the browser to the login page, and logs in.
func logInAt(t *testing.T, ctx context.Context, url, user, pass string) {
	t.Helper()
	if err := chromedp.Do(ctx,
		chromedp.Navigate(url),
		chromedp.WaitVisible(chromedp.CSS(`#password`)),
		chromedp.SendKeys(chromedp.CSS(`#name`), user),
		chromedp.SendKeys(chromedp.CSS(`#password`), pass),
		chromedp.Submit(chromedp.CSS(`#password`)),
	); err != nil {
		t.Fatalf("browser: log in at %s: %v", url, err)
	}
}

// waitFor waits up to 30 s for selector to be visible, and says what the page shows if
// it is not.
func waitFor(t *testing.T, ctx context.Context, selector, what string) {
	t.Helper()
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(wctx, chromedp.WaitVisible(chromedp.CSS(selector))); err != nil {
		text, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`body`)))
		t.Fatalf("browser: waiting for %s: %v; the page shows: %.800s", what, err, text)
	}
}

// waitDownload waits up to 30 s for a finished download ending in ext in dir.
func waitDownload(t *testing.T, dir, ext string) string {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if strings.HasSuffix(e.Name(), ext) {
				return filepath.Join(dir, e.Name())
			}
		}
	}
	entries, _ := os.ReadDir(dir)
	t.Fatalf("no %s download within 30 s; the download folder holds %v", ext, entries)
	return ""
}
