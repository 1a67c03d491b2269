package pgwire

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/jackc/pgx/v5/pgtype"
)

// PostgreSQL type OIDs the server sends (pg_type.oid in PostgreSQL itself).
const (
	oidBool        = 16
	oidBytea       = 17
	oidInt8        = 20
	oidInt2        = 21
	oidInt4        = 23
	oidText        = 25
	oidOID         = 26
	oidJSON        = 114
	oidFloat4      = 700
	oidFloat8      = 701
	oidUnknown     = 705
	oidVarchar     = 1043
	oidDate        = 1082
	oidTime        = 1083
	oidTimestamp   = 1114
	oidTimestampTZ = 1184
	oidInterval    = 1186
	oidNumeric     = 1700
	oidUUID        = 2950
)

// pgType is how a DuckDB column type goes over the wire.
type pgType struct {
	oid    uint32
	size   int16 // pg_type.typlen: -1 for variable length
	typmod int32 // -1, or numeric's (precision << 16 | scale) + 4
}

// pgTypeOf maps DuckDB's name of a column type (SQLColumn.Type) to a PostgreSQL type;
// what PostgreSQL has no type for (lists, structs, maps, enums) is sent as text.
func pgTypeOf(duck string) pgType {
	switch duck {
	case "BOOLEAN":
		return pgType{oidBool, 1, -1}
	case "TINYINT", "SMALLINT", "UTINYINT":
		return pgType{oidInt2, 2, -1}
	case "INTEGER", "USMALLINT":
		return pgType{oidInt4, 4, -1}
	case "BIGINT", "UINTEGER":
		return pgType{oidInt8, 8, -1}
	case "UBIGINT", "HUGEINT", "UHUGEINT", "BIGNUM":
		return pgType{oidNumeric, -1, -1}
	case "FLOAT":
		return pgType{oidFloat4, 4, -1}
	case "DOUBLE":
		return pgType{oidFloat8, 8, -1}
	case "DATE":
		return pgType{oidDate, 4, -1}
	case "TIME":
		return pgType{oidTime, 8, -1}
	case "TIMESTAMP", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS":
		return pgType{oidTimestamp, 8, -1}
	case "TIMESTAMPTZ":
		return pgType{oidTimestampTZ, 8, -1}
	case "INTERVAL":
		return pgType{oidInterval, 16, -1}
	case "BLOB":
		return pgType{oidBytea, -1, -1}
	case "UUID":
		return pgType{oidUUID, 16, -1}
	case "JSON":
		return pgType{oidJSON, -1, -1}
	}
	var p, s int32
	if n, _ := fmt.Sscanf(duck, "DECIMAL(%d,%d)", &p, &s); n == 2 {
		return pgType{oidNumeric, -1, p<<16 | s + 4}
	}
	return pgType{oidText, -1, -1}
}

// duckTypeOfOID is the DuckDB type a parameter of a PostgreSQL type is cast to; "" for
// none (text, or a type DuckDB reads from a string literal by itself).
func duckTypeOfOID(oid uint32) string {
	switch oid {
	case oidBool:
		return "BOOLEAN"
	case oidInt2:
		return "SMALLINT"
	case oidInt4:
		return "INTEGER"
	case oidInt8:
		return "BIGINT"
	case oidFloat4:
		return "FLOAT"
	case oidFloat8:
		return "DOUBLE"
	case oidDate:
		return "DATE"
	case oidTime:
		return "TIME"
	case oidTimestamp:
		return "TIMESTAMP"
	case oidTimestampTZ:
		return "TIMESTAMPTZ"
	case oidInterval:
		return "INTERVAL"
	case oidUUID:
		return "UUID"
	}
	return ""
}

// castable are the DuckDB parameter types a literal is cast to, so the result has the
// type the client was told; others are left to DuckDB's reading of a string literal.
var castable = map[string]bool{"BOOLEAN": true, "TINYINT": true, "SMALLINT": true, "INTEGER": true,
	"BIGINT": true, "UTINYINT": true, "USMALLINT": true, "UINTEGER": true, "UBIGINT": true, "HUGEINT": true,
	"FLOAT": true, "DOUBLE": true, "DATE": true, "TIME": true, "TIMESTAMP": true, "TIMESTAMPTZ": true,
	"INTERVAL": true, "UUID": true}

