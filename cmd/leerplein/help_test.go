package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hetleerplein/leerplein/warehouse"
)

var updateHelp = flag.Bool("update-help", false, "rewrite the golden help texts under testdata/help/")

// runHelp calls the CLI as main does and returns stdout, stderr and the exit status.
func runHelp(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, func(string) string { return "" }, strings.NewReader(""), &out, &errOut)
	if err != nil {
		code = exitCode(err)
		errOut.WriteString(err.Error())
	}
	return out.String(), errOut.String(), code
}

// listed are the commands `leerplein --help` shows.
func listed() []command {
	var out []command
	for _, c := range commands() {
		if c.group != "" {
			out = append(out, c)
		}
	}
	return out
}

// golden compares got with testdata/help/name.txt, or rewrites it with -update-help.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "help", name+".txt")
	if *updateHelp {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/leerplein -run TestHelp -update-help to write it)", err)
	}
	if got != string(want) {
		t.Errorf("help differs from %s (rerun with -update-help if the change is meant)\n got:\n%s\nwant:\n%s", path, got, want)
	}
}

// englishInHelp catches English that slipped into what a steward or analyst reads
// (flag names such as --key-file aside, see withoutFlagNames).
var englishInHelp = regexp.MustCompile(`(?i)\b(usage|the|default|required|file|directory|flags?|write|load|server's)\b`)

// withoutFlagNames drops --flag-names and file names from help text.
func withoutFlagNames(s string) string {
	return regexp.MustCompile(`--[a-z-]+|[\w.-]+\.(txt|yaml|duckdb|csv|xlsx|key)\b`).ReplaceAllString(s, "")
}

// TestHelpOverview: `leerplein --help`, `-h` and `help` say the same, on stdout: the
// user-facing commands by group, in Dutch, and no internal command.
func TestHelpOverview(t *testing.T) {
	want, stderr, code := runHelp(t, "--help")
	if code != 0 || stderr != "" {
		t.Fatalf("--help: exit %d, stderr %q; want 0 and nothing", code, stderr)
	}
	golden(t, "overview", want)
	for _, args := range [][]string{{"-h"}, {"help"}} {
		if got, _, code := runHelp(t, args...); got != want || code != 0 {
			t.Errorf("%v: exit %d, output differs from --help:\n%s", args, code, got)
		}
	}
	last := -1
	for _, g := range groups {
		i := strings.Index(want, "\n"+g+":\n")
		if i < 0 || i < last {
			t.Errorf("group %q missing or out of order", g)
		}
		last = i
	}
	for _, c := range listed() {
		if !regexp.MustCompile(`(?m)^  ` + regexp.QuoteMeta(c.name) + ` +` + regexp.QuoteMeta(strings.Fields(c.summary)[0])).MatchString(want) {
			t.Errorf("command %q is not listed with its summary", c.name)
		}
	}
	for _, hidden := range []string{"bench", "bench-read-csv", "bench-readers", "bench-api", "bench-sql", warehouse.SandboxWorkerArg} {
		if regexp.MustCompile(`(?m)^\s+` + regexp.QuoteMeta(hidden) + `\s`).MatchString(want) {
			t.Errorf("internal command %q is listed", hidden)
		}
	}
	if m := englishInHelp.FindString(withoutFlagNames(want)); m != "" {
		t.Errorf("overview holds English %q", m)
	}
}

// TestHelpEveryCommand: for every listed command, `COMMAND --help` and `leerplein help
// COMMAND` print the same help on stdout with status 0, in the one style (usage line,
// summary, options with every flag, examples), in Dutch.
func TestHelpEveryCommand(t *testing.T) {
	for _, c := range listed() {
		t.Run(c.name, func(t *testing.T) {
			words := strings.Fields(c.name)
			var got string
			if c.run != nil {
				var stderr string
				var code int
				got, stderr, code = runHelp(t, append(words, "--help")...)
				if code != 0 || stderr != "" {
					t.Fatalf("--help: exit %d, stderr %q; want 0 and nothing", code, stderr)
				}
			}
			viaHelp, stderr, code := runHelp(t, append([]string{"help"}, words...)...)
			if code != 0 || stderr != "" {
				t.Fatalf("help %s: exit %d, stderr %q; want 0 and nothing", c.name, code, stderr)
			}
			if c.run != nil && viaHelp != got {
				t.Errorf("'help %s' and '%s --help' differ:\n%s\n---\n%s", c.name, c.name, viaHelp, got)
			}
			golden(t, strings.ReplaceAll(c.name, " ", "_"), viaHelp)
			if !strings.HasPrefix(viaHelp, "Gebruik: leerplein "+c.name) {
				t.Errorf("help does not start with its usage line:\n%s", viaHelp)
			}
			if !strings.Contains(viaHelp, "\n"+sentence(c.summary)+"\n") {
				t.Errorf("help lacks the summary %q", sentence(c.summary))
			}
			if c.name != "version" && !strings.Contains(viaHelp, "\nVoorbeelden:\n  leerplein ") && !strings.Contains(viaHelp, "| leerplein ") {
				t.Errorf("help has no examples:\n%s", viaHelp)
			}
			for _, line := range strings.Split(viaHelp, "\n") {
				if len([]rune(line)) > helpWidth && !strings.Contains(line, "leerplein ") {
					t.Errorf("line over %d columns: %q", helpWidth, line)
				}
			}
			if m := englishInHelp.FindString(withoutFlagNames(viaHelp)); m != "" {
				t.Errorf("help holds English %q:\n%s", m, viaHelp)
			}
		})
	}
}

