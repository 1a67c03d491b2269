package api

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/xuri/excelize/v2"

	"github.com/hetleerplein/leerplein/warehouse/bsnmask"
	"github.com/hetleerplein/leerplein/warehouse/xlsxtest"
)

// quarantineExtra adds to the ledger fixture the region's gemeenten (for gemeente=
// by name) and problems whose delivered values start like a formula, or hold a
// possible BSN, in run 1.
const quarantineExtra = `
insert into dim_gemeente values
    ('GM0392', 'Haarlem', 'zk', 'Zuid-Kennemerland', true, null, null),
    ('GM0377', 'Bloemendaal', 'zk', 'Zuid-Kennemerland', true, null, null);
insert into etl_quarantine (file_id, feed, file_name, line, sheet, column_name, value, reason_code, reason_params, gemeentecode) values
    (1, 'verzuimmeldingen', 'verzuimmeldingen_2025.csv', 11, null, 'gemeente', '=HYPERLINK("http://example.invalid","klik")', 'gemeente_onbekend', ['gemeente', '=HYPERLINK("http://example.invalid","klik")'], null),
    (1, 'verzuimmeldingen', 'verzuimmeldingen_2025.csv', 12, null, 'verzuimsoort', '@SUM(1)', 'code_onbekend', ['verzuimsoort', '@SUM(1)', 'RELATIEF, LUXE, ABSOLUUT, SIGNAAL'], 'GM0392'),
    (1, 'verzuimmeldingen', 'verzuimmeldingen_2025.csv', 13, null, 'uren', '+1', 'getal_ongeldig', ['uren', '+1'], 'GM0392'),
    (1, 'verzuimmeldingen', 'verzuimmeldingen_2025.csv', 14, null, 'uren', '-1+1', 'getal_ongeldig', ['uren', '-1+1'], 'GM0392'),
    (1, 'verzuimmeldingen', 'verzuimmeldingen_2025.csv', 15, null, 'melding_id', '	x', 'verplicht_leeg', ['melding_id'], 'GM0377'),
    (1, 'verzuimmeldingen', 'verzuimmeldingen_2025.csv', 16, null, 'melding_id', '` + "\r" + `x', 'verplicht_leeg', ['melding_id'], 'GM0377'),
    (1, 'verzuimmeldingen', 'verzuimmeldingen_2025.csv', 17, null, 'gemeente', 'BSN 1234.56.782', 'gemeente_onbekend', ['gemeente', 'BSN 1234.56.782'], null),
    (1, 'verzuimmeldingen', 'verzuimmeldingen_2025.csv', 18, null, 'uren', '-1', 'getal_ongeldig', ['uren', '-1'], 'GM0392');
`

// quarantineServer is the ledger fixture with quarantineExtra behind a real server.
func quarantineServer(t *testing.T) (*demoWarehouse, string) {
	t.Helper()
	w := ledgerWarehouse(t)
	if _, err := w.db.ExecContext(context.Background(), quarantineExtra); err != nil {
		t.Fatal(err)
	}
	_, ts := ledgerServer(t, w, nil)
	openapi3filter.RegisterBodyDecoder(contentXLSX, func(r io.Reader, _ http.Header, _ *openapi3.SchemaRef, _ openapi3filter.EncodingFn) (any, error) {
		b, err := io.ReadAll(r)
		return string(b), err
	})
	return w, ts.URL
}

// quarantineAnswer is the JSON of GET /api/v1/quarantine, as far as the tests read it.
type quarantineAnswer struct {
	Filter struct {
		Run          *int64  `json:"run"`
		Gemeente     *string `json:"gemeente"`
		GemeenteNaam *string `json:"gemeente_naam"`
		Reden        *string `json:"reden"`
	} `json:"filter"`
	Runs     []int64 `json:"runs"`
	Problems int64   `json:"problems"`
	Rows     []struct {
		Line       int64   `json:"line"`
		Column     string  `json:"column"`
		Value      *string `json:"value"`
		ReasonCode string  `json:"reason_code"`
		Reason     string  `json:"reason"`
	} `json:"rows"`
	Totals []struct {
		ReasonCode string `json:"reason_code"`
		Reason     string `json:"reason"`
		Problems   int64  `json:"problems"`
	} `json:"totals"`
	Groups    []json.RawMessage `json:"groups"`
	Truncated bool              `json:"truncated"`
}