// paramOID is the type the server announces for a parameter DuckDB typed duck.
func paramOID(duck string) uint32 {
	if duck == "" || duck == "UNKNOWN" {
		return oidText
	}
	return pgTypeOf(duck).oid
}

// paramLiteral is SQL for one bound parameter: its value as text (decoded from binary
// by its type), as a string literal cast to the type DuckDB expects.
func paramLiteral(m *pgtype.Map, value []byte, format int16, oid uint32, duck string) (string, error) {
	if value == nil {
		return "NULL", nil
	}
	text := string(value)
	if format == 1 {
		var err error
		if text, err = binaryParamText(m, value, oid); err != nil {
			return "", err
		}
	}
	if duck == "" || duck == "UNKNOWN" {
		duck = duckTypeOfOID(oid)
	}
	if castable[duck] {
		return "CAST(" + quoteLiteral(text) + " AS " + duck + ")", nil
	}
	return quoteLiteral(text), nil
}

// binaryParamText decodes a parameter sent in binary to its text form.
func binaryParamText(m *pgtype.Map, value []byte, oid uint32) (string, error) {
	switch oid {
	case oidText, oidVarchar, oidUnknown, oidJSON, 0:
		return string(value), nil
	}
	t, ok := m.TypeForOID(oid)
	if !ok {
		return "", fmt.Errorf("parameter van type %d in binair formaat wordt niet ondersteund; stuur het als tekst", oid)
	}
	v, err := t.Codec.DecodeValue(m, oid, pgtype.BinaryFormatCode, value)
	if err != nil {
		return "", fmt.Errorf("parameter onleesbaar als %s: %v", t.Name, err)
	}
	switch x := v.(type) {
	case time.Time:
		switch oid {
		case oidDate:
			return x.Format("2006-01-02"), nil
		case oidTimestampTZ:
			return x.UTC().Format("2006-01-02 15:04:05.999999") + "+00", nil
		}
		return x.Format("2006-01-02 15:04:05.999999"), nil
	case []byte:
		return `\x` + hex.EncodeToString(x), nil
	case [16]byte:
		u := pgtype.UUID{Bytes: x, Valid: true}
		b, _ := u.MarshalJSON()
		return strings.Trim(string(b), `"`), nil
	}
	// Numbers, booleans, numeric and interval: their text encoding.
	buf, err := m.Encode(oid, pgtype.TextFormatCode, v, nil)
	if err != nil {
		return "", fmt.Errorf("parameter onleesbaar: %v", err)
	}
	return string(buf), nil
}

// pgEpoch is PostgreSQL's zero of dates and timestamps, 2000-01-01, in days and
// microseconds since 1970-01-01.
const (
	pgEpochDays   = 10957
	pgEpochMicros = pgEpochDays * 86400 * 1000000
)

// encoder appends one value of a column, with its length word, to a DataRow.
type encoder func(dst []byte, row int) []byte

func appendNull(dst []byte) []byte { return append(dst, 0xff, 0xff, 0xff, 0xff) }

func appendLen(dst []byte, n int) []byte { return binary.BigEndian.AppendUint32(dst, uint32(n)) }

func appendText(dst []byte, s string) []byte { return append(appendLen(dst, len(s)), s...) }

