package warehouse

import (
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"
)

// ToelichtingSheet is the name of the workbook sheet that explains an export.
const ToelichtingSheet = "Toelichting"

// WriteXLSX writes the export as a workbook laid out for handing in or publishing: one
// sheet per table with its Dutch title, a header row of column labels, one row per line
// with its label (totals in bold), and the table's note and remarks; a figure without
// data shows as "geen gegevens", one not applicable as "n.v.t.", a hidden small count as
// "<5", another hidden figure as "x"; then a sheet "Toelichting" with the explanation.
func (e Export) WriteXLSX(w io.Writer) (err error) {
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("warehouse: export %s: xlsx: %w", e.Name, cerr)
		}
	}()
	st, err := newExportStyles(f)
	if err != nil {
		return fmt.Errorf("warehouse: export %s: xlsx styles: %w", e.Name, err)
	}
	if err := SetXLSXDocument(f, XLSXDocument{Title: e.documentTitle(), Subject: e.Title, Made: e.Made}); err != nil {
		return fmt.Errorf("warehouse: export %s: xlsx: %w", e.Name, err)
	}
	taken := map[string]bool{}
	first := true
	newSheet := func(name string) (string, error) {
		name = sheetName(name, taken)
		if first {
			first = false
			return name, f.SetSheetName(f.GetSheetName(0), name)
		}
		_, err := f.NewSheet(name)
		return name, err
	}
	for _, t := range e.Tables {
		sheet, err := newSheet(t.Sheet)
		if err != nil {
			return fmt.Errorf("warehouse: export %s: sheet %s: %w", e.Name, t.Sheet, err)
		}
		if err := e.writeTable(f, sheet, st, t); err != nil {
			return fmt.Errorf("warehouse: export %s: sheet %s: %w", e.Name, sheet, err)
		}
	}
	sheet, err := newSheet(ToelichtingSheet)
	if err != nil {
		return fmt.Errorf("warehouse: export %s: sheet %s: %w", e.Name, ToelichtingSheet, err)
	}
	for i, p := range e.Toelichting() {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		style := st.text
		if i == 0 {
			style = st.title
		}
		if err := f.SetCellStr(sheet, cell, SafeCellText(p)); err != nil {
			return fmt.Errorf("warehouse: export %s: toelichting: %w", e.Name, err)
		}
		if err := f.SetCellStyle(sheet, cell, cell, style); err != nil {
			return fmt.Errorf("warehouse: export %s: toelichting: %w", e.Name, err)
		}
	}
	if err := f.SetColWidth(sheet, "A", "A", 110); err != nil {
		return fmt.Errorf("warehouse: export %s: toelichting: %w", e.Name, err)
	}
	if err := SetXLSXPrint(f, XLSXPrint{Sheet: sheet, Title: e.documentTitle() + ": toelichting", TitleRows: 1}); err != nil {
		return fmt.Errorf("warehouse: export %s: %w", e.Name, err)
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("warehouse: export %s: xlsx: write: %w", e.Name, err)
	}
	return nil
}

// exportStyles are the cell styles of an export workbook.
type exportStyles struct {
	title, subtitle, header, label, labelBold, note, text int
	number, numberBold, percent, percentBold              int
	hidden, hiddenBold                                    int
}

func newExportStyles(f *excelize.File) (exportStyles, error) {
	var s exportStyles
	var err error
	mk := func(st *excelize.Style) int {
		if err != nil {
			return 0
		}
		var id int
		id, err = f.NewStyle(st)
		return id
	}
	border := []excelize.Border{{Type: "bottom", Color: "000000", Style: 1}}
	right := &excelize.Alignment{Horizontal: "right"}
	s.title = mk(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 13}})
	s.subtitle = mk(&excelize.Style{Font: &excelize.Font{Bold: true}})
	s.header = mk(&excelize.Style{Font: &excelize.Font{Bold: true}, Border: border,
		Alignment: &excelize.Alignment{Horizontal: "right", WrapText: true, Vertical: "bottom"}})
	s.label = mk(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true}})
	s.labelBold = mk(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{WrapText: true}})
	s.note = mk(NoteStyle())
	s.text = mk(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	s.number = mk(&excelize.Style{NumFmt: 3}) // #,##0
	s.numberBold = mk(&excelize.Style{NumFmt: 3, Font: &excelize.Font{Bold: true}})
	s.percent = mk(&excelize.Style{NumFmt: 10}) // 0.00%
	s.percentBold = mk(&excelize.Style{NumFmt: 10, Font: &excelize.Font{Bold: true}})
	s.hidden = mk(&excelize.Style{Alignment: right})
	s.hiddenBold = mk(&excelize.Style{Alignment: right, Font: &excelize.Font{Bold: true}})
	return s, err
}

