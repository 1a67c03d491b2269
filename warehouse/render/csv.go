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
const CSVHeader = "schooljaar;tabel;rij;kolom;waarde"

// WriteCSV writes cells in the machine form of definitions.md: the header line, then one
// `;`-separated line per cell in the order given, values as plain numbers ('.' as the
// decimal point, zeros as 0). Keys never hold a ';', so nothing is quoted; they are
// neutralised for spreadsheets all the same (warehouse.SafeCellText).
func WriteCSV(w io.Writer, cells []warehouse.Cell) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, CSVHeader)
	for _, c := range cells {
		fmt.Fprintf(bw, "%s;%s;%s;%s;%s\n", safe(c.Schooljaar), safe(c.Tabel), safe(c.Rij), safe(c.Kolom), c.Waarde)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("render: write csv: %w", err)
	}
	return nil
}

// safe is warehouse.SafeCellText: a key of the machine form is opened in spreadsheets too.
func safe(s string) string { return warehouse.SafeCellText(s) }
