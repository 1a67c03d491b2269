package api

import (
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/hetleerplein/leerplein/warehouse"
)

// The JSON of /api/v1/runs, /api/v1/runs/{id} and /api/v1/quarantine; api/openapi.json
// describes the same.

type runJSON struct {
	RunID           int64      `json:"run_id"`
	Job             string     `json:"job"`
	Inbox           string     `json:"inbox"`
	StartedAt       time.Time  `json:"started_at"`
	FinishedAt      *time.Time `json:"finished_at"`
	Status          string     `json:"status"`
	Reason          string     `json:"reason,omitempty"` // why it failed, in Dutch
	Files           int64      `json:"files"`
	FilesLoaded     int64      `json:"files_loaded"`
	FilesRejected   int64      `json:"files_rejected"`
	RowsNew         int64      `json:"rows_new"`
	RowsReplaced    int64      `json:"rows_replaced"`
	RowsQuarantined int64      `json:"rows_quarantined"`
}

type runFileJSON struct {
	FileID          int64      `json:"file_id"`
	RunID           int64      `json:"run_id,omitempty"`
	Feed            *string    `json:"feed"`
	FileName        string     `json:"file_name"`
	Format          *string    `json:"format"`
	SizeBytes       int64      `json:"size_bytes"`
	Status          string     `json:"status"`
	Reason          *string    `json:"reason"`
	RowsRead        int64      `json:"rows_read"`
	RowsLoaded      int64      `json:"rows_loaded"`
	RowsNew         int64      `json:"rows_new"`
	RowsReplaced    int64      `json:"rows_replaced"`
	RowsUnchanged   int64      `json:"rows_unchanged"`
	RowsQuarantined int64      `json:"rows_quarantined"`
	StartedAt       time.Time  `json:"started_at"`
	FinishedAt      *time.Time `json:"finished_at"`
}

type quarantineGroupJSON struct {
	Feed     string                  `json:"feed"`
	Column   string                  `json:"column"`
	Reason   string                  `json:"reason"`
	Problems int64                   `json:"problems"`
	Rows     int64                   `json:"rows"`
	Examples []quarantineExampleJSON `json:"examples"`
}

type quarantineExampleJSON struct {
	FileName string  `json:"file_name"`
	Line     int64   `json:"line"`
	Sheet    *string `json:"sheet"`
	Column   string  `json:"column"`
	Value    *string `json:"value"`
	Reason   string  `json:"reason"`
}

// Limits of the steward resources.
const (
	defaultRunLimit   = 20
	maxRunLimit       = 500
	quarantineExample = 3
)

func toRunJSON(r warehouse.Run) runJSON {
	return runJSON{RunID: r.ID, Job: r.Job, Inbox: r.Inbox, StartedAt: r.StartedAt.UTC(), FinishedAt: utcPtr(r.FinishedAt),
		Status: r.Status, Reason: r.Reason, Files: r.Files, FilesLoaded: r.FilesLoaded, FilesRejected: r.FilesRejected,
		RowsNew: r.RowsNew, RowsReplaced: r.RowsReplaced, RowsQuarantined: r.RowsQuarantined}
}

func toFileJSON(f warehouse.RunFile, run int64) runFileJSON {
	return runFileJSON{FileID: f.ID, RunID: run, Feed: strPtr(f.Feed), FileName: f.FileName, Format: strPtr(f.Format),
		SizeBytes: f.SizeBytes, Status: f.Status, Reason: strPtr(warehouse.MaskDigits(f.Reason)), RowsRead: f.RowsRead,
		RowsLoaded: f.RowsNew + f.RowsReplaced, RowsNew: f.RowsNew, RowsReplaced: f.RowsReplaced,
		RowsUnchanged: f.RowsUnchanged, RowsQuarantined: f.RowsQuarantined,
		StartedAt: f.StartedAt.UTC(), FinishedAt: utcPtr(f.FinishedAt)}
}

