package warehouse

import (
	"context"
	"fmt"
	"time"

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
	ID         int64     `json:"id"`
	At         time.Time `json:"at"`
	Who        string    `json:"who"`
	Role       string    `json:"role"`
	Query      string    `json:"query"`
	Rows       int64     `json:"rows"`
	DurationMS float64   `json:"duration_ms"`
	Status     string    `json:"status"`
	Message    string    `json:"message"`
}

// AuditSQL records one sandbox query. Query and Message are stored with every number
// that could be a BSN masked (MaskBSN), so the audit holds no raw BSN.
func (db *DB) AuditSQL(ctx context.Context, e AuditEntry) error {
	switch e.Status {
	case AuditOK, AuditRefused, AuditError, AuditTimeout:
	default:
		return fmt.Errorf("warehouse: audit: unknown status %q", e.Status)
	}
	if e.At.IsZero() {
		e.At = time.Now()
	}
	_, err := db.ExecContext(ctx, `insert into sql_audit ("at", who, role, query, rows, duration_ms, status, message)
		values (?, ?, ?, ?, ?, ?, ?, ?)`,
		e.At, e.Who, e.Role, MaskBSN(e.Query), e.Rows, e.DurationMS, e.Status, MaskBSN(e.Message))
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
	rows, err := db.QueryContext(ctx, `select id, "at", who, role, query, rows, duration_ms, status, message
		from sql_audit where ? = '' or status = ? order by id desc limit ?`, f.Status, f.Status, f.Limit)
	if err != nil {
		return nil, fmt.Errorf("warehouse: audit: %w", err)
	}
	defer rows.Close()
	out := []AuditEntry{}
	for rows.Next() {
		var e AuditEntry
		if err := rows.Scan(&e.ID, &e.At, &e.Who, &e.Role, &e.Query, &e.Rows, &e.DurationMS, &e.Status, &e.Message); err != nil {
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
