package api

import (
	"context"
	"encoding/csv"
	"strings"
	"testing"
)

// hostileQuarantine adds problems whose delivered values start like a formula, and a
// possible BSN in a value, to the ledger fixture.
const hostileQuarantine = `
insert into etl_quarantine values
    (1, 'verzuimmeldingen', 'verzuimmeldingen_2025.csv', 11, null, 'gemeente', '=HYPERLINK("http://example.invalid","klik")', 'gemeente ''=HYPERLINK("http://example.invalid","klik")'' is not a municipality of the region'),
    (1, 'verzuimmeldingen', 'verzuimmeldingen_2025.csv', 12, null, 'verzuimsoort', '@SUM(1)', '@SUM(1) is geen verzuimsoort'),
    (1, 'verzuimmeldingen', 'verzuimmeldingen_2025.csv', 13, null, 'uren', '+1', '+1'),
    (1, 'verzuimmeldingen', 'verzuimmeldingen_2025.csv', 14, null, 'uren', '-1+1', '-1+1'),
    (1, 'verzuimmeldingen', 'verzuimmeldingen_2025.csv', 15, null, 'melding_id', '	x', 'tab'),
    (1, 'verzuimmeldingen', 'verzuimmeldingen_2025.csv', 16, null, 'melding_id', '` + "\r" + `x', 'cr'),
    (1, 'verzuimmeldingen', 'verzuimmeldingen_2025.csv', 17, null, 'gemeente', 'BSN 1234.56.782', 'gemeente ''BSN 1234.56.782'' is unknown'),
    (1, 'verzuimmeldingen', 'verzuimmeldingen_2025.csv', 18, null, 'uren', '-1', 'uren ''-1'' is not a number');
`

// TestQuarantineCSV downloads the quarantine as CSV: every problem with its file and
// line, the bsn column's value withheld, possible BSNs masked, every value that starts
// like a formula neutralised, a negative number kept; and validates the answer against
// api/openapi.json.
func TestQuarantineCSV(t *testing.T) {
	w := ledgerWarehouse(t)
	if _, err := w.db.ExecContext(context.Background(), hostileQuarantine); err != nil {
		t.Fatal(err)
	}
	_, ts := ledgerServer(t, w, nil)
	check := openAPIChecker(t)
	sc := scenario{name: "quarantine csv", path: "/api/v1/quarantine?format=csv&run=1", role: "beheer", status: 200}
	res, body := sc.send(t, w, ts.URL)
	if res.StatusCode != 200 {
		t.Fatalf("status %d: %s", res.StatusCode, body)
	}
	check(t, sc, ts.URL, res, body)
	if ct, cd := res.Header.Get("Content-Type"), res.Header.Get("Content-Disposition"); ct != contentCSV || cd != `attachment; filename="quarantaine_run1.csv"` {
		t.Errorf("Content-Type %q, Content-Disposition %q", ct, cd)
	}
	r := csv.NewReader(strings.NewReader(string(body)))
	r.Comma = ';'
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(recs[0], ";"); got != "bestand;regel;blad;kolom;waarde;reden" {
		t.Errorf("header %q", got)
	}
	values := map[string]string{} // line → value
	for _, rec := range recs[1:] {
		values[rec[1]+" "+rec[3]] = rec[4]
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
	if len(recs) != 1+3+8 {
		t.Errorf("%d lines, want the header and 11 problems of run 1", len(recs))
	}

	all := scenario{name: "all", path: "/api/v1/quarantine?format=csv", role: "beheer", status: 200}
	res, body = all.send(t, w, ts.URL)
	check(t, all, ts.URL, res, body)
	if strings.Contains(string(body), "123456789") || strings.Contains(string(body), "12345678;") {
		t.Errorf("the download shows a bsn value or a BSN-shaped number: %s", body)
	}
	for _, bad := range []scenario{
		{name: "bad format", path: "/api/v1/quarantine?format=xlsx", role: "beheer", status: 400, invalid: true},
		{name: "analist", path: "/api/v1/quarantine?format=csv", role: "analist", status: 403},
	} {
		res, body := bad.send(t, w, ts.URL)
		if res.StatusCode != bad.status {
			t.Errorf("%s: status %d, want %d: %s", bad.name, res.StatusCode, bad.status, body)
		}
		check(t, bad, ts.URL, res, body)
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
