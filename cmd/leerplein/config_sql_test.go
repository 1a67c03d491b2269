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
