package warehouse

import (
	"context"
	"crypto/rand"
	"fmt"
	"os"

	"github.com/hetleerplein/leerplein/warehouse/tekst"
)

// ReasonInterrupted is the reason a run gets when the process that ran it ended in the
// middle of it: DuckDB rolled the file in progress back, and it is still in the inbox.
// It is the catalogue's text of tekst.RunAfgebroken, the code stored beside it.
var ReasonInterrupted = tekst.New(tekst.RunAfgebroken).NL()

// runOwner identifies this process in etl_run.owner. DuckDB lets one process hold the
// warehouse but shares it between the Opens of one process, so a run still 'running'
// is alive exactly when this process owns it. The pid alone would not do: a restarted
// server in a container has the same pid as the one that was killed.
var runOwner = fmt.Sprintf("pid %d %s", os.Getpid(), rand.Text())

// StartRun records a loader run that starts now, owned by this process, and returns
// its id.
func (db *DB) StartRun(ctx context.Context, job, inbox string) (int64, error) {
	var id int64
	err := db.QueryRowContext(ctx, `insert into etl_run (run_id, job, inbox, started_at, status, owner)
		values (nextval('etl_run_seq'), ?, ?, now(), 'running', ?) returning run_id`, job, inbox, runOwner).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("warehouse: start run: %w", err)
	}
	return id, nil
}

// closeInterruptedRuns marks failed every run left 'running' by another process: that
// process is gone, or it would still hold the file.
func (db *DB) closeInterruptedRuns(ctx context.Context) error {
	_, err := db.ExecContext(ctx, `update etl_run set status = 'failed', finished_at = coalesce(finished_at, now()),
		reason = ?, reason_code = ? where status = 'running' and owner is distinct from ?`,
		ReasonInterrupted, string(tekst.RunAfgebroken), runOwner)
	if err != nil {
		return fmt.Errorf("warehouse: close interrupted runs: %w", err)
	}
	return nil
}
