package etl

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"

	"github.com/hetleerplein/leerplein/warehouse/tekst"
)

// Every feed loads from CSV in each dialect, XLSX and Parquet; these tests load the same
// reports in each form and compare what lands in the warehouse.

func TestCSVDialects(t *testing.T) {
	rows := [][]string{
		{"melding_id", "bsn", "geboortedatum", "gemeente", "onderwijssoort", "verzuimsoort", "meldingsdatum", "startdatum", "uren", "brin"},
		{"m1", testBSN(1), "01-01-2005", "Haarlem", "WVO", "RELATIEF", "01-10-2018", "", "12,5", "00AA"},
		{"m2", testBSN(2), "2005-01-01", "Velsen", "WEB", "luxe", "1/10/2018", "", "3", ""},
	}
	join := func(sep, eol string, quote bool) string {
		var b strings.Builder
		for _, r := range rows {
			cells := slices.Clone(r)
			if quote {
				for i, c := range cells {
					cells[i] = `"` + c + `"`
				}
			}
			b.WriteString(strings.Join(cells, sep) + eol)
		}
		return b.String()
	}
	// The quoted text rides in melding_id, free text (brin must be a BRIN code).
	cases := map[string]struct{ body, id string }{
		"semicolon CRLF":       {join(";", "\r\n", false), "m1"},
		"semicolon with BOM":   {"\ufeff" + join(";", "\r\n", false), "m1"},
		"comma LF quoted":      {join(",", "\n", true), "m1"},
		"tab":                  {join("\t", "\n", false), "m1"},
		"no final line end":    {strings.TrimSuffix(join(";", "\n", false), "\n"), "m1"},
		"quoted separators":    {strings.Replace(join(",", "\n", true), `"m1"`, `"m,1;x"`, 1), "m,1;x"},
		"doubled quote inside": {strings.Replace(join(";", "\n", true), `"m1"`, `"m""1"`, 1), `m"1`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			db := openTestDB(t)
			sum := load(t, db, map[string]string{"verzuimmeldingen_x.csv": tc.body})
			if f := sum.Files[0]; f.Status != StatusLoaded || f.New != 2 || f.Quarantined != 0 {
				t.Fatalf("file = %+v; quarantine %v", f, queryStrings(t, db, "select mart.reden_tekst(reason_code, reason_params) from etl_quarantine"))
			}
			got := queryStrings(t, db, `select melding_id || ' ' || gemeentecode || ' ' || verzuimsoort || ' ' || meldingsdatum || ' ' || coalesce(uren::varchar, '-') || ' ' || line from fact_verzuimmelding order by line`)
			want := []string{tc.id + " GM0392 RELATIEF 2018-10-01 12.50 2", "m2 GM0453 LUXE 2018-10-01 3.00 3"}
			if !slices.Equal(got, want) {
				t.Errorf("facts = %q, want %q", got, want)
			}
		})
	}
}

func TestWindows1252(t *testing.T) {
	text := csvLines(verzuimHeader+";opmerking",
		verzuimRow("m1", testBSN(1), nil)+";geïnformeerd, €5 boete",
		verzuimRow("m2", testBSN(2), map[int]string{5: "RELATIËF"})+";“aanhalingstekens”")
	enc, err := charmap.Windows1252.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	db := openTestDB(t)
	sum := load(t, db, map[string]string{"verzuimmeldingen_cp1252.csv": enc})
	if f := sum.Files[0]; f.Status != StatusLoaded || f.New != 1 || f.Quarantined != 1 {
		t.Fatalf("file = %+v", f)
	}
	got := queryStrings(t, db, "select mart.reden_tekst(reason_code, reason_params) from etl_quarantine")
	want := []string{"verzuimsoort 'RELATIËF' is geen van de codes RELATIEF, LUXE, ABSOLUUT, SIGNAAL"}
	if !slices.Equal(got, want) {
		t.Errorf("quarantine = %q, want %q (decoded from Windows-1252)", got, want)
	}
}

