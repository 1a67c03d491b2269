package warehouse

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// csvForm is the machine form of an export: its header and the fields of one cell.
type csvForm struct {
	header []string
	// fields gives a cell's key fields (the header's columns before waarde), or false
	// when the cell is not part of the machine form.
	fields func(t ExportTable, c ExportCell) ([]string, bool)
}

// CSVHeader is the header line of the export's machine form: its key columns, waarde
// and status.
func (e Export) CSVHeader() string {
	return strings.Join(append(append([]string(nil), e.csv.header...), "waarde", "status"), ";")
}

// WriteCSV writes the export in its machine form: the header line, then one
// `;`-separated line per cell (zeros as 0), values as plain numbers, texts neutralised
// for spreadsheets (SafeCellText). The column status is
// empty for a value; otherwise it is geen_gegevens, niet_van_toepassing or (in a
// protected export) onderdrukt, and waarde is empty.
func (e Export) WriteCSV(w io.Writer) error {
	if e.csv.fields == nil {
		return fmt.Errorf("warehouse: export %s has no machine form", e.Name)
	}
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, e.CSVHeader())
	for _, t := range e.Tables {
		for _, c := range t.Cells {
			fields, ok := e.csv.fields(t, c)
			if !ok {
				continue
			}
			value, status := c.Waarde.String(), c.status()
			if !status.IsValue() {
				value = ""
			}
			fields = append(fields, value, string(status))
			for i, f := range fields {
				fields[i] = SafeCellText(f)
			}
			fmt.Fprintln(bw, strings.Join(fields, ";"))
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("warehouse: export %s: write csv: %w", e.Name, err)
	}
	return nil
}

// WriteToelichting writes the explanation as plain text, one paragraph per line, for
// the file that accompanies a CSV.
func (e Export) WriteToelichting(w io.Writer) error {
	bw := bufio.NewWriter(w)
	for _, p := range e.Toelichting() {
		fmt.Fprintln(bw, p)
		fmt.Fprintln(bw)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("warehouse: export %s: write toelichting: %w", e.Name, err)
	}
	return nil
}
