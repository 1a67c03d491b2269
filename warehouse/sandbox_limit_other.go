//go:build !unix

package warehouse

import (
	"errors"
	"syscall"
)

// limitProcess cannot bound a process's memory on this platform: the sandbox does not
// run without that bound.
func limitProcess(int64) error {
	return errors.New("the SQL sandbox needs a Unix system to bound its memory")
}

func workerProcAttr() *syscall.SysProcAttr { return nil }
