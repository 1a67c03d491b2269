//go:build unix

package warehouse

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// limitProcess bounds the worker process before it opens DuckDB: its data segment
// (heap and anonymous memory, the memory a query takes) to limit bytes more than the
// Go runtime has mapped so far, no core dump (it would hold analyst data), and a lower
// CPU priority than the server, whose KPIs and loads go first.
func limitProcess(limit int64) error {
	if limit <= 0 {
		return fmt.Errorf("no memory limit given")
	}
	// What the runtime has mapped at the start (some tens of MB; far more in a binary
	// built with -race, whose shadow memory counts as data).
	limit += vmData()
	if err := syscall.Setrlimit(syscall.RLIMIT_DATA, &syscall.Rlimit{Cur: uint64(limit), Max: uint64(limit)}); err != nil {
		return fmt.Errorf("RLIMIT_DATA: %w", err)
	}
	if err := syscall.Setrlimit(syscall.RLIMIT_CORE, &syscall.Rlimit{}); err != nil {
		return fmt.Errorf("RLIMIT_CORE: %w", err)
	}
	// Best effort: a process may not be allowed to lower its priority further.
	_ = syscall.Setpriority(syscall.PRIO_PROCESS, 0, 10)
	return nil
}

// workerProcAttr puts a worker in a process group of its own: a Ctrl-C in the terminal
// stops the server, which then ends its workers, rather than the workers mid-query.
func workerProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}

// vmData is the process's data segment in bytes (VmData of /proc/self/status), 0 where
// there is no /proc.
func vmData() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmData:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}
