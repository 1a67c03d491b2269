package warehouse_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"strings"
	"testing"
	"unicode/utf8"

	_ "github.com/duckdb/duckdb-go/v2"

	sqlfiles "github.com/hetleerplein/leerplein/sql"
	"github.com/hetleerplein/leerplein/warehouse"
)

// TestAuditSQLCapsQuery stores a query of 100 KB (with a BSN-like number and a
// multi-byte character at the cut): the audit keeps its first 16 KB, cut on a character
// boundary, and the length and SHA-256 of the whole masked text.
func TestAuditSQLCapsQuery(t *testing.T) {
	ctx := context.Background()
	db, err := warehouse.Open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	long := "select '111222333' as nummer, '" + strings.Repeat("x", warehouse.AuditQueryCap-40) + "é" +
		strings.Repeat("ÿ", 50_000) + "' as lang"
	short := "select 1"
	for _, q := range []string{long, short} {
		if err := db.AuditSQL(ctx, warehouse.AuditEntry{Who: "jan", Role: "analist", Query: q, Status: warehouse.AuditOK,
			Message: strings.Repeat("fout ", 10_000)}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := db.SQLAudit(ctx, warehouse.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	masked := warehouse.MaskBSN(long)
	sum := sha256.Sum256([]byte(masked))
	e := got[1]
	if len(e.Query) > warehouse.AuditQueryCap || len(e.Query) < warehouse.AuditQueryCap-1 || !utf8.ValidString(e.Query) ||
		!strings.HasPrefix(masked, e.Query) {
		t.Errorf("kept %d bytes (valid UTF-8 %v); want the first %d bytes of the masked text, cut between characters",
			len(e.Query), utf8.ValidString(e.Query), warehouse.AuditQueryCap)
	}
	if e.QueryBytes != int64(len(masked)) || e.QuerySHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("got %d bytes, sha256 %s; want %d and the hash of the whole masked text", e.QueryBytes, e.QuerySHA256, len(masked))
	}
	if strings.Contains(e.Query, "111222333") || len(e.Message) > 4<<10 {
		t.Errorf("the entry holds the BSN-like number or a message of %d bytes", len(e.Message))
	}
	if s := got[0]; s.Query != short || s.QueryBytes != int64(len(short)) {
		t.Errorf("short query stored as %q (%d bytes)", s.Query, s.QueryBytes)
	}
}

// TestAuditCapMigration applies 005_audit_cap.sql to an audit of 004 with entries in
// it: a long one is cut, both get their length and hash, and new entries follow on.
func TestAuditCapMigration(t *testing.T) {
	ctx := context.Background()
	conn, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	apply := func(name string) {
		t.Helper()
		body, err := sqlfiles.FS.ReadFile("migrations/" + name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := conn.ExecContext(ctx, string(body)); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	apply("004_audit.sql")
	long := strings.Repeat("y", 40_000)
	if _, err := conn.ExecContext(ctx, `insert into sql_audit ("at", who, role, query, status)
		values (now(), 'a', 'analist', ?, 'ok'), (now(), 'b', 'analist', 'select 2', 'ok')`, long); err != nil {
		t.Fatal(err)
	}
	apply("005_audit_cap.sql")
	var newID, maxOld int64
	if err := conn.QueryRowContext(ctx, `select max(id) from sql_audit`).Scan(&maxOld); err != nil {
		t.Fatal(err)
	}
	if err := conn.QueryRowContext(ctx, `insert into sql_audit ("at", who, role, query, status)
		values (now(), 'c', 'analist', 'select 3', 'ok') returning id`).Scan(&newID); err != nil {
		t.Fatal(err)
	}
	if newID <= maxOld {
		t.Errorf("a new entry got id %d, not after the migrated ones (up to %d)", newID, maxOld)
	}
	rows, err := conn.QueryContext(ctx, `select who, query, query_bytes, query_sha256 from sql_audit where who <> 'c' order by who`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	want := map[string]string{"a": long, "b": "select 2"}
	for rows.Next() {
		var who, query, hash string
		var n int64
		if err := rows.Scan(&who, &query, &n, &hash); err != nil {
			t.Fatal(err)
		}
		full := want[who]
		sum := sha256.Sum256([]byte(full))
		if n != int64(len(full)) || hash != hex.EncodeToString(sum[:]) || len(query) > 16384 || !strings.HasPrefix(full, query) {
			t.Errorf("%s: kept %d bytes, length %d, hash %s; want at most 16384 bytes of it, %d, the hash of the whole",
				who, len(query), n, hash, len(full))
		}
	}
}
