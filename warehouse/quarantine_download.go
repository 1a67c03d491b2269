package warehouse

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/hetleerplein/leerplein/warehouse/tekst"
)

// QuarantineDownload is a download of the quarantine for the people who must fix the
// source (a municipality, a school's administration): every problem with its file, line,
// column, offending value and reason in Dutch, never a BSN, at most Limit of them, with
// what the download covers.
type QuarantineDownload struct {
	Filter       QuarantineFilter
	GemeenteNaam string           // the name of Filter.Gemeente, "" when unknown
	Totals       QuarantineTotals // of the whole filter, whatever Limit cuts
	Limit        int
	Made         time.Time
}

// QuarantineHeader is the header of a download: bestand;regel;blad;kolom;waarde;reden.
func QuarantineHeader() []string {
	return []string{"bestand", "regel", "blad", "kolom", "waarde", "reden"}
}

// Truncated reports whether the download holds fewer problems than the filter has.
func (d QuarantineDownload) Truncated() bool { return d.Totals.Problems > int64(d.Limit) }

// TruncatedNote is the Dutch line that says a download was cut at its limit.
func (d QuarantineDownload) TruncatedNote() string {
	return fmt.Sprintf("afgekapt: dit bestand bevat de eerste %s van %s; vraag minder op met run, feed, gemeente of reden",
		tekst.Getal(int64(d.Limit)), tekst.Aantal(d.Totals.Problems, "probleem", "problemen"))
}

// FileName is the download's name without extension, in Dutch and naming its filter:
// quarantaine-run-12-verzuimmeldingen-haarlem-bsn_elfproef.
func (d QuarantineDownload) FileName() string {
	parts := []string{"quarantaine"}
	f := d.Filter
	if f.RunID != 0 {
		parts = append(parts, "run", strconv.FormatInt(f.RunID, 10))
	}
	if f.Feed != "" {
		parts = append(parts, f.Feed)
	}
	if f.Gemeente != "" {
		name := strings.ToLower(strings.Join(strings.Fields(d.GemeenteNaam), "-"))
		if name == "" || !isPlainName(name) {
			name = strings.ToLower(f.Gemeente)
		}
		parts = append(parts, name)
	}
	if f.Reason != "" {
		parts = append(parts, string(f.Reason))
	}
	return strings.Join(parts, "-")
}

