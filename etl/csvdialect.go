package etl

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"github.com/hetleerplein/leerplein/warehouse/tekst"
)

// Encodings a CSV export can have; the names are the ones DuckDB and x/text use.
const (
	encodingUTF8        = "utf-8"
	encodingWindows1252 = "windows-1252"
)

const (
	// maxHeaderBytes bounds the header row: a "header" longer than this is a file with
	// an unterminated quote or no line ends at all, not a CSV export.
	maxHeaderBytes = 1 << 20
	// binaryCheckBytes is how much of the start of a file must be free of NUL bytes.
	binaryCheckBytes = 8 << 10
	// scanBufferBytes is the read size of the whole-file UTF-8 scan.
	scanBufferBytes = 1 << 20
)

// Kinds of files that cannot be read at all. The rejections (rejectAs) say in the
// catalogue's words what is wrong; these sentinels let a test ask errors.Is.
var (
	errEmptyFile = errors.New("file is empty")
	errNoHeader  = errors.New("no header row")
	errNotCSV    = errors.New("not a CSV file")
)

// utf8BOM is the byte order mark Excel's "CSV UTF-8" export starts with.
const utf8BOM = "\xEF\xBB\xBF"

// csvDialect describes how one CSV export is written.
type csvDialect struct {
	Delimiter byte     // ';', ',' or '\t', sniffed from the header line (outside quotes)
	Encoding  string   // "utf-8" or "windows-1252"
	BOM       bool     // a UTF-8 byte order mark starts the file
	Header    []string // the header cells as written (decoded to UTF-8, quotes removed, BOM stripped)
}

// sniffCSV reads the start of a CSV file and tells its dialect, so that DuckDB can read
// it with fixed options instead of guessing. The delimiter is the one of ';', tab and ','
// that splits the header record (read with DuckDB's quoting rules) into the most cells;
// ';' on a tie, as in a one-column file. The encoding decision holds for the whole file:
// it is scanned to the end and one invalid UTF-8 sequence anywhere makes it windows-1252.
func sniffCSV(path string) (csvDialect, error) {
	var d csvDialect
	f, err := os.Open(path)
	if err != nil {
		return d, fmt.Errorf("sniff csv: %w", err)
	}
	defer f.Close()

	head := make([]byte, maxHeaderBytes)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return d, fmt.Errorf("sniff csv: read %s: %w", path, err)
	}
	head = head[:n]
	atEOF := n < maxHeaderBytes
	if err := checkText(head); err != nil {
		return d, err
	}
	body := head
	if bytes.HasPrefix(body, []byte(utf8BOM)) {
		d.BOM = true
		body = body[len(utf8BOM):]
	}
	if len(body) == 0 {
		return d, rejectAs(errEmptyFile, tekst.BestandLeeg)
	}

	delim, cells, headerLine, err := sniffHeader(body, atEOF)
	if err != nil {
		return d, err
	}
	if headerLine > 1 {
		return d, rejectAs(errNoHeader, tekst.KopRegel1Leeg)
	}

	valid, err := validUTF8(io.MultiReader(bytes.NewReader(head), f), make([]byte, scanBufferBytes))
	if err != nil {
		return d, fmt.Errorf("sniff csv: read %s: %w", path, err)
	}
	d.Encoding = encodingUTF8
	if !valid {
		d.Encoding = encodingWindows1252
	}

	d.Delimiter = delim
	decoder := charmap.Windows1252.NewDecoder()
	named := false
	for _, cell := range cells {
		if d.Encoding == encodingWindows1252 {
			if cell, err = decoder.Bytes(cell); err != nil {
				return d, fmt.Errorf("sniff csv: decode header: %w", err)
			}
		}
		named = named || len(bytes.TrimSpace(cell)) > 0
		d.Header = append(d.Header, string(cell))
	}
	if !named {
		return d, rejectAs(errNoHeader, tekst.KopZonderNamen)
	}
	return d, nil
}

