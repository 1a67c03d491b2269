package warehouse

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// hostile are texts a spreadsheet could read as a formula.
var hostile = []string{`=HYPERLINK("http://example.invalid","klik")`, "@SUM(1)", "+1", "-1+1", "\tx", "\rx"}

// TestExportSafeForSpreadsheets writes an export whose texts (as a gemeente name from
// the region file would be) start like a formula: the workbook holds them as string
// cells with a leading quote, never a formula; the CSV has the quote too; a negative
// number stays a number.
func TestExportSafeForSpreadsheets(t *testing.T) {
	cols := []Line{{Key: "c", Label: hostile[3]}}
	var rows []Line
	var cells []ExportCell
	for i, h := range hostile {
		key := string(rune('a' + i))
		rows = append(rows, Line{Key: key, Label: h})
		cells = append(cells, ExportCell{Rij: key, Kolom: "c", Waarde: Count(-1)})
	}
	e := Export{
		Name: "test", Title: hostile[0], Schooljaar: "2018-2019", Notes: []string{hostile[1]},
		Tables: []ExportTable{{Sheet: "Blad", Title: hostile[0], Subtitle: hostile[1], Rows: rows, Cols: cols, Cells: cells, Note: hostile[2],
			Gebied: Gebied{Code: "GM0392", Naam: hostile[0]}}},
		csv: csvForm{header: []string{"gemeente", "rij"}, fields: func(t ExportTable, c ExportCell) ([]string, bool) {
			return []string{t.Gebied.Naam, c.Rij}, true
		}},
	}
	var buf bytes.Buffer
	if err := e.WriteXLSX(&buf); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	seen := map[string]bool{}
	for _, sheet := range f.GetSheetList() {
		rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		for r, row := range rows {
			for c, v := range row {
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				if formula, _ := f.GetCellFormula(sheet, cell); formula != "" {
					t.Errorf("%s!%s is a formula: %q", sheet, cell, formula)
				}
				typ, _ := f.GetCellType(sheet, cell)
				for _, h := range hostile {
					if strings.HasPrefix(v, h) {
						t.Errorf("%s!%s = %q starts like a formula", sheet, cell, v)
					}
					if v == "'"+h {
						seen[h] = true
						if typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString {
							t.Errorf("%s!%s holds %q as a cell of type %v, want a string", sheet, cell, v, typ)
						}
					}
				}
				if v == "-1" && typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
					t.Errorf("%s!%s holds the number -1 as type %v, want a number", sheet, cell, typ)
				}
			}
		}
	}
	for _, h := range hostile {
		if !seen[h] {
			t.Errorf("the workbook does not hold %q neutralised", h)
		}
	}
	var csvBuf bytes.Buffer
	if err := e.WriteCSV(&csvBuf); err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(csvBuf.String()), "\n")[1:] {
		if !strings.HasPrefix(line, "'=HYPERLINK") || !strings.HasSuffix(line, ";-1;") {
			t.Errorf("CSV line %q: want the name neutralised and the value -1 as it is", line)
		}
	}
}
