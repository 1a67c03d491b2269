package etl

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hetleerplein/leerplein/warehouse"
	"github.com/hetleerplein/leerplein/warehouse/bsnmask"
	"github.com/hetleerplein/leerplein/warehouse/tekst"
)

// testKey is a synthetic pseudonym key for tests only.
var testKey = []byte("test-key-0123456789abcdef0123456789abcdef")

// testBSN returns the n-th synthetic BSN that passes the eleven test.
func testBSN(n int) string {
	for i := n * 11; ; i++ {
		base := fmt.Sprintf("%08d", 10000000+i*7)
		sum := 0
		for j := range 8 {
			sum += (9 - j) * int(base[j]-'0')
		}
		if d := sum % 11; d < 10 {
			return base + fmt.Sprint(d)
		}
	}
}

// badBSN returns a 9-digit number that fails the eleven test.
func badBSN(n int) string {
	b := []byte(testBSN(n))
	b[8] = '0' + (b[8]-'0'+1)%10
	return string(b)
}

func openTestDB(t *testing.T) *warehouse.DB {
	t.Helper()
	db, err := warehouse.Open(context.Background(), filepath.Join(t.TempDir(), "test.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// writeInbox writes files (name → content) into a fresh inbox directory.
func writeInbox(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func runInbox(t *testing.T, db *warehouse.DB, dir string) Summary {
	t.Helper()
	sum, err := Run(context.Background(), db, Options{Inbox: dir, Key: testKey, Move: true})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return sum
}

// load writes files into a fresh inbox and loads them.
func load(t *testing.T, db *warehouse.DB, files map[string]string) Summary {
	t.Helper()
	return runInbox(t, db, writeInbox(t, files))
}

// csvLines joins lines with CRLF, as Dutch Excel writes them.
func csvLines(lines ...string) string { return strings.Join(lines, "\r\n") + "\r\n" }

// queryStrings returns the first column of a query as text.
func queryStrings(t *testing.T, db *warehouse.DB, q string, args ...any) []string {
	t.Helper()
	rows, err := db.Query(q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v sql.NullString
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		out = append(out, v.String)
	}
	return out
}

func queryInt(t *testing.T, db *warehouse.DB, q string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := db.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// quarantineRecord is one etl_quarantine record as a test reads it.
type quarantineRecord struct {
	line     int64
	column   string
	value    string // "" for null
	msg      tekst.Message
	gemeente string // "" for null
}

// quarantined reads the quarantine in line and column order.
func quarantined(t *testing.T, db *warehouse.DB) []quarantineRecord {
	t.Helper()
	rows, err := db.Query(`select line, column_name, coalesce(value, ''), reason_code, reason_params, coalesce(gemeentecode, '')
		from etl_quarantine order by line, column_name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []quarantineRecord
	for rows.Next() {
		var r quarantineRecord
		var code string
		var params any
		if err := rows.Scan(&r.line, &r.column, &r.value, &code, &params, &r.gemeente); err != nil {
			t.Fatal(err)
		}
		r.msg.Code = tekst.Code(code)
		list, _ := params.([]any)
		for _, p := range list {
			s, _ := p.(string)
			r.msg.Params = append(r.msg.Params, s)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// assertNoBSN fails when a text of the quarantine, the file ledger or the steward's
// quarantine view holds a possible BSN.
func assertNoBSN(t *testing.T, db *warehouse.DB) {
	t.Helper()
	for _, q := range []string{
		`select concat_ws(' | ', file_name, sheet, column_name, value, reason_code, reason_params::varchar, gemeentecode) from etl_quarantine`,
		`select concat_ws(' | ', file_name, reason, reason_code, reason_params::varchar) from etl_file`,
		`select concat_ws(' | ', bestand, blad, kolom, waarde, reden) from mart.quarantaine`,
	} {
		for _, s := range queryStrings(t, db, q) {
			if bsnmask.Contains(s) {
				t.Errorf("%s holds a possible BSN: %q", q, bsnmask.Mask(s))
			}
		}
	}
}

// dutch is what the steward reads of an error: a rejection in Dutch, anything else as it is.
func dutch(err error) string {
	var rej rejectError
	if errors.As(err, &rej) {
		return rej.msg.NL()
	}
	return err.Error()
}
