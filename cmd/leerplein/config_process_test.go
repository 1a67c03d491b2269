package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hetleerplein/leerplein/warehouse"
)

// TestMain lets the process tests run this test binary as `leerplein serve` (or
// another command), or as a process that appends to an export (appendChild); the
// servers the tests start run it as their SQL sandbox workers (`leerplein
// sandbox-worker`, through main like the real binary).
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == warehouse.SandboxWorkerArg {
		main() // exits non-zero on an error
		os.Exit(0)
	}
	if path := os.Getenv("LEERPLEIN_TEST_APPEND"); path != "" {
		appendChild(path)
		os.Exit(0)
	}
	if args := os.Getenv("LEERPLEIN_TEST_MAIN"); args != "" {
		os.Args = append([]string{"leerplein"}, strings.Split(args, " ")...)
		main() // exits non-zero on an error
		os.Exit(0)
	}
	os.Exit(m.Run())
}

const processKey = "process-test-key-0123456789abcdef"

// bigVerzuimFile writes a verzuimmeldingen export of n synthetic rows, old enough to be
// stable, into inbox.
func bigVerzuimFile(t *testing.T, inbox string, n int) string {
	t.Helper()
	path := filepath.Join(inbox, "verzuimmeldingen_groot.csv")
	var b strings.Builder
	b.WriteString("melding_id;bsn;geboortedatum;gemeente;onderwijssoort;verzuimsoort;meldingsdatum;startdatum;uren;brin\r\n")
	for i := range n {
		fmt.Fprintf(&b, "m%d;%s;01-01-2005;Haarlem;WVO;RELATIEF;01-10-2018;24-09-2018;12,5;00AA\r\n", i, elevenBSN(i%5000))
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Minute)
	if err := os.Chtimes(path, old, old); err != nil {
		t.Fatal(err)
	}
	return path
}

// elevenBSN returns the n-th synthetic nine-digit number passing the eleven test.
func elevenBSN(n int) string {
	for i := n * 11; ; i++ {
		base := fmt.Sprintf("%08d", 10000000+i*7)
		sum := 0
		for j := range 8 {
			sum += (9 - j) * int(base[j]-'0')
		}
		if d := sum % 11; d < 10 {
			return base + fmt.Sprint(d)
		}
	}
}

// server is a `leerplein serve --config` child process.
type server struct {
	cmd    *exec.Cmd
	lines  chan string
	exited chan struct{} // closed when the process has ended; then err is its exit
	err    error
}

// wait waits for the process to end and returns its exit error.
func (s *server) wait(t *testing.T) error {
	t.Helper()
	select {
	case <-s.exited:
		return s.err
	case <-time.After(30 * time.Second):
		t.Fatal("server did not end within 30 s")
		return nil
	}
}

// startServer starts the test binary as the server, logging at debug level.
func startServer(t *testing.T, config string) *server {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "LEERPLEIN_TEST_MAIN=serve --config "+config+" --log-level debug", "LEERPLEIN_PSEUDO_KEY="+processKey)
	// Both streams into one pipe: the log and the "serving" line.
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, lines: make(chan string, 1000), exited: make(chan struct{})}
	go func() {
		s.err = cmd.Wait()
		pw.Close()
		close(s.exited)
	}()
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			select {
			case s.lines <- sc.Text():
			default:
			}
		}
		close(s.lines)
	}()
	t.Cleanup(func() { cmd.Process.Kill(); <-s.exited })
	return s
}

// waitLog waits for a log line containing want.
func (s *server) waitLog(t *testing.T, want string) {
	t.Helper()
	timeout := time.After(60 * time.Second)
	for {
		select {
		case line, ok := <-s.lines:
			if !ok {
				t.Fatalf("server ended before logging %q", want)
			}
			if strings.Contains(line, want) {
				return
			}
		case <-timeout:
			t.Fatalf("server did not log %q within a minute", want)
		}
	}
}