// newEncoder returns the encoder of an Arrow column sent as typ in the given format
// (0 text, 1 binary).
func newEncoder(m *pgtype.Map, col arrow.Array, typ pgType, format int16) encoder {
	bin := format == 1
	switch a := col.(type) {
	case *array.Boolean:
		return func(dst []byte, r int) []byte {
			if a.IsNull(r) {
				return appendNull(dst)
			}
			switch {
			case bin && a.Value(r):
				return append(appendLen(dst, 1), 1)
			case bin:
				return append(appendLen(dst, 1), 0)
			case a.Value(r):
				return append(appendLen(dst, 1), 't')
			}
			return append(appendLen(dst, 1), 'f')
		}
	case *array.Int8:
		return intEncoder(a, typ, bin, func(r int) int64 { return int64(a.Value(r)) })
	case *array.Int16:
		return intEncoder(a, typ, bin, func(r int) int64 { return int64(a.Value(r)) })
	case *array.Int32:
		return intEncoder(a, typ, bin, func(r int) int64 { return int64(a.Value(r)) })
	case *array.Int64:
		return intEncoder(a, typ, bin, func(r int) int64 { return a.Value(r) })
	case *array.Uint8:
		return intEncoder(a, typ, bin, func(r int) int64 { return int64(a.Value(r)) })
	case *array.Uint16:
		return intEncoder(a, typ, bin, func(r int) int64 { return int64(a.Value(r)) })
	case *array.Uint32:
		return intEncoder(a, typ, bin, func(r int) int64 { return int64(a.Value(r)) })
	case *array.Float32:
		return func(dst []byte, r int) []byte {
			if a.IsNull(r) {
				return appendNull(dst)
			}
			if bin {
				return binary.BigEndian.AppendUint32(appendLen(dst, 4), math.Float32bits(a.Value(r)))
			}
			return appendText(dst, formatFloat(float64(a.Value(r)), 32))
		}
	case *array.Float64:
		// Without DuckDB's Arrow interface (no duckdb_arrow tag) a DECIMAL and a FLOAT
		// arrive as float64: they are sent as the type the client was told.
		return func(dst []byte, r int) []byte {
			if a.IsNull(r) {
				return appendNull(dst)
			}
			v := a.Value(r)
			switch {
			case typ.oid == oidNumeric:
				return textAs(m, dst, strconv.FormatFloat(v, 'f', -1, 64), typ.oid, bin)
			case bin && typ.oid == oidFloat4:
				return binary.BigEndian.AppendUint32(appendLen(dst, 4), math.Float32bits(float32(v)))
			case bin:
				return binary.BigEndian.AppendUint64(appendLen(dst, 8), math.Float64bits(v))
			case typ.oid == oidFloat4:
				return appendText(dst, formatFloat(v, 32))
			}
			return appendText(dst, formatFloat(v, 64))
		}
	case *array.String:
		return func(dst []byte, r int) []byte {
			if a.IsNull(r) {
				return appendNull(dst)
			}
			return textAs(m, dst, a.Value(r), typ.oid, bin)
		}
	case *array.LargeString:
		return func(dst []byte, r int) []byte {
			if a.IsNull(r) {
				return appendNull(dst)
			}
			return appendText(dst, a.Value(r))
		}
	case *array.StringView:
		return func(dst []byte, r int) []byte {
			if a.IsNull(r) {
				return appendNull(dst)
			}
			return appendText(dst, a.Value(r))
		}
	case *array.Date32:
		return func(dst []byte, r int) []byte {
			if a.IsNull(r) {
				return appendNull(dst)
			}
			days := int32(a.Value(r))
			if bin {
				return binary.BigEndian.AppendUint32(appendLen(dst, 4), uint32(days-pgEpochDays))
			}
			return appendText(dst, time.Unix(int64(days)*86400, 0).UTC().Format("2006-01-02"))
		}
	case *array.Timestamp:
		unit := a.DataType().(*arrow.TimestampType).Unit
		tz := typ.oid == oidTimestampTZ
		return func(dst []byte, r int) []byte {
			if a.IsNull(r) {
				return appendNull(dst)
			}
			us := toMicros(int64(a.Value(r)), unit)
			if bin {
				return binary.BigEndian.AppendUint64(appendLen(dst, 8), uint64(us-pgEpochMicros))
			}
			s := time.UnixMicro(us).UTC().Format("2006-01-02 15:04:05.999999")
			if tz {
				s += "+00"
			}
			return appendText(dst, s)
		}
	case *array.Time64:
		unit := a.DataType().(*arrow.Time64Type).Unit
		return func(dst []byte, r int) []byte {
			if a.IsNull(r) {
				return appendNull(dst)
			}
			us := toMicros(int64(a.Value(r)), unit)
			if bin {
				return binary.BigEndian.AppendUint64(appendLen(dst, 8), uint64(us))
			}
			return appendText(dst, time.UnixMicro(us).UTC().Format("15:04:05.999999"))
		}
	case *array.Decimal128:
		scale := a.DataType().(*arrow.Decimal128Type).Scale
		return func(dst []byte, r int) []byte {
			if a.IsNull(r) {
				return appendNull(dst)
			}
			return numericValue(m, dst, a.Value(r).BigInt(), scale, bin)
		}
	case *array.Uint64:
		return func(dst []byte, r int) []byte {
			if a.IsNull(r) {
				return appendNull(dst)
			}
			return numericValue(m, dst, new(big.Int).SetUint64(a.Value(r)), 0, bin)
		}
	case *array.Binary:
		return func(dst []byte, r int) []byte {
			if a.IsNull(r) {
				return appendNull(dst)
			}
			if bin {
				v := a.Value(r)
				return append(appendLen(dst, len(v)), v...)
			}
			return appendText(dst, `\x`+hex.EncodeToString(a.Value(r)))
		}
	}
	// Anything else from its text.
	return func(dst []byte, r int) []byte {
		if col.IsNull(r) {
			return appendNull(dst)
		}
		return textAs(m, dst, col.ValueStr(r), typ.oid, bin)
	}
}

