package main

import (
	"context"
	"fmt"

	"github.com/hetleerplein/leerplein/warehouse"
)

// cmdSandboxWorker is the hidden command the server starts for the analysts' SQL
// sandbox: one worker process that runs one query at a time under a hard memory limit
// (warehouse.RunSandboxWorker), talking to the server over stdin and stdout. It is not
// listed in the usage: nobody runs it by hand.
func cmdSandboxWorker(_ context.Context, e env, args []string) error {
	if len(args) > 0 {
		return usageError{fmt.Sprintf("%s: unexpected argument %q", warehouse.SandboxWorkerArg, args[0])}
	}
	return warehouse.RunSandboxWorker(e.stdin, e.stdout)
}
