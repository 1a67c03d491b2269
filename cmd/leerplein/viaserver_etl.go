package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// pollInterval is how often `etl run` through the server asks how the run is going.
const pollInterval = 500 * time.Millisecond

// The parts of the server's JSON (api/jobs.go, api/runs.go) that etl run reads.
type (
	serverJobs struct {
		Jobs []serverJob `json:"jobs"`
	}
	serverJob struct {
		Name    string `json:"name"`
		Inbox   string `json:"inbox"`
		Running bool   `json:"running"`
	}
	serverRun struct {
		RunID    int64        `json:"run_id"`
		Job      string       `json:"job"`
		Status   string       `json:"status"`
		FileList []serverFile `json:"file_list"`
	}
	serverFile struct {
		FileName        string  `json:"file_name"`
		Status          string  `json:"status"`
		Reason          *string `json:"reason"`
		RowsRead        int64   `json:"rows_read"`
		RowsNew         int64   `json:"rows_new"`
		RowsReplaced    int64   `json:"rows_replaced"`
		RowsUnchanged   int64   `json:"rows_unchanged"`
		RowsQuarantined int64   `json:"rows_quarantined"`
	}
)

// etlViaServer loads inbox through the running server. The server loads only its
// configured jobs' inboxes, never a directory a client names: inbox must be one of
// them, and the job is started (POST /api/v1/jobs/{name}/run) and followed until its
// run ends.
func etlViaServer(ctx context.Context, e env, c serverClient, inbox string) error {
	abs, err := filepath.Abs(inbox)
	if err != nil {
		return fmt.Errorf("etl run: %w", err)
	}
	var jobs serverJobs
	if err := c.getJSON(ctx, "/api/v1/jobs", &jobs); err != nil {
		return err
	}
	job, ok := jobForInbox(jobs.Jobs, abs)
	if !ok {
		return noJobError(jobs.Jobs, abs)
	}
	before := inboxFiles(abs)
	runID, err := startJob(ctx, e, c, job)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "etl run: de server op %s houdt het warehouse vast; hij laadt %s als job %s (run %d)\n", c.base, abs, job, runID)
	run, err := waitRun(ctx, c, runID)
	if err != nil {
		return err
	}
	printServerSummary(e.stdout, run, before)
	if run.Status == "failed" {
		return fmt.Errorf("etl run: run %d van job %s is mislukt; het log van de server zegt waarom (GET /api/v1/runs/%d noemt de bestanden)", run.RunID, job, run.RunID)
	}
	rejected := 0
	for _, f := range run.FileList {
		if f.Status == "rejected" {
			rejected++
		}
	}
	if rejected > 0 {
		return exitError{1, fmt.Errorf("%s afgekeurd; de reden staat hierboven en in %s, naast elk bestand (.reason.txt)", count(int64(rejected), "bestand", "bestanden"), filepath.Join(abs, "rejected"))}
	}
	return nil
}

// jobForInbox finds the job that loads from dir (compared after cleaning and, where
// both exist, after following symbolic links).
func jobForInbox(jobs []serverJob, dir string) (string, bool) {
	for _, j := range jobs {
		if samePath(j.Inbox, dir) {
			return j.Name, true
		}
	}
	return "", false
}

func samePath(a, b string) bool {
	if filepath.Clean(a) == filepath.Clean(b) {
		return true
	}
	ra, errA := filepath.EvalSymlinks(a)
	rb, errB := filepath.EvalSymlinks(b)
	return errA == nil && errB == nil && ra == rb
}

// noJobError says that the server does not load dir, and where files should go.
func noJobError(jobs []serverJob, dir string) error {
	if len(jobs) == 0 {
		return fmt.Errorf("etl run: een draaiende server houdt het warehouse vast, maar hij heeft geen jobs en laadt dus geen inbox; " +
			"stel een job in voor deze inbox (jobs: in het configuratiebestand, zie leerplein.example.yaml) en herstart hem, of stop de server om met de hand te laden")
	}
	var lines []string
	for _, j := range jobs {
		lines = append(lines, fmt.Sprintf("  %s: %s", j.Name, j.Inbox))
	}
	slices.Sort(lines)
	return fmt.Errorf("etl run: een draaiende server houdt het warehouse vast en laadt alleen de inboxen van zijn jobs, niet %s.\n"+
		"Zet de bestanden in de inbox van een job; die laadt ze volgens het schema, of nu met `leerplein etl run --inbox DIE_INBOX --server URL`, of lever ze aan op /beheer:\n%s",
		dir, strings.Join(lines, "\n"))
}