// isPlainName reports whether a name is lower-case ASCII letters, digits, '-' and '_':
// what a file name can carry anywhere.
func isPlainName(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// Cover says in Dutch what the download covers: the filter, the runs, the totals and
// how to find a row; one line each.
func (d QuarantineDownload) Cover() []string {
	f := d.Filter
	var filter []string
	if f.RunID != 0 {
		filter = append(filter, fmt.Sprintf("run %d", f.RunID))
	}
	if f.Feed != "" {
		filter = append(filter, "bron "+f.Feed)
	}
	if f.Gemeente != "" {
		g := "gemeente " + f.Gemeente
		if d.GemeenteNaam != "" {
			g = fmt.Sprintf("gemeente %s (%s)", d.GemeenteNaam, f.Gemeente)
		}
		filter = append(filter, g)
	}
	if f.Reason != "" {
		filter = append(filter, fmt.Sprintf("reden %s (%s)", tekst.Titel(f.Reason), f.Reason))
	}
	lines := []string{"Quarantaine van Het Leerplein: rijen die niet geladen zijn, met de reden"}
	lines = append(lines, "Gemaakt: "+d.Made.Format("02-01-2006 15:04"))
	if len(filter) == 0 {
		lines = append(lines, "Filter: geen, de hele quarantaine")
	} else {
		lines = append(lines, "Filter: "+strings.Join(filter, ", "))
	}
	if len(d.Totals.Runs) == 0 {
		lines = append(lines, "Runs: geen; er staat niets in de quarantaine met dit filter")
	} else {
		runs := make([]string, len(d.Totals.Runs))
		for i, r := range d.Totals.Runs {
			runs[i] = strconv.FormatInt(r, 10)
		}
		lines = append(lines, "Runs: "+strings.Join(runs, ", "))
	}
	lines = append(lines, fmt.Sprintf("In totaal %s in %s.",
		tekst.Aantal(d.Totals.Problems, "probleem", "problemen"), tekst.Aantal(d.Totals.Rows, "regel", "regels")))
	if d.Truncated() {
		lines = append(lines, strings.ToUpper(d.TruncatedNote()[:1])+d.TruncatedNote()[1:]+".")
	}
	lines = append(lines,
		"Regel is het regelnummer in het geleverde bestand (bij Excel het rijnummer van het werkblad): zoek de rij daar op.",
		"De waarde van de kolom bsn staat er nooit in; een mogelijk BSN in een andere kolom staat er als [bsn].")
	return lines
}

// row is a problem as the download writes it: the header's fields.
func (r QuarantineRow) downloadFields() (file string, line int64, sheet, column, value, reason string) {
	if r.Value != nil {
		value = *r.Value
	}
	return r.FileName, r.Line, r.Sheet, r.Column, value, r.ReasonNL()
}

// WriteQuarantineCSV writes the download as `;`-separated UTF-8 text for a spreadsheet
// (with a byte order mark, so Excel reads it as UTF-8): the header, one line per
// problem, every text neutralised (SafeCellText), and a last line when the limit cut it.
// It reads and writes one row at a time; nothing reaches w before the first row was read.
func (db *DB) WriteQuarantineCSV(ctx context.Context, w io.Writer, d QuarantineDownload) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	cw := csv.NewWriter(bw)
	cw.Comma = ';'
	started := false
	start := func() error {
		started = true
		if _, err := bw.WriteString("\uFEFF"); err != nil {
			return err
		}
		return cw.Write(QuarantineHeader())
	}
	_, err := db.EachQuarantineRow(ctx, d.Filter, d.Limit, func(r QuarantineRow) error {
		if !started {
			if err := start(); err != nil {
				return err
			}
		}
		file, line, sheet, column, value, reason := r.downloadFields()
		return cw.Write([]string{SafeCellText(file), strconv.FormatInt(line, 10), SafeCellText(sheet),
			SafeCellText(column), SafeCellText(value), SafeCellText(reason)})
	})
	if err != nil {
		return fmt.Errorf("warehouse: quarantine csv: %w", err)
	}
	if !started {
		if err := start(); err != nil {
			return fmt.Errorf("warehouse: quarantine csv: %w", err)
		}
	}
	if d.Truncated() {
		if err := cw.Write([]string{"", "", "", "", "", d.TruncatedNote()}); err != nil {
			return fmt.Errorf("warehouse: quarantine csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("warehouse: quarantine csv: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("warehouse: quarantine csv: %w", err)
	}
	return nil
}

// QuarantineWorkbook is a download built as an XLSX workbook, ready to send: the sheet
// Quarantaine with a header row and one row per problem, and the sheet Toelichting with
// what it covers and the totals per reason. The rows go through excelize's StreamWriter,
// which keeps them on disk beyond a few megabytes; the workbook is zipped when it is
// sent. Close removes its temporary files.
type QuarantineWorkbook struct{ f *excelize.File }

// WriteTo writes the workbook.
func (q *QuarantineWorkbook) WriteTo(w io.Writer) (int64, error) { return q.f.WriteTo(w) }

// Close removes the workbook's temporary files.
func (q *QuarantineWorkbook) Close() error { return q.f.Close() }

// Sheet names of the quarantine workbook.
const (
	QuarantineSheet  = "Quarantaine"
	quarantineToelic = "Toelichting"
)

// maxCellChars is what an XLSX cell holds (Excel's limit); a longer text is cut.
const maxCellChars = 32767

// cellText neutralises a text for a cell and keeps it within maxCellChars.
func cellText(s string) string {
	s = SafeCellText(s)
	if utf8.RuneCountInString(s) <= maxCellChars {
		return s
	}
	r := []rune(s)
	return string(r[:maxCellChars-1]) + "…"
}

// QuarantineXLSX builds the download as a workbook. Nothing is sent: an error leaves the
// caller free to answer with an error.
func (db *DB) QuarantineXLSX(ctx context.Context, d QuarantineDownload) (_ *QuarantineWorkbook, err error) {
	f := excelize.NewFile()
	defer func() {
		if err != nil {
			f.Close()
		}
	}()
	wrap := func(err error) error { return fmt.Errorf("warehouse: quarantine xlsx: %w", err) }
	if err := f.SetSheetName(f.GetSheetName(0), QuarantineSheet); err != nil {
		return nil, wrap(err)
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return nil, wrap(err)
	}
	// Texts wrap within their column, so a long value or reason stays on the printed page.
	text, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return nil, wrap(err)
	}
	top, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{Vertical: "top"}})
	if err != nil {
		return nil, wrap(err)
	}
	title := d.documentTitle()
	if err := SetXLSXDocument(f, XLSXDocument{Title: title, Subject: d.Cover()[0], Made: d.Made}); err != nil {
		return nil, wrap(err)
	}
	widths := []float64{30, 8, 12, 16, 28, 60}
	var width float64
	for _, w := range widths {
		width += w
	}
	// Before the StreamWriter: it writes the sheet's fit-to-page flag first.
	if err := SetXLSXPrint(f, XLSXPrint{Sheet: QuarantineSheet, Title: title, Landscape: WideSheet(width), TitleRows: 1}); err != nil {
		return nil, wrap(err)
	}
	sw, err := f.NewStreamWriter(QuarantineSheet)
	if err != nil {
		return nil, wrap(err)
	}
	for i, w := range widths {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return nil, wrap(err)
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, wrap(err)
	}
	var header []any
	for _, h := range QuarantineHeader() {
		header = append(header, excelize.Cell{StyleID: bold, Value: h})
	}
	if err := sw.SetRow("A1", header); err != nil {
		return nil, wrap(err)
	}
	row := 1
	if _, err := db.EachQuarantineRow(ctx, d.Filter, d.Limit, func(r QuarantineRow) error {
		row++
		file, line, sheet, column, value, reason := r.downloadFields()
		cell, _ := excelize.CoordinatesToCellName(1, row)
		txt := func(s string) excelize.Cell { return excelize.Cell{StyleID: text, Value: cellText(s)} }
		return sw.SetRow(cell, []any{txt(file), excelize.Cell{StyleID: top, Value: line}, txt(sheet), txt(column), txt(value), txt(reason)})
	}); err != nil {
		return nil, wrap(err)
	}
	if d.Truncated() {
		cell, _ := excelize.CoordinatesToCellName(1, row+1)
		if err := sw.SetRow(cell, []any{nil, nil, nil, nil, nil, excelize.Cell{StyleID: bold, Value: d.TruncatedNote()}}); err != nil {
			return nil, wrap(err)
		}
	}
	if err := sw.Flush(); err != nil {
		return nil, wrap(err)
	}
	if err := writeQuarantineCover(f, d, bold, text); err != nil {
		return nil, wrap(err)
	}
	return &QuarantineWorkbook{f: f}, nil
}