// checkText rejects files that are plainly not text, naming what they look like where
// that is known so the steward knows how to fix the export.
func checkText(head []byte) error {
	signatures := []struct {
		prefix string
		what   tekst.Code
	}{
		{"PK\x03\x04", tekst.CSVZip},
		{"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", tekst.CSVXLS},
		{"\xFF\xFE", tekst.CSVUTF16},
		{"\xFE\xFF", tekst.CSVUTF16},
		{"%PDF-", tekst.CSVPDF},
		{"\x1F\x8B", tekst.CSVGzip},
	}
	for _, s := range signatures {
		if bytes.HasPrefix(head, []byte(s.prefix)) {
			return rejectAs(errNotCSV, s.what)
		}
	}
	check := head[:min(len(head), binaryCheckBytes)]
	if i := bytes.IndexByte(check, 0); i >= 0 {
		return rejectAs(errNotCSV, tekst.CSVBinair, i+1)
	}
	return nil
}

// sniffHeader reads the header record at the start of body (the file without its BOM)
// with each candidate separator and keeps the one that gives the most cells; ties go to
// ';' (what Dutch Excel writes), then tab, then ','. It returns the separator, the cells
// and the line the header is on (after any empty lines).
func sniffHeader(body []byte, atEOF bool) (delim byte, cells [][]byte, line int, err error) {
	var firstErr error
	for _, candidate := range []byte{';', '\t', ','} {
		c, l, err := parseHeader(body, candidate, atEOF)
		if err != nil {
			firstErr = cmp.Or(firstErr, err)
			continue
		}
		if delim == 0 || len(c) > len(cells) {
			delim, cells, line = candidate, c, l
		}
	}
	if delim == 0 {
		return 0, nil, 0, firstErr
	}
	return delim, cells, line, nil
}

// parseHeader returns the cells of the first record of body as DuckDB reads it with
// separator delim (see scanCSVLayout), with quotes removed, and the line it starts on.
func parseHeader(body []byte, delim byte, atEOF bool) (cells [][]byte, line int, err error) {
	s := newLayoutScanner(delim, 0)
	s.header = &headerCells{}
	for _, c := range body {
		s.step(c)
		if s.record >= 0 {
			return s.header.cells, s.headerLine, nil
		}
	}
	switch {
	case !atEOF:
		return nil, 0, rejectAs(errNotCSV, tekst.KopTeLang, maxHeaderBytes)
	case s.inQuotes:
		return nil, 0, rejectAs(errNotCSV, tekst.KopAanhalingsteken)
	}
	s.finish()
	if s.record < 0 {
		return nil, 0, rejectAs(errNoHeader, tekst.AlleenLegeRegels)
	}
	return s.header.cells, s.headerLine, nil
}

// validUTF8 reports whether everything r yields is valid UTF-8. It reads in chunks of
// len(buf) (at least utf8.UTFMax) and stops at the first invalid sequence; a sequence
// split over two chunks is carried over, so chunk boundaries never change the answer.
func validUTF8(r io.Reader, buf []byte) (bool, error) {
	if len(buf) < utf8.UTFMax {
		buf = make([]byte, utf8.UTFMax)
	}
	carry := 0
	for {
		n, err := r.Read(buf[carry:])
		data := buf[:carry+n]
		if errors.Is(err, io.EOF) {
			return utf8.Valid(data), nil
		}
		if err != nil {
			return false, err
		}
		cut := completeRunes(data)
		if !utf8.Valid(data[:cut]) {
			return false, nil
		}
		carry = copy(buf, data[cut:])
	}
}

// completeRunes returns the length of the longest prefix of data that does not end in
// the middle of a multi-byte sequence (invalid bytes count as complete).
func completeRunes(data []byte) int {
	for j := len(data) - 1; j >= 0 && j >= len(data)-utf8.UTFMax+1; j-- {
		c := data[j]
		if c < utf8.RuneSelf {
			return len(data)
		}
		if !utf8.RuneStart(c) {
			continue
		}
		need := 2
		if c >= 0xF0 {
			need = 4
		} else if c >= 0xE0 {
			need = 3
		}
		if len(data)-j < need {
			return j
		}
		return len(data)
	}
	return len(data)
}

