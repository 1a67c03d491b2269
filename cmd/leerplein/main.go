// Command leerplein is the warehouse, loader, report writer and API server of Het
// Leerplein in one binary.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
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
		if msg := err.Error(); msg != "" {
			fmt.Fprintln(os.Stderr, "leerplein:", msg)
		}
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

// command is one subcommand: its name path ("etl run"), the group it is listed under
// (none: an internal command, not listed), a one-line summary and its help, and its body.
type command struct {
	name    string
	group   string
	summary string
	help    commandHelp
	run     func(ctx context.Context, e env, args []string) error
}

// The groups of `leerplein --help`, in the order listed.
const (
	groupLaden     = "Laden"
	groupRapporten = "Rapporten en exports"
	groupAnalyse   = "Analyse"
	groupServeren  = "Serveren"
	groupBeheer    = "Beheer"
	groupOverig    = "Overig"
)

var groups = []string{groupLaden, groupRapporten, groupAnalyse, groupServeren, groupBeheer, groupOverig}

// commands lists every subcommand; each lives in a file of its own. The listed ones
// speak Dutch; the internal ones (benchmarks for make bench, the bench's own steps) are
// for developers and keep English.
func commands() []command {
	return []command{
		{"etl run", groupLaden, "laadt de exports uit een inbox in het warehouse", etlRunHelp, cmdETLRun},
		{"report jaarverslag", groupRapporten, "schrijft het jaarverslag van een schooljaar", reportJaarverslagHelp, cmdReportJaarverslag},
		{"export leerplichttelling", groupRapporten, "schrijft de leerplichttelling voor DUO/OCW", exportLeerplichttellingHelp, cmdExportLeerplichttelling},
		{"export vsv", groupRapporten, "schrijft de vsv-cijfers en die van het Doorstroompunt", exportVSVHelp, cmdExportVSV},
		{"export snapshot", groupRapporten, "schrijft de analistenviews naar een DuckDB-bestand", exportSnapshotHelp, cmdExportSnapshot},
		{"sql", groupAnalyse, "een SQL-shell voor analisten, via de server", sqlHelp, cmdSQL},
		{"serve", groupServeren, "start de API, de Grafana-datasource en het dashboard", serveHelp, cmdServe},
		{"token create", groupBeheer, "maakt een token voor de API of Grafana", tokenCreateHelp, cmdTokenCreate},
		{"token revoke", groupBeheer, "trekt een token in, of alle tokens van een naam", tokenRevokeHelp, cmdTokenRevoke},
		{"user create", groupBeheer, "maakt een login voor het dashboard", userCreateHelp, cmdUserCreate},
		{"user delete", groupBeheer, "verwijdert een dashboardlogin en de sessies ervan", userDeleteHelp, cmdUserDelete},
		{"backup", groupBeheer, "maakt een consistente kopie van het warehouse", backupHelp, cmdBackup},
		{"demo", groupOverig, "laadt synthetische exports, voor een demo", demoHelp, cmdDemo},
		{"version", groupOverig, "toont de versie", commandHelp{}, cmdVersion},
		{"help", groupOverig, "toont deze hulp, of die van één commando", helpHelp, nil},
		// Internal: for developers (make bench), not listed.
		{"bench", "", "measure the loader against DuckDB's own CSV reader (make bench)", commandHelp{}, cmdBench},
		{"bench-read-csv", "", "internal: step (a) of the bench", commandHelp{}, cmdBenchReadCSV},
		{"bench-readers", "", "measure a scheduled load with and without 20 KPI readers (make bench)", commandHelp{}, cmdBenchReaders},
		{"bench-api", "", "measure the KPI API against the same bytes from memory (make bench)", commandHelp{}, cmdBenchAPI},
		{"bench-sql", "", "measure POST /api/v1/sql on a national-scale warehouse (make bench)", commandHelp{}, cmdBenchSQL},
		{"bench-forecast", "", "back-test the year-in-progress forecast and measure the KPI API with in_progress (make bench)", commandHelp{}, cmdBenchForecast},
	}
}

var helpHelp = commandHelp{
	usage:    "[COMMANDO]",
	text:     "Zonder COMMANDO: de lijst van commando's. 'leerplein help COMMANDO' zegt hetzelfde\nals 'leerplein COMMANDO --help'.",
	examples: []string{"leerplein help etl run", "leerplein etl run --help"},
}

func cmdVersion(_ context.Context, e env, args []string) error {
	fs := newFlagSet("version")
	if err := parseFlags(e, fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("version: onverwacht argument %q", fs.Arg(0))}
	}
	fmt.Fprintln(e.stdout, version)
	return nil
}

// lookupCommand finds a command by its whole name.
func lookupCommand(name string) (command, bool) {
	for _, c := range commands() {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// run dispatches args to the matching subcommand. Help goes to standard output when
// asked for; a mistake in the call is a usageError (exit status 2) that says, in Dutch,
// where the help is.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	// What this process creates is for its owner only: DuckDB makes the warehouse, its
	// WAL and spill files, snapshots and backups with the umask, and they hold data about
	// minors. (Files meant to be shared, like reports, are given their mode explicitly.)
	syscall.Umask(0o077)
	e := env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) > 0 && args[0] == warehouse.SandboxWorkerArg { // hidden: started by serve
		return cmdSandboxWorker(ctx, e, args[1:])
	}
	switch {
	case len(args) == 0:
		writeOverview(stderr)
		return usageError{}
	case isHelpFlag(args[0]):
		writeOverview(stdout)
		return nil
	case args[0] == "help":
		return help(ctx, e, args[1:])
	}
	c, rest, ok := findCommand(args)
	if !ok && len(args) > 1 && isHelpFlag(args[1]) && len(groupCommands(args[0])) > 0 {
		writeGroupHelp(stdout, args[0]) // leerplein export --help
		return nil
	}
	if !ok {
		return unknownCommand(args)
	}
	err := c.run(ctx, e, rest)
	var u usageError
	switch {
	case errors.Is(err, errHelpShown):
		return nil
	case errors.As(err, &u) && u.msg != "" && c.group != "":
		return usageError{u.msg + "\nZie 'leerplein " + c.name + " --help'."}
	}
	return err
}

