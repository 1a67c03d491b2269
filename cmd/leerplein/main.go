// Command leerplein is the warehouse, loader, report writer and API server of Het
// Leerplein in one binary.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/hetleerplein/leerplein/warehouse"
)

// version is stamped at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "leerplein:", err)
		os.Exit(exitCode(err))
	}
}

// env bundles what a command gets from its surroundings, so tests can call run directly.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// command is one subcommand: its name path ("etl run"), a one-line help, and its body.
type command struct {
	name string
	help string
	run  func(ctx context.Context, e env, args []string) error
}

// commands lists every subcommand; each lives in a file of its own.
func commands() []command {
	return []command{
		{"etl run", "load every recognised export in an inbox into the warehouse", cmdETLRun},
		{"report jaarverslag", "write the annual report tables (csv or xlsx)", cmdReportJaarverslag},
		{"export leerplichttelling", "write the yearly count for DUO/OCW (csv or xlsx; --openbaar)", cmdExportLeerplichttelling},
		{"export vsv", "write the VSV and Doorstroompunt figures (csv or xlsx; --openbaar)", cmdExportVSV},
		{"export snapshot", "write the analyst views to a standalone DuckDB file", cmdExportSnapshot},
		{"demo", "generate synthetic exports and load them (used by make run)", cmdDemo},
		{"bench", "measure the loader against DuckDB's own CSV reader (make bench)", cmdBench},
		{"bench-read-csv", "internal: step (a) of the bench", cmdBenchReadCSV},
		{"bench-readers", "measure a scheduled load with and without 20 KPI readers (make bench)", cmdBenchReaders},
		{"serve", "serve the KPI API, the Grafana datasource and the dashboard", cmdServe},
		{"token create", "create a bearer token for the API or Grafana (shown once)", cmdTokenCreate},
		{"token revoke", "revoke the tokens of a name (with the server stopped)", cmdTokenRevoke},
		{"user create", "create a dashboard login; the password is read from stdin", cmdUserCreate},
		{"user delete", "remove a dashboard login and end its sessions (with the server stopped)", cmdUserDelete},
		{"backup", "copy the warehouse consistently, also while the server runs", cmdBackup},
		{"bench-api", "measure the KPI API against the same bytes from memory (make bench)", cmdBenchAPI},
		{"sql", "an SQL shell for analysts on the server's sandbox (POST /api/v1/sql)", cmdSQL},
		{"bench-sql", "measure POST /api/v1/sql on a national-scale warehouse (make bench)", cmdBenchSQL},
		{"version", "print the version", func(_ context.Context, e env, _ []string) error {
			fmt.Fprintln(e.stdout, version)
			return nil
		}},
	}
}

// run dispatches args to the matching subcommand.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	// What this process creates is for its owner only: DuckDB makes the warehouse, its
	// WAL and spill files, snapshots and backups with the umask, and they hold data about
	// minors. (Files meant to be shared, like reports, are given their mode explicitly.)
	syscall.Umask(0o077)
	e := env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) > 0 && args[0] == warehouse.SandboxWorkerArg { // hidden: started by serve
		return cmdSandboxWorker(ctx, e, args[1:])
	}
	for _, c := range commands() {
		words := splitWords(c.name)
		if len(args) >= len(words) && equalWords(args[:len(words)], words) {
			return c.run(ctx, e, args[len(words):])
		}
	}
	usage(stderr)
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		return nil
	}
	return usageError{fmt.Sprintf("unknown command %q", joinWords(args))}
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: leerplein <command> [flags]")
	fmt.Fprintln(w)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-22s %s\n", c.name, c.help)
	}
}