// answerIs checks the JSON answer: the lines of its rows, the runs it covers, and its
// totals as code=problems.
func answerIs(lines []int64, runs []int64, totals string) func(t *testing.T, res *http.Response, body []byte) {
	return func(t *testing.T, _ *http.Response, body []byte) {
		t.Helper()
		var a quarantineAnswer
		if err := json.Unmarshal(body, &a); err != nil {
			t.Fatal(err)
		}
		var got []int64
		for _, r := range a.Rows {
			got = append(got, r.Line)
		}
		var tot []string
		for _, x := range a.Totals {
			tot = append(tot, fmt.Sprintf("%s=%d", x.ReasonCode, x.Problems))
		}
		if !slices.Equal(got, lines) || !slices.Equal(a.Runs, runs) || strings.Join(tot, " ") != totals {
			t.Errorf("rows on lines %v, runs %v, totals %q; want %v, %v, %q", got, a.Runs, strings.Join(tot, " "), lines, runs, totals)
		}
	}
}

// noBSN checks that no answer holds a possible BSN, the bsn column's value or the
// BSN-shaped numbers of the fixture.
func noBSN(t *testing.T, _ *http.Response, body []byte) {
	t.Helper()
	for _, bad := range []string{"123456789", "12345678", "1234.56.782"} {
		if bytes.Contains(body, []byte(bad)) {
			t.Errorf("the answer holds %s", bad)
		}
	}
	if bsnmask.Contains(string(body)) {
		t.Errorf("the answer holds a possible BSN: %.300s", bsnmask.Mask(string(body)))
	}
}