// toUTF8File writes a UTF-8 copy (no BOM) of a windows-1252 file to dst, streaming, so
// that DuckDB (which reads UTF-8 and latin-1 only, and latin-1 lacks € and the curly
// quotes) can load what Dutch Excel exports. A UTF-8 BOM at the start of src is dropped
// rather than decoded as "ï»¿". On error dst is removed.
func toUTF8File(src, dst string) (err error) {
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("convert to utf-8: %w", err)
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return fmt.Errorf("convert to utf-8: %w", err)
	}
	defer func() {
		if cerr := out.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("convert to utf-8: %w", cerr)
		}
		if err != nil {
			os.Remove(dst)
		}
	}()

	// charmap's own transformer handles about 350 MB/s; copying ASCII runs as they are
	// and looking up the rest in a table is several times faster on real exports.
	var upper [128][]byte
	for i := range upper {
		upper[i] = []byte(string(charmap.Windows1252.DecodeByte(byte(0x80 + i))))
	}
	buf := make([]byte, scanBufferBytes)
	converted := make([]byte, 0, 3*scanBufferBytes)
	for first := true; ; first = false {
		n, rerr := io.ReadFull(in, buf)
		chunk := buf[:n]
		if first && bytes.HasPrefix(chunk, []byte(utf8BOM)) {
			chunk = chunk[len(utf8BOM):]
		}
		converted = converted[:0]
		for len(chunk) > 0 {
			i := indexNonASCII(chunk)
			converted = append(converted, chunk[:i]...)
			if i == len(chunk) {
				break
			}
			converted = append(converted, upper[chunk[i]-0x80]...)
			chunk = chunk[i+1:]
		}
		if _, err := out.Write(converted); err != nil {
			return fmt.Errorf("convert to utf-8: %w", err)
		}
		if errors.Is(rerr, io.EOF) || errors.Is(rerr, io.ErrUnexpectedEOF) {
			return nil
		}
		if rerr != nil {
			return fmt.Errorf("convert to utf-8: %w", rerr)
		}
	}
}

// indexNonASCII returns the index of the first byte of b that is not ASCII, or len(b).
func indexNonASCII(b []byte) int {
	i := 0
	for ; i+8 <= len(b); i += 8 {
		if binary.LittleEndian.Uint64(b[i:])&0x8080808080808080 != 0 {
			break
		}
	}
	for ; i < len(b); i++ {
		if b[i] >= utf8.RuneSelf {
			return i
		}
	}
	return len(b)
}

// Errors for CSV files whose records cannot be told apart reliably.
var (
	// errUnclosedQuote: a quote opens a value that never ends, so DuckDB would read the
	// rest of the file as that one value.
	errUnclosedQuote = errors.New("unclosed quote")
	// errStrayCR: DuckDB takes the file's first line end as its kind; when that is CR LF,
	// it reads a lone CR as a line end but loses the value after it.
	errStrayCR = errors.New("mixed line ends")
)

// csvLayout tells where the records of a CSV file are, which DuckDB's read_csv cannot:
// it has no line-number column, skips empty lines, reads a quoted line break as part of
// the value, and (with null_padding=true, strict_mode=false) pads short records and drops
// the surplus fields of long ones without a word. The loader numbers the rows read_csv
// gives with row_number() over (), which counts records, and maps that to lines here.
type csvLayout struct {
	Records        int            // data records after the header; empty lines are no records
	QuotedNewlines bool           // a record spans lines: read_csv needs parallel=false with null_padding
	Shifts         []lineShift    // record→line map: the first record and each one after a blank line or a multi-line record
	Ragged         []raggedRecord // records with missing fields or surplus values
	// EdgeSpace is false when no value can start or end with white space: no white space
	// character (unicode.IsSpace, as the validation trims) stands next to a separator, a
	// quote, a line end or the start of a line. The validation then skips its trim.
	EdgeSpace bool
}

// lineShift says that data record Record (1-based, as row_number() over () counts them)
// starts on line Line, and each record after it one line further, up to the next shift:
// line(k) = Line + k - Record for the last shift with Record <= k (an ASOF join in SQL).
type lineShift struct{ Record, Line int }

// raggedRecord is a data record with fewer fields than the header, or more of which one
// beyond the header's count has a value (DuckDB, too, lets trailing empty fields pass).
type raggedRecord struct{ Record, Line, Fields int }

