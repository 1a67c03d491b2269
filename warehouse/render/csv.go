// Package render writes the annual report's cells for people and machines: the machine
// form (CSV) of definitions.md and a spreadsheet laid out like the published report.
package render

import (
	"bufio"
	"fmt"
	"io"

	"github.com/hetleerplein/leerplein/warehouse"
)

// CSVHeader is the header line of the machine form.
const CSVHeader = "schooljaar;tabel;rij;kolom;waarde;status"

// WriteCSV writes cells in the machine form of definitions.md: the header line, then one
// `;`-separated line per cell in the order given, values as plain numbers ('.' as the
// decimal point, zeros as 0) with an empty status; a cell that is not a value has an
// empty waarde and its status (geen_gegevens, niet_van_toepassing). Keys never hold a
// ';', so nothing is quoted; they are neutralised for spreadsheets all the same
// (warehouse.SafeCellText).
func WriteCSV(w io.Writer, cells []warehouse.Cell) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, CSVHeader)
	for _, c := range cells {
		writeCSVLine(bw, c, c.Status)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("render: write csv: %w", err)
	}
	return nil
}

// writeCSVLine writes one cell of the machine form with the given status: the value when
// it is a value, else an empty waarde.
func writeCSVLine(w io.Writer, c warehouse.Cell, status warehouse.Status) {
	value := c.Waarde.String()
	if !status.IsValue() {
		value = ""
	}
	fmt.Fprintf(w, "%s;%s;%s;%s;%s;%s\n", safe(c.Schooljaar), safe(c.Tabel), safe(c.Rij), safe(c.Kolom), value, status)
}

// safe is warehouse.SafeCellText: a key of the machine form is opened in spreadsheets too.
func safe(s string) string { return warehouse.SafeCellText(s) }
