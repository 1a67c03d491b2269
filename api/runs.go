package api

import (
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/hetleerplein/leerplein/warehouse"
	"github.com/hetleerplein/leerplein/warehouse/tekst"
)

// The JSON of /api/v1/runs and /api/v1/runs/{id}; api/openapi.json describes the same.
// A status is a machine value; status_nl is how a person reads it.

type runJSON struct {
	RunID           int64      `json:"run_id"`
	Job             string     `json:"job"`
	Inbox           string     `json:"inbox"`
	StartedAt       time.Time  `json:"started_at"`
	FinishedAt      *time.Time `json:"finished_at"`
	Status          string     `json:"status"`
	StatusNL        string     `json:"status_nl"`
	Reason          string     `json:"reason,omitempty"`      // why it failed, in Dutch
	ReasonCode      string     `json:"reason_code,omitempty"` // its code in the catalogue
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
	StatusNL        string     `json:"status_nl"`
	Reason          *string    `json:"reason"`      // in Dutch
	ReasonCode      *string    `json:"reason_code"` // its code in the catalogue
	RowsRead        int64      `json:"rows_read"`
	RowsLoaded      int64      `json:"rows_loaded"`
	RowsNew         int64      `json:"rows_new"`
	RowsReplaced    int64      `json:"rows_replaced"`
	RowsUnchanged   int64      `json:"rows_unchanged"`
	RowsQuarantined int64      `json:"rows_quarantined"`
	StartedAt       time.Time  `json:"started_at"`
	FinishedAt      *time.Time `json:"finished_at"`
}

// Limits of the steward resources.
const (
	defaultRunLimit   = 20
	maxRunLimit       = 500
	quarantineExample = 3
)

func toRunJSON(r warehouse.Run) runJSON {
	return runJSON{RunID: r.ID, Job: r.Job, Inbox: r.Inbox, StartedAt: r.StartedAt.UTC(), FinishedAt: utcPtr(r.FinishedAt),
		Status: r.Status, StatusNL: tekst.RunStatusNL(r.Status), Reason: r.Reason, ReasonCode: string(r.ReasonCode), Files: r.Files, FilesLoaded: r.FilesLoaded, FilesRejected: r.FilesRejected,
		RowsNew: r.RowsNew, RowsReplaced: r.RowsReplaced, RowsQuarantined: r.RowsQuarantined}
}

func toFileJSON(f warehouse.RunFile, run int64) runFileJSON {
	return runFileJSON{FileID: f.ID, RunID: run, Feed: strPtr(f.Feed), FileName: f.FileName, Format: strPtr(f.Format),
		SizeBytes: f.SizeBytes, Status: f.Status, StatusNL: tekst.FileStatusNL(f.Status), Reason: strPtr(warehouse.MaskDigits(f.Reason)),
		ReasonCode: strPtr(string(f.ReasonCode)), RowsRead: f.RowsRead,
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