// scanCSVLayout reads a CSV file of dialect d to the end and tells its layout. It follows
// DuckDB's read_csv (null_padding=true, strict_mode=false): a line ends at LF, CR LF or a
// lone CR outside quotes; a value that starts with '"' (or with one space and '"') is
// quoted, and every later '"' in it opens or closes quoting, so "" stands for '"'; a '"'
// elsewhere in an unquoted value is a plain character; an empty line is no record, except
// in a one-column file (a line with only spaces or separators is one). Lines are numbered
// from 1 and include the header. It reads the original file: converting windows-1252 to
// UTF-8 moves no separator, quote or line end. Files DuckDB would misread are refused
// (errUnclosedQuote, errStrayCR), and so is a record longer than maxRecord bytes (when
// not 0), as soon as it is seen: DuckDB would give its own message, or the memory of a
// vector of such rows.
func scanCSVLayout(path string, d csvDialect, maxRecord int64) (csvLayout, error) {
	return scanCSVLayoutReport(path, d, maxRecord, nil)
}

// scanCSVLayoutReport is scanCSVLayout telling report, when set, the records and bytes
// read so far: every progressBytes, and once at the end.
func scanCSVLayoutReport(path string, d csvDialect, maxRecord int64, report func(rows, bytes int64)) (csvLayout, error) {
	var layout csvLayout
	f, err := os.Open(path)
	if err != nil {
		return layout, fmt.Errorf("scan csv: %w", err)
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, scanBufferBytes)
	if d.BOM {
		if _, err := r.Discard(len(utf8BOM)); err != nil {
			return layout, fmt.Errorf("scan csv: read %s: %w", path, err)
		}
	}
	s := newLayoutScanner(d.Delimiter, len(d.Header))
	s.maxRecord = maxRecord
	var read, next int64 = 0, progressBytes
	if d.BOM {
		read = int64(len(utf8BOM))
	}
	for {
		chunk, err := r.ReadSlice('\n')
		s.feed(chunk)
		if read += int64(len(chunk)); report != nil && read >= next {
			report(int64(max(s.record, 0)), read)
			next = read + progressBytes
		}
		if s.longLine > 0 {
			return layout, reject(tekst.RegelTeLang, s.longLine, dutchSize(maxRecord))
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			return layout, fmt.Errorf("scan csv: read %s: %w", path, err)
		}
	}
	if s.inQuotes {
		return layout, rejectAs(errUnclosedQuote, tekst.AanhalingstekenOpen, s.quoteLine)
	}
	s.finish()
	if s.strayCRLine > 0 {
		return layout, rejectAs(errStrayCR, tekst.LosseCR, s.strayCRLine)
	}
	s.layout.Records = max(s.record, 0)
	if report != nil {
		report(int64(s.layout.Records), read)
	}
	return s.layout, nil
}

// fieldState is where layoutScanner is in the current field.
type fieldState uint8

const (
	fieldEmpty  fieldState = iota // nothing read yet
	fieldSpace                    // one space: a quote may still open the value (DuckDB drops the space)
	fieldText                     // an unquoted value
	fieldQuoted                   // a value that started with a quote
)

// layoutScanner is the state of scanCSVLayout between chunks of input. parseHeader uses
// it too, so that the header ends where scanCSVLayout thinks it does.
type layoutScanner struct {
	delim      byte
	wantFields int
	layout     csvLayout
	header     *headerCells // collects the header's cells, when set
	headerLine int          // line the header record starts on

	line        int    // physical line of the next byte
	pendingCR   bool   // the previous byte was a CR
	firstEnd    string // the first line end in the file, quoted or not: "\n", "\r\n" or "\r"
	strayCRLine int    // first line ending in a lone CR outside quotes, when firstEnd is CR LF
	inQuotes    bool
	justClosed  bool // the previous byte closed quoting
	quoteLine   int  // line where the open quote started
	field       fieldState
	fieldValue  bool  // the current field has a value byte
	record      int   // records completed so far; -1 while reading the header
	recordLine  int   // line the current record started on
	fields      int   // fields of the current record so far
	surplus     bool  // a field beyond the header's count has a value
	content     bool  // the current record has a byte that is not a line end
	lastShift   int   // line(record) - record according to the last shift
	maxRecord   int64 // longest record allowed, in bytes with its line ends; 0: any
	recordBytes int64 // bytes of the current record so far
	longLine    int   // line of the first record longer than maxRecord
}

