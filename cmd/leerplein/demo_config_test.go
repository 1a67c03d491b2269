package main

import (
	"path/filepath"
	"testing"
)

// TestDemoConfig checks the configuration `leerplein demo` writes for `make run`: the
// demo's warehouse and key beside it, and one job on the demo inbox, so the steward's
// page can take an upload in the demo.
func TestDemoConfig(t *testing.T) {
	dir := t.TempDir()
	c, err := parseConfig([]byte(demoConfig), dir)
	if err != nil {
		t.Fatalf("the demo's configuration does not parse: %v", err)
	}
	if c.warehouse != filepath.Join(dir, "leerplein.duckdb") || c.pseudoKeyFile != filepath.Join(dir, "demo.key") {
		t.Errorf("warehouse %s, key %s; want both in %s", c.warehouse, c.pseudoKeyFile, dir)
	}
	if c.pgwire.listen != "127.0.0.1:5433" {
		t.Errorf("pgwire listen %q; want 127.0.0.1:5433 (make run prints the psql line for it)", c.pgwire.listen)
	}
	if len(c.jobs) != 1 || c.jobs[0].Name != "demo" || c.jobs[0].Inbox != filepath.Join(dir, "demo-inbox") {
		t.Errorf("jobs %+v; want the job demo on %s", c.jobs, filepath.Join(dir, "demo-inbox"))
	}
}
