package api

import (
	"html"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// getPage sends GET path as role (bearer token) with accept, and returns status,
// content type and body.
func getPage(t *testing.T, w *demoWarehouse, base, path, role, accept string) (int, string, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", base+path, nil)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	res := w.do(t, req, role)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, res.Header.Get("Content-Type"), string(b)
}

var pageCell = regexp.MustCompile(`<td [^>]*data-cel="([^"]+)"[^>]*>([^<]*)</td>`)

// pageFigures reads the figures off a report page: tabel/rij/kolom → text as shown.
func pageFigures(page string) map[string]string {
	out := map[string]string{}
	for _, m := range pageCell.FindAllStringSubmatch(page, -1) {
		out[m[1]] = html.UnescapeString(m[2])
	}
	return out
}

// TestJaarverslagPage is the scenario table of /jaarverslag: the nine tables for every
// role, exact for analist and beheer, protected for bestuur exactly as the API's public
// report, and Dutch pages for a year without data (200) and a bad year (400).
func TestJaarverslagPage(t *testing.T) {
	w := loadDemo(t)
	ts := w.server(t)
	const sj = "2018-2019"
	tables := func(t *testing.T, page string) {
		t.Helper()
		if n := strings.Count(page, `class="verslag-blad tabel-blad"`); n != 9 {
			t.Errorf("%d tables, want 9", n)
		}
		for _, s := range []string{`<html lang="nl">`, "Jaarverslag schooljaar " + sj, "Tabel 9. ", `id="grafieken"`, `href="/"`} {
			if !strings.Contains(page, s) {
				t.Errorf("page lacks %q", s)
			}
		}
	}
	for _, tc := range []struct {
		name, path, role string
		status           int
		check            func(t *testing.T, page string)
	}{
		{"analist sees exact figures", "/jaarverslag?schooljaar=" + sj, "analist", 200, func(t *testing.T, page string) {
			tables(t, page)
			if !strings.Contains(page, "exacte cijfers") || strings.Contains(page, "&lt;5") {
				t.Error("the analist's report is not the exact one")
			}
		}},
		{"beheer sees exact figures", "/jaarverslag?schooljaar=" + sj, "beheer", 200, tables},
		{"bestuur sees the public version", "/jaarverslag?schooljaar=" + sj, "bestuur", 200, func(t *testing.T, page string) {
			tables(t, page)
			for _, s := range []string{"Openbare versie", "&lt;5", "Toelichting: bescherming van kleine aantallen"} {
				if !strings.Contains(page, s) {
					t.Errorf("page lacks %q", s)
				}
			}
		}},
		{"without schooljaar: the last finished year", "/jaarverslag", "bestuur", 200, func(t *testing.T, page string) {
			if !strings.Contains(page, `<option value="2024-2025" selected>`) {
				t.Errorf("default year is not the last finished one, 2024-2025:\n%.2000s", page)
			}
		}},
		{"a year without data says so in Dutch", "/jaarverslag?schooljaar=2005-2006", "analist", 200, func(t *testing.T, page string) {
			if !strings.Contains(page, "Voor schooljaar 2005-2006 zijn er geen gegevens") || strings.Contains(page, "tabel-blad") {
				t.Errorf("no Dutch message in place of the tables:\n%.1500s", page)
			}
		}},
		{"a malformed year is a 400 in Dutch", "/jaarverslag?schooljaar=2018-2020", "analist", 400, func(t *testing.T, page string) {
			if !strings.Contains(page, "bestaat niet") || !strings.Contains(page, "bijvoorbeeld 2018-2019") {
				t.Errorf("no Dutch explanation:\n%.1500s", page)
			}
		}},
		{"a year outside the calendar is a 400 in Dutch", "/jaarverslag?schooljaar=1900-1901", "bestuur", 400, func(t *testing.T, page string) {
			if !strings.Contains(page, "valt buiten de schooljaren") {
				t.Errorf("no Dutch explanation:\n%.1500s", page)
			}
		}},
		{"an unknown parameter is a 400 in Dutch", "/jaarverslag?jaar=2018", "analist", 400, func(t *testing.T, page string) {
			if !strings.Contains(page, "alleen de keuze schooljaar") {
				t.Errorf("no Dutch explanation:\n%.1500s", page)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, ct, page := getPage(t, w, ts.URL, tc.path, tc.role, "text/html")
			if status != tc.status || !strings.HasPrefix(ct, "text/html") {
				t.Fatalf("status %d, %s; want %d, text/html: %.300s", status, ct, tc.status, page)
			}
			tc.check(t, page)
		})
	}

	// Bestuur's figures are the exact ones where shown; every count from 1 to 4 is hidden
	// ("<5"), and some others too ("x"). Which others is the dashboard's pattern over the
	// report and the KPIs at once: the attacker in suppress_attack_test.go reads this page
	// beside the KPIs and checks that neither shows what the other hides.
	t.Run("bestuur's figures are the exact ones, small counts hidden", func(t *testing.T) {
		_, _, page := getPage(t, w, ts.URL, "/jaarverslag?schooljaar="+sj, "bestuur", "text/html")
		shown := pageFigures(page)
		_, _, exactPage := getPage(t, w, ts.URL, "/jaarverslag?schooljaar="+sj, "analist", "text/html")
		exact := pageFigures(exactPage)
		if len(shown) != len(exact) || len(shown) < 100 {
			t.Fatalf("%d cells for bestuur, %d for analist", len(shown), len(exact))
		}
		small, complementary := 0, 0
		for key, want := range exact {
			got := shown[key]
			n, err := strconv.Atoi(strings.ReplaceAll(want, ".", ""))
			isCount := err == nil && !strings.Contains(key, "pct")
			switch {
			case got == "<5":
				small++
				if !isCount || n < 1 || n > 4 {
					t.Errorf("%s: %q shown as <5", key, want)
				}
			case got == "x":
				complementary++
			case isCount && n >= 1 && n <= 4:
				t.Errorf("%s: the small count %s is shown", key, want)
			case got != want:
				t.Errorf("%s: shown as %q, exact %q", key, got, want)
			}
		}
		if small == 0 || complementary == 0 {
			t.Errorf("%d cells <5 and %d x: the year should need both", small, complementary)
		}
	})
}

// TestNotFoundPage: an unknown address asked for by a browser gets a Dutch page with a
// link to the dashboard; an API client, and anything under /api/, gets JSON.
func TestNotFoundPage(t *testing.T) {
	w := loadDemo(t)
	ts := w.server(t)
	const browserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
	for _, tc := range []struct {
		name, path, accept string
		wantHTML           bool
	}{
		{"a browser gets a Dutch page", "/bestaat-niet", browserAccept, true},
		{"a browser deeper down too", "/rapporten/2019", browserAccept, true},
		{"an API client gets JSON", "/bestaat-niet", "application/json", false},
		{"a client without Accept gets JSON", "/bestaat-niet", "", false},
		{"under /api/ always JSON", "/api/v1/bestaat-niet", browserAccept, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, ct, page := getPage(t, w, ts.URL, tc.path, "", tc.accept)
			if status != http.StatusNotFound {
				t.Fatalf("status %d, want 404", status)
			}
			if tc.wantHTML {
				if !strings.HasPrefix(ct, "text/html") || !strings.Contains(page, "Deze pagina bestaat niet") || !strings.Contains(page, `<a href="/">Naar het dashboard</a>`) {
					t.Errorf("%s: %.500s; want the Dutch page with a link to the dashboard", ct, page)
				}
				return
			}
			if !strings.HasPrefix(ct, "application/json") || !strings.Contains(page, `"error":"not found"`) {
				t.Errorf("%s: %.300s; want the JSON error", ct, page)
			}
		})
	}
}