// TestQuarantineAPI is the specification of GET /api/v1/quarantine: every filter, every
// format, the roles, and a clear 400 for every value it cannot use; each request and
// answer is validated against api/openapi.json.
func TestQuarantineAPI(t *testing.T) {
	w, base := quarantineServer(t)
	check := openAPIChecker(t)
	scenarios := []scenario{
		{name: "no credentials", path: "/api/v1/quarantine", status: 401},
		{name: "bestuur", path: "/api/v1/quarantine", role: "bestuur", status: 403},
		{name: "analist", path: "/api/v1/quarantine?format=csv", role: "analist", status: 403},
		{name: "analist, xlsx", path: "/api/v1/quarantine?format=xlsx", role: "analist", status: 403},

		{name: "everything", path: "/api/v1/quarantine", role: "beheer", status: 200, check: allOf(noBSN,
			answerIs([]int64{7, 9, 9, 11, 12, 13, 14, 15, 16, 17, 18, 4, 5, 6}, []int64{1, 2},
				"gemeente_onbekend=4 getal_ongeldig=4 verplicht_leeg=2 bsn_elfproef=1 bsn_lengte=1 code_onbekend=1 oud=1"))},
		{name: "a run", path: "/api/v1/quarantine?run=2", role: "beheer", status: 200,
			check: allOf(noBSN, answerIs([]int64{4, 5, 6}, []int64{2}, "bsn_elfproef=1 bsn_lengte=1 oud=1"))},
		{name: "a run without any", path: "/api/v1/quarantine?run=3", role: "beheer", status: 200,
			check: answerIs(nil, []int64{}, "")},
		{name: "a feed", path: "/api/v1/quarantine?feed=leerlingen", role: "beheer", status: 200,
			check: answerIs([]int64{4, 5, 6}, []int64{2}, "bsn_elfproef=1 bsn_lengte=1 oud=1")},
		{name: "a gemeente by code", path: "/api/v1/quarantine?gemeente=GM0392", role: "beheer", status: 200,
			check: allOf(answerIs([]int64{12, 13, 14, 18, 4, 6}, []int64{1, 2}, "getal_ongeldig=3 bsn_elfproef=1 code_onbekend=1 oud=1"),
				bodyHas(`"gemeente":"GM0392","gemeente_naam":"Haarlem"`))},
		{name: "a gemeente by name", path: "/api/v1/quarantine?gemeente=bloemendaal", role: "beheer", status: 200,
			check: answerIs([]int64{15, 16, 5}, []int64{1, 2}, "verplicht_leeg=2 bsn_lengte=1")},
		{name: "a gemeente by number", path: "/api/v1/quarantine?gemeente=377&run=1", role: "beheer", status: 200,
			check: answerIs([]int64{15, 16}, []int64{1}, "verplicht_leeg=2")},
		{name: "a reason", path: "/api/v1/quarantine?reden=gemeente_onbekend", role: "beheer", status: 200,
			check: allOf(noBSN, answerIs([]int64{7, 9, 11, 17}, []int64{1}, "gemeente_onbekend=4"),
				bodyHas(`"reason":"gemeente 'Atlantis' is geen gemeente van de regio; gebruik een CBS-code (GM0392, 0392) of een naam uit het regiobestand"`,
					`"reason":"Onbekende gemeente"`, `"value":"BSN [bsn]"`))},
		{name: "old reasons", path: "/api/v1/quarantine?reden=oud", role: "beheer", status: 200,
			check: allOf(noBSN, answerIs([]int64{6}, []int64{2}, "oud=1"), bodyHas(`"reason":"brin '*********' is not a BRIN number"`))},
		{name: "all filters", path: "/api/v1/quarantine?run=1&feed=verzuimmeldingen&gemeente=Haarlem&reden=getal_ongeldig", role: "beheer", status: 200,
			check: answerIs([]int64{13, 14, 18}, []int64{1}, "getal_ongeldig=3")},
		{name: "the bsn value never", path: "/api/v1/quarantine?reden=bsn_elfproef", role: "beheer", status: 200,
			check: allOf(noBSN, bodyHas(`"column":"bsn","value":null`, `"reason":"bsn haalt de elfproef niet"`))},

		{name: "bad run", path: "/api/v1/quarantine?run=een", role: "beheer", status: 400, invalid: true,
			check: bodyHas(`"parameter":"run"`, `\"een\" is geen run`)},
		{name: "run zero", path: "/api/v1/quarantine?run=0", role: "beheer", status: 400, invalid: true, check: bodyHas(`"parameter":"run"`)},
		{name: "unknown run", path: "/api/v1/quarantine?run=99", role: "beheer", status: 404, check: bodyHas("run 99")},
		{name: "unknown feed", path: "/api/v1/quarantine?feed=leerling", role: "beheer", status: 400, invalid: true,
			check: bodyHas(`"parameter":"feed"`, `onbekende bron \"leerling\"; kies uit leerlingen, verzuimmeldingen`)},
		{name: "unknown gemeente", path: "/api/v1/quarantine?gemeente=Atlantis", role: "beheer", status: 400,
			check: bodyHas(`"parameter":"gemeente"`, `onbekende gemeente \"Atlantis\"; geef een CBS-code (GM0392, 0392) of de naam van een gemeente van de regio`)},
		{name: "unknown reason", path: "/api/v1/quarantine?reden=elfproef", role: "beheer", status: 400,
			check: bodyHas(`"parameter":"reden"`, `onbekende redencode \"elfproef\"; kies uit verplicht_leeg, bsn_leeg, bsn_lengte, bsn_elfproef`)},
		{name: "a file's reason is no row's", path: "/api/v1/quarantine?reden=geen_gegevens", role: "beheer", status: 400, check: bodyHas(`"parameter":"reden"`)},
		{name: "unknown format", path: "/api/v1/quarantine?format=pdf", role: "beheer", status: 400, invalid: true,
			check: bodyHas(`"parameter":"format"`, `onbekend formaat \"pdf\"; kies json, csv of xlsx`)},
		{name: "misspelt parameter", path: "/api/v1/quarantine?redenen=oud", role: "beheer", status: 400, check: bodyHas(`"parameter":"redenen"`)},
		{name: "parameter twice", path: "/api/v1/quarantine?run=1&run=2", role: "beheer", status: 400, check: bodyHas(`"parameter":"run"`)},
		{name: "bad filter on a download", path: "/api/v1/quarantine?format=csv&gemeente=Atlantis", role: "beheer", status: 400,
			check: allOf(bodyHas(`"parameter":"gemeente"`), headerIs("Content-Disposition", ""))},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			res, body := sc.send(t, w, base)
			if res.StatusCode != sc.status {
				t.Fatalf("status: got %d, want %d; body: %.400s", res.StatusCode, sc.status, body)
			}
			if sc.check != nil {
				sc.check(t, res, body)
			}
			check(t, sc, base, res, body)
		})
	}
}

