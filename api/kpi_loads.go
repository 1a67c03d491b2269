package api

import (
	"time"

	"github.com/gin-gonic/gin"
)

// loadJSON is one loader run, as beheer sees it.
type loadJSON struct {
	RunID      int64      `json:"run_id"`
	Job        string     `json:"job"`
	StartedAt  time.Time  `json:"started_at"`
	FinishedAt *time.Time `json:"finished_at"`
	Status     string     `json:"status"`
	Files      int64      `json:"files"`
	Loaded     int64      `json:"loaded"`
	Rejected   int64      `json:"rejected"`
}

// listLoads serves the latest 50 loader runs (beheer only): when data came in and
// whether files were rejected.
func (s *Server) listLoads(c *gin.Context) (any, error) {
	rows, err := s.db.QueryContext(c.Request.Context(), `
		select r.run_id, r.job, r.started_at, r.finished_at, r.status,
		       count(f.file_id), count(f.file_id) filter (where f.status = 'loaded'),
		       count(f.file_id) filter (where f.status = 'rejected')
		from etl_run as r
		left join etl_file as f on f.run_id = r.run_id
		group by all
		order by r.run_id desc
		limit 50`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []loadJSON{}
	for rows.Next() {
		var l loadJSON
		if err := rows.Scan(&l.RunID, &l.Job, &l.StartedAt, &l.FinishedAt, &l.Status, &l.Files, &l.Loaded, &l.Rejected); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return map[string]any{"loads": out}, nil
}