func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// onlyParams rejects parameters other than allowed, and repeated ones.
func onlyParams(c *gin.Context, allowed ...string) error {
	for k, v := range c.Request.URL.Query() {
		known := false
		for _, a := range allowed {
			known = known || a == k
		}
		if !known {
			return badParam(k, "unknown parameter; use %s", strings.Join(allowed, " or "))
		}
		if len(v) > 1 {
			return badParam(k, "given more than once")
		}
	}
	return nil
}

// listRuns serves the latest runs (limit: default 20, at most 500).
func (s *Server) listRuns(c *gin.Context) (any, error) {
	if err := onlyParams(c, "limit"); err != nil {
		return nil, err
	}
	limit := defaultRunLimit
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxRunLimit {
			return nil, badParam("limit", "must be a whole number from 1 to %d", maxRunLimit)
		}
		limit = n
	}
	runs, err := s.db.Runs(c.Request.Context(), limit)
	if err != nil {
		return nil, err
	}
	out := make([]runJSON, 0, len(runs))
	for _, r := range runs {
		out = append(out, toRunJSON(r))
	}
	return map[string]any{"runs": out}, nil
}

// getRun serves one run with every file it looked at.
func (s *Server) getRun(c *gin.Context) (any, error) {
	if err := noParams(c); err != nil {
		return nil, err
	}
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id < 1 {
		return nil, badParam("id", "must be a run id (a positive whole number)")
	}
	r, files, err := s.db.RunDetail(c.Request.Context(), id)
	if err != nil {
		return nil, err
	}
	out := struct {
		runJSON
		FileList []runFileJSON `json:"file_list"`
	}{runJSON: toRunJSON(r), FileList: make([]runFileJSON, 0, len(files))}
	for _, f := range files {
		out.FileList = append(out.FileList, toFileJSON(f, 0))
	}
	return out, nil
}

// listQuarantine serves the quarantine grouped by feed, column and reason, with a few
// examples each; with format=csv every problem, one per line, for the steward to fix
// the source in a spreadsheet (quarantineCSV). The bsn column's value is never shown.
func (s *Server) listQuarantine(c *gin.Context) (any, error) {
	if err := onlyParams(c, "feed", "run", "format"); err != nil {
		return nil, err
	}
	switch c.Query("format") {
	case "", "json":
	case "csv":
	default:
		return nil, badParam("format", "unknown format %q; use json or csv", c.Query("format"))
	}
	f := warehouse.QuarantineFilter{Feed: strings.TrimSpace(c.Query("feed"))}
	if v := c.Query("run"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 {
			return nil, badParam("run", "must be a run id (a positive whole number)")
		}
		f.RunID = n
	}
	if c.Query("format") == "csv" {
		return s.quarantineCSV(c, f)
	}
	groups, err := s.db.Quarantine(c.Request.Context(), f, quarantineExample)
	if err != nil {
		return nil, err
	}
	out := make([]quarantineGroupJSON, 0, len(groups))
	var total int64
	for _, g := range groups {
		gj := quarantineGroupJSON{Feed: g.Feed, Column: g.Column, Reason: g.Reason, Problems: g.Problems, Rows: g.Rows,
			Examples: make([]quarantineExampleJSON, 0, len(g.Examples))}
		for _, e := range g.Examples {
			ej := quarantineExampleJSON{FileName: e.FileName, Line: e.Line, Sheet: strPtr(e.Sheet), Column: e.Column, Value: e.Value, Reason: e.Reason}
			if strings.EqualFold(e.Column, "bsn") {
				ej.Value = nil // never a BSN, whatever the ledger holds
			}
			gj.Examples = append(gj.Examples, ej)
		}
		total += g.Problems
		out = append(out, gj)
	}
	filter := map[string]any{"feed": strPtr(f.Feed), "run": nil}
	if f.RunID != 0 {
		filter["run"] = f.RunID
	}
	return map[string]any{"filter": filter, "problems": total, "groups": out}, nil
}
