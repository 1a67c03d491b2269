package etl

import (
	"context"
	"database/sql"
	"fmt"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/hetleerplein/leerplein/warehouse"
)

// The loader parses in SQL (fast, vectorised); these fuzz targets hold the SQL against
// small Go references that follow feeds.md word for word.

var (
	reDMY  = regexp.MustCompile(`^(\d{1,2})-(\d{1,2})-(\d{4})$`)
	reDMYs = regexp.MustCompile(`^(\d{1,2})/(\d{1,2})/(\d{4})$`)
	reYMD  = regexp.MustCompile(`^(\d{4})-(\d{1,2})-(\d{1,2})$`)
)

// refDate is the reference reading of a date cell: "" when it is not a date.
func refDate(s string) string {
	s = strings.TrimSpace(s)
	var y, m, d string
	if p := reDMY.FindStringSubmatch(s); p != nil {
		d, m, y = p[1], p[2], p[3]
	} else if p := reDMYs.FindStringSubmatch(s); p != nil {
		d, m, y = p[1], p[2], p[3]
	} else if p := reYMD.FindStringSubmatch(s); p != nil {
		y, m, d = p[1], p[2], p[3]
	} else {
		return ""
	}
	yi, _ := strconv.Atoi(y)
	mi, _ := strconv.Atoi(m)
	di, _ := strconv.Atoi(d)
	t := time.Date(yi, time.Month(mi), di, 0, 0, 0, 0, time.UTC)
	if t.Year() != yi || int(t.Month()) != mi || t.Day() != di || yi < 1900 || yi > 2099 {
		return ""
	}
	return t.Format("2006-01-02")
}

var reDecimal = regexp.MustCompile(`^\d{1,7}(\.\d{1,10})?$`)

// refDecimal is the reference reading of a decimal cell, rounded half away from zero to
// two decimals: "" when it is not a number.
func refDecimal(s string) string {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", ".")
	if !reDecimal.MatchString(s) {
		return ""
	}
	r, _ := new(big.Rat).SetString(s)
	r.Mul(r, big.NewRat(100, 1))
	r.Add(r, big.NewRat(1, 2)) // non-negative: half away from zero is half up
	q := new(big.Int).Quo(r.Num(), r.Denom())
	return fmt.Sprintf("%d.%02d", new(big.Int).Quo(q, big.NewInt(100)), new(big.Int).Rem(q, big.NewInt(100)).Int64())
}

var (
	reThousands = regexp.MustCompile(`^\d{1,3}(\.\d{3})+$`)
	reDigits    = regexp.MustCompile(`^\d+$`)
)

// refCount is the reference reading of an aggregate count: "" when it is not one.
func refCount(s string) string {
	s = strings.TrimSpace(s)
	if reThousands.MatchString(s) {
		s = strings.ReplaceAll(s, ".", "")
	} else if !reDigits.MatchString(s) {
		return ""
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return ""
	}
	return strconv.FormatInt(n, 10)
}

// sqlParser evaluates one column's SQL over a single text value.
type sqlParser struct {
	db  *warehouse.DB
	q   string
	arg []any
}

func newSQLParser(t testing.TB, c column) *sqlParser {
	db, err := warehouse.Open(context.Background(), ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	s := columnSQL(c, "t", "p", DefaultRegion())
	ipad, opad := hmacPads(testKey)
	return &sqlParser{db: db, arg: []any{ipad, opad},
		q: fmt.Sprintf(`with src as (select $3::varchar as r, $1::blob as i, $2::blob as o),
			trimmed as (select %s as t from src),
			parsed as (select t, %s as p from trimmed)
			select (%s)::varchar, (%s).code from parsed`, trimSQL("r"), s.parsed, s.value, s.reason)}
}

func (p *sqlParser) parse(t *testing.T, in string) (value string, ok bool) {
	if !utf8.ValidString(in) {
		t.Skip("the loader decodes every file to UTF-8 before SQL sees it")
	}
	var v, reason sql.NullString
	if err := p.db.QueryRow(p.q, append(p.arg, in)...).Scan(&v, &reason); err != nil {
		t.Fatalf("%q: %v", in, err)
	}
	if v.Valid == reason.Valid {
		t.Fatalf("%q: value %v and reason %v: exactly one must be set", in, v, reason)
	}
	return v.String, v.Valid
}

func FuzzDateParse(f *testing.F) {
	for _, s := range []string{"01-10-2018", "1-9-2018", "01/10/2018", "2018-10-01", "31-02-2019", "29-02-2020",
		"29-02-2019", "01-10-18", "2018-1-1", "1- 2-2018", "1-2- 2018", "01-02-2018 00:00", "2018-02-01T00:00:00", "+1-2-2018", "1-2-+2018", "01-10-0999", "1-2-20180", " 01-10-2018 ", "01.10.2018", "00-01-2018", "1-13-2018", "01-01-1899", "31-12-2099", "", "x"} {
		f.Add(s)
	}
	p := newSQLParser(f, column{name: "datum", kind: kDate, required: true})
	f.Fuzz(func(t *testing.T, in string) {
		got, ok := p.parse(t, in)
		want := refDate(in)
		if (want != "") != ok || (ok && got != want) {
			t.Errorf("date %q: SQL gives %q (ok %v), reference %q", in, got, ok, want)
		}
	})
}

func FuzzDecimalParse(f *testing.F) {
	for _, s := range []string{"12,5", "12.5", "0,005", "0.004", "1.005", "12", "1.234,5", "-1", "1e3", "99999999.999", ",5", "5,", ""} {
		f.Add(s)
	}
	p := newSQLParser(f, column{name: "uren", kind: kDecimal, required: true})
	f.Fuzz(func(t *testing.T, in string) {
		got, ok := p.parse(t, in)
		want := refDecimal(in)
		if (want != "") != ok || (ok && got != want) {
			t.Errorf("decimal %q: SQL gives %q (ok %v), reference %q", in, got, ok, want)
		}
	})
}

func FuzzCountParse(f *testing.F) {
	for _, s := range []string{"946.195", "1.351.362", "97", "1.23", "12,5", "1.2345", "9223372036854775808", ""} {
		f.Add(s)
	}
	p := newSQLParser(f, column{name: "deelnemers", kind: kCount, required: true})
	f.Fuzz(func(t *testing.T, in string) {
		got, ok := p.parse(t, in)
		want := refCount(in)
		if (want != "") != ok || (ok && got != want) {
			t.Errorf("count %q: SQL gives %q (ok %v), reference %q", in, got, ok, want)
		}
	})
}

func FuzzBSNCheck(f *testing.F) {
	for _, s := range []string{testBSN(1), testBSN(2)[1:], badBSN(3), "000000000", "12345678", "1234567890", " " + testBSN(4) + " ", "12345678x", ""} {
		f.Add(s)
	}
	p := newSQLParser(f, column{name: "bsn", kind: kBSN, required: true})
	f.Fuzz(func(t *testing.T, in string) {
		got, ok := p.parse(t, in)
		s := strings.TrimSpace(in)
		valid := reDigits.MatchString(s) && ValidBSN(s)
		if ok != valid {
			t.Fatalf("bsn check of a %d-character input: SQL says %v, reference %v", len(in), ok, valid)
		}
		if ok {
			if len(s) == 8 {
				s = "0" + s
			}
			if want := strings.TrimLeft(s, "0"); got != want {
				t.Error("the bsn number from SQL differs from its digits")
			}
		}
	})
}
