package warehouse

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestMain lets the lock test re-run this test binary as a process that holds a file,
// and the sandbox tests as a sandbox worker.
func TestMain(m *testing.M) {
	ServeSandboxWorkerIfAsked()
	if path := os.Getenv("LEERPLEIN_LOCK_HOLDER"); path != "" {
		db, err := Open(context.Background(), path)
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		defer db.Close()
		fmt.Println("holding")
		bufio.NewReader(os.Stdin).ReadString('\n') // until the test closes stdin
		return
	}
	os.Exit(m.Run())
}

func TestOpenHeldByAnotherProcessNamesIt(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.duckdb")
	holder := exec.Command(os.Args[0], "-test.run=^$")
	holder.Env = append(os.Environ(), "LEERPLEIN_LOCK_HOLDER="+path)
	stdin, err := holder.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := holder.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { stdin.Close(); holder.Wait() }()
	if line, _ := bufio.NewReader(out).ReadString('\n'); line != "holding\n" {
		t.Fatalf("holder said %q, want holding", line)
	}

	db, err := Open(context.Background(), path)
	if err == nil {
		db.Close()
		t.Fatal("Open of a held file succeeded, want a lock error")
	}
	var le *LockError
	if !errors.As(err, &le) || !errors.Is(err, ErrLocked) {
		t.Fatalf("error %v is not a LockError matching ErrLocked", err)
	}
	if le.PID != holder.Process.Pid {
		t.Errorf("PID = %d, want the holder's %d (DuckDB said: %v)", le.PID, holder.Process.Pid, le.Err)
	}
	for _, want := range []string{fmt.Sprintf("process %d", holder.Process.Pid), "leerplein serve", "POST /api/v1/jobs/{name}/run"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q does not contain %q", err, want)
		}
	}
}

func TestExplainLock(t *testing.T) {
	tests := []struct {
		name, raw, want string
		pid             int
	}{
		{"with pid", `IO Error: Could not set lock on file "/srv/w.duckdb": Conflicting lock is held in /usr/local/bin/leerplein (PID 4711) by user leerplein. See also …`,
			"in use by process 4711 (/usr/local/bin/leerplein)", 4711},
		{"without pid", `IO Error: Could not set lock on file "/srv/w.duckdb": Resource temporarily unavailable`, "in use by another process", 0},
		{"other error", `IO Error: disk full`, "disk full", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := explainLock(errors.New(tt.raw))
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %q, want it to contain %q", err, tt.want)
			}
			var le *LockError
			if errors.As(err, &le) && le.PID != tt.pid {
				t.Errorf("PID = %d, want %d", le.PID, tt.pid)
			}
		})
	}
}
