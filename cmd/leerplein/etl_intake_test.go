package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hetleerplein/leerplein/etl"
	"github.com/hetleerplein/leerplein/warehouse"
)

// appendRows and appendChunk shape appendChild's writing: 20 rows every 2.5 ms, for
// six seconds at most.
const (
	appendRows  = 40000
	appendChunk = 20
)

// appendChild is the writer of TestETLRunWhileAChildProcessAppends: it appends rows to
// path, a chunk at a time (one write each) with a pause between, until it has written
// appendRows or gets SIGTERM. Its header is already there.
func appendChild(path string) {
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM)
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	for i := 0; i < appendRows; i += appendChunk {
		select {
		case <-stop:
			f.Close()
			return
		default:
		}
		var b strings.Builder
		for j := i; j < i+appendChunk; j++ {
			fmt.Fprintf(&b, "m%d;%s;01-01-2005;Haarlem;WVO;RELATIEF;01-10-2018;24-09-2018;12,5;00AA\r\n", j, elevenBSN(j%5000))
		}
		if _, err := f.WriteString(b.String()); err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		time.Sleep(2500 * time.Microsecond)
	}
	f.Close()
}

// runWithKey calls the CLI in this process with the pseudonym key in the environment.
func runWithKey(args ...string) (string, string, error) {
	var out, errOut syncBuffer
	err := run(context.Background(), args, func(k string) string {
		if k == etl.KeyEnv {
			return processKey
		}
		return ""
	}, strings.NewReader(""), &out, &errOut)
	return out.String(), errOut.String(), err
}

func fileSHA256(t *testing.T, path string) string {
	t.Helper()
	s := sha256.Sum256(readFile(t, path))
	return hex.EncodeToString(s[:])
}

// warehouseCounts opens the warehouse and returns the fact rows and loaded files.
func warehouseCounts(t *testing.T, dbPath string) (rows, loaded int64) {
	t.Helper()
	db, err := warehouse.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.QueryRow("select count(*) from fact_verzuimmelding").Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow("select count(*) from etl_file where status = 'loaded'").Scan(&loaded); err != nil {
		t.Fatal(err)
	}
	return rows, loaded
}

// TestETLRunLeavesAFreshFile: by default `etl run` waits for a file to be unchanged for
// ten seconds, reports a younger one in Dutch and exits 0; --stable-after 0s loads it.
func TestETLRunLeavesAFreshFile(t *testing.T) {
	dir := t.TempDir()
	inbox := filepath.Join(dir, "inbox")
	os.Mkdir(inbox, 0o700)
	dbPath := filepath.Join(dir, "w.duckdb")
	file := bigVerzuimFile(t, inbox, 20)
	now := time.Now().Add(-3 * time.Second) // younger than the default ten seconds
	os.Chtimes(file, now, now)
	stdout, stderr, err := runWithKey("etl", "run", "--db", dbPath, "--inbox", inbox)
	if err != nil {
		t.Fatalf("etl run: %v (stderr %s)", err, stderr)
	}
	if !strings.Contains(stdout, "wacht        verzuimmeldingen_groot.csv: nog niet stabiel") {
		t.Errorf("summary %q does not report the file as not yet stable", stdout)
	}
	if _, err := os.Stat(file); err != nil {
		t.Errorf("the fresh file left the inbox: %v", err)
	}
	if rows, _ := warehouseCounts(t, dbPath); rows != 0 {
		t.Errorf("%d rows loaded from a file younger than --stable-after, want 0", rows)
	}
	stdout, _, err = runWithKey("etl", "run", "--db", dbPath, "--inbox", inbox, "--stable-after", "0s")
	if err != nil || !strings.Contains(stdout, "geladen      verzuimmeldingen_groot.csv: 20 regels: 20 nieuw") {
		t.Errorf("with --stable-after 0s: %v, summary %q; want the file loaded", err, stdout)
	}
}

