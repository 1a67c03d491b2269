package api

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/hetleerplein/leerplein/warehouse/bsnmask"
)

// Load again: a rejected file lies in its job's rejected/ with a .reason.txt until the
// retention removes it. Once it is corrected — replaced there on disk, or the steward
// fixed what it was refused for (the region, a limit) — POST
// /api/v1/jobs/{name}/rejected/{file}/reload moves it back into the inbox and starts a
// run; the earlier rejection stays in the ledger. A corrected file can as well be
// uploaded under its name (POST /api/v1/jobs/{name}/files): the rejected copy does not
// stand in its way, and stays in rejected/ until the retention removes it.

// The JSON of GET /api/v1/jobs/{name}/rejected; api/openapi.json describes the same.
type rejectedJSON struct {
	Job   string             `json:"job"`
	Files []rejectedFileJSON `json:"files"`
}

type rejectedFileJSON struct {
	Name       string    `json:"name"`
	Feed       string    `json:"feed"`
	SizeBytes  int64     `json:"size_bytes"`
	RejectedAt time.Time `json:"rejected_at"`
	Reason     string    `json:"reason"`
	Replaced   bool      `json:"replaced"`
}

// listRejected serves the files waiting in a job's rejected/ directory.
func (s *Server) listRejected(c *gin.Context) (any, error) {
	if err := noParams(c); err != nil {
		return nil, err
	}
	name := c.Param("name")
	jf, ok := s.cfg.Jobs.(JobFiles)
	if !ok {
		return jsonStatus(http.StatusNotFound, errorBody{Error: msgUnknown(name)})
	}
	files, err := jf.Rejected(name)
	switch {
	case errors.Is(err, ErrJobUnknown):
		return jsonStatus(http.StatusNotFound, errorBody{Error: msgUnknown(name)})
	case err != nil:
		return nil, fmt.Errorf("api: rejected files of %q: %w", name, err)
	}
	out := rejectedJSON{Job: name, Files: []rejectedFileJSON{}}
	for _, f := range files {
		out.Files = append(out.Files, rejectedFileJSON{Name: f.Name, Feed: f.Feed, SizeBytes: f.Size,
			RejectedAt: f.RejectedAt.UTC(), Reason: f.Reason, Replaced: f.Replaced})
	}
	return out, nil
}

// reloadFile is POST /api/v1/jobs/{name}/rejected/{file}/reload: 202 with the name the
// file has in the inbox again and the id of the run that loads it.
func (s *Server) reloadFile(c *gin.Context) (any, error) {
	if err := noParams(c); err != nil {
		return nil, err
	}
	name, file := c.Param("name"), c.Param("file")
	jf, _, refused, err := s.jobFiles(name)
	if refused != nil || err != nil {
		return refused, err
	}
	inbox, id, err := jf.Reload(name, file)
	switch {
	case errors.Is(err, ErrJobUnknown):
		return jsonStatus(http.StatusNotFound, errorBody{Error: msgUnknown(name)})
	case errors.Is(err, ErrJobRunning):
		return jsonStatus(http.StatusConflict, errorBody{Error: msgRunning(name)})
	case errors.Is(err, ErrFileNotRejected):
		return jsonStatus(http.StatusNotFound, errorBody{Error: fmt.Sprintf(
			"%s ligt niet (meer) bij de geweigerde bestanden van job %s; GET /api/v1/jobs/%s/rejected noemt ze", quoteName(file), name, name)})
	case errors.Is(err, ErrFileChanging):
		return jsonStatus(http.StatusConflict, errorBody{Error: fmt.Sprintf(
			"%s is net gewijzigd en wordt misschien nog gekopieerd; probeer het over een halve minuut opnieuw", quoteName(file))})
	case errors.Is(err, ErrFileWaiting):
		return jsonStatus(http.StatusConflict, errorBody{Error: msgWaiting(inboxName(err, file), name)})
	case err != nil:
		return nil, fmt.Errorf("api: load %q again: %w", name, err)
	}
	s.log.Info("rejected file loaded again through the API", "job", name, "run_id", id, "caller", c.GetString(ctxCaller))
	return jsonStatus(http.StatusAccepted, map[string]any{"job": name, "file": bsnmask.Mask(inbox), "run_id": id})
}

// inboxName is the file name a FileError names, else file.
func inboxName(err error, file string) string {
	var fe *FileError
	if errors.As(err, &fe) {
		return fe.Name
	}
	return file
}
