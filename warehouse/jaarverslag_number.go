package warehouse

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"

	"github.com/duckdb/duckdb-go/v2"
)

// Number is a report value held exactly in hundredths. The report holds counts and
// percentages rounded to two decimals, nothing finer, and a float would turn a
// rounded 0.44 back into 0.44000000000000000222 somewhere down the line.
type Number struct{ hundredths int64 }

// Count makes the Number of a whole count.
func Count(n int64) Number { return Number{hundredths: n * 100} }

// ParseNumber reads a plain number as the machine form writes it: an optional minus
// sign, digits, and at most two decimals after a '.' ("12", "0", "0.44", "46.5").
func ParseNumber(s string) (Number, error) {
	whole, frac, hasFrac := strings.Cut(s, ".")
	neg := strings.HasPrefix(whole, "-")
	whole = strings.TrimPrefix(whole, "-")
	if whole == "" || !allDigits(whole) || (hasFrac && (frac == "" || len(frac) > 2 || !allDigits(frac))) {
		return Number{}, fmt.Errorf("warehouse: %q is not a plain number with at most two decimals", s)
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return Number{}, fmt.Errorf("warehouse: number %q: %w", s, err)
	}
	for len(frac) < 2 {
		frac += "0"
	}
	f, _ := strconv.ParseInt(frac, 10, 64) // two digits, checked above
	h := w*100 + f
	if neg {
		h = -h
	}
	return Number{hundredths: h}, nil
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// Add returns n + m.
func (n Number) Add(m Number) Number { return Number{hundredths: n.hundredths + m.hundredths} }

// IsInteger reports whether n has no decimals, so a spreadsheet can format it as one.
func (n Number) IsInteger() bool { return n.hundredths%100 == 0 }

// Float64 returns n as a float, for writers (XLSX) that store numbers as doubles.
func (n Number) Float64() float64 { return float64(n.hundredths) / 100 }

// Fraction returns a percentage n as the fraction a spreadsheet's percent format shows
// (0.44 → 0.0044), computed from the hundredths in one division: Float64()/100 would
// store 5.05% as 0.050499999999999996.
func (n Number) Fraction() float64 { return float64(n.hundredths) / 10000 }

// String writes n as a plain number: integers without decimals, otherwise '.' and the
// decimals without trailing zeros ("12", "0", "0.44", "46.5").
func (n Number) String() string {
	h := n.hundredths
	sign := ""
	if h < 0 {
		sign, h = "-", -h
	}
	whole, frac := h/100, h%100
	switch {
	case frac == 0:
		return sign + strconv.FormatInt(whole, 10)
	case frac%10 == 0:
		return fmt.Sprintf("%s%d.%d", sign, whole, frac/10)
	default:
		return fmt.Sprintf("%s%d.%02d", sign, whole, frac)
	}
}

// MarshalJSON writes n as a JSON number in its plain form, so an API serving cells
// gives 0.44 and not 0.44000000000000000222.
func (n Number) MarshalJSON() ([]byte, error) { return []byte(n.String()), nil }

// numberFromDB converts a value scanned from DuckDB: a count (BIGINT, INTEGER, HUGEINT)
// or a DECIMAL with at most two significant decimals.
func numberFromDB(v any) (Number, error) {
	switch x := v.(type) {
	case int64:
		return Count(x), nil
	case int32:
		return Count(int64(x)), nil
	case *big.Int:
		if !x.IsInt64() {
			return Number{}, fmt.Errorf("count %s out of range", x)
		}
		return Count(x.Int64()), nil
	case duckdb.Decimal:
		h := new(big.Int).Set(x.Value)
		scale := int(x.Scale)
		for ; scale < 2; scale++ {
			h.Mul(h, big.NewInt(10))
		}
		for ; scale > 2; scale-- {
			var rem big.Int
			h.QuoRem(h, big.NewInt(10), &rem)
			if rem.Sign() != 0 {
				return Number{}, fmt.Errorf("decimal %s has more than two decimals", x.String())
			}
		}
		if !h.IsInt64() {
			return Number{}, fmt.Errorf("decimal %s out of range", x.String())
		}
		return Number{hundredths: h.Int64()}, nil
	case nil:
		return Number{}, fmt.Errorf("value is NULL")
	default:
		return Number{}, fmt.Errorf("value of type %T is not a count or a decimal", v)
	}
}