// TestETLRunWhileAChildProcessAppends runs `etl run` while another process appends to
// the export: each run leaves the file whole in the inbox (not yet stable, or changed
// under the load and rolled back), never loading a part of it; once the writer is done
// one run loads every row and moves exactly the loaded bytes to processed/.
func TestETLRunWhileAChildProcessAppends(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a writer process")
	}
	dir := t.TempDir()
	inbox := filepath.Join(dir, "inbox")
	os.Mkdir(inbox, 0o700)
	dbPath := filepath.Join(dir, "w.duckdb")
	file := filepath.Join(inbox, "verzuimmeldingen_groeit.csv")
	if err := os.WriteFile(file, []byte("melding_id;bsn;geboortedatum;gemeente;onderwijssoort;verzuimsoort;meldingsdatum;startdatum;uren;brin\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	writer := exec.Command(os.Args[0], "-test.run=^$")
	writer.Env = append(os.Environ(), "LEERPLEIN_TEST_APPEND="+file)
	if err := writer.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- writer.Wait() }()
	t.Cleanup(func() { writer.Process.Kill() })
	writing := func() bool {
		select {
		case err := <-done:
			done <- err
			return false
		default:
			return true
		}
	}
	runs := 0
	for _, stable := range []string{"1s", "0s", "0s", "1s", "0s"} {
		if !writing() {
			break
		}
		stdout, stderr, err := runWithKey("etl", "run", "--db", dbPath, "--inbox", inbox, "--stable-after", stable)
		if err != nil {
			t.Fatalf("etl run --stable-after %s: %v (stderr %s)", stable, err, stderr)
		}
		if !writing() {
			break // the writer may have finished during the run: then a load is right
		}
		runs++
		if !strings.Contains(stdout, "wacht        verzuimmeldingen_groeit.csv: ") {
			t.Errorf("--stable-after %s while the file grows: summary %q, want it waiting", stable, stdout)
		}
		if rows, loaded := warehouseCounts(t, dbPath); rows != 0 || loaded != 0 {
			t.Fatalf("--stable-after %s while the file grows: %d rows of %d file(s) loaded, want none", stable, rows, loaded)
		}
		if _, err := os.Stat(file); err != nil {
			t.Fatalf("--stable-after %s moved the growing file: %v", stable, err)
		}
	}
	writer.Process.Signal(syscall.SIGTERM) // it stops between two chunks
	if err := <-done; err != nil {
	}
	if runs < 3 {
		t.Fatalf("only %d runs while the writer wrote; the test did not test much", runs)
	}
	want := fileSHA256(t, file)
	rows := strings.Count(string(readFile(t, file)), "\n") - 1
	time.Sleep(1100 * time.Millisecond)
	stdout, _, err := runWithKey("etl", "run", "--db", dbPath, "--inbox", inbox, "--stable-after", "1s")
	if err != nil || !strings.Contains(stdout, "geladen      verzuimmeldingen_groeit.csv: "+count(int64(rows), "regel", "regels")+": "+dutchNumber(int64(rows))+" nieuw") {
		t.Fatalf("after the writer finished: %v, summary %q; want all %d rows loaded", err, stdout, rows)
	}
	if got := fileSHA256(t, filepath.Join(inbox, "processed", "verzuimmeldingen_groeit.csv")); got != want {
		t.Errorf("processed/ holds other bytes than the finished file")
	}
	t.Logf("%d runs while the file grew left it alone", runs)
}

