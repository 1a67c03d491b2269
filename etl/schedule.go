package etl

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
	_ "time/tzdata" // Europe/Amsterdam without system tzdata

	"github.com/robfig/cron/v3"

	"github.com/hetleerplein/leerplein/warehouse"
	"github.com/hetleerplein/leerplein/warehouse/tekst"
)

// DefaultStableAfter is how long a file's size and modification time must stay the same
// before a scheduled job picks it up, so a file still being copied is never loaded half.
const DefaultStableAfter = 10 * time.Second

// ScheduleZone is the time zone schedules are read in: the bureau's office hours.
const ScheduleZone = "Europe/Amsterdam"

// ErrJobRunning is returned by RunNow when the job has a run in progress.
var ErrJobRunning = errors.New("etl: the job is already running")

// ErrUnknownJob is returned by RunNow for a name that is not configured.
var ErrUnknownJob = errors.New("etl: no such job")

// ErrStopped is returned by RunNow once the scheduler is shutting down.
var ErrStopped = errors.New("etl: the scheduler is stopping")

// Job is one scheduled load: an inbox that is loaded on a cron schedule.
type Job struct {
	Name        string
	Schedule    string        // cron: five fields, or six with seconds first
	Inbox       string        // directory the exports arrive in
	Feeds       []string      // the feeds expected in this inbox (for staleness)
	StableAfter time.Duration // 0: DefaultStableAfter
	ExpectEvery time.Duration // how often data should arrive; 0: no expectation
}

// JobStatus is what the API shows about a job.
type JobStatus struct {
	Name        string        `json:"name"`
	Schedule    string        `json:"schedule"`
	Inbox       string        `json:"inbox"`
	Feeds       []string      `json:"feeds"`
	ExpectEvery time.Duration `json:"expect_every"`
	Running     bool          `json:"running"`
	LastRunID   int64         `json:"last_run_id,omitempty"`
	LastStatus  string        `json:"last_status,omitempty"` // running, ok, rejected, failed, skipped
	LastRun     time.Time     `json:"last_run,omitzero"`     // start of the last run
	LastEnded   time.Time     `json:"last_ended,omitzero"`   // its end; zero while running
	LastSuccess time.Time     `json:"last_success,omitzero"` // end of the last run with status ok
	NextRun     time.Time     `json:"next_run,omitzero"`
}

// SchedulerConfig is what a Scheduler needs; DB, Key and Jobs are required.
type SchedulerConfig struct {
	DB     *warehouse.DB
	Key    []byte
	Region Region
	Jobs   []Job
	Logger *slog.Logger
	// Retention is how long files stay in the inboxes' processed/ and rejected/
	// (0: DefaultRetention): removed at the start of every run, and hourly.
	Retention time.Duration
	// OnLoad is called after a run that loaded at least one file (e.g. to drop caches).
	OnLoad func()
}

// Scheduler runs the configured jobs on their schedules, one load at a time, in the
// process that holds the warehouse.
type Scheduler struct {
	cfg    SchedulerConfig
	cron   *cron.Cron
	ids    map[string]cron.EntryID
	jobs   map[string]Job
	ctx    context.Context // cancelled by Stop: the file in progress rolls back
	cancel context.CancelFunc
	loadMu sync.Mutex // one load at a time: DuckDB has one writer
	// loading is true while a run holds loadMu (Loading).
	loading atomic.Bool

	mu       sync.Mutex
	running  map[string]bool
	stopping bool
	wg       sync.WaitGroup
}

// ParseSchedule parses a cron schedule of five fields, or six with seconds first, in
// the Europe/Amsterdam time zone.
func ParseSchedule(spec string) (cron.Schedule, error) {
	loc, err := time.LoadLocation(ScheduleZone)
	if err != nil {
		return nil, fmt.Errorf("etl: time zone: %w", err)
	}
	s, err := cronParser().Parse(spec)
	if err != nil {
		return nil, err
	}
	if spec, ok := s.(*cron.SpecSchedule); ok {
		spec.Location = loc
	}
	return s, nil
}

func cronParser() cron.Parser {
	return cron.NewParser(cron.SecondOptional | cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)
}