// isTotalLine reports whether a line is printed in bold as a total.
func isTotalLine(l Line) bool { return l.IsTotal() || len(l.Sum) > 0 }

func (e Export) writeTable(f *excelize.File, sheet string, st exportStyles, t ExportTable) error {
	set := func(col, row int, value any, style int) error {
		cell, err := excelize.CoordinatesToCellName(col, row)
		if err != nil {
			return err
		}
		if err := setCell(f, sheet, cell, value); err != nil {
			return err
		}
		return f.SetCellStyle(sheet, cell, cell, style)
	}
	if err := set(1, 1, t.Title, st.title); err != nil {
		return err
	}
	if err := set(1, 2, t.Subtitle, st.subtitle); err != nil {
		return err
	}
	const headerRow = 4
	if err := set(1, headerRow, "", st.header); err != nil {
		return err
	}
	for j, c := range t.Cols {
		if err := set(j+2, headerRow, c.Label, st.header); err != nil {
			return err
		}
	}
	row := headerRow + 1
	for _, r := range t.Rows {
		bold := isTotalLine(r)
		label := st.label
		if bold {
			label = st.labelBold
		}
		if err := set(1, row, r.Label, label); err != nil {
			return err
		}
		for j, c := range t.Cols {
			ci := t.cell(r.Key, c.Key)
			if ci < 0 {
				continue // not applicable
			}
			cell := t.Cells[ci]
			b := bold || isTotalLine(c)
			var value any
			var style int
			switch {
			case cell.Onderdrukt == SuppressedSmall:
				value, style = fmt.Sprintf("<%d", e.Drempel), pick(b, st.hiddenBold, st.hidden)
			case cell.Onderdrukt.Hidden():
				value, style = "x", pick(b, st.hiddenBold, st.hidden)
			case !cell.Status.IsValue():
				value, style = cell.Status.Label(), pick(b, st.hiddenBold, st.hidden)
			case c.Percent:
				value, style = cell.Waarde.Fraction(), pick(b, st.percentBold, st.percent)
			default:
				value, style = cell.Waarde.Float64(), pick(b, st.numberBold, st.number)
			}
			if err := set(j+2, row, value, style); err != nil {
				return err
			}
		}
		row++
	}
	last, err := excelize.ColumnNumberToName(len(t.Cols) + 1)
	if err != nil {
		return err
	}
	const labelWidth, figureWidth = 60, 16
	width := labelWidth + figureWidth*float64(len(t.Cols))
	row++
	for _, note := range append([]string{t.Note}, t.Remarks...) {
		if note == "" {
			continue
		}
		if err := SetXLSXNote(f, sheet, row, last, width, note, st.note, NoteFontSize); err != nil {
			return err
		}
		row++
	}
	if err := f.SetColWidth(sheet, "A", "A", labelWidth); err != nil {
		return err
	}
	if err := f.SetColWidth(sheet, "B", last, figureWidth); err != nil {
		return err
	}
	return SetXLSXPrint(f, XLSXPrint{Sheet: sheet, Title: t.Title, Landscape: WideSheet(width), TitleRows: headerRow})
}

// documentTitle is the workbook's title: the export's, its school year, and whether it
// is protected for publication.
func (e Export) documentTitle() string {
	title := e.Title + ", schooljaar " + e.Schooljaar
	if e.Drempel > 0 {
		title += " (openbaar)"
	}
	return title
}

// setCell writes a text as a string cell, neutralised (SafeCellText) — never a formula —
// and any other value as what it is (a number stays a number).
func setCell(f *excelize.File, sheet, cell string, value any) error {
	if s, ok := value.(string); ok {
		return f.SetCellStr(sheet, cell, SafeCellText(s))
	}
	return f.SetCellValue(sheet, cell, value)
}

func pick(cond bool, a, b int) int {
	if cond {
		return a
	}
	return b
}
