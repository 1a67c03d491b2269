//go:build unix

package warehouse

import (
	"fmt"
	"syscall"
)

// limitProcess bounds the worker process before it opens DuckDB: its data segment
// (heap and anonymous memory, the memory a query takes) to limit bytes, no core dump
// (it would hold analyst data), and a lower CPU priority than the server, whose KPIs
// and loads go first.
func limitProcess(limit int64) error {
	if limit <= 0 {
		return fmt.Errorf("no memory limit given")
	}
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
