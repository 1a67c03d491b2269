package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/hetleerplein/leerplein/warehouse"
)

// Media types of POST /api/v1/sql.
const (
	mediaJSON    = "application/json"
	mediaCSV     = "text/csv"
	mediaArrow   = "application/vnd.apache.arrow.stream"
	mediaParquet = "application/vnd.apache.parquet"
)

// Headers (and, for streamed formats, trailers) of POST /api/v1/sql.
const (
	headerMaxRows   = "X-Leerplein-Max-Rows"
	headerMaxBytes  = "X-Leerplein-Max-Bytes"
	headerRowCount  = "X-Leerplein-Row-Count"
	headerTruncated = "X-Leerplein-Truncated"
	headerError     = "X-Leerplein-Error"
)

// maxSQLBody bounds the request body of POST /api/v1/sql.
const maxSQLBody = 1 << 20

// sqlRequest is the body of POST /api/v1/sql.
type sqlRequest struct {
	Query   string `json:"query"`
	MaxRows *int   `json:"max_rows"`
}

// sqlFormat picks the result format: ?format= first, else the Accept header, else JSON.
func sqlFormat(c *gin.Context) (string, error) {
	if f := c.Query("format"); f != "" {
		switch f {
		case "json", "csv", "arrow", "parquet":
			return f, nil
		}
		return "", badParam("format", "must be json, csv, arrow or parquet")
	}
	for _, part := range strings.Split(c.GetHeader("Accept"), ",") {
		mt, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch mt {
		case mediaJSON, "*/*", "application/*":
			return "json", nil
		case mediaCSV:
			return "csv", nil
		case mediaArrow:
			return "arrow", nil
		case mediaParquet, "application/x-parquet":
			return "parquet", nil
		}
	}
	return "json", nil
}