// readCSV reads a quarantine download: UTF-8 with a byte order mark, `;`-separated.
func readCSV(t *testing.T, body []byte) [][]string {
	t.Helper()
	if !bytes.HasPrefix(body, []byte("\uFEFF")) {
		t.Errorf("the CSV does not start with a UTF-8 byte order mark: %q", body[:min(len(body), 20)])
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\uFEFF"))))
	r.Comma = ';'
	r.FieldsPerRecord = 6
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// TestQuarantineCSV downloads the quarantine as CSV: every problem with its file and
// line, the reason in Dutch, the bsn column's value withheld, possible BSNs masked,
// every value that starts like a formula neutralised, a negative number kept; per run,
// per feed, per gemeente, per reason.
func TestQuarantineCSV(t *testing.T) {
	w, base := quarantineServer(t)
	check := openAPIChecker(t)
	sc := scenario{name: "run 1", path: "/api/v1/quarantine?format=csv&run=1", role: "beheer", status: 200}
	res, body := sc.send(t, w, base)
	if res.StatusCode != 200 {
		t.Fatalf("status %d: %s", res.StatusCode, body)
	}
	check(t, sc, base, res, body)
	for h, want := range map[string]string{"Content-Type": contentCSV, "Content-Disposition": `attachment; filename="quarantaine-run-1.csv"`,
		"X-Leerplein-Runs": "1", "X-Leerplein-Truncated": "false"} {
		if got := res.Header.Get(h); got != want {
			t.Errorf("%s: %q, want %q", h, got, want)
		}
	}
	recs := readCSV(t, body)
	if got := strings.Join(recs[0], ";"); got != "bestand;regel;blad;kolom;waarde;reden" {
		t.Errorf("header %q", got)
	}
	values, reasons := map[string]string{}, map[string]string{} // "line column" → value, reason
	for _, rec := range recs[1:] {
		values[rec[1]+" "+rec[3]] = rec[4]
		reasons[rec[1]+" "+rec[3]] = rec[5]
		for _, field := range rec {
			if field != "" && strings.ContainsAny(field[:1], "=+@\t\r") || strings.HasPrefix(field, "-1+") {
				t.Errorf("field %q starts like a formula", field)
			}
		}
	}
	for key, want := range map[string]string{
		"11 gemeente":     `'=HYPERLINK("http://example.invalid","klik")`,
		"12 verzuimsoort": "'@SUM(1)",
		"13 uren":         "'+1",
		"14 uren":         "'-1+1",
		"15 melding_id":   "'\tx",
		"16 melding_id":   "'\rx",
		"17 gemeente":     "BSN [bsn]",
		"18 uren":         "-1",
		"7 gemeente":      "Atlantis",
	} {
		if got := values[key]; got != want {
			t.Errorf("line %s: value %q, want %q", key, got, want)
		}
	}
	for key, want := range map[string]string{
		"7 gemeente":      "gemeente 'Atlantis' is geen gemeente van de regio; gebruik een CBS-code (GM0392, 0392) of een naam uit het regiobestand",
		"9 uren":          "uren 'veel' is geen getal (zoals 12,5 of 12.5, zonder scheidingsteken voor duizendtallen)",
		"12 verzuimsoort": "verzuimsoort '@SUM(1)' is geen van de codes RELATIEF, LUXE, ABSOLUUT, SIGNAAL",
		"15 melding_id":   "melding_id is leeg; deze kolom is verplicht",
	} {
		if got := reasons[key]; got != want {
			t.Errorf("line %s: reason %q, want %q", key, got, want)
		}
	}
	if len(recs) != 1+3+8 {
		t.Errorf("%d lines, want the header and 11 problems of run 1", len(recs))
	}

	cases := []struct {
		name, query, file string
		lines             []string
	}{
		{"everything", "", "quarantaine", []string{"7", "9", "9", "11", "12", "13", "14", "15", "16", "17", "18", "4", "5", "6"}},
		{"a feed", "&feed=leerlingen", "quarantaine-leerlingen", []string{"4", "5", "6"}},
		{"a run and a feed", "&run=1&feed=verzuimmeldingen", "quarantaine-run-1-verzuimmeldingen", []string{"7", "9", "9", "11", "12", "13", "14", "15", "16", "17", "18"}},
		{"a gemeente", "&gemeente=GM0377", "quarantaine-bloemendaal", []string{"15", "16", "5"}},
		{"a gemeente outside the region", "&gemeente=GM0363", "quarantaine-gm0363", nil},
		{"a reason", "&reden=bsn_elfproef", "quarantaine-bsn_elfproef", []string{"4"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sc := scenario{name: tc.name, path: "/api/v1/quarantine?format=csv" + tc.query, role: "beheer", status: 200}
			res, body := sc.send(t, w, base)
			if res.StatusCode != 200 {
				t.Fatalf("status %d: %s", res.StatusCode, body)
			}
			check(t, sc, base, res, body)
			if cd, want := res.Header.Get("Content-Disposition"), `attachment; filename="`+tc.file+`.csv"`; cd != want {
				t.Errorf("Content-Disposition %q, want %q", cd, want)
			}
			var lines []string
			for _, rec := range readCSV(t, body)[1:] {
				lines = append(lines, rec[1])
				if rec[3] == "bsn" && rec[4] != "" {
					t.Errorf("line %s: the bsn column's value %q", rec[1], rec[4])
				}
			}
			if !slices.Equal(lines, tc.lines) {
				t.Errorf("lines %v, want %v", lines, tc.lines)
			}
			noBSN(t, res, body)
		})
	}
}

// TestQuarantineXLSX downloads the quarantine as a workbook and reads it back: the sheet
// Quarantaine with its header, widths and rows (the line a number, texts neutralised),
// and the sheet Toelichting with the filter, the runs and the totals.
func TestQuarantineXLSX(t *testing.T) {
	w, base := quarantineServer(t)
	check := openAPIChecker(t)
	sc := scenario{name: "run 2, leerlingen", path: "/api/v1/quarantine?format=xlsx&run=2&feed=leerlingen", role: "beheer", status: 200}
	res, body := sc.send(t, w, base)
	if res.StatusCode != 200 {
		t.Fatalf("status %d: %.300s", res.StatusCode, body)
	}
	check(t, sc, base, res, body)
	if ct, cd := res.Header.Get("Content-Type"), res.Header.Get("Content-Disposition"); ct != contentXLSX ||
		cd != `attachment; filename="quarantaine-run-2-leerlingen.xlsx"` {
		t.Errorf("Content-Type %q, Content-Disposition %q", ct, cd)
	}
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !slices.Equal(got, []string{"Quarantaine", "Toelichting"}) {
		t.Fatalf("sheets %v", got)
	}
	rows, err := f.GetRows("Quarantaine")
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"bestand", "regel", "blad", "kolom", "waarde", "reden"},
		{"leerlingen_2025.csv", "4", "", "bsn", "", "bsn haalt de elfproef niet"},
		{"leerlingen_2025.csv", "5", "", "bsn", "", "bsn moet uit 8 of 9 cijfers bestaan"},
		{"leerlingen_2025.csv", "6", "", "brin", "*********", "brin '*********' is not a BRIN number"},
	}
	for i := range max(len(rows), len(want)) {
		var got, exp []string
		if i < len(rows) {
			got = rows[i]
		}
		if i < len(want) {
			exp = want[i]
		}
		for len(got) < len(exp) {
			got = append(got, "")
		}
		if !slices.Equal(got, exp) {
			t.Errorf("row %d: %q, want %q", i+1, got, exp)
		}
	}
	// A number cell carries no type, or n; a text cell says it is a string.
	if typ, _ := f.GetCellType("Quarantaine", "B2"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("the line is a cell of type %v, want a number", typ)
	}
	if width, _ := f.GetColWidth("Quarantaine", "F"); width < 50 {
		t.Errorf("the reason column is %v wide, want room for a sentence", width)
	}
	cover, err := f.GetRows("Toelichting")
	if err != nil {
		t.Fatal(err)
	}
	var text []string
	for _, r := range cover {
		text = append(text, strings.Join(r, " | "))
	}
	all := strings.Join(text, "\n")
	for _, s := range []string{"Filter: run 2, bron leerlingen", "Runs: 2", "In totaal 3 problemen in 3 regels.",
		"reden | code | problemen | regels", "BSN haalt de elfproef niet | bsn_elfproef | 1 | 1",
		"De waarde van de kolom bsn staat er nooit in"} {
		if !strings.Contains(all, s) {
			t.Errorf("Toelichting lacks %q:\n%s", s, all)
		}
	}

	// Ready to print and to send on: A4 landscape one page wide with the header row on
	// every page, texts wrapped, the bureau as author.
	xlsxtest.Check(t, body, xlsxtest.Want{Title: "Quarantaine Het Leerplein, run 2, bron leerlingen", Sheets: []xlsxtest.Sheet{
		{Name: "Quarantaine", Landscape: true, TitleRows: 1, Wrapped: []string{"A2", "F2", "F4"}},
		{Name: "Toelichting", TitleRows: 1, Wrapped: []string{"A1", "A3"}},
	}})

	// The hostile values of run 1, read back from the workbook.
	sc = scenario{name: "gemeente Haarlem", path: "/api/v1/quarantine?format=xlsx&gemeente=haarlem", role: "beheer", status: 200}
	res, body = sc.send(t, w, base)
	if res.StatusCode != 200 {
		t.Fatalf("status %d: %.300s", res.StatusCode, body)
	}
	if cd := res.Header.Get("Content-Disposition"); cd != `attachment; filename="quarantaine-haarlem.xlsx"` {
		t.Errorf("Content-Disposition %q", cd)
	}
	f2, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer f2.Close()
	rows, _ = f2.GetRows("Quarantaine")
	var values []string
	for _, r := range rows[1:] {
		values = append(values, r[4])
	}
	if want := []string{"'@SUM(1)", "'+1", "'-1+1", "-1", "", "*********"}; !slices.Equal(values, want) {
		t.Errorf("values %q, want %q", values, want)
	}
	if h := res.Header.Get("X-Leerplein-Runs"); h != "1,2" {
		t.Errorf("X-Leerplein-Runs %q, want 1,2", h)
	}
	cover, _ = f2.GetRows("Toelichting")
	if len(cover) < 3 || cover[2][0] != "Filter: gemeente Haarlem (GM0392)" {
		t.Errorf("Toelichting %q", cover)
	}
	noBSN(t, res, body)
}

