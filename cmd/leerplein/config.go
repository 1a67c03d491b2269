package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	yaml "go.yaml.in/yaml/v4"

	"github.com/hetleerplein/leerplein/etl"
	"github.com/hetleerplein/leerplein/warehouse"
)

// fileConfig is leerplein.yaml: everything a server with scheduled loads needs.
// See leerplein.example.yaml for the documented form.
type fileConfig struct {
	Warehouse     string    `yaml:"warehouse"`
	Listen        string    `yaml:"listen"`
	Region        string    `yaml:"region"`
	PseudoKeyFile string    `yaml:"pseudo_key_file"`
	BackupDir     string    `yaml:"backup_dir"`
	SQL           sqlConfig `yaml:"sql"`
	// PGWire: the PostgreSQL wire endpoint over the SQL sandbox (config_pgwire.go).
	PGWire pgwireFileConfig `yaml:"pgwire"`
	// Upload: limits of the steward's upload through the API (config_upload.go).
	Upload uploadConfig `yaml:"upload"`
	// LoadRequestRate: API requests per second admitted while a load runs (0: the
	// server's default, 400; negative: no pacing).
	LoadRequestRate float64     `yaml:"load_request_rate"`
	Jobs            []jobConfig `yaml:"jobs"`

	// RetentionDays: how long files stay in the inboxes' processed/ and rejected/
	// (0: 30 days).
	RetentionDays int `yaml:"retention_days"`
	// Dashboard sessions and the HTTP in front of the server (config_http.go).
	SessionIdle    string   `yaml:"session_idle"`
	SessionMaxAge  string   `yaml:"session_max_age"`
	CookieSecure   string   `yaml:"cookie_secure"`
	PublicURL      string   `yaml:"public_url"`
	TrustedProxies []string `yaml:"trusted_proxies"`
}

// sqlConfig is the optional sql: section: limits of the analysts' SQL sandbox.
type sqlConfig struct {
	Timeout       string   `yaml:"timeout"`         // default 30s
	MaxRows       int      `yaml:"max_rows"`        // default 1000000
	MemoryLimit   string   `yaml:"memory_limit"`    // default 2GB, all worker processes together
	Workers       int      `yaml:"workers"`         // default 4
	PerUser       int      `yaml:"per_user"`        // default 2
	QueueWait     string   `yaml:"queue_wait"`      // default 10s
	MaxResultSize string   `yaml:"max_result_size"` // default 256MiB
	WorkerCommand []string `yaml:"worker_command"`  // default: this binary, sandbox-worker
}

// jobConfig is one entry of jobs: in the configuration file.
type jobConfig struct {
	Name        string   `yaml:"name"`
	Schedule    string   `yaml:"schedule"`
	Inbox       string   `yaml:"inbox"`
	Feeds       []string `yaml:"feeds"`
	StableAfter string   `yaml:"stable_after"`
	ExpectEvery string   `yaml:"expect_every"`
}

// config is a checked configuration file with relative paths made absolute.
type config struct {
	path            string
	warehouse       string
	listen          string
	region          string
	pseudoKeyFile   string
	backupDir       string        // the only directory (and below) the server writes backups into
	retention       time.Duration // how long processed/ and rejected/ keep a file
	sqlTimeout      time.Duration // 0: the server's default
	sqlMaxRows      int
	sqlMemoryLimit  string
	sqlWorkers      int
	sqlPerUser      int
	sqlQueueWait    time.Duration
	sqlMaxResult    int64
	sqlWorkerCmd    []string
	loadRequestRate float64 // 0: the server's default
	uploadMaxBytes  int64   // one uploaded file at most
	uploadMaxFiles  int     // files of one upload at most
	http            httpConfig
	pgwire          pgwireConfig
	jobs            []etl.Job
}

// loadConfig reads and checks a configuration file. Relative paths in it are relative
// to the file's directory, so the file means the same from wherever it is used.
func loadConfig(path string) (config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return config{}, fmt.Errorf("config: %w", err)
	}
	c, err := parseConfig(b, filepath.Dir(path))
	if err != nil {
		return config{}, fmt.Errorf("config %s: %w", path, err)
	}
	c.path = path
	return c, nil
}

