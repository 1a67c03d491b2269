package api

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/gin-gonic/gin"

	"github.com/hetleerplein/leerplein/warehouse"
)

// writeSQLJSON streams the result as one JSON object, batch by batch:
// {"columns":[{"name","type"}],"rows":[[…]],"row_count":n,"truncated":b,"duration_ms":x}
// and "error" when the result broke off after the rows began.
func writeSQLJSON(w gin.ResponseWriter, res *warehouse.SQLResult, start time.Time) error {
	w.Header().Set("Content-Type", mediaJSON+"; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	bw := bufio.NewWriterSize(w, 64<<10)
	cols, err := json.Marshal(res.Columns)
	if err != nil {
		return err
	}
	bw.WriteString(`{"columns":`)
	bw.Write(cols)
	bw.WriteString(`,"rows":[`)
	var buf []byte
	first := true
	for res.Next() {
		rec := res.RecordBatch()
		for r := 0; r < int(rec.NumRows()); r++ {
			buf = buf[:0]
			if !first {
				buf = append(buf, ',')
			}
			first = false
			buf = append(buf, '\n', '[')
			for ci := 0; ci < int(rec.NumCols()); ci++ {
				if ci > 0 {
					buf = append(buf, ',')
				}
				buf = appendJSONValue(buf, rec.Column(ci), r)
			}
			buf = append(buf, ']')
			if _, err := bw.Write(buf); err != nil {
				return fmt.Errorf("api: write sql result: %w", err)
			}
		}
	}
	fmt.Fprintf(bw, "\n],\"row_count\":%d,\"truncated\":%t,\"duration_ms\":%.3f",
		res.Rows(), res.Truncated(), float64(time.Since(start).Microseconds())/1000)
	rerr := res.Err()
	if rerr != nil {
		msg, _ := json.Marshal(rerr.Error())
		bw.WriteString(`,"error":`)
		bw.Write(msg)
	}
	bw.WriteString("}\n")
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("api: write sql result: %w", err)
	}
	return rerr
}

// appendJSONValue appends row r of column col as a JSON value: numbers as numbers
// (NaN and infinities as null), dates as "2006-01-02", timestamps as RFC 3339, nested
// values as JSON, everything else as a string.
func appendJSONValue(buf []byte, col arrow.Array, r int) []byte {
	if col.IsNull(r) {
		return append(buf, "null"...)
	}
	switch a := col.(type) {
	case *array.Boolean:
		return strconv.AppendBool(buf, a.Value(r))
	case *array.Int8:
		return strconv.AppendInt(buf, int64(a.Value(r)), 10)
	case *array.Int16:
		return strconv.AppendInt(buf, int64(a.Value(r)), 10)
	case *array.Int32:
		return strconv.AppendInt(buf, int64(a.Value(r)), 10)
	case *array.Int64:
		return strconv.AppendInt(buf, a.Value(r), 10)
	case *array.Uint8:
		return strconv.AppendUint(buf, uint64(a.Value(r)), 10)
	case *array.Uint16:
		return strconv.AppendUint(buf, uint64(a.Value(r)), 10)
	case *array.Uint32:
		return strconv.AppendUint(buf, uint64(a.Value(r)), 10)
	case *array.Uint64:
		return strconv.AppendUint(buf, a.Value(r), 10)
	case *array.Float32:
		return appendJSONFloat(buf, float64(a.Value(r)), 32)
	case *array.Float64:
		return appendJSONFloat(buf, a.Value(r), 64)
	case *array.Decimal128:
		return append(buf, a.Value(r).ToString(a.DataType().(*arrow.Decimal128Type).Scale)...)
	case *array.String:
		return appendJSONString(buf, a.Value(r))
	case *array.LargeString:
		return appendJSONString(buf, a.Value(r))
	case *array.StringView:
		return appendJSONString(buf, a.Value(r))
	case *array.Date32:
		return appendJSONString(buf, a.Value(r).FormattedString())
	case *array.Timestamp:
		return appendJSONString(buf, timestampText(a, r))
	}
	switch col.DataType().ID() {
	case arrow.LIST, arrow.LARGE_LIST, arrow.STRUCT, arrow.MAP, arrow.FIXED_SIZE_LIST:
		if b, err := json.Marshal(col.GetOneForMarshal(r)); err == nil {
			return append(buf, b...)
		}
	}
	return appendJSONString(buf, col.ValueStr(r))
}

func appendJSONFloat(buf []byte, f float64, bits int) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(buf, "null"...)
	}
	return strconv.AppendFloat(buf, f, 'g', -1, bits)
}

// appendJSONString appends s as a JSON string.
func appendJSONString(buf []byte, s string) []byte {
	if !utf8.ValidString(s) {
		b, _ := json.Marshal(s) // replaces invalid bytes
		return append(buf, b...)
	}
	buf = append(buf, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			buf = append(buf, '\\', c)
		case c == '\n':
			buf = append(buf, '\\', 'n')
		case c == '\r':
			buf = append(buf, '\\', 'r')
		case c == '\t':
			buf = append(buf, '\\', 't')
		case c < 0x20:
			buf = append(buf, fmt.Sprintf(`\u%04x`, c)...)
		default:
			buf = append(buf, c)
		}
	}
	return append(buf, '"')
}

