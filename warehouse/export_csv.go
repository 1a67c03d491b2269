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

// Values of the `onderdrukt` column of a protected export's machine form.
const (
	onderdruktNee        = "nee"
	onderdruktKlein      = "klein"
	onderdruktAanvullend = "aanvullend"
)

// CSVHeader is the header line of the export's machine form.
func (e Export) CSVHeader() string {
	h := append(append([]string(nil), e.csv.header...), "waarde")
	if e.Drempel > 0 {
		h = append(h, "onderdrukt")
	}
	return strings.Join(h, ";")
}

// WriteCSV writes the export in its machine form: the header line, then one
// `;`-separated line per cell (zeros as 0), values as plain numbers, texts neutralised
// for spreadsheets (SafeCellText). In a protected
// export a hidden value is empty and the column `onderdrukt` says why: nee (shown),
// klein (a small count) or aanvullend (hidden so no small count can be derived).
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
			value := c.Waarde.String()
			if c.Onderdrukt.Hidden() {
				value = ""
			}
			fields = append(fields, value)
			if e.Drempel > 0 {
				fields = append(fields, map[Suppression]string{
					Shown: onderdruktNee, SuppressedSmall: onderdruktKlein, SuppressedComplementary: onderdruktAanvullend,
				}[c.Onderdrukt])
			}
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