func TestXLSXLoads(t *testing.T) {
	dir := t.TempDir()
	f := excelize.NewFile()
	sheet := f.GetSheetName(0)
	dateStyle, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	header := strings.Split(verzuimHeader, ";")
	for i, h := range header {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		f.SetCellValue(sheet, cell, h)
	}
	values := [][]any{
		{"m1", testBSN(1), time.Date(2005, 1, 1, 0, 0, 0, 0, time.UTC), "Haarlem", "WVO", "RELATIEF", time.Date(2018, 10, 1, 0, 0, 0, 0, time.UTC), "", 12.5, "00AA"},
		{"m2", badBSN(2), "01-01-2005", "GM0392", "WVO", "LUXE", "01-10-2018", "", 3, ""},
		{"m3", testBSN(3), "01-01-2005", 392, "WVO", "LUXE", "31-07-2019", "", "", ""},
	}
	for r, row := range values {
		for c, v := range row {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+3) // row 2 left empty
			f.SetCellValue(sheet, cell, v)
			if _, isTime := v.(time.Time); isTime {
				f.SetCellStyle(sheet, cell, cell, dateStyle)
			}
		}
	}
	f.NewSheet("Toelichting")
	f.SetCellValue("Toelichting", "A1", "wordt genegeerd")
	path := filepath.Join(dir, "verzuimmeldingen_2018.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	db := openTestDB(t)
	sum := runInbox(t, db, dir)
	if r := sum.Files[0]; r.Status != StatusLoaded || r.Format != "xlsx" || r.New != 2 || r.Quarantined != 1 {
		t.Fatalf("file = %+v", r)
	}
	got := queryStrings(t, db, `select melding_id || ' ' || geboortedatum || ' ' || meldingsdatum || ' ' || gemeentecode || ' ' || coalesce(uren::varchar, '-') || ' ' || line from fact_verzuimmelding order by 1`)
	want := []string{"m1 2005-01-01 2018-10-01 GM0392 12.50 3", "m3 2005-01-01 2019-07-31 GM0392 - 5"}
	if !slices.Equal(got, want) {
		t.Errorf("facts = %q, want %q", got, want)
	}
	q := queryStrings(t, db, "select sheet || ' row ' || line || ': ' || mart.reden_tekst(reason_code, reason_params) from etl_quarantine")
	if !slices.Equal(q, []string{"Sheet1 row 4: bsn haalt de elfproef niet"}) {
		t.Errorf("quarantine = %q", q)
	}
}

func TestParquetLoads(t *testing.T) {
	dir := t.TempDir()
	db := openTestDB(t)
	path := filepath.Join(dir, "vrijstellingen_2018.parquet")
	// Typed Parquet columns: a DATE column and text, as a DUO export might have them.
	if _, err := db.ExecContext(context.Background(), fmt.Sprintf(`copy (
		select * from (values
			('v1', '%s', date '2010-05-01', 'Zandvoort', '5 sub a', date '2018-10-01'),
			('v2', '%s', date '2010-05-01', 'Zandvoort', '5X', date '2018-10-02')
		) t(Vrijstelling_ID, BSN, geboortedatum, gemeente, artikel, besluitdatum)
	) to '%s' (format parquet)`, testBSN(1), testBSN(2), path)); err != nil {
		t.Fatal(err)
	}
	sum := runInbox(t, db, dir)
	if r := sum.Files[0]; r.Status != StatusLoaded || r.Format != "parquet" || r.New != 1 || r.Quarantined != 1 {
		t.Fatalf("file = %+v", r)
	}
	got := queryStrings(t, db, "select vrijstelling_id || ' ' || artikel || ' ' || besluitdatum || ' ' || gemeentecode || ' ' || line from fact_vrijstelling")
	if !slices.Equal(got, []string{"v1 5A 2018-10-01 GM0473 1"}) {
		t.Errorf("facts = %q", got)
	}
	if q := queryStrings(t, db, "select line || ': ' || mart.reden_tekst(reason_code, reason_params) from etl_quarantine"); len(q) != 1 || !strings.HasPrefix(q[0], "2: artikel '5X' is geen van de artikelen") {
		t.Errorf("quarantine = %q", q)
	}
}

