package render_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/hetleerplein/leerplein/warehouse"
	"github.com/hetleerplein/leerplein/warehouse/render"
)

// testOpenbaar marks testCells as a protected report would: art_5b (0) shown, art_5a
// hidden as small (as if it were), the total complementary, and vo_regio's vsvers with
// its percentage.
func testOpenbaar(t *testing.T) []warehouse.OpenbaarCell {
	var out []warehouse.OpenbaarCell
	for _, c := range testCells(t) {
		p := warehouse.OpenbaarCell{Cell: c}
		switch c.Tabel + " " + c.Rij + "/" + c.Kolom {
		case "tabel2 art_5a/aantal", "tabel7 vo_regio/vsvers":
			p.Onderdrukt = warehouse.SuppressedSmall
		case "tabel2 totaal/aantal", "tabel7 vo_regio/vsv_pct":
			p.Onderdrukt = warehouse.SuppressedComplementary
		}
		if p.Onderdrukt.Hidden() {
			p.Waarde = warehouse.Number{}
		}
		out = append(out, p)
	}
	return out
}

func TestWriteCSVOpenbaar(t *testing.T) {
	var buf bytes.Buffer
	if err := render.WriteCSVOpenbaar(&buf, testOpenbaar(t)); err != nil {
		t.Fatal(err)
	}
	want := `schooljaar;tabel;rij;kolom;waarde;status
2018-2019;tabel2;art_5a;aantal;;onderdrukt
2018-2019;tabel2;art_5b;aantal;0;
2018-2019;tabel2;totaal;aantal;;onderdrukt
2018-2019;tabel7;vo_regio;deelnemers;22122;
2018-2019;tabel7;vo_regio;vsvers;;onderdrukt
2018-2019;tabel7;vo_regio;vsv_pct;;onderdrukt
2018-2019;tabel7;totaal_regio;deelnemers;22122;
2018-2019;tabel7;totaal_regio;vsvers;97;
2018-2019;tabel7;totaal_regio;vsv_pct;46.5;
`
	if got := buf.String(); got != want {
		t.Errorf("WriteCSVOpenbaar:\ngot\n%s\nwant\n%s", got, want)
	}
}

// TestWriteCSVOpenbaarNothingHidden checks that with nothing hidden the protected form is
// the plain form: the same cells, the same values, the same statuses.
func TestWriteCSVOpenbaarNothingHidden(t *testing.T) {
	var plain, open bytes.Buffer
	var cells []warehouse.OpenbaarCell
	for _, c := range testCells(t) {
		cells = append(cells, warehouse.OpenbaarCell{Cell: c})
	}
	if err := render.WriteCSV(&plain, testCells(t)); err != nil {
		t.Fatal(err)
	}
	if err := render.WriteCSVOpenbaar(&open, cells); err != nil {
		t.Fatal(err)
	}
	if got, want := open.String(), plain.String(); got != want {
		t.Errorf("WriteCSVOpenbaar with nothing hidden:\ngot\n%s\nwant\n%s", got, want)
	}
}

func TestWriteToelichting(t *testing.T) {
	var buf bytes.Buffer
	if err := render.WriteToelichting(&buf, []string{"Eerste.", "Tweede."}); err != nil {
		t.Fatal(err)
	}
	if got, want := buf.String(), "Eerste.\n\nTweede.\n\n"; got != want {
		t.Errorf("WriteToelichting = %q, want %q", got, want)
	}
}

// TestWriteXLSXOpenbaar reads a protected workbook back: "<5" and "x" in place of the
// hidden figures, shown figures as numbers, and the note on its own sheet.
func TestWriteXLSXOpenbaar(t *testing.T) {
	var buf bytes.Buffer
	note := []string{"Openbare versie.", "Aantallen van 1 tot en met 4 zijn weggelaten."}
	if err := render.WriteXLSXOpenbaar(&buf, testLayout(), testOpenbaar(t), 5, note); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got, want := strings.Join(f.GetSheetList(), ","), "Tabel 2,Tabel 7,Toelichting"; got != want {
		t.Errorf("sheets = %s, want %s", got, want)
	}
	for _, tc := range []struct{ sheet, cell, want string }{
		{"Tabel 2", "B4", "<5"},
		{"Tabel 2", "B5", "0"},
		{"Tabel 2", "B6", "x"},
		{"Tabel 7", "B4", "22122"},
		{"Tabel 7", "C4", "<5"},
		{"Tabel 7", "D4", "x"},
		{"Tabel 7", "D5", "0.465"},
		{"Toelichting", "A1", note[0]},
		{"Toelichting", "A2", note[1]},
	} {
		got, err := f.GetCellValue(tc.sheet, tc.cell, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("%s!%s = %q, want %q", tc.sheet, tc.cell, got, tc.want)
		}
	}
	if err := render.WriteXLSXOpenbaar(&bytes.Buffer{}, testLayout(), testOpenbaar(t), 5, nil); err == nil {
		t.Error("WriteXLSXOpenbaar without a note: no error, want one")
	}
}

// TestWriteXLSXNoToelichting checks that the exact report's workbook has no note sheet.
func TestWriteXLSXNoToelichting(t *testing.T) {
	var buf bytes.Buffer
	if err := render.WriteXLSX(&buf, testLayout(), testCells(t)); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); len(got) != 2 {
		t.Errorf("sheets = %v, want only the two tables", got)
	}
}
