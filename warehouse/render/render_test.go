package render_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/hetleerplein/leerplein/warehouse"
	"github.com/hetleerplein/leerplein/warehouse/render"
)

func number(t *testing.T, s string) warehouse.Number {
	t.Helper()
	n, err := warehouse.ParseNumber(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// testLayout is a two-table layout: a table with a sum row and column, and a tabel7-like
// table with a percentage column and an undelivered optional row.
func testLayout() []warehouse.Table {
	return []warehouse.Table{
		{
			Key: "tabel2", Title: "Verleende vrijstellingen", Note: "Naar besluitdatum.",
			Rows: []warehouse.Line{
				{Key: "art_5a", Label: "Art. 5 sub a"},
				{Key: "art_5b", Label: "Art. 5 sub b"},
				{Key: "totaal", Label: "Totaal", Sum: []string{"art_5a", "art_5b"}},
			},
			Cols: []warehouse.Line{{Key: "aantal", Label: "Aantal"}},
		},
		{
			Key: "tabel7", Title: "Nieuwe voortijdig schoolverlaters",
			Rows: []warehouse.Line{
				{Key: "vo_regio", Label: "Voortgezet onderwijs, regio", Optional: true},
				{Key: "mbo_regio", Label: "Mbo, regio", Optional: true},
				{Key: "totaal_regio", Label: "Totaal, regio", Optional: true},
			},
			Cols: []warehouse.Line{
				{Key: "deelnemers", Label: "Deelnemers"},
				{Key: "vsvers", Label: "Nieuwe vsv'ers"},
				{Key: "vsv_pct", Label: "Vsv-percentage", Percent: true},
			},
		},
	}
}

func testCells(t *testing.T) []warehouse.Cell {
	c := func(tabel, rij, kolom, waarde string) warehouse.Cell {
		return warehouse.Cell{Schooljaar: "2018-2019", Tabel: tabel, Rij: rij, Kolom: kolom, Waarde: number(t, waarde)}
	}
	return []warehouse.Cell{
		c("tabel2", "art_5a", "aantal", "61"),
		c("tabel2", "art_5b", "aantal", "0"),
		c("tabel2", "totaal", "aantal", "61"),
		c("tabel7", "vo_regio", "deelnemers", "22122"),
		c("tabel7", "vo_regio", "vsvers", "97"),
		c("tabel7", "vo_regio", "vsv_pct", "0.44"),
		c("tabel7", "totaal_regio", "deelnemers", "22122"),
		c("tabel7", "totaal_regio", "vsvers", "97"),
		c("tabel7", "totaal_regio", "vsv_pct", "46.50"),
	}
}

func TestWriteCSV(t *testing.T) {
	var buf bytes.Buffer
	if err := render.WriteCSV(&buf, testCells(t)); err != nil {
		t.Fatal(err)
	}
	want := `schooljaar;tabel;rij;kolom;waarde;status
2018-2019;tabel2;art_5a;aantal;61;
2018-2019;tabel2;art_5b;aantal;0;
2018-2019;tabel2;totaal;aantal;61;
2018-2019;tabel7;vo_regio;deelnemers;22122;
2018-2019;tabel7;vo_regio;vsvers;97;
2018-2019;tabel7;vo_regio;vsv_pct;0.44;
2018-2019;tabel7;totaal_regio;deelnemers;22122;
2018-2019;tabel7;totaal_regio;vsvers;97;
2018-2019;tabel7;totaal_regio;vsv_pct;46.5;
`
	if got := buf.String(); got != want {
		t.Errorf("WriteCSV:\ngot\n%s\nwant\n%s", got, want)
	}
}

func TestWriteCSVEmpty(t *testing.T) {
	var buf bytes.Buffer
	if err := render.WriteCSV(&buf, nil); err != nil {
		t.Fatal(err)
	}
	if got, want := buf.String(), render.CSVHeader+"\n"; got != want {
		t.Errorf("WriteCSV(nil) = %q, want %q", got, want)
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteErrors(t *testing.T) {
	if err := render.WriteCSV(failingWriter{}, testCells(t)); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("WriteCSV to a failing writer: err = %v, want the write error", err)
	}
	if err := render.WriteXLSX(failingWriter{}, testLayout(), testCells(t)); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("WriteXLSX to a failing writer: err = %v, want the write error", err)
	}
	if err := render.WriteXLSX(&bytes.Buffer{}, testLayout(), nil); err == nil {
		t.Error("WriteXLSX without cells: no error, want one")
	}
	mixed := append(testCells(t), warehouse.Cell{Schooljaar: "2017-2018", Tabel: "tabel2", Rij: "art_5a", Kolom: "aantal"})
	if err := render.WriteXLSX(&bytes.Buffer{}, testLayout(), mixed); err == nil {
		t.Error("WriteXLSX with two school years: no error, want one")
	}
	holed := testCells(t)
	holed = append(holed[:4:4], holed[5:]...) // vo_regio/vsvers absent, its row present
	if err := render.WriteXLSX(&bytes.Buffer{}, testLayout(), holed); err == nil || !strings.Contains(err.Error(), "vo_regio/vsvers") {
		t.Errorf("WriteXLSX with a hole in a row: err = %v, want one naming the cell", err)
	}
}

// TestWriteXLSX writes the workbook and reads it back with excelize.
func TestWriteXLSX(t *testing.T) {
	var buf bytes.Buffer
	if err := render.WriteXLSX(&buf, testLayout(), testCells(t)); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	if got, want := strings.Join(f.GetSheetList(), ","), "Tabel 2,Tabel 7"; got != want {
		t.Errorf("sheets = %s, want %s", got, want)
	}
	tests := []struct {
		name        string
		sheet, cell string
		want        string // the raw value as stored
		bold        bool
		numFmt      int
	}{
		{"title with school year", "Tabel 2", "A1", "Tabel 2. Verleende vrijstellingen, schooljaar 2018-2019", true, 0},
		{"column label", "Tabel 2", "B3", "Aantal", true, 0},
		{"row label", "Tabel 2", "A4", "Art. 5 sub a", false, 0},
		{"count", "Tabel 2", "B4", "61", false, 3},
		{"zero is written", "Tabel 2", "B5", "0", false, 3},
		{"total label bold", "Tabel 2", "A6", "Totaal", true, 0},
		{"total value bold", "Tabel 2", "B6", "61", true, 3},
		{"note under the table", "Tabel 2", "A8", "Naar besluitdatum.", false, 0},
		{"delivered row", "Tabel 7", "A4", "Voortgezet onderwijs, regio", false, 0},
		{"thousands", "Tabel 7", "B4", "22122", false, 3},
		{"percentage as fraction", "Tabel 7", "D4", "0.0044", false, 10},
		{"undelivered row left out", "Tabel 7", "A5", "Totaal, regio", true, 0},
		{"total percentage", "Tabel 7", "D5", "0.465", true, 10},
		{"nothing after the last row", "Tabel 7", "A6", "", false, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := f.GetCellValue(tc.sheet, tc.cell, excelize.Options{RawCellValue: true})
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("%s!%s = %q, want %q", tc.sheet, tc.cell, got, tc.want)
			}
			if tc.want == "" {
				return
			}
			idx, err := f.GetCellStyle(tc.sheet, tc.cell)
			if err != nil {
				t.Fatal(err)
			}
			style, err := f.GetStyle(idx)
			if err != nil {
				t.Fatal(err)
			}
			bold := style.Font != nil && style.Font.Bold
			if bold != tc.bold {
				t.Errorf("%s!%s bold = %v, want %v", tc.sheet, tc.cell, bold, tc.bold)
			}
			if style.NumFmt != tc.numFmt {
				t.Errorf("%s!%s number format = %d, want %d", tc.sheet, tc.cell, style.NumFmt, tc.numFmt)
			}
		})
	}
	shown, err := f.GetCellValue("Tabel 7", "D4")
	if err != nil {
		t.Fatal(err)
	}
	if shown != "0.44%" {
		t.Errorf("Tabel 7!D4 shown as %q, want 0.44%%", shown)
	}
}