// writeProcessConfig writes a config with one job that runs every second.
func writeProcessConfig(t *testing.T, dir string) (config, dbPath, inbox string) {
	t.Helper()
	inbox = filepath.Join(dir, "inbox")
	if err := os.Mkdir(inbox, 0o750); err != nil {
		t.Fatal(err)
	}
	dbPath = filepath.Join(dir, "w.duckdb")
	config = filepath.Join(dir, "leerplein.yaml")
	body := "warehouse: w.duckdb\nlisten: 127.0.0.1:0\njobs:\n  - name: gemeenten\n    schedule: \"* * * * * *\"\n    inbox: inbox\n    stable_after: 1s\n"
	if err := os.WriteFile(config, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return config, dbPath, inbox
}

// checkAllOrNothing opens the warehouse after the server ended and checks that the big
// file is either wholly loaded (and moved) or absent (and still in the inbox).
func checkAllOrNothing(t *testing.T, dbPath, file string, rows int64) int64 {
	t.Helper()
	db, err := warehouse.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer db.Close()
	var got, running int64
	db.QueryRow("select count(*) from fact_verzuimmelding").Scan(&got)
	db.QueryRow("select count(*) from etl_run where status = 'running'").Scan(&running)
	if got != 0 && got != rows {
		t.Errorf("the warehouse holds %d rows of the file, want 0 or %d", got, rows)
	}
	_, statErr := os.Stat(file)
	if inInbox := statErr == nil; inInbox != (got == 0) {
		t.Errorf("%d rows loaded and file in inbox = %v; want the file left in the inbox exactly when nothing loaded", got, inInbox)
	}
	return got
}

func TestServeConfigSIGTERMMidLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server process")
	}
	config, dbPath, inbox := writeProcessConfig(t, t.TempDir())
	const rows = 200000
	file := bigVerzuimFile(t, inbox, rows)
	s := startServer(t, config)
	s.waitLog(t, `"msg":"validated"`)
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := s.wait(t); err != nil {
		t.Fatalf("server after SIGTERM: %v, want exit status 0", err)
	}
	got := checkAllOrNothing(t, dbPath, file, rows)
	t.Logf("SIGTERM mid-load: %d rows committed", got)
}

func TestServeConfigKillMidLoadThenRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server process")
	}
	config, dbPath, inbox := writeProcessConfig(t, t.TempDir())
	const rows = 200000
	file := bigVerzuimFile(t, inbox, rows)
	s := startServer(t, config)
	s.waitLog(t, `"msg":"validated"`)
	if err := s.cmd.Process.Kill(); err != nil { // SIGKILL
		t.Fatal(err)
	}
	s.wait(t)
	if got := checkAllOrNothing(t, dbPath, file, rows); got != 0 {
		t.Logf("the kill came after the commit (%d rows); nothing left to reload", got)
	}

	s = startServer(t, config)
	s.waitLog(t, `"files_loaded":1`)
	s.cmd.Process.Signal(syscall.SIGTERM)
	if err := s.wait(t); err != nil {
		t.Fatalf("restarted server after SIGTERM: %v", err)
	}
	if got := checkAllOrNothing(t, dbPath, file, rows); got != rows {
		t.Errorf("after the restart the warehouse holds %d rows, want all %d", got, rows)
	}
	db, err := warehouse.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var running, failed int64
	db.QueryRow("select count(*) from etl_run where status = 'running'").Scan(&running)
	db.QueryRow("select count(*) from etl_run where status = 'failed'").Scan(&failed)
	if running != 0 || failed != 1 {
		t.Errorf("runs: %d running, %d failed; want the killed run closed as failed and none running", running, failed)
	}
	var reason string
	db.QueryRow("select coalesce(reason, '') from etl_run where status = 'failed'").Scan(&reason)
	if reason != warehouse.ReasonInterrupted {
		t.Errorf("the killed run's reason is %q, want %q", reason, warehouse.ReasonInterrupted)
	}
}