// decodeSQLRequest reads the body: one JSON object and nothing after it.
func decodeSQLRequest(c *gin.Context) (sqlRequest, error) {
	var req sqlRequest
	dec := json.NewDecoder(http.MaxBytesReader(c.Writer, c.Request.Body, maxSQLBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return req, badParam("body", "moet JSON zijn, {\"query\": \"select …\", \"max_rows\": n}, van hoogstens 1 MB: %v", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return req, badParam("body", "na het JSON-object volgt nog iets; stuur precies één object {\"query\": \"select …\"}")
	}
	return req, nil
}

// sqlWriteTimeout bounds sending one SQL result: a million rows as JSON to a slow
// client may take minutes.
const sqlWriteTimeout = 15 * time.Minute

// postSQL runs an analyst's query in the SQL sandbox and streams the result as JSON,
// CSV, an Arrow IPC stream or Parquet. Every query, run or refused, is audited.
func (s *Server) postSQL(c *gin.Context) (any, error) {
	if err := onlyParams(c, "format"); err != nil {
		return nil, err
	}
	format, err := sqlFormat(c)
	if err != nil {
		return nil, err
	}
	req, err := decodeSQLRequest(c)
	if err != nil {
		return nil, err
	}
	maxRows := s.cfg.SQLMaxRows
	if req.MaxRows != nil {
		if *req.MaxRows < 1 || *req.MaxRows > s.cfg.SQLMaxRows {
			return nil, badParam("max_rows", "must be a whole number from 1 to %d", s.cfg.SQLMaxRows)
		}
		maxRows = *req.MaxRows
	}

	start := time.Now()
	entry := warehouse.AuditEntry{At: start, Role: callerRole(c).String(), Query: req.Query}
	if who, ok := c.Get(ctxCaller); ok {
		entry.Who, _ = who.(string)
	}
	defer func() { s.audit(c.Request.Context(), entry, start) }()

	if s.sandbox == nil {
		entry.Status, entry.Message = warehouse.AuditError, "no SQL sandbox: the server runs on an in-memory warehouse"
		writeError(c, http.StatusServiceUnavailable, entry.Message, "")
		return noBody, nil
	}
	// The caller's place is held until the result is sent, not only while it runs.
	who := entry.Role + ":" + entry.Who
	if !s.sqlRunning.enter(who) {
		entry.Status, entry.Message = warehouse.AuditRefused, s.sqlRunning.busyMessage()
		writeBusy(c, retryAfterUser, entry.Message)
		return noBody, nil
	}
	defer s.sqlRunning.leave(who)
	res, err := s.sandbox.Query(c.Request.Context(), who, req.Query, maxRows)
	if err != nil {
		status, msg := s.sqlError(c, err)
		entry.Status, entry.Message = auditStatus(err), msg
		if status == http.StatusTooManyRequests {
			writeBusy(c, retryAfterGlobal, msg)
		} else {
			writeError(c, status, msg, "")
		}
		return noBody, nil
	}
	defer res.Close()

	// A large result takes longer to send than the server's usual write timeout; the
	// query itself stays bound by SQLTimeout.
	_ = http.NewResponseController(c.Writer).SetWriteDeadline(time.Now().Add(sqlWriteTimeout))
	h := c.Writer.Header()
	h.Set("Cache-Control", "no-store")
	h.Set(headerMaxRows, fmt.Sprint(maxRows))
	h.Set(headerMaxBytes, fmt.Sprint(s.sandbox.Config().MaxResultBytes))
	var werr error
	switch format {
	case "json":
		werr = writeSQLJSON(c.Writer, res, start)
	case "csv":
		werr = s.writeStreamed(c, mediaCSV+"; charset=utf-8", res, func(w io.Writer) error { return writeSQLCSV(w, res) })
	case "arrow":
		werr = s.writeStreamed(c, mediaArrow, res, func(w io.Writer) error { return writeSQLArrow(w, res) })
	case "parquet":
		werr = writeSQLParquet(c, res)
	}
	entry.Rows = res.Rows()
	entry.Status = warehouse.AuditOK
	switch {
	case res.CutAtBytes():
		entry.Message = fmt.Sprintf("truncated at %d rows: the result reached the byte cap", res.Rows())
	case res.Truncated():
		entry.Message = fmt.Sprintf("truncated at %d rows", maxRows)
	}
	if werr != nil {
		entry.Status, entry.Message = warehouse.AuditError, werr.Error()
		s.log.Info("sql result not fully written", "who", entry.Who, "rows", res.Rows(), "err", werr)
	}
	return noBody, nil
}

// sqlError maps a sandbox error to a status and the message the analyst sees.
func (s *Server) sqlError(c *gin.Context, err error) (int, string) {
	var refused *warehouse.RefusedError
	var timeout *warehouse.TimeoutError
	var qe *warehouse.QueryError
	var mem *warehouse.MemoryError
	var crash *warehouse.CrashError
	switch {
	case errors.As(err, &refused), errors.As(err, &qe), errors.As(err, &mem):
		return http.StatusBadRequest, err.Error()
	case errors.As(err, &timeout):
		return http.StatusRequestTimeout, err.Error()
	case errors.Is(err, warehouse.ErrSandboxBusy):
		return http.StatusTooManyRequests, err.Error()
	case errors.As(err, &crash):
		// Logged by the sandbox with the worker's last output.
		return http.StatusInternalServerError, err.Error()
	case errors.Is(err, warehouse.ErrNoSandbox):
		return http.StatusServiceUnavailable, "de SQL-zandbak wordt klaargezet; probeer het zo opnieuw"
	case errors.Is(err, context.Canceled):
		return 499, "request cancelled" // the client went away; nobody reads this
	default:
		s.log.Error("sql query failed", "method", c.Request.Method, "path", c.FullPath(), "err", err)
		return http.StatusInternalServerError, "internal error"
	}
}

// auditStatus is the audit status of a query that did not run.
func auditStatus(err error) string {
	var refused *warehouse.RefusedError
	var timeout *warehouse.TimeoutError
	switch {
	case errors.As(err, &refused), errors.Is(err, warehouse.ErrSandboxBusy):
		return warehouse.AuditRefused
	case errors.As(err, &timeout):
		return warehouse.AuditTimeout
	default:
		return warehouse.AuditError
	}
}

// audit records one query; a failure is logged (without the query text), not shown.
func (s *Server) audit(ctx context.Context, e warehouse.AuditEntry, start time.Time) {
	e.DurationMS = float64(time.Since(start).Microseconds()) / 1000
	if err := s.db.AuditSQL(context.WithoutCancel(ctx), e); err != nil {
		s.log.Error("sql audit failed", "who", e.Who, "status", e.Status, "err", err)
	}
}

// writeStreamed writes a streamed format: the row count, the truncation and an error
// while streaming come as HTTP trailers (the status is sent before the rows).
func (s *Server) writeStreamed(c *gin.Context, contentType string, res *warehouse.SQLResult, write func(io.Writer) error) error {
	h := c.Writer.Header()
	h.Set("Content-Type", contentType)
	h.Set("Trailer", headerRowCount+", "+headerTruncated+", "+headerError)
	c.Status(http.StatusOK)
	err := write(c.Writer)
	h.Set(headerRowCount, fmt.Sprint(res.Rows()))
	h.Set(headerTruncated, fmt.Sprint(res.Truncated()))
	if err != nil {
		h.Set(headerError, err.Error())
	}
	return err
}
