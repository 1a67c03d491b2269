package render_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/hetleerplein/leerplein/warehouse"
	"github.com/hetleerplein/leerplein/warehouse/render"
	"github.com/hetleerplein/leerplein/warehouse/xlsxtest"
)

// printCells are testCells with a percentage that a float division stores as
// 0.050499999999999996, and a long note: what a printed page must hold.
func printLayoutAndCells(t *testing.T) ([]warehouse.Table, []warehouse.Cell) {
	layout := testLayout()
	layout[0].Remarks = []string{strings.Repeat("Een lange opmerking over wat de cijfers dekken. ", 8)}
	cells := testCells(t)
	for i, c := range cells {
		if c.Tabel == "tabel7" && c.Rij == "vo_regio" && c.Kolom == "vsv_pct" {
			cells[i].Waarde = number(t, "5.05")
		}
	}
	return layout, cells
}

// TestXLSXPrintReadyJaarverslag checks the annual report's workbook, exact and public:
// A4, one page wide, title rows on every page, wrapped notes, the bureau's document
// properties and every figure stored as itself (5,05% as 0.0505).
func TestXLSXPrintReadyJaarverslag(t *testing.T) {
	layout, cells := printLayoutAndCells(t)
	tables := []xlsxtest.Sheet{
		{Name: "Tabel 2", TitleRows: 3, Wrapped: []string{"A8", "A9"}},
		{Name: "Tabel 7", TitleRows: 3},
	}
	t.Run("exact", func(t *testing.T) {
		var buf bytes.Buffer
		if err := render.WriteXLSX(&buf, layout, cells); err != nil {
			t.Fatal(err)
		}
		xlsxtest.Check(t, buf.Bytes(), xlsxtest.Want{Title: "Jaarverslag Het Leerplein, schooljaar 2018-2019", Sheets: tables})
	})
	t.Run("openbaar", func(t *testing.T) {
		var buf bytes.Buffer
		var protected []warehouse.OpenbaarCell
		for _, c := range cells {
			protected = append(protected, warehouse.OpenbaarCell{Cell: c})
		}
		note := []string{"Openbare versie.", strings.Repeat("Aantallen van 1 tot en met 4 zijn weggelaten. ", 6)}
		if err := render.WriteXLSXOpenbaar(&buf, layout, protected, 5, note); err != nil {
			t.Fatal(err)
		}
		sheets := append(append([]xlsxtest.Sheet(nil), tables...), xlsxtest.Sheet{Name: "Toelichting", TitleRows: 1, Wrapped: []string{"A2"}})
		xlsxtest.Check(t, buf.Bytes(), xlsxtest.Want{Title: "schooljaar 2018-2019 (openbaar)", Sheets: sheets})
	})
}

// TestXLSXDecimals pins the float check itself: an artefact has many decimals, a
// figure few.
func TestXLSXDecimals(t *testing.T) {
	for v, want := range map[string]int{"0.0505": 4, "0.050499999999999996": 18, "61": 0, "5.05E-2": 4, "1E+3": 0, "<5": 0, "x": 0} {
		if got := xlsxtest.Decimals(v); got != want {
			t.Errorf("Decimals(%q) = %d, want %d", v, got, want)
		}
	}
}
