package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestConfigExampleFromIssue(t *testing.T) {
	c, err := parseConfig([]byte(`warehouse: /srv/leerplein/leerplein.duckdb
listen: 127.0.0.1:8080
jobs:
  - name: gemeenten
    schedule: "0 */15 * * * *"
    inbox: /srv/leerplein/inbox
    stable_after: 10s
    expect_every: 744h
`), "/etc")
	if err != nil {
		t.Fatal(err)
	}
	if c.warehouse != "/srv/leerplein/leerplein.duckdb" || c.listen != "127.0.0.1:8080" {
		t.Errorf("warehouse, listen = %q, %q", c.warehouse, c.listen)
	}
	if len(c.jobs) != 1 {
		t.Fatalf("got %d jobs, want 1", len(c.jobs))
	}
	j := c.jobs[0]
	if j.Name != "gemeenten" || j.Schedule != "0 */15 * * * *" || j.Inbox != "/srv/leerplein/inbox" ||
		j.StableAfter != 10*time.Second || j.ExpectEvery != 744*time.Hour {
		t.Errorf("job = %+v", j)
	}
}

func TestConfigExampleFile(t *testing.T) {
	c, err := loadConfig(filepath.Join("..", "..", "leerplein.example.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.jobs) != 2 {
		t.Fatalf("got %d jobs, want 2", len(c.jobs))
	}
	if got := c.jobs[1].StableAfter; got != 10*time.Second {
		t.Errorf("default stable_after = %s, want 10s", got)
	}
	if c.retention != 30*24*time.Hour {
		t.Errorf("default retention = %s, want 30 days", c.retention)
	}
	c, err = parseConfig([]byte("warehouse: w.duckdb\nretention_days: 7\n"), "/etc")
	if err != nil || c.retention != 7*24*time.Hour {
		t.Errorf("retention_days: 7 gives %s (%v), want 7 days", c.retention, err)
	}
}

func TestConfigErrors(t *testing.T) {
	const wh = "warehouse: w.duckdb\n"
	tests := []struct {
		name, yaml, want string
	}{
		{"unknown key", wh + "listn: x\n", "field listn not found"},
		{"unknown job key", wh + "jobs:\n  - name: a\n    schedule: '@hourly'\n    inbox: i\n    stable: 1s\n", "field stable not found"},
		{"no warehouse", "listen: x\n", "warehouse: is required"},
		{"bad schedule names the job", wh + "jobs:\n  - name: duo\n    schedule: '* * *'\n    inbox: i\n", `job "duo": schedule "* * *"`},
		{"seven fields", wh + "jobs:\n  - name: duo\n    schedule: '0 0 0 * * * *'\n    inbox: i\n", `job "duo": schedule`},
		{"no inbox", wh + "jobs:\n  - name: duo\n    schedule: '@hourly'\n", `job "duo": inbox is required`},
		{"no name", wh + "jobs:\n  - schedule: '@hourly'\n", "jobs[0]: name is required"},
		{"twice", wh + "jobs:\n  - {name: a, schedule: '@hourly', inbox: i}\n  - {name: a, schedule: '@hourly', inbox: j}\n", `job "a": the name is used twice`},
		{"bad duration", wh + "jobs:\n  - {name: a, schedule: '@hourly', inbox: i, stable_after: 10}\n", `job "a": stable_after: "10" is not a positive duration`},
		{"unknown feed", wh + "jobs:\n  - {name: a, schedule: '@hourly', inbox: i, feeds: [leerling]}\n", `job "a": unknown feed "leerling"`},
		{"negative retention", wh + "retention_days: -1\n", "retention_days must be at least 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseConfig([]byte(tt.yaml), "/etc")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestConfigRelativePaths(t *testing.T) {
	c, err := parseConfig([]byte("warehouse: data/w.duckdb\njobs:\n  - {name: a, schedule: '*/5 * * * *', inbox: in}\n"), "/etc/leerplein")
	if err != nil {
		t.Fatal(err)
	}
	if c.warehouse != "/etc/leerplein/data/w.duckdb" || c.jobs[0].Inbox != "/etc/leerplein/in" {
		t.Errorf("paths = %q, %q; want them relative to the file's directory", c.warehouse, c.jobs[0].Inbox)
	}
}