// textAs appends a value given as text: as it is for text format or a text type,
// else converted to the binary format of oid.
func textAs(m *pgtype.Map, dst []byte, s string, oid uint32, bin bool) []byte {
	switch {
	case !bin, oid == oidText, oid == oidVarchar, oid == oidJSON, oid == oidUnknown:
		return appendText(dst, s)
	}
	t, ok := m.TypeForOID(oid)
	if !ok {
		return appendText(dst, s)
	}
	v, err := t.Codec.DecodeValue(m, oid, pgtype.TextFormatCode, []byte(s))
	if err != nil {
		return appendNull(dst)
	}
	at := len(dst)
	out, err := m.Encode(oid, pgtype.BinaryFormatCode, v, appendLen(dst, 0))
	if err != nil {
		return appendNull(dst[:at])
	}
	binary.BigEndian.PutUint32(out[at:], uint32(len(out)-at-4))
	return out
}

func intEncoder(a arrow.Array, typ pgType, bin bool, value func(int) int64) encoder {
	size := typ.size
	return func(dst []byte, r int) []byte {
		if a.IsNull(r) {
			return appendNull(dst)
		}
		v := value(r)
		if !bin {
			var b [20]byte
			s := strconv.AppendInt(b[:0], v, 10)
			return append(appendLen(dst, len(s)), s...)
		}
		switch size {
		case 2:
			return binary.BigEndian.AppendUint16(appendLen(dst, 2), uint16(v))
		case 4:
			return binary.BigEndian.AppendUint32(appendLen(dst, 4), uint32(v))
		}
		return binary.BigEndian.AppendUint64(appendLen(dst, 8), uint64(v))
	}
}

// numericValue appends a numeric: unscaled × 10^-scale.
func numericValue(m *pgtype.Map, dst []byte, unscaled *big.Int, scale int32, bin bool) []byte {
	if !bin {
		return appendText(dst, decimalText(unscaled, scale))
	}
	at := len(dst)
	dst = appendLen(dst, 0)
	out, err := m.Encode(oidNumeric, pgtype.BinaryFormatCode, pgtype.Numeric{Int: unscaled, Exp: -scale, Valid: true}, dst)
	if err != nil {
		return appendNull(dst[:at])
	}
	binary.BigEndian.PutUint32(out[at:], uint32(len(out)-at-4))
	return out
}

// decimalText writes unscaled × 10^-scale with scale decimals.
func decimalText(unscaled *big.Int, scale int32) string {
	s := unscaled.String()
	if scale <= 0 {
		return s
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	for len(s) <= int(scale) {
		s = "0" + s
	}
	s = s[:len(s)-int(scale)] + "." + s[len(s)-int(scale):]
	if neg {
		s = "-" + s
	}
	return s
}

func toMicros(v int64, unit arrow.TimeUnit) int64 {
	switch unit {
	case arrow.Second:
		return v * 1e6
	case arrow.Millisecond:
		return v * 1e3
	case arrow.Nanosecond:
		return v / 1e3
	}
	return v
}

// formatFloat writes a float as PostgreSQL does (shortest exact form, Infinity, NaN).
func formatFloat(f float64, bits int) string {
	switch {
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case math.IsNaN(f):
		return "NaN"
	}
	return strconv.FormatFloat(f, 'g', -1, bits)
}