// TestHelpListsEveryFlag: the options of a command's help are its flags, each once.
func TestHelpListsEveryFlag(t *testing.T) {
	fs := newFlagSet("etl run")
	fs.String("db", "x.duckdb", "`PAD` het warehouse-bestand")
	fs.String("inbox", "", "`MAP` de map met de exports (verplicht)")
	fs.Bool("verbose", false, "log elke stap")
	fs.Duration("stable-after", 10e9, "`DUUR` wacht zo lang")
	fs.Int("retention-days", 30, "bewaar `N` dagen; standaard: 30")
	var b bytes.Buffer
	writeFlags(&b, fs)
	want := "" +
		"  --inbox MAP             de map met de exports (verplicht)\n" +
		"  --db PAD                het warehouse-bestand (standaard: x.duckdb)\n" +
		"  --retention-days N      bewaar N dagen; standaard: 30\n" +
		"  --stable-after DUUR     wacht zo lang (standaard: 10s)\n" +
		"  --verbose               log elke stap\n"
	if b.String() != want {
		t.Errorf("flags:\n%s\nwant:\n%s", b.String(), want)
	}
}

// TestCallMistakes: an unknown command or flag, a missing or wrong value, a group
// without its command: a Dutch error with a hint where the help is, exit status 2,
// nothing on stdout.
func TestCallMistakes(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want []string
	}{
		{"no command", nil, []string{"Gebruik: leerplein COMMANDO"}},
		{"unknown command", []string{"frobnicate"}, []string{"onbekend commando 'frobnicate'", "Zie 'leerplein help'"}},
		{"a typo", []string{"sevre"}, []string{"bedoelt u 'serve'?"}},
		{"a typo in a group", []string{"export", "vvs"}, []string{"onbekend commando 'export vvs'", "bedoelt u 'export vsv'?", "Zie 'leerplein help export'"}},
		{"a group alone", []string{"export"}, []string{"geef een commando na 'export': export leerplichttelling, export vsv of export snapshot"}},
		{"a flag before the command", []string{"--db", "x"}, []string{"onbekende optie '--db': een optie hoort na het commando"}},
		{"unknown flag", []string{"etl", "run", "--inbx", "x"}, []string{"etl run: onbekende optie --inbx; bedoelt u --inbox?", "Zie 'leerplein etl run --help'."}},
		{"flag without value", []string{"etl", "run", "--inbox"}, []string{"--inbox heeft een waarde nodig"}},
		{"not a duration", []string{"etl", "run", "--inbox", "x", "--stable-after", "tien"}, []string{`ongeldige waarde "tien" voor --stable-after: verwacht een duur`}},
		{"not a number", []string{"report", "jaarverslag", "--drempel", "vijf"}, []string{`ongeldige waarde "vijf" voor --drempel: verwacht een geheel getal`}},
		{"not a switch value", []string{"etl", "run", "--verbose=misschien"}, []string{"--verbose", "verwacht true of false"}},
		{"required flag", []string{"etl", "run"}, []string{"--inbox ontbreekt", "Zie 'leerplein etl run --help'."}},
		{"stray argument", []string{"etl", "run", "--inbox", "x", "extra"}, []string{`onverwacht argument "extra"`}},
		{"demo: not a date", []string{"demo", "--until", "gisteren"}, []string{`demo: --until "gisteren" is geen datum`, "Zie 'leerplein demo --help'."}},
		{"demo: before the demo", []string{"demo", "--until", "2015-12-01"}, []string{"demo: --until 2015-12-01 is te vroeg"}},
		{"help of nothing", []string{"help", "frobnicate"}, []string{"onbekend commando 'frobnicate'"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stdout, stderr, code := runHelp(t, tc.args...)
			if code != 2 {
				t.Errorf("exit %d, want 2 (stderr %q)", code, stderr)
			}
			if stdout != "" {
				t.Errorf("stdout = %q, want nothing", stdout)
			}
			for _, w := range tc.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr %q lacks %q", stderr, w)
				}
			}
			if strings.Contains(stderr, "flag provided") || strings.Contains(stderr, "Usage of") {
				t.Errorf("stderr holds the flag package's English: %q", stderr)
			}
		})
	}
}

// TestGroupHelp: `leerplein export --help` and `leerplein help export` list the
// group's commands.
func TestGroupHelp(t *testing.T) {
	a, _, codeA := runHelp(t, "export", "--help")
	b, _, codeB := runHelp(t, "help", "export")
	if codeA != 0 || codeB != 0 || a != b {
		t.Fatalf("export --help (exit %d) and help export (exit %d) differ:\n%s\n---\n%s", codeA, codeB, a, b)
	}
	for _, name := range []string{"export leerplichttelling", "export vsv", "export snapshot"} {
		if !strings.Contains(a, "  "+name+" ") {
			t.Errorf("group help lacks %q:\n%s", name, a)
		}
	}
}

// TestInternalCommandsRun: the commands left out of the list still run, and their
// --help ends with status 0.
func TestInternalCommandsRun(t *testing.T) {
	for _, name := range []string{"bench", "bench-readers", "bench-api", "bench-sql"} {
		if _, stderr, code := runHelp(t, name, "--help"); code != 0 {
			t.Errorf("%s --help: exit %d (%s), want 0", name, code, stderr)
		}
	}
}

func TestNearest(t *testing.T) {
	names := []string{"serve", "backup", "demo", "export", "report", "version"}
	for _, tc := range []struct{ in, want string }{
		{"sevre", "serve"},
		{"serv", "serve"},
		{"bakup", "backup"},
		{"rapport", "report"},
		{"xyz", ""},
		{"demoo", "demo"},
		{"v", ""},
	} {
		if got := nearest(tc.in, names); got != tc.want {
			t.Errorf("nearest(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
