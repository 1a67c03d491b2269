package main

import (
	"errors"
	"fmt"

	"github.com/hetleerplein/leerplein/api"
	"github.com/hetleerplein/leerplein/etl"
)

// schedulerJobs is also the api's JobFiles: the steward's upload and load-again.

// FeedOf names the feed the loader would load a file of this name into.
func (a schedulerJobs) FeedOf(file string) string { return etl.FeedOf(file) }

// FeedNames lists the loader's feeds.
func (a schedulerJobs) FeedNames() []string { return etl.FeedNames() }

// StagingDir is the job's directory for uploads in progress.
func (a schedulerJobs) StagingDir(job string) (string, error) {
	dir, err := a.s.StagingDir(job)
	return dir, apiFileErr(err)
}

// Deliver moves staged uploads into the job's inbox and starts a run.
func (a schedulerJobs) Deliver(job string, files []api.StagedFile) (int64, error) {
	staged := make([]etl.Staged, len(files))
	for i, f := range files {
		staged[i] = etl.Staged{Path: f.Path, Name: f.Name}
	}
	id, err := a.s.Deliver(job, staged)
	return id, apiFileErr(err)
}

// Rejected lists the files of the job's rejected/.
func (a schedulerJobs) Rejected(job string) ([]api.RejectedFile, error) {
	files, err := a.s.Rejected(job)
	if err != nil {
		return nil, apiFileErr(err)
	}
	out := make([]api.RejectedFile, len(files))
	for i, f := range files {
		out[i] = api.RejectedFile{Name: f.Name, Feed: f.Feed, Size: f.Size, RejectedAt: f.RejectedAt,
			Reason: f.Reason, Replaced: f.Replaced}
	}
	return out, nil
}

// Reload moves a rejected file back into the inbox and starts a run.
func (a schedulerJobs) Reload(job, file string) (string, int64, error) {
	name, id, err := a.s.Reload(job, file)
	return name, id, apiFileErr(err)
}

// apiFileErr maps the scheduler's errors onto the API's.
func apiFileErr(err error) error {
	var fe *etl.FileError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &fe):
		out := &api.FileError{Name: fe.Name, Err: err}
		switch {
		case errors.Is(err, etl.ErrFileWaiting):
			out.Err = fmt.Errorf("%w: %w", api.ErrFileWaiting, err)
		case errors.Is(err, etl.ErrNotRejected):
			out.Err = fmt.Errorf("%w: %w", api.ErrFileNotRejected, err)
		case errors.Is(err, etl.ErrRecentlyChanged):
			out.Err = fmt.Errorf("%w: %w", api.ErrFileChanging, err)
		}
		return out
	case errors.Is(err, etl.ErrUnknownJob):
		return fmt.Errorf("%w: %w", api.ErrJobUnknown, err)
	case errors.Is(err, etl.ErrJobRunning), errors.Is(err, etl.ErrStopped):
		return fmt.Errorf("%w: %w", api.ErrJobRunning, err)
	}
	return err
}

// schedulerJobs must serve the upload routes.
var _ api.JobFiles = schedulerJobs{}