// headerCells collects the cells of the header record.
type headerCells struct {
	cells [][]byte
	cur   []byte
}

func newLayoutScanner(delim byte, wantFields int) *layoutScanner {
	return &layoutScanner{delim: delim, wantFields: wantFields, line: 1, recordLine: 1, fields: 1, record: -1}
}

// feed scans the next bytes of the file.
func (s *layoutScanner) feed(b []byte) {
	// Fast path: a whole data line without quotes or stray CRs at the start of a record.
	if n := len(b); n > 0 && b[n-1] == '\n' && s.header == nil && !s.pendingCR && !s.inQuotes && !s.content {
		body, end := b[:n-1], "\n"
		if len(body) > 0 && body[len(body)-1] == '\r' {
			body, end = body[:len(body)-1], "\r\n"
		}
		if bytes.IndexByte(body, '"') < 0 && bytes.IndexByte(body, '\r') < 0 {
			if s.maxRecord > 0 && int64(n) > s.maxRecord && s.longLine == 0 {
				s.longLine = s.line
			}
			if !s.layout.EdgeSpace {
				s.layout.EdgeSpace = edgeSpace(body, s.delim)
			}
			if s.firstEnd == "" {
				s.firstEnd = end
			}
			s.content = len(body) > 0
			s.fields += bytes.Count(body, []byte{s.delim})
			if s.fields > s.wantFields {
				rest := body
				for range s.wantFields {
					rest = rest[bytes.IndexByte(rest, s.delim)+1:]
				}
				s.surplus = len(bytes.Trim(rest, string(s.delim))) > 0
			}
			s.endLine()
			return
		}
	}
	if !s.layout.EdgeSpace {
		s.layout.EdgeSpace = edgeSpace(b, s.delim)
	}
	for _, c := range b {
		s.step(c)
	}
}

// suspect marks the bytes that may belong to a white space character other than a line
// end: ASCII tab, vertical tab, form feed and space, and every byte of a multi-byte
// UTF-8 sequence (U+0085, U+00A0, U+2000 … U+3000).
var suspect = func() (t [256]bool) {
	for _, c := range []byte{'\t', '\v', '\f', ' '} {
		t[c] = true
	}
	for c := 0x80; c < 0x100; c++ {
		t[c] = true
	}
	return t
}()

// edgeSpace reports whether a white space character stands next to a value's edge in b:
// at its start or end, or beside a separator, a CR or an LF; on a line with a quote, any
// white space counts. It may say yes where no value has edge white space (a chunk cut
// mid-line, a space inside a quoted value), never the reverse; that is all the
// validation needs to skip its trim safely.
func edgeSpace(b []byte, delim byte) bool {
	i := 0
	for i < len(b) && !suspect[b[i]] {
		i++
	}
	if i == len(b) {
		return false
	}
	space := func(r rune) bool { return unicode.IsSpace(r) && r != '\r' && r != '\n' }
	if bytes.IndexByte(b, '"') >= 0 {
		// Quotes: DuckDB's reading of text around them is intricate; any white space
		// on such a line counts.
		return bytes.ContainsFunc(b[i:], space)
	}
	edge := func(c byte) bool { return c == delim || c == '\r' || c == '\n' }
	if r, _ := utf8.DecodeRune(b); space(r) {
		return true
	}
	if r, _ := utf8.DecodeLastRune(b); space(r) {
		return true
	}
	for i, c := range b {
		if !edge(c) {
			continue
		}
		if r, _ := utf8.DecodeLastRune(b[:i]); space(r) {
			return true
		}
		if r, _ := utf8.DecodeRune(b[i+1:]); space(r) {
			return true
		}
	}
	return false
}

