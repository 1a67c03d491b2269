package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/hetleerplein/leerplein/warehouse/tekst"
)

// Jobs is what the server needs of the scheduler. The api package does not import etl
// (cmd → api, etl → warehouse): cmd adapts *etl.Scheduler to this interface. A nil
// Jobs (plain `serve --db`) means no job is configured.
type Jobs interface {
	// Jobs lists the configured jobs and their state.
	Jobs() []JobInfo
	// RunNow starts a run of the named job and returns its run id (etl_run.run_id).
	// It returns an error wrapping ErrJobUnknown or ErrJobRunning when it cannot.
	RunNow(name string) (int64, error)
	// Loading reports whether a run is loading files right now; the server then paces
	// its API requests (Config.LoadRequestRate).
	Loading() bool
}

// JobInfo is one scheduled job as the scheduler sees it.
type JobInfo struct {
	Name        string
	Schedule    string        // cron expression as configured
	Inbox       string        // directory the job loads from
	Feeds       []string      // feeds the job expects
	ExpectEvery time.Duration // how often each feed should load; 0: no expectation
	Running     bool
	LastRunID   int64 // 0 when the job has not run since the server started
	LastStatus  string
	LastStarted time.Time // zero when unknown
	LastEnded   time.Time
	NextRun     time.Time // zero when not scheduled
}

// Errors a Jobs implementation returns (wrapped) from RunNow; the API answers 404 and
// 409 for them.
var (
	ErrJobUnknown = errors.New("job unknown")
	ErrJobRunning = errors.New("job is already running")
)

// The JSON of /api/v1/jobs; api/openapi.json describes the same.
type jobsJSON struct {
	Jobs       []jobJSON      `json:"jobs"`
	Feeds      []feedLoadJSON `json:"feeds"`
	StaleFeeds []string       `json:"stale_feeds"`
}

type jobJSON struct {
	Name               string         `json:"name"`
	Schedule           string         `json:"schedule"`
	ScheduleNL         string         `json:"schedule_nl"` // the schedule in Dutch words, for the steward
	Inbox              string         `json:"inbox"`
	ExpectEvery        string         `json:"expect_every"`
	ExpectEverySeconds int64          `json:"expect_every_seconds"`
	ExpectEveryNL      string         `json:"expect_every_nl"` // "elke 31 dagen"; "" without one
	Running            bool           `json:"running"`
	LastRun            *jobRunJSON    `json:"last_run"`
	NextRun            *time.Time     `json:"next_run"`
	Stale              bool           `json:"stale"`
	Feeds              []feedLoadJSON `json:"feeds"`
}

type jobRunJSON struct {
	RunID      int64      `json:"run_id"`
	Status     string     `json:"status"`
	StatusNL   string     `json:"status_nl"`
	StartedAt  *time.Time `json:"started_at"`
	FinishedAt *time.Time `json:"finished_at"`
}

// feedLoadJSON is a feed's last successful load and whether that is too long ago.
type feedLoadJSON struct {
	Feed       string     `json:"feed"`
	LastLoaded *time.Time `json:"last_loaded"`
	Stale      bool       `json:"stale"`
}

// feedState is the staleness of every feed at one moment.
type feedState struct {
	last   map[string]time.Time
	expect map[string]time.Duration // smallest expect_every over the jobs that list the feed
	now    time.Time
}

func (fs feedState) stale(feed string) bool {
	every, ok := fs.expect[feed]
	if !ok || every <= 0 {
		return false
	}
	last, ok := fs.last[feed]
	return !ok || fs.now.Sub(last) > every
}

func (fs feedState) feedJSON(feed string) feedLoadJSON {
	out := feedLoadJSON{Feed: feed, Stale: fs.stale(feed)}
	if t, ok := fs.last[feed]; ok {
		out.LastLoaded = timeOrNil(t)
	}
	return out
}

// staleFeeds lists the stale feeds, sorted.
func (fs feedState) staleFeeds() []string {
	out := []string{}
	for feed := range fs.expect {
		if fs.stale(feed) {
			out = append(out, feed)
		}
	}
	slices.Sort(out)
	return out
}

func (s *Server) jobList() []JobInfo {
	if s.cfg.Jobs == nil {
		return nil
	}
	return s.cfg.Jobs.Jobs()
}

// feedState reads the last loads from the ledger and the expectations from the jobs.
func (s *Server) feedState(ctx context.Context) (feedState, error) {
	last, err := s.db.LastLoads(ctx)
	if err != nil {
		return feedState{}, err
	}
	fs := feedState{last: last, expect: map[string]time.Duration{}, now: s.now()}
	for _, j := range s.jobList() {
		if j.ExpectEvery <= 0 {
			continue
		}
		for _, f := range j.Feeds {
			if cur, ok := fs.expect[f]; !ok || j.ExpectEvery < cur {
				fs.expect[f] = j.ExpectEvery
			}
		}
	}
	return fs, nil
}

