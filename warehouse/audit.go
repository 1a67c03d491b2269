package warehouse

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/hetleerplein/leerplein/warehouse/bsnmask"
)

// Statuses of an audited SQL query.
const (
	AuditOK      = "ok"
	AuditRefused = "refused"
	AuditError   = "error"
	AuditTimeout = "timeout"
)

// AuditEntry is one query an analyst sent to the SQL sandbox.
type AuditEntry struct {
	ID    int64     `json:"id"`
	At    time.Time `json:"at"`
	Who   string    `json:"who"`
	Role  string    `json:"role"`
	Query string    `json:"query"`
	// QueryBytes and QuerySHA256 describe the whole query text (BSN-like numbers
	// masked), of which Query keeps the first AuditQueryCap bytes; set by AuditSQL.
	QueryBytes  int64   `json:"query_bytes"`
	QuerySHA256 string  `json:"query_sha256"`
	Rows        int64   `json:"rows"`
	DurationMS  float64 `json:"duration_ms"`
	Status      string  `json:"status"`
	Message     string  `json:"message"`
}

// AuditQueryCap and auditMessageCap bound what one audit entry keeps of a query text
// and of its message: an analyst can send a megabyte of SQL per request.
const (
	AuditQueryCap   = 16 << 10
	auditMessageCap = 4 << 10
)

// AuditSQL records one sandbox query. Query and Message are stored with every number
// that could be a BSN masked (MaskBSN), so the audit holds no raw BSN; of the query the
// first AuditQueryCap bytes, with the length and SHA-256 of the whole masked text (a
// hash of the raw text would let anyone who knows the rest of a query find a BSN in it
// by trying them all).
func (db *DB) AuditSQL(ctx context.Context, e AuditEntry) error {
	switch e.Status {
	case AuditOK, AuditRefused, AuditError, AuditTimeout:
	default:
		return fmt.Errorf("warehouse: audit: unknown status %q", e.Status)
	}
	if e.At.IsZero() {
		e.At = time.Now()
	}
	query := MaskBSN(e.Query)
	sum := sha256.Sum256([]byte(query))
	_, err := db.ExecContext(ctx, `insert into sql_audit ("at", who, role, query, query_bytes, query_sha256, rows, duration_ms, status, message)
		values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.At, e.Who, e.Role, cutText(query, AuditQueryCap), len(query), hex.EncodeToString(sum[:]),
		e.Rows, e.DurationMS, e.Status, cutText(MaskBSN(e.Message), auditMessageCap))
	if err != nil {
		return fmt.Errorf("warehouse: audit: %w", err)
	}
	return nil
}

// AuditFilter selects audit entries: at most Limit (newest first), of one Status when
// set.
type AuditFilter struct {
	Limit  int
	Status string
}

// SQLAudit returns audit entries, newest first.
func (db *DB) SQLAudit(ctx context.Context, f AuditFilter) ([]AuditEntry, error) {
	if f.Limit <= 0 {
		f.Limit = 100
	}
	rows, err := db.QueryContext(ctx, `select id, "at", who, role, query, query_bytes, query_sha256, rows, duration_ms, status, message
		from sql_audit where ? = '' or status = ? order by id desc limit ?`, f.Status, f.Status, f.Limit)
	if err != nil {
		return nil, fmt.Errorf("warehouse: audit: %w", err)
	}
	defer rows.Close()
	out := []AuditEntry{}
	for rows.Next() {
		var e AuditEntry
		if err := rows.Scan(&e.ID, &e.At, &e.Who, &e.Role, &e.Query, &e.QueryBytes, &e.QuerySHA256, &e.Rows, &e.DurationMS, &e.Status, &e.Message); err != nil {
			return nil, fmt.Errorf("warehouse: audit: %w", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("warehouse: audit: %w", err)
	}
	return out, nil
}

// MaskBSN replaces every number that could be a BSN by [bsn] (bsnmask.Mask: eight or
// nine significant digits passing the eleven test, also written with dots, spaces or
// hyphens inside).
func MaskBSN(s string) string { return bsnmask.Mask(s) }

// cutText is s cut to at most n bytes, on a character boundary.
func cutText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// ElevenTest reports whether s is nine digits, not all zero, that pass the BSN eleven
// test: 9·d1 + 8·d2 + … + 2·d8 − 1·d9 ≡ 0 (mod 11).
func ElevenTest(s string) bool {
	if len(s) != 9 || s == "000000000" {
		return false
	}
	sum := 0
	for k := 0; k < 9; k++ {
		c := s[k]
		if !isDigit(c) {
			return false
		}
		w := 9 - k
		if k == 8 {
			w = -1
		}
		sum += w * int(c-'0')
	}
	return sum%11 == 0
}