// NewScheduler checks the jobs and prepares their schedules; Start starts them.
func NewScheduler(cfg SchedulerConfig) (*Scheduler, error) {
	if cfg.DB == nil {
		return nil, errors.New("etl: scheduler: no warehouse")
	}
	if len(cfg.Key) == 0 {
		return nil, ErrNoKey
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	loc, err := time.LoadLocation(ScheduleZone)
	if err != nil {
		return nil, fmt.Errorf("etl: time zone: %w", err)
	}
	s := &Scheduler{
		cfg:     cfg,
		cron:    cron.New(cron.WithParser(cronParser()), cron.WithLocation(loc)),
		ids:     map[string]cron.EntryID{},
		jobs:    map[string]Job{},
		running: map[string]bool{},
	}
	// A run a killed process left 'running' was marked failed when the warehouse was
	// opened (warehouse.Open).
	s.ctx, s.cancel = context.WithCancel(context.Background())
	for _, j := range cfg.Jobs {
		if j.Name == "" {
			return nil, errors.New("etl: scheduler: a job without a name")
		}
		if _, dup := s.jobs[j.Name]; dup {
			return nil, fmt.Errorf("etl: scheduler: job %q is configured twice", j.Name)
		}
		if j.StableAfter == 0 {
			j.StableAfter = DefaultStableAfter
		}
		name := j.Name
		id, err := s.cron.AddFunc(j.Schedule, func() { s.scheduled(name) })
		if err != nil {
			return nil, fmt.Errorf("etl: job %q: schedule %q: %w", j.Name, j.Schedule, err)
		}
		s.ids[j.Name] = id
		s.jobs[j.Name] = j
	}
	return s, nil
}

// Start starts running the jobs on their schedules, and the hourly removal of handled
// files past their retention (also done at once, and at the start of every run).
func (s *Scheduler) Start() {
	s.clean()
	if _, err := s.cron.AddFunc("@hourly", s.clean); err != nil {
		s.cfg.Logger.Error("retention: schedule the hourly clean-up", "error", err)
	}
	s.cron.Start()
}

// clean removes the files past their retention from every job's processed/ and
// rejected/.
func (s *Scheduler) clean() {
	for _, j := range s.cfg.Jobs {
		CleanInbox(j.Inbox, s.cfg.Retention, time.Now(), s.cfg.Logger.With("job", j.Name))
		cleanStaging(j.Inbox, time.Now(), s.cfg.Logger.With("job", j.Name))
	}
}

// Stop stops taking new work, cancels the run in progress (its current file commits or
// rolls back as a whole) and waits for it to end.
func (s *Scheduler) Stop() {
	s.mu.Lock()
	s.stopping = true
	s.mu.Unlock()
	<-s.cron.Stop().Done()
	s.cancel()
	s.wg.Wait()
}

// Jobs lists every job with its last run and next run, in configuration order.
func (s *Scheduler) Jobs() []JobStatus {
	out := make([]JobStatus, 0, len(s.cfg.Jobs))
	for _, cj := range s.cfg.Jobs {
		j := s.jobs[cj.Name]
		st := JobStatus{Name: j.Name, Schedule: j.Schedule, Inbox: j.Inbox, Feeds: j.Feeds, ExpectEvery: j.ExpectEvery}
		if st.Feeds == nil {
			st.Feeds = []string{}
		}
		s.mu.Lock()
		st.Running = s.running[j.Name]
		s.mu.Unlock()
		st.NextRun = s.cron.Entry(s.ids[j.Name]).Next
		if st.NextRun.IsZero() { // not started: compute from the schedule
			if sched, err := ParseSchedule(j.Schedule); err == nil {
				st.NextRun = sched.Next(time.Now())
			}
		}
		ctx := context.WithoutCancel(s.ctx)
		var started, ended sql.NullTime
		err := s.cfg.DB.QueryRowContext(ctx, `select run_id, status, started_at, finished_at from etl_run where job = ? order by run_id desc limit 1`,
			j.Name).Scan(&st.LastRunID, &st.LastStatus, &started, &ended)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			s.cfg.Logger.Warn("job status", "job", j.Name, "error", err)
		}
		st.LastRun, st.LastEnded = started.Time, ended.Time
		var ok sql.NullTime
		if err := s.cfg.DB.QueryRowContext(ctx, `select max(finished_at) from etl_run where job = ? and status = 'ok'`, j.Name).Scan(&ok); err == nil {
			st.LastSuccess = ok.Time
		}
		out = append(out, st)
	}
	return out
}

// Loading reports whether a run is loading files right now: the API gives way to it.
func (s *Scheduler) Loading() bool { return s.loading.Load() }

// RunNow starts a run of the named job at once and returns its run id; the run goes on
// in the background. It fails with ErrJobRunning when the job is running already.
func (s *Scheduler) RunNow(name string) (int64, error) {
	return s.start(name, nil)
}

