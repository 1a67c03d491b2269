package warehouse_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/hetleerplein/leerplein/warehouse"
	"github.com/hetleerplein/leerplein/warehouse/xlsxtest"
)

// TestXLSXPrintReadyExports checks both figure exports, exact and protected, as
// workbooks ready to print: A4, one page wide, each table's title rows on every page
// (title, subtitle, blank, header), notes wrapped under the table, the bureau's document
// properties and no number stored with a float artefact.
func TestXLSXPrintReadyExports(t *testing.T) {
	_, _, leerplicht, vsv := loadExports(t)
	for _, tc := range []struct {
		name    string
		export  warehouse.Export
		protect bool
		title   string
	}{
		{"leerplichttelling", leerplicht, false, "Leerplichttelling (artikel 25 Leerplichtwet), schooljaar " + exportYear},
		{"leerplichttelling openbaar", leerplicht, true, "schooljaar " + exportYear + " (openbaar)"},
		{"vsv", vsv, false, "Voortijdig schoolverlaten en Doorstroompunt, schooljaar " + exportYear},
		{"vsv openbaar", vsv, true, "(openbaar)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := tc.export
			e.Tables = append([]warehouse.ExportTable(nil), e.Tables...)
			for i := range e.Tables { // Protect marks cells: keep the fixture's as they are
				e.Tables[i].Cells = append([]warehouse.ExportCell(nil), e.Tables[i].Cells...)
			}
			if tc.protect {
				if err := e.Protect(5); err != nil {
					t.Fatal(err)
				}
			}
			var buf bytes.Buffer
			if err := e.WriteXLSX(&buf); err != nil {
				t.Fatal(err)
			}
			f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			names := f.GetSheetList()
			f.Close()
			if len(names) != len(e.Tables)+1 {
				t.Fatalf("sheets %q for %d tables, want one per table and Toelichting", names, len(e.Tables))
			}
			var sheets []xlsxtest.Sheet
			notes := 0
			for i, tab := range e.Tables {
				s := xlsxtest.Sheet{Name: names[i], TitleRows: 4, Landscape: 60+16*len(tab.Cols) > 100}
				row := 4 + len(tab.Rows) + 2 // header, the rows, a blank line
				for _, note := range append([]string{tab.Note}, tab.Remarks...) {
					if note != "" {
						s.Wrapped = append(s.Wrapped, fmt.Sprintf("A%d", row))
						row++
					}
				}
				notes += len(s.Wrapped)
				sheets = append(sheets, s)
			}
			if notes == 0 {
				t.Fatal("no table has a note: the test checks no wrapping")
			}
			sheets = append(sheets, xlsxtest.Sheet{Name: warehouse.ToelichtingSheet, TitleRows: 1, Wrapped: []string{"A2"}})
			xlsxtest.Check(t, buf.Bytes(), xlsxtest.Want{Title: tc.title, Sheets: sheets})
		})
	}
}