// statusCells is tabel2 of a year without exemption data and tabel7 with a line that is
// not applicable, as the report gives them.
func statusCells() []warehouse.Cell {
	c := func(tabel, rij, kolom string, st warehouse.Status) warehouse.Cell {
		return warehouse.Cell{Schooljaar: "2016-2017", Tabel: tabel, Rij: rij, Kolom: kolom, Status: st}
	}
	return []warehouse.Cell{
		c("tabel2", "art_5a", "aantal", warehouse.StatusGeenGegevens),
		c("tabel2", "art_5b", "aantal", warehouse.StatusGeenGegevens),
		c("tabel2", "totaal", "aantal", warehouse.StatusGeenGegevens),
		{Schooljaar: "2016-2017", Tabel: "tabel7", Rij: "vo_regio", Kolom: "deelnemers", Waarde: warehouse.Count(0)},
		c("tabel7", "vo_regio", "vsvers", warehouse.StatusNietVanToepassing),
		c("tabel7", "vo_regio", "vsv_pct", warehouse.StatusNietVanToepassing),
	}
}

// TestWriteStatuses checks that a cell that is not a value is written as its status: in
// the machine form an empty waarde and the status, in the workbook the status in words
// and the table's remarks under its note. A zero stays a zero.
func TestWriteStatuses(t *testing.T) {
	var buf bytes.Buffer
	if err := render.WriteCSV(&buf, statusCells()); err != nil {
		t.Fatal(err)
	}
	want := `schooljaar;tabel;rij;kolom;waarde;status
2016-2017;tabel2;art_5a;aantal;;geen_gegevens
2016-2017;tabel2;art_5b;aantal;;geen_gegevens
2016-2017;tabel2;totaal;aantal;;geen_gegevens
2016-2017;tabel7;vo_regio;deelnemers;0;
2016-2017;tabel7;vo_regio;vsvers;;niet_van_toepassing
2016-2017;tabel7;vo_regio;vsv_pct;;niet_van_toepassing
`
	if got := buf.String(); got != want {
		t.Errorf("WriteCSV:\ngot\n%s\nwant\n%s", got, want)
	}

	layout := testLayout()
	layout[0].Remarks = []string{"Geen gegevens: het warehouse bevat geen vrijstellingen met een besluitdatum in het schooljaar."}
	buf.Reset()
	if err := render.WriteXLSX(&buf, layout, statusCells()); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, tc := range []struct{ sheet, cell, want string }{
		{"Tabel 2", "B4", "geen gegevens"},
		{"Tabel 2", "B6", "geen gegevens"},
		{"Tabel 2", "A8", "Naar besluitdatum."},
		{"Tabel 2", "A9", layout[0].Remarks[0]},
		{"Tabel 7", "B4", "0"},
		{"Tabel 7", "C4", "n.v.t."},
		{"Tabel 7", "D4", "n.v.t."},
	} {
		got, err := f.GetCellValue(tc.sheet, tc.cell, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("%s!%s = %q, want %q", tc.sheet, tc.cell, got, tc.want)
		}
	}
}

// TestDutch writes figures as the page and the workbook show them.
func TestDutch(t *testing.T) {
	for _, tc := range []struct {
		in      string
		percent bool
		want    string
	}{
		{"0", false, "0"}, {"22122", false, "22.122"}, {"1234567", false, "1.234.567"},
		{"0.44", true, "0,44%"}, {"46.5", true, "46,50%"}, {"5", true, "5,00%"}, {"-1234", false, "-1.234"},
	} {
		if got := render.Dutch(number(t, tc.in), tc.percent); got != tc.want {
			t.Errorf("Dutch(%s, %v) = %q, want %q", tc.in, tc.percent, got, tc.want)
		}
	}
}
