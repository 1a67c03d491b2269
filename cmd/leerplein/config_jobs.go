package main

import (
	"errors"
	"fmt"

	"github.com/hetleerplein/leerplein/api"
	"github.com/hetleerplein/leerplein/etl"
)

// schedulerJobs adapts *etl.Scheduler to api.Jobs: api and etl do not import each other.
type schedulerJobs struct{ s *etl.Scheduler }

// Jobs lists the scheduler's jobs in the API's terms.
func (a schedulerJobs) Jobs() []api.JobInfo {
	var out []api.JobInfo
	for _, j := range a.s.Jobs() {
		out = append(out, api.JobInfo{Name: j.Name, Schedule: j.Schedule, Inbox: j.Inbox, Feeds: j.Feeds,
			ExpectEvery: j.ExpectEvery, Running: j.Running, LastRunID: j.LastRunID, LastStatus: j.LastStatus,
			LastStarted: j.LastRun, LastEnded: j.LastEnded, NextRun: j.NextRun})
	}
	return out
}

// Loading reports whether a run is loading files right now.
func (a schedulerJobs) Loading() bool { return a.s.Loading() }

// RunNow starts a run, mapping the scheduler's errors onto the API's.
func (a schedulerJobs) RunNow(name string) (int64, error) {
	id, err := a.s.RunNow(name)
	switch {
	case errors.Is(err, etl.ErrUnknownJob):
		return 0, fmt.Errorf("%w: %w", api.ErrJobUnknown, err)
	case errors.Is(err, etl.ErrJobRunning), errors.Is(err, etl.ErrStopped):
		return 0, fmt.Errorf("%w: %w", api.ErrJobRunning, err)
	}
	return id, err
}
