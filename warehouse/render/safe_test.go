package render_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/hetleerplein/leerplein/warehouse"
	"github.com/hetleerplein/leerplein/warehouse/render"
)

// TestReportSafeForSpreadsheets writes the annual report with labels that start like a
// formula (a subregio name from the region file is one): the workbook holds them as
// string cells with a leading quote, never a formula, and a negative figure stays a
// number; the CSV's keys are neutralised the same way.
func TestReportSafeForSpreadsheets(t *testing.T) {
	hostile := []string{`=HYPERLINK("http://example.invalid","klik")`, "@SUM(1)", "+1", "-1+1", "\tx", "\rx"}
	table := warehouse.Table{Key: "tabel2", Title: "Vrijstellingen", Note: hostile[2], Cols: []warehouse.Line{{Key: "aantal", Label: hostile[1]}}}
	var cells []warehouse.Cell
	for i, h := range hostile {
		key := string(rune('a' + i))
		table.Rows = append(table.Rows, warehouse.Line{Key: key, Label: h})
		cells = append(cells, warehouse.Cell{Schooljaar: "2018-2019", Tabel: "tabel2", Rij: key, Kolom: "aantal", Waarde: warehouse.Count(-1)})
	}
	var buf bytes.Buffer
	if err := render.WriteXLSX(&buf, []warehouse.Table{table}, cells); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet := f.GetSheetList()[0]
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	numbers := 0
	for r, row := range rows {
		for c, v := range row {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
			if formula, _ := f.GetCellFormula(sheet, cell); formula != "" {
				t.Errorf("%s is a formula: %q", cell, formula)
			}
			typ, _ := f.GetCellType(sheet, cell)
			for _, h := range hostile {
				if strings.HasPrefix(v, h) {
					t.Errorf("%s = %q starts like a formula", cell, v)
				}
				if v == "'"+h {
					seen[h] = true
					if typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString {
						t.Errorf("%s holds %q as a cell of type %v, want a string", cell, v, typ)
					}
				}
			}
			if v == "-1" {
				numbers++
				if typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
					t.Errorf("%s holds the figure -1 as type %v, want a number", cell, typ)
				}
			}
		}
	}
	if len(seen) != len(hostile) || numbers != len(hostile) {
		t.Errorf("neutralised %d of %d texts, %d of %d figures as numbers", len(seen), len(hostile), numbers, len(hostile))
	}
	cells[0].Rij = hostile[0]
	var csvBuf bytes.Buffer
	if err := render.WriteCSV(&csvBuf, cells[:1]); err != nil {
		t.Fatal(err)
	}
	if want := render.CSVHeader + "\n2018-2019;tabel2;'" + hostile[0] + ";aantal;-1;\n"; csvBuf.String() != want {
		t.Errorf("CSV = %q, want %q", csvBuf.String(), want)
	}
}