// listJobs serves the jobs with the staleness of their feeds (beheer only).
func (s *Server) listJobs(c *gin.Context) (any, error) {
	if err := noParams(c); err != nil {
		return nil, err
	}
	fs, err := s.feedState(c.Request.Context())
	if err != nil {
		return nil, err
	}
	out := jobsJSON{Jobs: []jobJSON{}, Feeds: []feedLoadJSON{}, StaleFeeds: fs.staleFeeds()}
	for _, j := range s.jobList() {
		jj := jobJSON{Name: j.Name, Schedule: j.Schedule, ScheduleNL: describeSchedule(j.Schedule), Inbox: j.Inbox,
			Running: j.Running, NextRun: timeOrNil(j.NextRun), Feeds: []feedLoadJSON{}}
		if j.ExpectEvery > 0 {
			jj.ExpectEveryNL = describePeriod(j.ExpectEvery)
			jj.ExpectEvery = j.ExpectEvery.String()
			jj.ExpectEverySeconds = int64(j.ExpectEvery / time.Second)
		}
		if j.LastRunID != 0 {
			jj.LastRun = &jobRunJSON{RunID: j.LastRunID, Status: j.LastStatus, StatusNL: tekst.RunStatusNL(j.LastStatus),
				StartedAt: timeOrNil(j.LastStarted), FinishedAt: timeOrNil(j.LastEnded)}
		}
		for _, f := range j.Feeds {
			fj := fs.feedJSON(f)
			if j.ExpectEvery > 0 && (fj.LastLoaded == nil || fs.now.Sub(*fj.LastLoaded) > j.ExpectEvery) {
				fj.Stale = true // stale by this job's own expectation
			}
			jj.Stale = jj.Stale || fj.Stale
			jj.Feeds = append(jj.Feeds, fj)
		}
		out.Jobs = append(out.Jobs, jj)
	}
	feeds := map[string]bool{}
	for f := range fs.last {
		feeds[f] = true
	}
	for f := range fs.expect {
		feeds[f] = true
	}
	names := make([]string, 0, len(feeds))
	for f := range feeds {
		names = append(names, f)
	}
	slices.Sort(names)
	for _, f := range names {
		out.Feeds = append(out.Feeds, fs.feedJSON(f))
	}
	return out, nil
}

// runJob starts a job now: 202 with the run id, 404 for an unknown job, 409 when it
// is already running.
func (s *Server) runJob(c *gin.Context) (any, error) {
	if err := noParams(c); err != nil {
		return nil, err
	}
	name := c.Param("name")
	unknown := errorBody{Error: fmt.Sprintf("job %s is unknown; GET /api/v1/jobs lists the configured jobs", name)}
	if s.cfg.Jobs == nil {
		return jsonStatus(http.StatusNotFound, unknown)
	}
	id, err := s.cfg.Jobs.RunNow(name)
	switch {
	case errors.Is(err, ErrJobUnknown):
		return jsonStatus(http.StatusNotFound, unknown)
	case errors.Is(err, ErrJobRunning):
		return jsonStatus(http.StatusConflict, errorBody{Error: fmt.Sprintf("job %s is already running; wait for it to finish", name)})
	case err != nil:
		return nil, fmt.Errorf("api: run job %q: %w", name, err)
	}
	s.log.Info("job started through the API", "job", name, "run_id", id, "caller", c.GetString(ctxCaller))
	return jsonStatus(http.StatusAccepted, map[string]any{"run_id": id, "job": name})
}

// jsonStatus is a JSON response with a status other than 200.
func jsonStatus(status int, v any) (*body, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("api: encode: %w", err)
	}
	return &body{contentType: "application/json; charset=utf-8", data: data, status: status}, nil
}

// noParams rejects any query parameter: a misspelt one is not silently ignored.
func noParams(c *gin.Context) error {
	for k := range c.Request.URL.Query() {
		return badParam(k, "unknown parameter; this resource takes none")
	}
	return nil
}

// staleCache keeps the stale feeds for FreshnessInterval, so KPI responses can say
// which of their feeds are stale without a ledger query each.
type staleCache struct {
	mu    sync.Mutex
	at    time.Time
	feeds []string
}

// staleFeeds is the sorted list of stale feeds, at most FreshnessInterval old; nil
// when no job is configured (then nothing is expected, so nothing is stale).
func (s *Server) staleFeeds(ctx context.Context) ([]string, error) {
	if s.cfg.Jobs == nil {
		return nil, nil
	}
	s.stale.mu.Lock()
	defer s.stale.mu.Unlock()
	now := s.now()
	if !s.stale.at.IsZero() && now.Sub(s.stale.at) < s.cfg.FreshnessInterval {
		return s.stale.feeds, nil
	}
	fs, err := s.feedState(ctx)
	if err != nil {
		return nil, err
	}
	s.stale.at, s.stale.feeds = now, fs.staleFeeds()
	return s.stale.feeds, nil
}