// timestampText is a timestamp in RFC 3339, in UTC when it has a time zone.
func timestampText(a *array.Timestamp, r int) string {
	typ := a.DataType().(*arrow.TimestampType)
	t := a.Value(r).ToTime(typ.Unit)
	if typ.TimeZone == "" {
		return t.Format("2006-01-02T15:04:05.999999999")
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// cellText is a value as CSV text: empty for NULL, numbers with a decimal point.
func cellText(col arrow.Array, r int) string {
	if col.IsNull(r) {
		return ""
	}
	switch a := col.(type) {
	case *array.Float32:
		return strconv.FormatFloat(float64(a.Value(r)), 'g', -1, 32)
	case *array.Float64:
		return strconv.FormatFloat(a.Value(r), 'g', -1, 64)
	case *array.Decimal128:
		return a.Value(r).ToString(a.DataType().(*arrow.Decimal128Type).Scale)
	case *array.Date32:
		return a.Value(r).FormattedString()
	case *array.Timestamp:
		return timestampText(a, r)
	case *array.String:
		return a.Value(r)
	case *array.StringView:
		return a.Value(r)
	}
	switch col.DataType().ID() {
	case arrow.LIST, arrow.LARGE_LIST, arrow.STRUCT, arrow.MAP, arrow.FIXED_SIZE_LIST:
		if b, err := json.Marshal(col.GetOneForMarshal(r)); err == nil {
			return string(b)
		}
	}
	return col.ValueStr(r)
}

// writeSQLCSV streams the result as `;`-separated CSV with a header line.
func writeSQLCSV(w io.Writer, res *warehouse.SQLResult) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	cw := csv.NewWriter(bw)
	cw.Comma = ';'
	header := make([]string, len(res.Columns))
	for i, c := range res.Columns {
		header[i] = c.Name
	}
	if err := cw.Write(header); err != nil {
		return fmt.Errorf("api: write sql csv: %w", err)
	}
	row := make([]string, len(header))
	for res.Next() {
		rec := res.RecordBatch()
		for r := 0; r < int(rec.NumRows()); r++ {
			for ci := range row {
				row[ci] = cellText(rec.Column(ci), r)
			}
			if err := cw.Write(row); err != nil {
				return fmt.Errorf("api: write sql csv: %w", err)
			}
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("api: write sql csv: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("api: write sql csv: %w", err)
	}
	return res.Err()
}

// writeSQLArrow streams the result as an Arrow IPC stream, one message per batch.
func writeSQLArrow(w io.Writer, res *warehouse.SQLResult) error {
	iw := ipc.NewWriter(w, ipc.WithSchema(res.Schema()))
	for res.Next() {
		if err := iw.Write(res.RecordBatch()); err != nil {
			iw.Close()
			return fmt.Errorf("api: write sql arrow: %w", err)
		}
	}
	if err := iw.Close(); err != nil {
		return fmt.Errorf("api: write sql arrow: %w", err)
	}
	return res.Err()
}

// parquetRowGroupBytes bounds the input of one Parquet row group, which the writer
// keeps in memory until the group is complete.
const parquetRowGroupBytes = 64 << 20

// dataBytes is the size of an array's buffers, its children's included.
func dataBytes(d arrow.ArrayData) int64 {
	var n int64
	for _, b := range d.Buffers() {
		if b != nil {
			n += int64(b.Len())
		}
	}
	for _, c := range d.Children() {
		n += dataBytes(c)
	}
	return n
}

// writeSQLParquet writes the result to a temporary Parquet file (the format needs its
// footer written last) and sends it with the row count and truncation as headers.
func writeSQLParquet(c *gin.Context, res *warehouse.SQLResult) error {
	f, err := os.CreateTemp("", "leerplein-sql-*.parquet")
	if err != nil {
		return fmt.Errorf("api: write sql parquet: %w", err)
	}
	defer func() {
		f.Close()
		os.Remove(f.Name())
	}()
	props := parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Snappy))
	pw, err := pqarrow.NewFileWriter(res.Schema(), f, props, pqarrow.DefaultWriterProps())
	if err != nil {
		writeError(c, http.StatusBadRequest, "the result cannot be written as Parquet: "+err.Error(), "")
		return fmt.Errorf("api: write sql parquet: %w", err)
	}
	// A row group is held in memory until it is written: start a new one every
	// parquetRowGroupBytes of input.
	var inGroup int64
	for res.Next() {
		rec := res.RecordBatch()
		if inGroup > parquetRowGroupBytes {
			pw.NewBufferedRowGroup()
			inGroup = 0
		}
		if err := pw.WriteBuffered(rec); err != nil {
			pw.Close()
			writeError(c, http.StatusInternalServerError, "internal error", "")
			return fmt.Errorf("api: write sql parquet: %w", err)
		}
		for _, col := range rec.Columns() {
			inGroup += dataBytes(col.Data())
		}
	}
	if err := pw.Close(); err != nil {
		writeError(c, http.StatusInternalServerError, "internal error", "")
		return fmt.Errorf("api: write sql parquet: %w", err)
	}
	if err := res.Err(); err != nil {
		writeError(c, http.StatusInternalServerError, "internal error", "")
		return err
	}
	// The Parquet writer may close the file it wrote: read it back by name.
	in, err := os.Open(f.Name())
	if err != nil {
		return fmt.Errorf("api: write sql parquet: %w", err)
	}
	defer in.Close()
	st, err := in.Stat()
	if err != nil {
		return fmt.Errorf("api: write sql parquet: %w", err)
	}
	h := c.Writer.Header()
	h.Set(headerRowCount, fmt.Sprint(res.Rows()))
	h.Set(headerTruncated, fmt.Sprint(res.Truncated()))
	c.DataFromReader(http.StatusOK, st.Size(), mediaParquet, in, nil)
	return nil
}
