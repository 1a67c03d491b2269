package render

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/hetleerplein/leerplein/warehouse"
)

// Built-in number formats of the spreadsheet format; a Dutch Excel shows them with its
// own separators (1.234 and 1,01%).
const (
	numFmtThousands = 3  // #,##0
	numFmtPercent   = 10 // 0.00%
)

// SheetName is the name of a table's sheet: "tabel7" becomes "Tabel 7".
func SheetName(tabel string) string {
	return "Tabel " + strings.TrimPrefix(tabel, "tabel")
}

// WriteXLSX writes the report as a workbook with one sheet per table of the layout,
// laid out like the published report: the Dutch title with the school year, a header
// row of column labels, one row per line with its label, totals in bold, percentages
// as percentages, and the table's note and remarks below. A cell that is not a value
// shows its status in words ("geen gegevens", "n.v.t."), which the remarks explain. A
// row the cells do not hold (an undelivered tabel7 row) is left out.
func WriteXLSX(w io.Writer, layout []warehouse.Table, cells []warehouse.Cell) error {
	if len(cells) == 0 {
		return errors.New("render: xlsx: no cells to write")
	}
	schooljaar := cells[0].Schooljaar
	values := make(map[string]figure, len(cells))
	for _, c := range cells {
		if c.Schooljaar != schooljaar {
			return fmt.Errorf("render: xlsx: cells of two school years (%s and %s); write one year at a time", schooljaar, c.Schooljaar)
		}
		values[c.Tabel+"\x00"+c.Rij+"\x00"+c.Kolom] = cellFigure(c)
	}
	return writeWorkbook(w, layout, schooljaar, values, nil)
}

// figure is what a cell of the workbook shows: a number, or a text in its place ("geen
// gegevens", "n.v.t."; "<5" or "x" for a figure hidden in a public report).
type figure struct {
	n    warehouse.Number
	text string
}

// cellFigure is what a cell shows: its value, or its status in words.
func cellFigure(c warehouse.Cell) figure {
	if !c.Status.IsValue() {
		return figure{text: c.Status.Label()}
	}
	return figure{n: c.Waarde}
}

// writeWorkbook writes one sheet per table of the layout with the figures keyed by
// tabel, rij and kolom, and, when toelichting is given, a last sheet with those
// paragraphs.
func writeWorkbook(w io.Writer, layout []warehouse.Table, schooljaar string, values map[string]figure, toelichting []string) (err error) {
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("render: xlsx: %w", cerr)
		}
	}()
	st, err := newStyles(f, toelichting != nil)
	if err != nil {
		return fmt.Errorf("render: xlsx: styles: %w", err)
	}
	title := "Jaarverslag Het Leerplein, schooljaar " + schooljaar
	if toelichting != nil {
		title += " (openbaar)"
	}
	if err := warehouse.SetXLSXDocument(f, warehouse.XLSXDocument{Title: title,
		Subject: "Leerplicht en Doorstroompunt/RMC, RMC-regio 25: tabellen 1 tot en met 9"}); err != nil {
		return fmt.Errorf("render: xlsx: %w", err)
	}
	for i, t := range layout {
		sheet := SheetName(t.Key)
		if i == 0 {
			err = f.SetSheetName(f.GetSheetName(0), sheet)
		} else {
			_, err = f.NewSheet(sheet)
		}
		if err != nil {
			return fmt.Errorf("render: xlsx: sheet %s: %w", sheet, err)
		}
		lookup := func(rij, kolom string) (figure, bool) {
			n, ok := values[t.Key+"\x00"+rij+"\x00"+kolom]
			return n, ok
		}
		if err := writeTable(f, sheet, st, t, schooljaar, lookup); err != nil {
			return fmt.Errorf("render: xlsx: %s: %w", sheet, err)
		}
	}
	if toelichting != nil {
		if err := writeToelichtingSheet(f, st, toelichting); err != nil {
			return fmt.Errorf("render: xlsx: %s: %w", ToelichtingSheet, err)
		}
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("render: xlsx: write: %w", err)
	}
	return nil
}

