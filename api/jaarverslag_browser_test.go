package api

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// printPDF prints the page as Chromium's "Save as PDF" does: A4 paper, the page's own
// @page size and margins preferred, no browser header or footer.
func printPDF() chromedp.Action[[]byte] {
	return func(ctx context.Context, t *chromedp.Target) ([]byte, error) {
		yes, no := true, false
		res, err := cdp.Call(ctx, t, page.PrintToPDF, page.PrintToPDFParams{
			PaperWidth: 8.27, PaperHeight: 11.69, PreferCSSPageSize: &yes, DisplayHeaderFooter: &no,
		})
		return res.Data, err
	}
}

// pdfPages are the page objects of a PDF (/Type /Page, not /Pages), counted in the raw
// bytes: Chromium writes them uncompressed.
var pdfPages = regexp.MustCompile(`/Type\s*/Page\b[^s]`)

// TestJaarverslagInBrowser opens the annual report from the dashboard's header as the
// demo's bestuur user in headless Chromium, checks the page (nine tables, the charts,
// the public figures, no navigation in print, no sideways scrolling on a phone), prints
// it to PDF on A4 and checks that document: a cover and chart pages, then one page per
// table, with its text in embedded fonts. Screenshots and the PDF are left for a person
// to look at.
func TestJaarverslagInBrowser(t *testing.T) {
	w := loadDemo(t)
	ctx := browser(t, 1440, 900)
	ts := w.server(t)
	logIn(t, ctx, ts.URL, w)

	link := run(t, ctx, "report link in the header", chromedp.Evaluate[string](`(document.querySelector('.kop a[href^="/jaarverslag"]') || {}).textContent || ""`))
	if err := chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/jaarverslag?schooljaar=2018-2019"),
		chromedp.WaitVisible(chromedp.CSS(`body[data-geladen="ja"]`)),
	); err != nil {
		t.Fatalf("browser: open the report: %v", err)
	}
	type reportState struct {
		Tables, Charts, Hidden int
		Text, Title            string
	}
	state := run(t, ctx, "report", chromedp.Evaluate[reportState](`({
		Tables: document.querySelectorAll("section.tabel-blad table").length,
		Charts: document.querySelectorAll("#grafieken .grafiek svg").length,
		Hidden: [...document.querySelectorAll("td.status-onderdrukt")].filter(e => /^(<5|x)$/.test(e.textContent)).length,
		Text: document.body.innerText,
		Title: document.title})`))
	screen := run(t, ctx, "screenshot", chromedp.FullScreenshot(100))
	run(t, ctx, "print media", media("print"))
	navPrinted := run(t, ctx, "navigation in print", chromedp.Evaluate[string](`[...document.querySelectorAll("header, nav, button, form")]
		.filter(e => e.getClientRects().length > 0).map(e => e.tagName).join(" ")`))
	breaks := run(t, ctx, "page breaks", chromedp.Evaluate[int](`[...document.querySelectorAll("section.tabel-blad")].filter(e => getComputedStyle(e).breakBefore === "page").length`))
	printed := run(t, ctx, "print screenshot", chromedp.FullScreenshot(100))
	pdf := run(t, ctx, "print to PDF", printPDF())
	run(t, ctx, "screen media", media(""))
	run(t, ctx, "phone size", chromedp.EmulateViewport(390, 844))
	phoneWide := run(t, ctx, "phone page width", chromedp.Evaluate[string](`[...document.querySelectorAll("body *")]
		.filter(e => e.getBoundingClientRect().right > 391)
		.map(e => e.tagName + (e.id ? "#" + e.id : "") + " " + Math.round(e.getBoundingClientRect().right))
		.slice(0, 5).join(", ") + (document.documentElement.scrollWidth > 390 ? " scrollWidth " + document.documentElement.scrollWidth : "")`))
	phone := run(t, ctx, "phone screenshot", chromedp.FullScreenshot(100))
	run(t, ctx, "laptop size", chromedp.EmulateViewport(1440, 900))

	pages := len(pdfPages.FindAll(pdf, -1))
	checks := []struct {
		name, got, want string
		ok              bool
	}{
		{"the dashboard's header links to the report", link, "Jaarverslag", strings.TrimSpace(link) == "Jaarverslag"},
		{"the title names the year", state.Title, "Jaarverslag 2018-2019 …", strings.HasPrefix(state.Title, "Jaarverslag 2018-2019")},
		{"nine tables", fmt.Sprint(state.Tables), "9", state.Tables == 9},
		{"the KPI charts", fmt.Sprint(state.Charts), "at least 8", state.Charts >= 8},
		{"bestuur sees the public version", fmt.Sprint(state.Hidden), "some figures <5 or x", state.Hidden > 0 && strings.Contains(state.Text, "Openbare versie")},
		{"notes under the tables", "", "the note of tabel 7 and the remarks", strings.Contains(state.Text, "Tabel 7. ") && strings.Contains(state.Text, "geen gegevens")},
		{"no navigation in print", navPrinted, "none shown", navPrinted == ""},
		{"every table starts a page", fmt.Sprint(breaks), "9", breaks == 9},
		{"a phone needs no sideways scrolling", "wider than 390 px: " + phoneWide, "nothing", phoneWide == ""},
		{"a PDF", fmt.Sprintf("%.8q", pdf), "%PDF-", strings.HasPrefix(string(pdf), "%PDF-")},
		// A cover, the charts (six to a page, two by three), then one page per table:
		// never a table over two pages.
		{"a page per table, with a cover and the charts", fmt.Sprint(pages), fmt.Sprintf("11 to %d pages", 1+(state.Charts+5)/6+9),
			pages >= 11 && pages <= 1+(state.Charts+5)/6+9},
		{"text in embedded fonts", "", "/Font and /FontFile2 with /ToUnicode", strings.Contains(string(pdf), "/Font") &&
			strings.Contains(string(pdf), "/FontFile") && strings.Contains(string(pdf), "/ToUnicode")},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if !c.ok {
				t.Errorf("got %s, want %s", c.got, c.want)
			}
		})
	}

	dir := screenshotDir(t)
	for name, data := range map[string][]byte{"jaarverslag.png": screen, "jaarverslag-print.png": printed,
		"jaarverslag-telefoon.png": phone, "jaarverslag.pdf": pdf} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("saved: %s", path)
	}
}