// step scans one byte.
func (s *layoutScanner) step(c byte) {
	if s.pendingCR && s.resolveCR(c == '\n') {
		return
	}
	if s.recordBytes++; s.maxRecord > 0 && s.recordBytes > s.maxRecord && s.longLine == 0 {
		s.longLine = s.recordLine
	}
	if c == '\n' && s.firstEnd == "" {
		s.firstEnd = "\n"
	}
	closed := s.justClosed
	s.justClosed = false
	if s.inQuotes {
		switch c {
		case '"':
			s.inQuotes, s.justClosed = false, true
			return
		case '\n':
			s.line++
			s.layout.QuotedNewlines = true
			s.layout.EdgeSpace = true // a line break in a value may stand at its edge
		case '\r':
			s.pendingCR = true // a line end only for firstEnd; counted at the LF, if any
			s.layout.EdgeSpace = true
		}
		s.value(c)
		return
	}
	switch c {
	case '\r':
		s.pendingCR = true
		return
	case '\n':
		s.endLine()
		return
	}
	s.content = true
	switch {
	case c == s.delim:
		s.endField()
		s.fields++
		return
	case c == '"' && (s.field == fieldEmpty || s.field == fieldSpace):
		s.inQuotes, s.field, s.quoteLine = true, fieldQuoted, s.line
		s.fieldValue = false // the space before the quote is no part of the value
		if s.header != nil {
			s.header.cur = s.header.cur[:0]
		}
		return
	case c == '"' && s.field == fieldQuoted:
		s.inQuotes, s.quoteLine = true, s.line
		if closed {
			s.value('"') // "" is a quote in the value; after other text DuckDB drops it
		}
		return
	case c == ' ' && s.field == fieldEmpty:
		s.field = fieldSpace
	case s.field != fieldQuoted:
		s.field = fieldText
	}
	s.value(c)
}

// value notes a byte of the current field's value.
func (s *layoutScanner) value(c byte) {
	s.fieldValue = true
	if s.header != nil && s.record < 0 {
		s.header.cur = append(s.header.cur, c)
	}
}

// endField closes the current field at a separator or at the end of the record.
func (s *layoutScanner) endField() {
	if s.fields > s.wantFields && s.fieldValue {
		s.surplus = true // DuckDB lets surplus fields pass only while they are empty
	}
	if s.header != nil && s.record < 0 {
		s.header.cells = append(s.header.cells, s.header.cur)
		s.header.cur = nil
	}
	s.field, s.fieldValue = fieldEmpty, false
}

// resolveCR handles a CR now that the next byte is known: lf tells whether that is LF.
// Outside quotes a CR ends a line, with or without the LF; resolveCR reports whether it
// took the LF as part of that line end.
func (s *layoutScanner) resolveCR(lf bool) bool {
	s.pendingCR = false
	if !lf {
		s.layout.EdgeSpace = true // DuckDB may keep a lone CR in a value
	}
	if s.firstEnd == "" {
		s.firstEnd = "\r"
		if lf {
			s.firstEnd = "\r\n"
		}
	}
	if s.inQuotes {
		return false
	}
	if !lf && s.firstEnd == "\r\n" && s.strayCRLine == 0 {
		s.strayCRLine = s.line
	}
	s.endLine()
	return lf
}

// endLine handles a line end outside quotes: it ends the record, unless the line was
// empty. DuckDB skips empty lines, except in a one-column file, where they are NULL rows.
func (s *layoutScanner) endLine() {
	s.line++
	if s.content || s.wantFields == 1 {
		s.endRecord()
	}
	s.recordLine = s.line
	s.fields, s.surplus, s.content, s.recordBytes = 1, false, false, 0
	s.field, s.fieldValue = fieldEmpty, false
}

// finish ends the last line of the file, which need not end in a line end.
func (s *layoutScanner) finish() {
	switch {
	case s.pendingCR: // a CR as the last byte ends the last line, whatever the file's line ends
		s.pendingCR = false
		s.endLine()
	case s.content:
		s.endRecord()
	}
}

// endRecord counts the record that has been read.
func (s *layoutScanner) endRecord() {
	s.endField()
	s.content = false
	s.record++
	if s.record == 0 {
		s.headerLine = s.recordLine
		return
	}
	if shift := s.recordLine - s.record; shift != s.lastShift || len(s.layout.Shifts) == 0 {
		s.layout.Shifts = append(s.layout.Shifts, lineShift{Record: s.record, Line: s.recordLine})
		s.lastShift = shift
	}
	if s.fields < s.wantFields || s.surplus {
		s.layout.Ragged = append(s.layout.Ragged, raggedRecord{Record: s.record, Line: s.recordLine, Fields: s.fields})
	}
}
