//go:build !duckdb_arrow

package warehouse

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// rowsBatch is how many rows one record batch of the row-scanning reader holds.
const rowsBatch = 2048

// runQuery runs one checked statement and builds Arrow record batches by scanning its
// rows: the build without the duckdb_arrow tag (DuckDB's Arrow interface needs it).
// Types without an Arrow counterpart here are returned as text.
func runQuery(ctx context.Context, conn *sql.Conn, query string) (array.RecordReader, error) {
	rows, err := conn.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	types, err := rows.ColumnTypes()
	if err != nil {
		rows.Close()
		return nil, err
	}
	fields := make([]arrow.Field, len(types))
	for i, t := range types {
		fields[i] = arrow.Field{Name: t.Name(), Type: arrowType(t.DatabaseTypeName()), Nullable: true}
	}
	r := &rowsReader{rows: rows, schema: arrow.NewSchema(fields, nil)}
	r.refs.Store(1)
	return r, nil
}

// arrowType is the Arrow type the row-scanning reader builds for a DuckDB type.
func arrowType(duck string) arrow.DataType {
	switch duck {
	case "BOOLEAN":
		return arrow.FixedWidthTypes.Boolean
	case "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER":
		return arrow.PrimitiveTypes.Int64
	case "FLOAT", "DOUBLE":
		return arrow.PrimitiveTypes.Float64
	case "DATE":
		return arrow.FixedWidthTypes.Date32
	case "TIMESTAMP":
		return &arrow.TimestampType{Unit: arrow.Microsecond}
	case "TIMESTAMPTZ":
		return &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}
	}
	if strings.HasPrefix(duck, "DECIMAL") {
		return arrow.PrimitiveTypes.Float64
	}
	return arrow.BinaryTypes.String
}

// rowsReader is an array.RecordReader over sql.Rows.
type rowsReader struct {
	rows    *sql.Rows
	schema  *arrow.Schema
	current arrow.RecordBatch
	err     error
	refs    atomic.Int64
}

func (r *rowsReader) Retain() { r.refs.Add(1) }

func (r *rowsReader) Release() {
	if r.refs.Add(-1) != 0 {
		return
	}
	if r.current != nil {
		r.current.Release()
		r.current = nil
	}
	r.rows.Close()
}

func (r *rowsReader) Schema() *arrow.Schema { return r.schema }

func (r *rowsReader) Record() arrow.RecordBatch { return r.current }

func (r *rowsReader) RecordBatch() arrow.RecordBatch { return r.current }

func (r *rowsReader) Err() error { return r.err }

func (r *rowsReader) Next() bool {
	if r.current != nil {
		r.current.Release()
		r.current = nil
	}
	if r.err != nil {
		return false
	}
	b := array.NewRecordBuilder(memory.DefaultAllocator, r.schema)
	defer b.Release()
	n := len(r.schema.Fields())
	vals := make([]any, n)
	ptrs := make([]any, n)
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	count := 0
	for count < rowsBatch && r.rows.Next() {
		if err := r.rows.Scan(ptrs...); err != nil {
			r.err = err
			return false
		}
		for i, v := range vals {
			if err := appendValue(b.Field(i), v); err != nil {
				r.err = fmt.Errorf("column %s: %w", r.schema.Field(i).Name, err)
				return false
			}
		}
		count++
	}
	if err := r.rows.Err(); err != nil {
		r.err = err
		return false
	}
	if count == 0 {
		return false
	}
	r.current = b.NewRecordBatch()
	return true
}

// appendValue appends one scanned value to the builder of its column.
func appendValue(b array.Builder, v any) error {
	if v == nil {
		b.AppendNull()
		return nil
	}
	switch b := b.(type) {
	case *array.BooleanBuilder:
		x, ok := v.(bool)
		if !ok {
			return fmt.Errorf("unexpected %T", v)
		}
		b.Append(x)
	case *array.Int64Builder:
		switch x := v.(type) {
		case int8:
			b.Append(int64(x))
		case int16:
			b.Append(int64(x))
		case int32:
			b.Append(int64(x))
		case int64:
			b.Append(x)
		case uint8:
			b.Append(int64(x))
		case uint16:
			b.Append(int64(x))
		case uint32:
			b.Append(int64(x))
		default:
			return fmt.Errorf("unexpected %T", v)
		}
	case *array.Float64Builder:
		switch x := v.(type) {
		case float32:
			b.Append(float64(x))
		case float64:
			b.Append(x)
		case interface{ Float64() float64 }:
			b.Append(x.Float64())
		default:
			return fmt.Errorf("unexpected %T", v)
		}
	case *array.Date32Builder:
		t, ok := v.(time.Time)
		if !ok {
			return fmt.Errorf("unexpected %T", v)
		}
		b.Append(arrow.Date32FromTime(t))
	case *array.TimestampBuilder:
		t, ok := v.(time.Time)
		if !ok {
			return fmt.Errorf("unexpected %T", v)
		}
		b.Append(arrow.Timestamp(t.UnixMicro()))
	case *array.StringBuilder:
		switch x := v.(type) {
		case string:
			b.Append(x)
		case []byte:
			b.Append(string(x))
		default:
			b.Append(fmt.Sprint(x))
		}
	default:
		return errors.New("unsupported column type")
	}
	return nil
}
