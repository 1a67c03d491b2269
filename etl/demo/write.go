package demo

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
)

// cellKind says how a value is written.
type cellKind int

const (
	cText  cellKind = iota
	cDate           // a date; the zero time is an empty cell
	cDec            // a decimal; negative is an empty cell
	cCount          // an integer (aggregate figures)
)

// cell is one value of an export, kept typed until a file format decides its text.
type cell struct {
	kind cellKind
	s    string
	t    time.Time
	f    float64
	n    int
}

func txt(s string) cell   { return cell{kind: cText, s: s} }
func dt(t time.Time) cell { return cell{kind: cDate, t: t} }
func dec(f float64) cell  { return cell{kind: cDec, f: f} }
func cnt(n int) cell      { return cell{kind: cCount, n: n} }
func (c cell) empty() bool {
	return (c.kind == cText && c.s == "") || (c.kind == cDate && c.t.IsZero()) || (c.kind == cDec && c.f < 0)
}

// table is the content of one export: a header and rows of typed cells.
type table struct {
	header []string
	rows   [][]cell
}

// style is how a source system writes its exports.
type style struct {
	format    string // csv, xlsx, parquet
	delim     rune   // csv separator
	bom, crlf bool
	cp1252    bool   // Windows-1252 instead of UTF-8
	date      string // Go layout of dates in CSV (and Parquet with dateText)
	decComma  bool   // 12,5 instead of 12.5
	thousands bool   // 1.234 in counts
	dateText  bool   // Parquet: dates as text instead of DATE
}

// render writes a table in a style.
func render(tb table, st style) ([]byte, error) {
	switch st.format {
	case "xlsx":
		return renderXLSX(tb)
	case "parquet":
		return renderParquet(tb, st)
	}
	return renderCSV(tb, st)
}

// text is the CSV text of a cell.
func (c cell) text(st style) string {
	if c.empty() {
		return ""
	}
	switch c.kind {
	case cDate:
		return c.t.Format(st.date)
	case cDec:
		s := strconv.FormatFloat(c.f, 'f', -1, 64)
		if st.decComma {
			s = strings.Replace(s, ".", ",", 1)
		}
		return s
	case cCount:
		s := strconv.Itoa(c.n)
		if !st.thousands {
			return s
		}
		var b strings.Builder
		for i, r := range s {
			if i > 0 && (len(s)-i)%3 == 0 {
				b.WriteByte('.')
			}
			b.WriteRune(r)
		}
		return b.String()
	}
	return c.s
}

func renderCSV(tb table, st style) ([]byte, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Comma = st.delim
	w.UseCRLF = st.crlf
	if err := w.Write(tb.header); err != nil {
		return nil, fmt.Errorf("demo: csv: %w", err)
	}
	rec := make([]string, len(tb.header))
	for _, row := range tb.rows {
		for i, c := range row {
			rec[i] = c.text(st)
		}
		if err := w.Write(rec); err != nil {
			return nil, fmt.Errorf("demo: csv: %w", err)
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, fmt.Errorf("demo: csv: %w", err)
	}
	out := buf.Bytes()
	if st.cp1252 {
		enc, err := charmap.Windows1252.NewEncoder().Bytes(out)
		if err != nil {
			return nil, fmt.Errorf("demo: windows-1252: %w", err)
		}
		return enc, nil
	}
	if st.bom {
		out = append([]byte("\uFEFF"), out...)
	}
	return out, nil
}

// renderXLSX writes one sheet with a streamed body: dates as real date cells, numbers as
// numbers, the way a case system's "export to Excel" does.
func renderXLSX(tb table) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Export"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, fmt.Errorf("demo: xlsx: %w", err)
	}
	dateStyle, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	if err != nil {
		return nil, fmt.Errorf("demo: xlsx: %w", err)
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return nil, fmt.Errorf("demo: xlsx: %w", err)
	}
	head := make([]any, len(tb.header))
	for i, h := range tb.header {
		head[i] = h
	}
	if err := sw.SetRow("A1", head); err != nil {
		return nil, fmt.Errorf("demo: xlsx: %w", err)
	}
	vals := make([]any, len(tb.header))
	for r, row := range tb.rows {
		for i, c := range row {
			switch {
			case c.empty():
				vals[i] = nil
			case c.kind == cDate:
				vals[i] = excelize.Cell{StyleID: dateStyle, Value: c.t}
			case c.kind == cDec:
				vals[i] = c.f
			case c.kind == cCount:
				vals[i] = c.n
			default:
				vals[i] = c.s
			}
		}
		cellRef, _ := excelize.CoordinatesToCellName(1, r+2)
		if err := sw.SetRow(cellRef, vals); err != nil {
			return nil, fmt.Errorf("demo: xlsx row %d: %w", r+2, err)
		}
	}
	if err := sw.Flush(); err != nil {
		return nil, fmt.Errorf("demo: xlsx: %w", err)
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, fmt.Errorf("demo: xlsx: %w", err)
	}
	return buf.Bytes(), nil
}

// renderParquet writes a table as Parquet: dates as DATE (or text), decimals as double,
// counts as int64, everything else as strings; empty cells are nulls.
func renderParquet(tb table, st style) ([]byte, error) {
	var fields []arrow.Field
	for i, h := range tb.header {
		typ := arrow.DataType(arrow.BinaryTypes.String)
		if len(tb.rows) > 0 {
			switch tb.rows[0][i].kind {
			case cDate:
				if !st.dateText {
					typ = arrow.FixedWidthTypes.Date32
				}
			case cDec:
				typ = arrow.PrimitiveTypes.Float64
			case cCount:
				typ = arrow.PrimitiveTypes.Int64
			}
		}
		fields = append(fields, arrow.Field{Name: h, Type: typ, Nullable: true})
	}
	schema := arrow.NewSchema(fields, nil)
	b := array.NewRecordBuilder(memory.NewGoAllocator(), schema)
	defer b.Release()
	for _, row := range tb.rows {
		for i, c := range row {
			fb := b.Field(i)
			if c.empty() {
				fb.AppendNull()
				continue
			}
			switch x := fb.(type) {
			case *array.Date32Builder:
				x.Append(arrow.Date32FromTime(c.t))
			case *array.Float64Builder:
				x.Append(c.f)
			case *array.Int64Builder:
				x.Append(int64(c.n))
			case *array.StringBuilder:
				x.Append(c.text(st))
			}
		}
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	var buf bytes.Buffer
	props := parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Zstd), parquet.WithCreatedBy("leerplein demo"))
	w, err := pqarrow.NewFileWriter(schema, &buf, props, pqarrow.DefaultWriterProps())
	if err != nil {
		return nil, fmt.Errorf("demo: parquet: %w", err)
	}
	if err := w.Write(rec); err != nil {
		return nil, fmt.Errorf("demo: parquet: %w", err)
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("demo: parquet: %w", err)
	}
	return buf.Bytes(), nil
}