// parseConfig decodes and checks the YAML; unknown keys are errors, so a typo does not
// silently fall back to a default.
func parseConfig(b []byte, base string) (config, error) {
	var fc fileConfig
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&fc); err != nil && !errors.Is(err, io.EOF) {
		return config{}, err
	}
	abs := func(p string) string {
		if p == "" || filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(base, p)
	}
	if fc.Warehouse == "" {
		return config{}, errors.New("warehouse: is required (the DuckDB file, e.g. /srv/leerplein/leerplein.duckdb)")
	}
	c := config{warehouse: abs(fc.Warehouse), listen: fc.Listen, region: abs(fc.Region), pseudoKeyFile: abs(fc.PseudoKeyFile)}
	if c.listen == "" {
		c.listen = "127.0.0.1:8080"
	}
	if fc.SQL.Timeout != "" {
		d, err := parseDuration(fc.SQL.Timeout)
		if err != nil {
			return config{}, fmt.Errorf("sql: timeout: %w", err)
		}
		c.sqlTimeout = d
	}
	if fc.SQL.MaxRows < 0 {
		return config{}, fmt.Errorf("sql: max_rows must be positive (default 1000000)")
	}
	c.sqlMaxRows, c.sqlMemoryLimit = fc.SQL.MaxRows, fc.SQL.MemoryLimit
	if err := parseSQLLimits(fc.SQL, &c); err != nil {
		return config{}, err
	}
	if len(c.sqlWorkerCmd) > 0 && strings.Contains(c.sqlWorkerCmd[0], "/") {
		c.sqlWorkerCmd[0] = abs(c.sqlWorkerCmd[0]) // workers start in /
	}
	c.loadRequestRate = fc.LoadRequestRate
	if err := parseUploadConfig(fc.Upload, &c); err != nil {
		return config{}, err
	}
	if fc.RetentionDays < 0 {
		return config{}, fmt.Errorf("retention_days must be at least 1 (default 30)")
	}
	c.retention = etl.DefaultRetention
	if fc.RetentionDays > 0 {
		c.retention = time.Duration(fc.RetentionDays) * 24 * time.Hour
	}
	hc, err := parseHTTPConfig(fc)
	if err != nil {
		return config{}, err
	}
	c.http = hc
	if c.pgwire, err = parsePGWireConfig(fc.PGWire, abs); err != nil {
		return config{}, err
	}
	c.backupDir = abs(fc.BackupDir)
	if c.backupDir == "" {
		c.backupDir = filepath.Join(filepath.Dir(c.warehouse), "backups")
	}
	known := etl.FeedNames()
	for i, jc := range fc.Jobs {
		where := fmt.Sprintf("jobs[%d]", i)
		if jc.Name == "" {
			return config{}, fmt.Errorf("%s: name is required", where)
		}
		where = fmt.Sprintf("job %q", jc.Name)
		for _, earlier := range c.jobs {
			if earlier.Name == jc.Name {
				return config{}, fmt.Errorf("%s: the name is used twice", where)
			}
		}
		if jc.Schedule == "" {
			return config{}, fmt.Errorf("%s: schedule is required (cron, e.g. \"0 */15 * * * *\")", where)
		}
		if _, err := etl.ParseSchedule(jc.Schedule); err != nil {
			return config{}, fmt.Errorf("%s: schedule %q: %v (five fields: minute hour day month weekday; six: seconds first)", where, jc.Schedule, err)
		}
		if jc.Inbox == "" {
			return config{}, fmt.Errorf("%s: inbox is required", where)
		}
		for _, f := range jc.Feeds {
			if !slices.Contains(known, f) {
				return config{}, fmt.Errorf("%s: unknown feed %q; the feeds are %s", where, f, strings.Join(known, ", "))
			}
		}
		j := etl.Job{Name: jc.Name, Schedule: jc.Schedule, Inbox: abs(jc.Inbox), Feeds: jc.Feeds, StableAfter: etl.DefaultStableAfter}
		var err error
		if jc.StableAfter != "" {
			if j.StableAfter, err = parseDuration(jc.StableAfter); err != nil {
				return config{}, fmt.Errorf("%s: stable_after: %w", where, err)
			}
		}
		if jc.ExpectEvery != "" {
			if j.ExpectEvery, err = parseDuration(jc.ExpectEvery); err != nil {
				return config{}, fmt.Errorf("%s: expect_every: %w", where, err)
			}
		}
		c.jobs = append(c.jobs, j)
	}
	return c, nil
}

// parseSQLLimits reads the sandbox's process limits of the sql: section.
func parseSQLLimits(sc sqlConfig, c *config) error {
	if sc.Workers < 0 || sc.PerUser < 0 {
		return fmt.Errorf("sql: workers and per_user must be positive (default 4 and 2)")
	}
	c.sqlWorkers, c.sqlPerUser, c.sqlWorkerCmd = sc.Workers, sc.PerUser, sc.WorkerCommand
	if sc.QueueWait != "" {
		d, err := parseDuration(sc.QueueWait)
		if err != nil {
			return fmt.Errorf("sql: queue_wait: %w", err)
		}
		c.sqlQueueWait = d
	}
	if sc.MaxResultSize != "" {
		n, err := warehouse.ParseSize(sc.MaxResultSize)
		if err != nil || n < 1<<20 {
			return fmt.Errorf("sql: max_result_size: %q: use a size of at least 1MiB, such as 256MiB", sc.MaxResultSize)
		}
		c.sqlMaxResult = n
	}
	if err := (warehouse.SandboxConfig{Memory: c.sqlMemoryLimit, Workers: c.sqlWorkers}).Check(); err != nil {
		return fmt.Errorf("sql: memory_limit: %w", err)
	}
	return nil
}

func parseDuration(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%q is not a positive duration (use e.g. 10s, 15m, 744h)", s)
	}
	return d, nil
}

// jobForInbox finds the job that loads from dir.
func (c config) jobForInbox(dir string) (etl.Job, bool) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return etl.Job{}, false
	}
	for _, j := range c.jobs {
		if samePath(j.Inbox, abs) {
			return j, true
		}
	}
	return etl.Job{}, false
}

// key reads the pseudonym key from pseudo_key_file, else from the environment.
func (c config) key(e env) ([]byte, error) {
	return loadKey(e, c.pseudoKeyFile)
}
