package etl

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hetleerplein/leerplein/warehouse"
)

// childResult is what loadChild reports on its stdout.
type childResult struct {
	Files []FileResult
	Err   string
}

// loadChild loads the inbox LEERPLEIN_LOAD_CHILD names into the warehouse
// LEERPLEIN_LOAD_DB with the default limits, prints the outcome as one line of JSON and
// waits for its stdin to close, so that the parent can read its /proc status first.
func loadChild() {
	ctx := context.Background()
	var res childResult
	db, err := warehouse.Open(ctx, os.Getenv("LEERPLEIN_LOAD_DB"))
	if err == nil {
		var sum Summary
		sum, err = Run(ctx, db, Options{Inbox: os.Getenv("LEERPLEIN_LOAD_CHILD"), Key: testKey})
		res.Files = sum.Files
		db.Close()
	}
	if err != nil {
		res.Err = err.Error()
	}
	if err := json.NewEncoder(os.Stdout).Encode(res); err != nil {
		os.Exit(2)
	}
	io.Copy(io.Discard, os.Stdin)
	os.Exit(0)
}

// procStatusBytes reads a "kB" field (VmRSS, VmHWM) of /proc/<pid>/status in bytes.
func procStatusBytes(pid int, field string) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("/proc/%d/status has no %s", pid, field)
}

// measuredLoad runs the loader on inbox in a child process (this test binary again) and
// returns what it did with each file and its peak resident memory (VmHWM of
// /proc/<pid>/status) in bytes. A child that grows beyond killAt bytes is killed and the
// test fails, so a regression cannot take the shared machine's memory.
func measuredLoad(t *testing.T, inbox string, killAt int64) ([]FileResult, int64) {
	t.Helper()
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("needs /proc to measure memory")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "LEERPLEIN_LOAD_CHILD="+inbox,
		"LEERPLEIN_LOAD_DB="+filepath.Join(t.TempDir(), "w.duckdb"))
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := cmd.Process.Pid
	done := make(chan struct{})
	killed := make(chan int64, 1)
	go func() { // watchdog
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				if rss, err := procStatusBytes(pid, "VmRSS"); err == nil && rss > killAt {
					cmd.Process.Kill()
					killed <- rss
					return
				}
			}
		}
	}()
	line, readErr := bufio.NewReader(stdout).ReadBytes('\n')
	peak, peakErr := procStatusBytes(pid, "VmHWM")
	close(done)
	stdin.Close()
	cmd.Wait()
	select {
	case rss := <-killed:
		t.Fatalf("the loader reached %d MB of memory and was killed (limit of the test: %d MB)", rss>>20, killAt>>20)
	default:
	}
	if readErr != nil {
		t.Fatalf("loader child said nothing: %v", readErr)
	}
	if peakErr != nil {
		t.Fatal(peakErr)
	}
	var res childResult
	if err := json.Unmarshal(line, &res); err != nil {
		t.Fatalf("loader child said %q: %v", line, err)
	}
	if res.Err != "" {
		t.Fatalf("loader run failed: %s", res.Err)
	}
	return res.Files, peak
}