// scheduled is what cron calls: a run, or a recorded skip when the job is still busy.
func (s *Scheduler) scheduled(name string) {
	_, err := s.start(name, nil)
	switch {
	case errors.Is(err, ErrJobRunning):
		s.cfg.Logger.Warn("job still running; scheduled run skipped", "job", name)
		if err := s.recordSkip(name); err != nil {
			s.cfg.Logger.Error("record skipped run", "job", name, "error", err)
		}
	case errors.Is(err, ErrStopped):
	case err != nil:
		s.cfg.Logger.Error("scheduled run", "job", name, "error", err)
	}
}

// start records a new run of the job and runs it in the background. place, when set,
// is called once the job is reserved (no other run of it can start) and before the run
// is recorded: it puts complete files into the inbox (deliver.go), which the run then
// takes without the stability wait; an error of place starts no run.
func (s *Scheduler) start(name string, place func(Job) ([]Placed, error)) (int64, error) {
	j, ok := s.jobs[name]
	if !ok {
		return 0, fmt.Errorf("%w: %q", ErrUnknownJob, name)
	}
	s.mu.Lock()
	if s.stopping {
		s.mu.Unlock()
		return 0, ErrStopped
	}
	if s.running[name] {
		s.mu.Unlock()
		return 0, fmt.Errorf("%w: %q", ErrJobRunning, name)
	}
	s.running[name] = true
	s.wg.Add(1)
	s.mu.Unlock()
	done := func() {
		s.mu.Lock()
		s.running[name] = false
		s.mu.Unlock()
		s.wg.Done()
	}
	var placed []Placed
	if place != nil {
		var err error
		if placed, err = place(j); err != nil {
			done()
			return 0, err
		}
	}
	runID, err := s.cfg.DB.StartRun(s.ctx, j.Name, j.Inbox)
	if err != nil {
		done()
		return 0, fmt.Errorf("etl: start run of %q: %w", name, err)
	}
	go func() {
		defer done()
		s.run(j, runID, placed)
	}()
	return runID, nil
}

// run loads the job's inbox under the one-writer lock; placed are the files a delivery
// put there whole.
func (s *Scheduler) run(j Job, runID int64, placed []Placed) {
	s.loadMu.Lock()
	defer s.loadMu.Unlock()
	s.loading.Store(true)
	defer s.loading.Store(false)
	log := s.cfg.Logger.With("job", j.Name, "run_id", runID)
	t0 := time.Now()
	sum, err := Run(s.ctx, s.cfg.DB, Options{
		Inbox: j.Inbox, Key: s.cfg.Key, Region: s.cfg.Region, Job: j.Name, Move: true,
		Logger: log, RunID: runID, StableAfter: j.StableAfter, Retention: s.cfg.Retention, Placed: placed,
	})
	// Run records the end itself, except when it failed before its first file.
	early := tekst.New(tekst.RunMisluktVooraf)
	if _, uerr := s.cfg.DB.ExecContext(context.WithoutCancel(s.ctx), `update etl_run set finished_at = now(), status = 'failed',
		reason = ?, reason_code = ? where run_id = ? and status = 'running'`, early.NL(), string(early.Code), runID); uerr != nil {
		log.Error("finish run", "error", uerr)
	}
	loaded, waiting := 0, 0
	for _, f := range sum.Files {
		switch f.Status {
		case StatusLoaded:
			loaded++
		case StatusWaiting:
			waiting++
		}
	}
	if err != nil {
		log.Error("run failed", "error", err, "files_loaded", loaded, "duration_ms", time.Since(t0).Milliseconds())
	} else {
		log.Info("run finished", "files", len(sum.Files), "files_loaded", loaded, "files_waiting", waiting,
			"files_rejected", sum.Rejected(), "duration_ms", time.Since(t0).Milliseconds())
	}
	if loaded > 0 && s.cfg.OnLoad != nil {
		s.cfg.OnLoad()
	}
}

// recordSkip writes a finished run with status 'skipped' so the ledger shows that a
// scheduled run did not happen because the previous one was still busy.
func (s *Scheduler) recordSkip(name string) error {
	_, err := s.cfg.DB.ExecContext(context.WithoutCancel(s.ctx), `insert into etl_run (run_id, job, inbox, started_at, finished_at, status)
		values (nextval('etl_run_seq'), ?, ?, now(), now(), 'skipped')`, name, s.jobs[name].Inbox)
	return err
}

// FeedNames lists the feeds the loader knows, for checking a job's configuration.
func FeedNames() []string {
	var names []string
	for _, f := range feeds() {
		names = append(names, f.name)
	}
	return names
}
