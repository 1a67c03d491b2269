package etl

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/hetleerplein/leerplein/warehouse/tekst"
)

// Errors for workbooks that cannot be read at all (see errEmptyFile and errNoHeader too).
var (
	errNotXLSX  = errors.New("not an XLSX file")
	errNoSheets = errors.New("XLSX has no sheets")
)

// xlsxDatePattern is how date cells are handed to the loader: one unambiguous form.
const xlsxDatePattern = "yyyy-mm-dd"

// dateMarker prefixes the serial number of a date cell: plainCellFormats gives every
// date format this literal prefix, so dates arrive as a marked number — far cheaper than
// excelize's date formatting (which looks up locale data for every cell) — and readXLSX
// turns them into yyyy-mm-dd. The invisible separators cannot occur in a number cell,
// and text cells are never formatted.
const dateMarker = "\u2063D\u2063"

// isBuiltinDateFormat reports whether a built-in number format id (ECMA-376 18.8.30)
// shows a date: 14-17 and 22 everywhere, the others in East Asian and Thai locales.
func isBuiltinDateFormat(id int) bool {
	switch id {
	case 14, 15, 16, 17, 22,
		27, 28, 29, 30, 31, 36, 50, 51, 54, 57, 58,
		71, 72, 73, 74, 77, 81:
		return true
	}
	return false
}

// readXLSX streams the first sheet of an XLSX workbook: fn is called for the header row
// first and then for every data row, with the 1-based sheet row number (what the steward
// sees in Excel, for the quarantine) and the cells as text. The header is the first row
// that is not empty; empty rows (every cell blank) are skipped wherever they are, and rows
// shorter than the header are padded with "". Cells holding real dates (any date number
// format, built-in or custom like dd-mm-yyyy) are given as yyyy-mm-dd; numbers as written
// without float artefacts and without the cell's display format (12.5, not 12.499999 or
// "12,50" or "1.250%"); text as is, even when it looks like a date. An error from fn stops
// the read and is returned unchanged. readXLSX returns the sheet name.
//
// A workbook beyond lim is refused (a rejectError) before excelize opens it, and
// excelize is held to the same unpacked sizes.
func readXLSX(path string, lim Limits, fn func(sheetRow int, cells []string) error) (sheet string, err error) {
	if err := checkXLSX(path); err != nil {
		return "", err
	}
	lim = lim.orDefault()
	if err := checkWorkbook(path, lim); err != nil {
		return "", err
	}
	f, err := excelize.OpenFile(path, xlsxOptions(lim))
	if err != nil {
		return "", rejectAs(errNotXLSX, tekst.XLSXNietTeOpenen, err)
	}
	defer f.Close()

	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return "", rejectAs(errNoSheets, tekst.XLSXGeenWerkbladen)
	}
	sheet = sheets[0]
	plainCellFormats(f)
	date1904 := false
	if props, err := f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		date1904 = *props.Date1904
	}

	rows, err := f.Rows(sheet)
	if err != nil {
		return sheet, fmt.Errorf("read xlsx sheet %q: %w", sheet, err)
	}
	defer rows.Close()
	headerLen := -1
	for sheetRow := 1; rows.Next(); sheetRow++ {
		cells, err := rows.Columns()
		if err != nil {
			return sheet, fmt.Errorf("read xlsx sheet %q row %d: %w", sheet, sheetRow, err)
		}
		if blankRow(cells) {
			continue
		}
		if headerLen < 0 {
			headerLen = len(cells)
		}
		for len(cells) < headerLen {
			cells = append(cells, "")
		}
		for i, c := range cells {
			if strings.HasPrefix(c, dateMarker) {
				cells[i] = excelDate(strings.TrimPrefix(c, dateMarker), date1904)
			}
		}
		if err := fn(sheetRow, cells); err != nil {
			return sheet, err
		}
	}
	if err := rows.Error(); err != nil {
		return sheet, fmt.Errorf("read xlsx sheet %q: %w", sheet, err)
	}
	if headerLen < 0 {
		return sheet, rejectAs(errNoHeader, tekst.WerkbladLeeg, sheet)
	}
	return sheet, nil
}

