package api

import (
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/hetleerplein/leerplein/warehouse"
)

// Bounds of GET /api/v1/audit?limit=.
const (
	defaultAuditLimit = 100
	maxAuditLimit     = 10000
)

// listAudit serves the SQL audit, newest first: who sent which query, when, and what
// came of it. For beheer only; no analyst can change it.
func (s *Server) listAudit(c *gin.Context) (any, error) {
	if err := onlyParams(c, "limit", "status"); err != nil {
		return nil, err
	}
	f := warehouse.AuditFilter{Limit: defaultAuditLimit, Status: c.Query("status")}
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxAuditLimit {
			return nil, badParam("limit", "must be a whole number from 1 to %d", maxAuditLimit)
		}
		f.Limit = n
	}
	switch f.Status {
	case "", warehouse.AuditOK, warehouse.AuditRefused, warehouse.AuditError, warehouse.AuditTimeout:
	default:
		return nil, badParam("status", "must be ok, refused, error or timeout")
	}
	entries, err := s.db.SQLAudit(c.Request.Context(), f)
	if err != nil {
		return nil, err
	}
	return map[string]any{"entries": entries}, nil
}