// styles are the cell styles of the workbook, made once.
type styles struct {
	title, header, label, labelBold, note int
	// number[bold][percent]
	number [2][2]int
	// hidden[bold] is the text in place of a figure (a status, or a hidden figure),
	// right-aligned; text a paragraph of the note on the method, made only for a public
	// report.
	hidden [2]int
	text   int
}

func newStyles(f *excelize.File, openbaar bool) (styles, error) {
	var s styles
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
	s.title = mk(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 13}})
	s.header = mk(&excelize.Style{Font: &excelize.Font{Bold: true}, Border: border,
		Alignment: &excelize.Alignment{Horizontal: "right", WrapText: true, Vertical: "bottom"}})
	s.label = mk(&excelize.Style{})
	s.labelBold = mk(&excelize.Style{Font: &excelize.Font{Bold: true}})
	s.note = mk(warehouse.NoteStyle())
	for b, bold := range []bool{false, true} {
		for p, fmtID := range []int{numFmtThousands, numFmtPercent} {
			s.number[b][p] = mk(&excelize.Style{Font: &excelize.Font{Bold: bold}, NumFmt: fmtID})
		}
	}
	right := &excelize.Alignment{Horizontal: "right"}
	s.hidden[0] = mk(&excelize.Style{Alignment: right})
	s.hidden[1] = mk(&excelize.Style{Alignment: right, Font: &excelize.Font{Bold: true}})
	if openbaar {
		s.text = mk(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	}
	return s, err
}

func writeTable(f *excelize.File, sheet string, st styles, t warehouse.Table, schooljaar string,
	lookup func(rij, kolom string) (figure, bool)) error {
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
	title := fmt.Sprintf("%s. %s, schooljaar %s", SheetName(t.Key), t.Title, schooljaar)
	if err := set(1, 1, title, st.title); err != nil {
		return err
	}
	const headerRow = 3
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
		if _, ok := lookup(r.Key, t.Cols[0].Key); !ok {
			continue // not delivered (tabel7)
		}
		labelStyle := st.label
		if r.IsTotal() {
			labelStyle = st.labelBold
		}
		if err := set(1, row, r.Label, labelStyle); err != nil {
			return err
		}
		for j, c := range t.Cols {
			fig, ok := lookup(r.Key, c.Key)
			if !ok {
				return fmt.Errorf("cell %s/%s is missing", r.Key, c.Key)
			}
			b, p := 0, 0
			if r.IsTotal() || c.IsTotal() {
				b = 1
			}
			if fig.text != "" {
				if err := set(j+2, row, fig.text, st.hidden[b]); err != nil {
					return err
				}
				continue
			}
			value := fig.n.Float64()
			if c.Percent {
				p, value = 1, fig.n.Fraction() // the cell holds a fraction; the format shows 1,01%
			}
			if err := set(j+2, row, value, st.number[b][p]); err != nil {
				return err
			}
		}
		row++
	}
	last, err := excelize.ColumnNumberToName(len(t.Cols) + 1)
	if err != nil {
		return err
	}
	const labelWidth, figureWidth = 52, 16
	width := labelWidth + figureWidth*float64(len(t.Cols))
	row++
	for _, note := range append([]string{t.Note}, t.Remarks...) {
		if note == "" {
			continue
		}
		if err := warehouse.SetXLSXNote(f, sheet, row, last, width, note, st.note, warehouse.NoteFontSize); err != nil {
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
	return warehouse.SetXLSXPrint(f, warehouse.XLSXPrint{Sheet: sheet, Title: title,
		Landscape: warehouse.WideSheet(width), TitleRows: headerRow})
}

// setCell writes a text as a string cell, neutralised (warehouse.SafeCellText) — never a
// formula — and any other value as what it is (a number stays a number).
func setCell(f *excelize.File, sheet, cell string, value any) error {
	if s, ok := value.(string); ok {
		return f.SetCellStr(sheet, cell, warehouse.SafeCellText(s))
	}
	return f.SetCellValue(sheet, cell, value)
}
