package api

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
)

// audit records one change to a user or a token in auth_audit, inside the change's own
// transaction: the change and its record commit together or not at all. Nothing here
// is a secret: a token is named by its name and id.
func audit(ctx context.Context, tx *sql.Tx, by Actor, now time.Time, action, target string, targetID *int64, targetRole, detail string) error {
	var id any // nil: SQL null
	if targetID != nil {
		id = *targetID
	}
	_, err := tx.ExecContext(ctx, `insert into auth_audit ("at", actor, actor_kind, actor_role, action, target, target_id, target_role, detail)
		values (?, ?, ?, ?, ?, ?, ?, ?, ?)`, now, by.name, by.kind, by.role, action, target, id, targetRole, detail)
	if err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
}

// AccessAuditEntry is one change to a user or a token, as GET /api/v1/audit/access lists it.
type AccessAuditEntry struct {
	ID         int64     `json:"id"`
	At         time.Time `json:"at"`
	Actor      string    `json:"actor"`
	ActorKind  string    `json:"actor_kind"`
	ActorRole  string    `json:"actor_role"`
	Action     string    `json:"action"`
	Target     string    `json:"target"`
	TargetID   *int64    `json:"target_id"`
	TargetRole string    `json:"target_role"`
	Detail     string    `json:"detail"`
}

// listAccessAudit serves the access audit, newest first (beheer only).
func (s *Server) listAccessAudit(c *gin.Context) (any, error) {
	if err := onlyParams(c, "limit"); err != nil {
		return nil, err
	}
	limit := defaultAuditLimit
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxAuditLimit {
			return nil, badParam("limit", "must be a whole number from 1 to %d", maxAuditLimit)
		}
		limit = n
	}
	rows, err := s.db.QueryContext(c.Request.Context(), `select id, "at", actor, actor_kind, actor_role, action, target, target_id, target_role, detail
		from auth_audit order by id desc limit ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("api: read access audit: %w", err)
	}
	defer rows.Close()
	entries := []AccessAuditEntry{}
	for rows.Next() {
		var e AccessAuditEntry
		var id sql.NullInt64
		if err := rows.Scan(&e.ID, &e.At, &e.Actor, &e.ActorKind, &e.ActorRole, &e.Action, &e.Target, &id, &e.TargetRole, &e.Detail); err != nil {
			return nil, fmt.Errorf("api: read access audit: %w", err)
		}
		if id.Valid {
			e.TargetID = &id.Int64
		}
		entries = append(entries, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("api: read access audit: %w", err)
	}
	noStore(c)
	return map[string]any{"entries": entries}, nil
}