// TestETLRunKilledIsMarkedFailed kills `leerplein etl run` (a real process) with
// SIGKILL in the middle of a load: the next process to open the warehouse finds the
// run marked failed with the Dutch reason, and the file loaded whole or not at all (then
// still in the inbox). The warehouse and the WAL the kill left are the owner's only.
func TestETLRunKilledIsMarkedFailed(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a loader process")
	}
	dir := t.TempDir()
	inbox := filepath.Join(dir, "inbox")
	os.Mkdir(inbox, 0o700)
	dbPath := filepath.Join(dir, "w.duckdb")
	file := bigVerzuimFile(t, inbox, 100000)
	// The child inherits the usual umask; the command itself must make its files private.
	defer syscall.Umask(syscall.Umask(0o022))
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "LEERPLEIN_TEST_MAIN=etl run --db "+dbPath+" --inbox "+inbox+" --verbose",
		etl.KeyEnv+"="+processKey)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	sc := bufio.NewScanner(stderr)
	reached := false
	for sc.Scan() {
		if strings.Contains(sc.Text(), `"msg":"validated"`) {
			reached = true
			break
		}
	}
	if !reached {
		cmd.Wait()
		t.Fatal("the loader ended before it validated the file")
	}
	if err := cmd.Process.Kill(); err != nil { // SIGKILL
		t.Fatal(err)
	}
	go io.Copy(io.Discard, stderr)
	cmd.Wait()
	// What DuckDB made with the process umask: the warehouse, its WAL (left by the kill).
	wantMode(t, dbPath, 0o600)
	if _, err := os.Stat(dbPath + ".wal"); err != nil {
		t.Errorf("no WAL after the kill (%v); the test cannot check its mode", err)
	} else {
		wantMode(t, dbPath+".wal", 0o600)
	}

	db, err := warehouse.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatalf("reopen after the kill: %v", err)
	}
	defer db.Close()
	runs, err := db.Runs(context.Background(), 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 1 || runs[0].Status != "failed" || runs[0].Reason != warehouse.ReasonInterrupted || runs[0].FinishedAt == nil {
		t.Errorf("runs after the kill = %+v, want one failed run with the reason %q", runs, warehouse.ReasonInterrupted)
	}
	var rows int64
	db.QueryRow("select count(*) from fact_verzuimmelding").Scan(&rows)
	_, statErr := os.Stat(file)
	if (rows != 0 && rows != 100000) || (rows == 0) != (statErr == nil) {
		t.Errorf("after the kill: %d rows loaded, file in inbox: %v; want all or nothing, and the file in the inbox exactly when nothing", rows, statErr == nil)
	}
}

// TestETLRunRetention: `etl run` first removes handled files past --retention-days and
// lists them; younger ones stay.
func TestETLRunRetention(t *testing.T) {
	dir := t.TempDir()
	inbox := filepath.Join(dir, "inbox")
	dbPath := filepath.Join(dir, "w.duckdb")
	ages := map[string]time.Duration{"processed/verzuimmeldingen_oud.csv": 8 * 24 * time.Hour, "rejected/leerlingen_nieuw.csv": 6 * 24 * time.Hour}
	for name, age := range ages {
		path := filepath.Join(inbox, name)
		os.MkdirAll(filepath.Dir(path), 0o700)
		if err := os.WriteFile(path, []byte("synthetisch\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		then := time.Now().Add(-age)
		os.Chtimes(path, then, then)
	}
	stdout, stderr, err := runWithKey("etl", "run", "--db", dbPath, "--inbox", inbox, "--retention-days", "7")
	if err != nil {
		t.Fatalf("etl run: %v (stderr %s)", err, stderr)
	}
	if !strings.Contains(stdout, "verwijderd   processed/verzuimmeldingen_oud.csv: ouder dan de bewaartermijn van 7 dagen") ||
		strings.Contains(stdout, "leerlingen_nieuw") {
		t.Errorf("summary %q does not list exactly the file past 7 days", stdout)
	}
	if _, err := os.Stat(filepath.Join(inbox, "processed", "verzuimmeldingen_oud.csv")); err == nil {
		t.Errorf("the file past its retention is still there")
	}
	if _, err := os.Stat(filepath.Join(inbox, "rejected", "leerlingen_nieuw.csv")); err != nil {
		t.Errorf("a file within its retention was removed: %v", err)
	}
	if _, _, err := runWithKey("etl", "run", "--db", dbPath, "--inbox", inbox, "--retention-days", "0"); exitCode(err) != 2 {
		t.Errorf("--retention-days 0: %v, want a usage error", err)
	}
}