// writeQuarantineCover writes the sheet Toelichting: what the download covers, then a
// table of the totals per reason.
func writeQuarantineCover(f *excelize.File, d QuarantineDownload, bold, text int) error {
	sheet := quarantineToelic
	if _, err := f.NewSheet(sheet); err != nil {
		return err
	}
	const reasonWidth, figureWidth = 60, 16
	const width = reasonWidth + 3*figureWidth
	set := func(col, row int, v any, style int) error {
		cell, _ := excelize.CoordinatesToCellName(col, row)
		if s, ok := v.(string); ok {
			v = cellText(s)
		}
		if err := f.SetCellValue(sheet, cell, v); err != nil {
			return err
		}
		if style != 0 {
			return f.SetCellStyle(sheet, cell, cell, style)
		}
		return nil
	}
	row := 0
	for i, line := range d.Cover() {
		row++
		style := text
		if i == 0 {
			style = bold
		}
		// A line of the cover runs across the table below it, wrapped.
		if err := SetXLSXNote(f, sheet, row, "D", width, cellText(line), style, TextFontSize); err != nil {
			return err
		}
	}
	row += 2
	for i, h := range []string{"reden", "code", "problemen", "regels"} {
		if err := set(i+1, row, h, bold); err != nil {
			return err
		}
	}
	for _, t := range d.Totals.ByReason {
		row++
		for i, v := range []any{tekst.Titel(t.Code), string(t.Code), t.Problems, t.Rows} {
			if err := set(i+1, row, v, 0); err != nil {
				return err
			}
		}
	}
	if err := f.SetColWidth(sheet, "A", "A", reasonWidth); err != nil {
		return err
	}
	if err := f.SetColWidth(sheet, "B", "D", figureWidth); err != nil {
		return err
	}
	return SetXLSXPrint(f, XLSXPrint{Sheet: sheet, Title: d.documentTitle() + ": toelichting", TitleRows: 1})
}

// documentTitle is the workbook's title: the quarantine, and the run or source it is
// filtered on.
func (d QuarantineDownload) documentTitle() string {
	title := "Quarantaine Het Leerplein"
	if d.Filter.RunID != 0 {
		title += fmt.Sprintf(", run %d", d.Filter.RunID)
	}
	if d.Filter.Feed != "" {
		title += ", bron " + d.Filter.Feed
	}
	return title
}