// TestQuarantineDownloadCap fills the quarantine beyond the cap: the JSON shows its
// first rows and says so, the CSV and the workbook stop at the cap with a Dutch line
// that says so, and the headers say it too.
func TestQuarantineDownloadCap(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 100 000 rows twice; skipped with -short")
	}
	w, base := quarantineServer(t)
	n := quarantineDownloadMax + 5
	if _, err := w.db.ExecContext(context.Background(), fmt.Sprintf(`
		insert into etl_quarantine (file_id, feed, file_name, line, sheet, column_name, value, reason_code, reason_params, gemeentecode)
		select 2, 'thuiszitters', 'thuiszitters_2025.xlsx', i + 100, 'Blad1', 'soort', 'X' || i, 'code_onbekend',
		       ['soort', 'X' || i, 'ABSOLUUT, LANGDURIG_RELATIEF'], 'GM0392'
		from range(%d) t(i)`, n)); err != nil {
		t.Fatal(err)
	}
	path := "/api/v1/quarantine?feed=thuiszitters"
	res, body := scenario{path: path, role: "beheer"}.send(t, w, base)
	var a quarantineAnswer
	if err := json.Unmarshal(body, &a); err != nil || res.StatusCode != 200 {
		t.Fatalf("status %d, %v", res.StatusCode, err)
	}
	if len(a.Rows) != quarantineJSONMax || !a.Truncated || a.Problems != int64(n) ||
		!bytes.Contains(body, []byte(`"note":"rows bevat de eerste 1.000 van 100.005 problemen; download alles met format=csv of format=xlsx (tot 100.000)`)) {
		t.Errorf("JSON: %d rows, truncated %v, %d problems; %.200s", len(a.Rows), a.Truncated, a.Problems, body)
	}
	note := "afgekapt: dit bestand bevat de eerste 100.000 van 100.005 problemen; vraag minder op met run, feed, gemeente of reden"

	res, body = scenario{path: path + "&format=csv", role: "beheer"}.send(t, w, base)
	recs := readCSV(t, body)
	if len(recs) != 1+quarantineDownloadMax+1 || recs[len(recs)-1][5] != note || res.Header.Get("X-Leerplein-Truncated") != "true" {
		t.Errorf("CSV: %d lines, last %q, truncated %q", len(recs), recs[len(recs)-1], res.Header.Get("X-Leerplein-Truncated"))
	}

	res, body = scenario{path: path + "&format=xlsx", role: "beheer"}.send(t, w, base)
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("status %d: %v", res.StatusCode, err)
	}
	defer f.Close()
	rows, err := f.GetRows("Quarantaine")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1+quarantineDownloadMax+1 || rows[len(rows)-1][5] != note {
		t.Errorf("XLSX: %d rows, last %q", len(rows), rows[len(rows)-1])
	}
	cover, _ := f.GetRows("Toelichting")
	var text []string
	for _, r := range cover {
		text = append(text, strings.Join(r, " "))
	}
	if all := strings.Join(text, "\n"); !strings.Contains(all, "Afgekapt: dit bestand bevat de eerste 100.000 van 100.005 problemen") ||
		!strings.Contains(all, "In totaal 100.005 problemen in 100.005 regels.") {
		t.Errorf("Toelichting does not say it was cut:\n%s", all)
	}
}

