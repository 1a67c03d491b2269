package render

import (
	"bufio"
	"errors"
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"

	"github.com/hetleerplein/leerplein/warehouse"
)

// ToelichtingSheet is the name of the sheet with the note on the method in the
// workbook of a protected report.
const ToelichtingSheet = "Toelichting"

// WriteCSVOpenbaar writes protected cells in the machine form: a hidden figure has an
// empty waarde and status onderdrukt; a cell that is not a value keeps its status.
func WriteCSVOpenbaar(w io.Writer, cells []warehouse.OpenbaarCell) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, CSVHeader)
	for _, c := range cells {
		writeCSVLine(bw, c.Cell, c.PublishedStatus())
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("render: write csv: %w", err)
	}
	return nil
}

// WriteToelichting writes the note on the method as plain text, one paragraph per line
// with a blank line between, for the file beside a protected CSV.
func WriteToelichting(w io.Writer, paragraphs []string) error {
	bw := bufio.NewWriter(w)
	for _, p := range paragraphs {
		fmt.Fprintln(bw, p)
		fmt.Fprintln(bw)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("render: write toelichting: %w", err)
	}
	return nil
}

// WriteXLSXOpenbaar writes a protected report as WriteXLSX does, with a hidden small
// count shown as "<drempel>" (e.g. "<5"), another hidden figure as "x", and a last
// sheet Toelichting holding the note on the method. A cell that is not a value shows its
// status as WriteXLSX does.
func WriteXLSXOpenbaar(w io.Writer, layout []warehouse.Table, cells []warehouse.OpenbaarCell, drempel int, toelichting []string) error {
	if len(cells) == 0 {
		return errors.New("render: xlsx: no cells to write")
	}
	if len(toelichting) == 0 {
		return errors.New("render: xlsx: a public report needs its note on the method")
	}
	schooljaar := cells[0].Schooljaar
	values := make(map[string]figure, len(cells))
	for _, c := range cells {
		if c.Schooljaar != schooljaar {
			return fmt.Errorf("render: xlsx: cells of two school years (%s and %s); write one year at a time", schooljaar, c.Schooljaar)
		}
		fig := cellFigure(c.Cell)
		switch {
		case c.Onderdrukt == warehouse.SuppressedSmall:
			fig = figure{text: fmt.Sprintf("<%d", drempel)}
		case c.Onderdrukt.Hidden():
			fig = figure{text: "x"}
		}
		values[c.Tabel+"\x00"+c.Rij+"\x00"+c.Kolom] = fig
	}
	return writeWorkbook(w, layout, schooljaar, values, toelichting)
}

// writeToelichtingSheet adds the sheet with the note on the method: the first
// paragraph as its title, one paragraph per row.
func writeToelichtingSheet(f *excelize.File, st styles, paragraphs []string) error {
	if _, err := f.NewSheet(ToelichtingSheet); err != nil {
		return err
	}
	for i, p := range paragraphs {
		cell, err := excelize.CoordinatesToCellName(1, i+1)
		if err != nil {
			return err
		}
		style := st.text
		if i == 0 {
			style = st.title
		}
		if err := setCell(f, ToelichtingSheet, cell, p); err != nil {
			return err
		}
		if err := f.SetCellStyle(ToelichtingSheet, cell, cell, style); err != nil {
			return err
		}
	}
	if err := f.SetColWidth(ToelichtingSheet, "A", "A", 110); err != nil {
		return err
	}
	return warehouse.SetXLSXPrint(f, warehouse.XLSXPrint{Sheet: ToelichtingSheet,
		Title: "Toelichting op de bescherming van kleine aantallen", TitleRows: 1})
}