// xlsxOptions holds excelize to lim too: it refuses a workbook that unpacks to more
// than lim.XLSXTotalBytes, and streams every worksheet and shared strings table over
// xlsxStreamBytes from a temporary file instead of memory.
func xlsxOptions(lim Limits) excelize.Options {
	return excelize.Options{
		ShortDatePattern:  xlsxDatePattern,
		UnzipSizeLimit:    lim.XLSXTotalBytes,
		UnzipXMLSizeLimit: min(xlsxStreamBytes, lim.XLSXTotalBytes),
	}
}

// excelDate turns the serial number of a date cell into yyyy-mm-dd; a value that is not
// a number is given back as it is, for the loader to judge.
func excelDate(serial string, date1904 bool) string {
	n, err := strconv.ParseFloat(serial, 64)
	if err != nil {
		return serial
	}
	t, err := excelize.ExcelDateToTime(n, date1904)
	if err != nil {
		return serial
	}
	return t.Format("2006-01-02")
}

// checkXLSX rejects what is plainly not an XLSX workbook before excelize sees it, with a
// message that says what the file is instead.
func checkXLSX(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("read xlsx: %w", err)
	}
	defer f.Close()
	head := make([]byte, 8)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("read xlsx: %w", err)
	}
	head = head[:n]
	switch {
	case n == 0:
		return rejectAs(errEmptyFile, tekst.BestandLeeg)
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return nil
	case bytes.Equal(head, []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")):
		return rejectAs(errNotXLSX, tekst.XLSXXLS)
	default:
		return rejectAs(errNotXLSX, tekst.XLSXGeenWerkboek)
	}
}

// blankRow reports whether a row has no cell with anything but spaces in it.
func blankRow(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// plainCellFormats rewrites the workbook's cell formats in memory (the file is never
// saved) so that excelize's formatter gives what the loader wants: every date format
// becomes built-in format 14, which the ShortDatePattern option turns into yyyy-mm-dd,
// and every other format becomes General, which gives numbers as stored, cleaned to 15
// significant digits, and text as is. excelize keeps no per-cell style in its streaming
// reader, so this is the one place where a cell's format can be decided.
func plainCellFormats(f *excelize.File) {
	styles := f.Styles
	if styles == nil || styles.CellXfs == nil {
		return
	}
	custom := map[int]string{}
	if styles.NumFmts != nil {
		for _, nf := range styles.NumFmts.NumFmt {
			if nf == nil {
				continue
			}
			code := nf.FormatCode
			if nf.FormatCode16 != "" {
				code = nf.FormatCode16
			}
			custom[nf.NumFmtID] = code
		}
	}
	markerCode := `"` + dateMarker + `"0.##########`
	idx, err := f.NewStyle(&excelize.Style{CustomNumFmt: &markerCode})
	if err != nil || f.Styles.CellXfs.Xf[idx].NumFmtID == nil {
		return
	}
	marker := *f.Styles.CellXfs.Xf[idx].NumFmtID
	for i := range styles.CellXfs.Xf {
		xf := &styles.CellXfs.Xf[i]
		id := 0
		if xf.NumFmtID != nil {
			id = *xf.NumFmtID
		}
		isDate := isBuiltinDateFormat(id)
		if code, ok := custom[id]; ok {
			isDate = isDateFormat(code)
		}
		plain := 0 // General
		if isDate {
			plain = marker
		}
		xf.NumFmtID = &plain
	}
}

// isDateFormat reports whether a number format code shows a date: whether its first
// section has a year or day token outside quoted text, escapes, [..] blocks (colours,
// locales, elapsed time) and fill/padding characters. A time-only format is not a date.
func isDateFormat(code string) bool {
	skipNext := false
	inQuotes, inBrackets := false, false
	for _, r := range code {
		switch {
		case skipNext:
			skipNext = false
		case inQuotes:
			inQuotes = r != '"'
		case inBrackets:
			inBrackets = r != ']'
		case r == '"':
			inQuotes = true
		case r == '[':
			inBrackets = true
		case r == '\\' || r == '_' || r == '*':
			skipNext = true
		case r == ';':
			return false
		case r == 'y' || r == 'Y' || r == 'd' || r == 'D':
			return true
		}
	}
	return false
}