func TestNotACSV(t *testing.T) {
	db := openTestDB(t)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "verzuimmeldingen_x.csv"), []byte("PK\x03\x04\x00\x00binary"), 0o600)
	sum := runInbox(t, db, dir)
	if f := sum.Files[0]; f.Status != StatusRejected || f.Reason == "" {
		t.Fatalf("binary file = %s %q, want rejected", f.Status, f.Reason)
	}
}

func TestCSVLineNumbersAndRaggedRows(t *testing.T) {
	db := openTestDB(t)
	body := verzuimHeader + "\n" +
		verzuimRow("m1", testBSN(1), nil) + "\n" +
		"\n" + // a blank line: line numbers after it shift
		verzuimRow("\"m\n2\"", testBSN(2), nil) + "\n" + // a quoted line break
		verzuimRow("m3", badBSN(3), nil) + "\n" +
		"m4;" + testBSN(4) + ";01-01-2005;Haarlem\n" + // too few fields
		verzuimRow("m5", testBSN(5), nil) + ";extra\n" + // a value beyond the header
		verzuimRow("m6", testBSN(6), nil) + ";\n" // an empty trailing field is fine
	sum := load(t, db, map[string]string{"verzuimmeldingen_x.csv": body})
	if f := sum.Files[0]; f.Status != StatusLoaded || f.New != 3 || f.Quarantined != 3 {
		t.Fatalf("file = %+v; quarantine %q", f, queryStrings(t, db, "select line || ': ' || mart.reden_tekst(reason_code, reason_params) from etl_quarantine"))
	}
	got := queryStrings(t, db, "select melding_id || '@' || line from fact_verzuimmelding order by line")
	if want := []string{"m1@2", "m\n2@4", "m6@9"}; !slices.Equal(got, want) {
		t.Errorf("lineage = %q, want %q", got, want)
	}
	// A ragged row's values are not trusted: not its gemeente either.
	q := queryStrings(t, db, `select line || ' ' || column_name || ' ' || coalesce(gemeentecode, '-') || ': ' ||
		mart.reden_tekst(reason_code, reason_params) from etl_quarantine order by line`)
	want := []string{
		"6 bsn GM0392: bsn haalt de elfproef niet",
		"7 * -: regel 7 heeft 4 velden waar de kop er 10 heeft; controleer de scheidingstekens en aanhalingstekens op die regel",
		"8 * -: regel 8 heeft 11 velden waar de kop er 10 heeft; controleer de scheidingstekens en aanhalingstekens op die regel",
	}
	if !slices.Equal(q, want) {
		t.Errorf("quarantine = %q, want %q", q, want)
	}
}

func TestCSVMostlyRaggedRejected(t *testing.T) {
	db := openTestDB(t)
	lines := []string{verzuimHeader}
	for i := range 20 {
		lines = append(lines, strings.ReplaceAll(verzuimRow(fmt.Sprintf("m%d", i), testBSN(i), nil), ";", ","))
	}
	sum := load(t, db, map[string]string{"verzuimmeldingen_x.csv": csvLines(lines...)})
	if f := sum.Files[0]; f.Status != StatusRejected || f.ReasonMsg.Code != tekst.VeldenRegels ||
		f.Reason != "20 van de 20 regels hebben een ander aantal velden dan de kopregel (10), de eerste is regel 2 met 1 veld; controleer het scheidingsteken en de aanhalingstekens" {
		t.Fatalf("file = %s %q, want rejected for its separators", f.Status, f.Reason)
	}
}