// TestQuarantineFromTheLoader loads bad rows of two gemeenten through the real loader
// and downloads them per gemeente: the sender's file, line, column, value and the Dutch
// reason; never a BSN.
func TestQuarantineFromTheLoader(t *testing.T) {
	w := loadedQuarantine(t)
	_, ts := ledgerServer(t, w, nil)
	res, body := scenario{path: "/api/v1/quarantine?format=csv&gemeente=Velsen", role: "beheer"}.send(t, w, ts.URL)
	if res.StatusCode != 200 {
		t.Fatalf("status %d: %s", res.StatusCode, body)
	}
	recs := readCSV(t, body)
	want := [][]string{
		{"bestand", "regel", "blad", "kolom", "waarde", "reden"},
		{"verzuimmeldingen_week1.csv", "3", "", "bsn", "", "bsn haalt de elfproef niet"},
		{"verzuimmeldingen_week1.csv", "4", "", "verzuimsoort", "RELATIV", "verzuimsoort 'RELATIV' is geen van de codes RELATIEF, LUXE, ABSOLUUT, SIGNAAL"},
	}
	if fmt.Sprint(recs) != fmt.Sprint(want) {
		t.Errorf("download for Velsen:\n%q\nwant\n%q", recs, want)
	}
	if cd := res.Header.Get("Content-Disposition"); cd != `attachment; filename="quarantaine-velsen.csv"` {
		t.Errorf("Content-Disposition %q", cd)
	}
	noBSN(t, res, body)

	// The filter's choices name the gemeenten the quarantine holds, whatever the filter.
	res, body = scenario{path: "/api/v1/quarantine?gemeente=Velsen&reden=bsn_elfproef", role: "beheer"}.send(t, w, ts.URL)
	var answer quarantineJSON
	if err := json.Unmarshal([]byte(body), &answer); err != nil || res.StatusCode != 200 {
		t.Fatalf("JSON: %d %v: %.300s", res.StatusCode, err, body)
	}
	var gemeenten []string
	for _, c := range answer.Choices.Gemeente {
		gemeenten = append(gemeenten, c.Value+" "+c.Label)
	}
	if len(gemeenten) < 2 || !slices.Contains(gemeenten, "GM0453 Velsen") || len(answer.Choices.Reden) < 2 {
		t.Errorf("choices %+v; want Velsen by name among at least two gemeenten, and every reason held", answer.Choices)
	}
}

// TestKPICSVSafe checks the KPI CSV writer: a text that starts like a formula is
// neutralised, numbers (negative ones too, with a decimal comma or point) stay.
func TestKPICSVSafe(t *testing.T) {
	b, err := csvBody("x", [][]string{{"=1+1", "@SUM(1)", "-1", "-1,5", "-0.25", "+1", "2018-2019", "true"}})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b.data), "'=1+1;'@SUM(1);-1;-1,5;-0.25;'+1;2018-2019;true\n"; got != want {
		t.Errorf("csv = %q, want %q", got, want)
	}
}