// startJob starts the job; when it is running already it waits for that run to end,
// so the files just put in its inbox are certainly looked at.
func startJob(ctx context.Context, e env, c serverClient, job string) (int64, error) {
	said := false
	for {
		resp, err := c.do(ctx, http.MethodPost, "/api/v1/jobs/"+job+"/run", nil, nil, http.StatusAccepted, http.StatusConflict)
		if err != nil {
			return 0, err
		}
		var started struct {
			RunID int64 `json:"run_id"`
		}
		err = json.NewDecoder(resp.Body).Decode(&started)
		resp.Body.Close()
		if resp.StatusCode == http.StatusAccepted {
			if err != nil {
				return 0, fmt.Errorf("etl run: het antwoord van de server: %w", err)
			}
			return started.RunID, nil
		}
		if !said {
			fmt.Fprintf(e.stderr, "etl run: job %s loopt al; wacht tot hij klaar is\n", job)
			said = true
		}
		select {
		case <-ctx.Done():
			return 0, fmt.Errorf("etl run: %w", ctx.Err())
		case <-time.After(pollInterval):
		}
	}
}

// waitRun polls the run until it is no longer running.
func waitRun(ctx context.Context, c serverClient, id int64) (serverRun, error) {
	for {
		var run serverRun
		if err := c.getJSON(ctx, fmt.Sprintf("/api/v1/runs/%d", id), &run); err != nil {
			return serverRun{}, err
		}
		if run.Status != "running" {
			return run, nil
		}
		select {
		case <-ctx.Done():
			// The server goes on loading; only this command stops following it.
			return serverRun{}, fmt.Errorf("etl run: volgt run %d niet meer (de server laadt door; GET /api/v1/runs/%d): %w", id, id, ctx.Err())
		case <-time.After(pollInterval):
		}
	}
}

// inboxFiles lists the files directly in dir that a job picks up, to tell afterwards which ones the run
// left for later (still being written).
func inboxFiles(dir string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, en := range entries {
		name := en.Name()
		if en.Type().IsRegular() && !strings.HasPrefix(name, ".") && !strings.HasSuffix(name, ".tmp") && !strings.HasSuffix(name, ".part") {
			out = append(out, name)
		}
	}
	return out
}

// printServerSummary writes a run of the server as printSummary writes a local one:
// one line per file and a closing total; files of the inbox the run left alone are
// listed as waiting.
func printServerSummary(w io.Writer, run serverRun, before []string) {
	var loaded, rejected, rows, quarantined int64
	seen := map[string]bool{}
	for _, f := range run.FileList {
		seen[f.FileName] = true
		var what string
		switch f.Status {
		case "loaded":
			loaded++
			rows += f.RowsNew + f.RowsReplaced
			quarantined += f.RowsQuarantined
			what = loadedCounts(f.RowsRead, f.RowsNew, f.RowsReplaced, f.RowsUnchanged, f.RowsQuarantined)
		default:
			if f.Status == "rejected" {
				rejected++
			}
			if f.Reason != nil {
				what = *f.Reason
			}
		}
		writeFileLine(w, f.Status, f.FileName, what)
	}
	waiting := 0
	for _, name := range before {
		if !seen[name] {
			waiting++
			writeFileLine(w, "waiting", name, "nog niet stabiel (wordt het nog geschreven, of veranderde het net?); de job laadt het bij een volgende run")
		}
	}
	writeRunTotal(w, run.RunID, len(run.FileList), loaded, rejected, rows, quarantined)
	if run.Status == "skipped" && len(run.FileList) == 0 && waiting == 0 {
		fmt.Fprintln(w, "(de server sloeg deze run over)")
	}
}

// etlRun loads inbox through the running server, after Open failed with openErr.
func (v *viaServer) etlRun(ctx context.Context, e env, openErr error, args []string, inbox string) error {
	base, err := v.serverFor(e, openErr, "etl run", args, "beheer")
	if err != nil {
		return err
	}
	c, err := newServerClient(e, "etl run", base, "beheer")
	if err != nil {
		return err
	}
	return etlViaServer(ctx, e, c, inbox)
}
