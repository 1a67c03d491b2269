package main

import (
	"strings"
	"testing"
	"time"
)

// TestConfigSQL reads the optional sql: section: the sandbox's limits, or an error
// that names the key.
func TestConfigSQL(t *testing.T) {
	cases := []struct {
		name, yaml string
		timeout    time.Duration
		maxRows    int
		memory     string
		err        string
	}{
		{"absent", "warehouse: w.duckdb\n", 0, 0, "", ""},
		{"all", "warehouse: w.duckdb\nsql:\n  timeout: 10s\n  max_rows: 5000\n  memory_limit: 1GB\n", 10 * time.Second, 5000, "1GB", ""},
		{"bad timeout", "warehouse: w.duckdb\nsql:\n  timeout: soon\n", 0, 0, "", "sql: timeout"},
		{"negative rows", "warehouse: w.duckdb\nsql:\n  max_rows: -1\n", 0, 0, "", "sql: max_rows"},
		{"unknown key", "warehouse: w.duckdb\nsql:\n  rows: 5\n", 0, 0, "", "rows"},
		{"bad memory", "warehouse: w.duckdb\nsql:\n  memory_limit: lots\n", 0, 0, "", "sql: memory_limit"},
		{"too little memory per worker", "warehouse: w.duckdb\nsql:\n  memory_limit: 256MB\n  workers: 4\n", 0, 0, "", "at least 128 MB"},
		{"bad queue wait", "warehouse: w.duckdb\nsql:\n  queue_wait: never\n", 0, 0, "", "sql: queue_wait"},
		{"bad result size", "warehouse: w.duckdb\nsql:\n  max_result_size: 10\n", 0, 0, "", "sql: max_result_size"},
		{"negative per_user", "warehouse: w.duckdb\nsql:\n  per_user: -1\n", 0, 0, "", "per_user"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := parseConfig([]byte(c.yaml), t.TempDir())
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("got error %v, want one mentioning %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.sqlTimeout != c.timeout || cfg.sqlMaxRows != c.maxRows || cfg.sqlMemoryLimit != c.memory {
				t.Errorf("got %s, %d, %q; want %s, %d, %q", cfg.sqlTimeout, cfg.sqlMaxRows, cfg.sqlMemoryLimit, c.timeout, c.maxRows, c.memory)
			}
		})
	}
}

func TestConfigLoadRequestRate(t *testing.T) {
	for _, c := range []struct {
		yaml string
		want float64
	}{
		{"warehouse: w.duckdb\n", 0},
		{"warehouse: w.duckdb\nload_request_rate: 150\n", 150},
		{"warehouse: w.duckdb\nload_request_rate: -1\n", -1},
	} {
		cfg, err := parseConfig([]byte(c.yaml), t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		if cfg.loadRequestRate != c.want {
			t.Errorf("%q: load_request_rate %v, want %v", c.yaml, cfg.loadRequestRate, c.want)
		}
	}
}

// TestConfigSQLProcesses reads the sandbox's process limits of the sql: section.
func TestConfigSQLProcesses(t *testing.T) {
	yaml := "warehouse: w.duckdb\nsql:\n  memory_limit: 1GB\n  workers: 2\n  per_user: 1\n  queue_wait: 3s\n" +
		"  max_result_size: 64MiB\n  worker_command: [bin/leerplein, sandbox-worker]\n"
	base := t.TempDir()
	cfg, err := parseConfig([]byte(yaml), base)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.sqlWorkers != 2 || cfg.sqlPerUser != 1 || cfg.sqlQueueWait != 3*time.Second || cfg.sqlMaxResult != 64<<20 {
		t.Errorf("got workers %d, per_user %d, queue_wait %s, max_result_size %d; want 2, 1, 3s, 64 MiB",
			cfg.sqlWorkers, cfg.sqlPerUser, cfg.sqlQueueWait, cfg.sqlMaxResult)
	}
	if want := base + "/bin/leerplein"; len(cfg.sqlWorkerCmd) != 2 || cfg.sqlWorkerCmd[0] != want || cfg.sqlWorkerCmd[1] != "sandbox-worker" {
		t.Errorf("worker_command %q; want [%s sandbox-worker] (relative to the file)", cfg.sqlWorkerCmd, want)
	}
}
