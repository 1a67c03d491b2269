package warehouse

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
)

func runStatus(t *testing.T, db *DB, id int64) (string, string) {
	t.Helper()
	var status string
	var reason sql.NullString
	if err := db.QueryRow("select status, reason from etl_run where run_id = ?", id).Scan(&status, &reason); err != nil {
		t.Fatal(err)
	}
	return status, reason.String
}

// TestOpenMarksInterruptedRunsFailed: a run another process left 'running' (its owner,
// or none from before owners were recorded) is failed with a Dutch reason when the
// warehouse is opened; a run of this process, which holds the warehouse through a
// second Open, is left alone.
func TestOpenMarksInterruptedRunsFailed(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "w.duckdb")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`insert into etl_run (run_id, job, inbox, started_at, status, owner) values
		(nextval('etl_run_seq'), 'manual', '/inbox', now(), 'running', 'pid 4711 killed'),
		(nextval('etl_run_seq'), 'gemeenten', '/inbox', now(), 'running', null),
		(nextval('etl_run_seq'), 'gemeenten', '/inbox', now(), 'ok', 'pid 4711 killed')`); err != nil {
		t.Fatal(err)
	}
	mine, err := db.StartRun(ctx, "manual", "/inbox")
	if err != nil {
		t.Fatal(err)
	}
	// DuckDB shares the instance within a process: this Open sees the same warehouse.
	again, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	defer db.Close()
	for id, want := range map[int64]string{1: "failed", 2: "failed", 3: "ok", mine: "running"} {
		status, reason := runStatus(t, again, id)
		if status != want {
			t.Errorf("run %d: status %s, want %s", id, status, want)
		}
		if want == "failed" && !strings.Contains(reason, "afgebroken: het proces dat deze run uitvoerde stopte onverwacht") {
			t.Errorf("run %d: reason %q, want the Dutch reason for an interrupted run", id, reason)
		}
		if want != "failed" && reason != "" {
			t.Errorf("run %d (%s): reason %q, want none", id, status, reason)
		}
	}
	runs, err := again.Runs(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range runs {
		if r.ID == 1 && r.Reason != ReasonInterrupted {
			t.Errorf("Runs: run 1 has reason %q, want ReasonInterrupted", r.Reason)
		}
	}
}