// findCommand finds the command args start with: the longest name that matches.
func findCommand(args []string) (command, []string, bool) {
	for _, c := range commands() {
		words := splitWords(c.name)
		if c.run != nil && len(args) >= len(words) && equalWords(args[:len(words)], words) {
			return c, args[len(words):], true
		}
	}
	return command{}, nil, false
}

// help runs `leerplein help [COMMAND]`: the overview, a group's commands, or what the
// command itself says with --help.
func help(ctx context.Context, e env, args []string) error {
	if len(args) == 0 {
		writeOverview(e.stdout)
		return nil
	}
	if len(args) == 1 && isHelpFlag(args[0]) {
		c, _ := lookupCommand("help")
		writeCommandHelp(e.stdout, c, nil)
		return nil
	}
	if args[0] == "help" {
		return help(ctx, e, []string{"--help"})
	}
	if c, rest, ok := findCommand(args); ok && len(rest) == 0 {
		return run(ctx, append(splitWords(c.name), "--help"), e.getenv, e.stdin, e.stdout, e.stderr)
	}
	if len(args) == 1 && len(groupCommands(args[0])) > 0 {
		writeGroupHelp(e.stdout, args[0])
		return nil
	}
	return unknownCommand(args)
}

// unknownCommand explains a call that names no command: a group without its
// subcommand, a group's help, or a name that is not there (with the nearest one).
func unknownCommand(args []string) error {
	if sub := groupCommands(args[0]); len(sub) > 0 {
		if len(args) == 1 {
			return usageError{fmt.Sprintf("geef een commando na '%s': %s\nZie 'leerplein help %s'.", args[0], orList(sub), args[0])}
		}
		name := args[0] + " " + args[1]
		msg := fmt.Sprintf("onbekend commando '%s'", name)
		if near := nearest(name, sub); near != "" {
			msg += "; bedoelt u '" + near + "'?"
		}
		return usageError{msg + "\nZie 'leerplein help " + args[0] + "'."}
	}
	msg := fmt.Sprintf("onbekend commando '%s'", args[0])
	if isFlagLike(args[0]) {
		msg = fmt.Sprintf("onbekende optie '%s': een optie hoort na het commando", args[0])
	} else if near := nearestCommand(args[0]); near != "" {
		msg += "; bedoelt u '" + near + "'?"
	}
	return usageError{msg + "\nZie 'leerplein help' voor de commando's."}
}

func isFlagLike(s string) bool { return strings.HasPrefix(s, "-") }

// nearestCommand is the listed command (or the first word of one) closest to a word
// that names none.
func nearestCommand(word string) string {
	var names []string
	for _, c := range commands() {
		if c.group != "" {
			names = append(names, splitWords(c.name)[0])
		}
	}
	near := nearest(word, names)
	if sub := groupCommands(near); len(sub) == 1 {
		return sub[0]
	}
	return near
}

// groupCommands are the listed commands whose name starts with the word prefix and has
// more words after it: "export" → export leerplichttelling, export vsv, export snapshot.
func groupCommands(prefix string) []string {
	var out []string
	for _, c := range commands() {
		words := splitWords(c.name)
		if c.group != "" && len(words) > 1 && words[0] == prefix {
			out = append(out, c.name)
		}
	}
	return out
}

// orList joins names the Dutch way: "a, b of c".
func orList(names []string) string {
	if len(names) == 1 {
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " of " + names[len(names)-1]
}

// writeOverview writes `leerplein --help`: the listed commands by group.
func writeOverview(w io.Writer) {
	fmt.Fprintln(w, "Gebruik: leerplein COMMANDO [opties]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Het Leerplein: het datawarehouse van het bureau leerplicht. Laadt de exports van")
	fmt.Fprintln(w, "gemeenten, scholen en DUO, maakt er rapporten en exports van en serveert de KPI's.")
	width := 0
	for _, c := range commands() {
		if c.group != "" {
			width = max(width, len(c.name))
		}
	}
	for _, g := range groups {
		fmt.Fprintf(w, "\n%s:\n", g)
		for _, c := range commands() {
			if c.group == g {
				writeListed(w, c, width)
			}
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Hulp bij een commando: leerplein help COMMANDO, of leerplein COMMANDO --help.")
}

// writeGroupHelp writes the commands of a group such as `leerplein export`.
func writeGroupHelp(w io.Writer, group string) {
	fmt.Fprintf(w, "Gebruik: leerplein %s COMMANDO [opties]\n\nCommando's:\n", group)
	width := 0
	for _, name := range groupCommands(group) {
		width = max(width, len(name))
	}
	for _, name := range groupCommands(group) {
		c, _ := lookupCommand(name)
		writeListed(w, c, width)
	}
	fmt.Fprintf(w, "\nHulp bij een commando: leerplein help %s COMMANDO.\n", group)
}

// writeListed writes one command's line of a list, its summary wrapped beside it.
func writeListed(w io.Writer, c command, width int) {
	lines := wrap(c.summary, helpWidth-width-4)
	if len(lines) == 0 {
		lines = []string{""}
	}
	fmt.Fprintf(w, "  %-*s  %s\n", width, c.name, lines[0])
	for _, l := range lines[1:] {
		fmt.Fprintf(w, "  %-*s  %s\n", width, "", l)
	}
}
