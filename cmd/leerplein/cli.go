package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// usageError is a mistake in how the command was called: exit status 2. An empty msg
// exits 2 with nothing more to say (the help was printed instead).
type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

// exitError carries a specific exit status (e.g. 1 when a file was rejected).
type exitError struct {
	code int
	err  error
}

func (e exitError) Error() string { return e.err.Error() }
func (e exitError) Unwrap() error { return e.err }

// errHelpShown ends a command whose --help was printed: exit status 0, nothing more.
var errHelpShown = errors.New("help shown")

func exitCode(err error) int {
	var u usageError
	if errors.As(err, &u) {
		return 2
	}
	var x exitError
	if errors.As(err, &x) {
		return x.code
	}
	return 1
}

func splitWords(s string) []string { return strings.Fields(s) }
func joinWords(w []string) string  { return strings.Join(w, " ") }

func equalWords(a, b []string) bool {
	for i := range b {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// isHelpFlag reports whether arg asks for help, as the flag package reads it.
func isHelpFlag(arg string) bool {
	return arg == "-h" || arg == "--help" || arg == "-help" || arg == "--h"
}

// commandHelp is what `leerplein COMMAND --help` says beside the one-line summary and the
// flags: how to call it, what more to know, and examples. Everything in it is Dutch.
type commandHelp struct {
	usage    string   // what follows "leerplein NAME" in the usage line, e.g. "--inbox MAP [opties]"
	text     string   // paragraphs after the summary, wrapped at 80 columns; may be empty
	examples []string // whole command lines
}

// helpWidth is the width help text is wrapped to: a terminal's default.
const helpWidth = 80

// newFlagSet makes the flag set of command name. The flag package prints nothing
// itself: parseFlags prints the help and turns errors into Dutch.
func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// parseFlags parses args into fs, a flag set of newFlagSet. --help (or -h) prints the
// command's help on standard output and returns errHelpShown, which ends the command
// with status 0; a flag that is wrong is a usageError in Dutch that suggests the flag
// meant.
func parseFlags(e env, fs *flag.FlagSet, args []string) error {
	err := fs.Parse(args)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, flag.ErrHelp):
		c, ok := lookupCommand(fs.Name())
		if !ok { // a command outside the table: at least its flags
			c = command{name: fs.Name()}
		}
		writeCommandHelp(e.stdout, c, fs)
		return errHelpShown
	}
	return usageError{fs.Name() + ": " + dutchFlagError(fs, err)}
}

var (
	flagUndefined = regexp.MustCompile(`^flag provided but not defined: -+(.+)$`)
	flagNoValue   = regexp.MustCompile(`^flag needs an argument: -+(.+)$`)
	flagBadValue  = regexp.MustCompile(`^invalid (?:boolean )?value "(.*)" for (?:flag )?-+([^:]+): `)
	flagBadBool   = regexp.MustCompile(`^invalid boolean flag ([^:]+): `)
	flagBadSyntax = regexp.MustCompile(`^bad flag syntax: (.*)$`)
)

// dutchFlagError says in Dutch what the flag package found wrong. The package's errors
// are English text without types, so they are recognised by their wording.
func dutchFlagError(fs *flag.FlagSet, err error) string {
	msg := err.Error()
	if m := flagUndefined.FindStringSubmatch(msg); m != nil {
		s := "onbekende optie --" + m[1]
		if near := nearestFlag(fs, m[1]); near != "" {
			s += "; bedoelt u --" + near + "?"
		}
		return s
	}
	if m := flagNoValue.FindStringSubmatch(msg); m != nil {
		return "--" + m[1] + " heeft een waarde nodig"
	}
	if m := flagBadValue.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("ongeldige waarde %q voor --%s: %s", m[1], m[2], expectedValue(fs.Lookup(m[2])))
	}
	if m := flagBadBool.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("ongeldige waarde voor --%s: %s", m[1], expectedValue(fs.Lookup(m[1])))
	}
	if m := flagBadSyntax.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("ongeldige optie %q: een optie begint met -- en heeft een naam", m[1])
	}
	return msg
}

// expectedValue says what kind of value a flag takes.
func expectedValue(f *flag.Flag) string {
	if f == nil {
		return "controleer de waarde"
	}
	if g, ok := f.Value.(flag.Getter); ok {
		switch g.Get().(type) {
		case bool:
			return "verwacht true of false (of laat de waarde weg)"
		case time.Duration:
			return "verwacht een duur zoals 10s, 5m of 1h30m"
		case int, int64, uint, uint64:
			return "verwacht een geheel getal"
		case float64:
			return "verwacht een getal"
		}
	}
	return "controleer de waarde"
}

// nearestFlag is the flag of fs closest to name, when one is close enough to be a typo.
func nearestFlag(fs *flag.FlagSet, name string) string {
	var names []string
	fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
	return nearest(name, names)
}

// nearest returns the candidate within a small edit distance of s (a third of its
// length, at least 1, at most 3), or one that s starts; "" when none is close.
func nearest(s string, candidates []string) string {
	best, bestDist := "", max(1, min(3, (utf8.RuneCountInString(s)+2)/3))+1
	for _, c := range candidates {
		d := editDistance(s, c)
		if strings.HasPrefix(c, s) && len(s) >= 3 {
			d = min(d, 1)
		}
		if d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// editDistance is the number of edits from a to b — a rune inserted, removed, changed,
// or two neighbours swapped ("sevre" → "serve" is one) — the optimal string alignment
// distance.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}

// writeCommandHelp writes the help of one command in the one style of every command:
// usage line, summary, details, options with their defaults, examples.
func writeCommandHelp(w io.Writer, c command, fs *flag.FlagSet) {
	usage := c.help.usage
	if usage == "" && fs != nil && hasFlags(fs) {
		usage = "[opties]"
	}
	fmt.Fprintln(w, strings.TrimRight("Gebruik: leerplein "+c.name+" "+usage, " "))
	if c.summary != "" {
		fmt.Fprintf(w, "\n%s\n", sentence(c.summary))
	}
	if text := strings.TrimSpace(c.help.text); text != "" {
		fmt.Fprintf(w, "\n%s\n", reflow(text, helpWidth))
	}
	if fs != nil && hasFlags(fs) {
		fmt.Fprintln(w, "\nOpties:")
		writeFlags(w, fs)
	}
	if len(c.help.examples) > 0 {
		fmt.Fprintln(w, "\nVoorbeelden:")
		for _, ex := range c.help.examples {
			fmt.Fprintf(w, "  %s\n", ex)
		}
	}
}

// reflow wraps the paragraphs of text to width. An indented line (a list, a table) is
// kept as written; the lines of a paragraph in between are joined and wrapped anew, so
// help text reads right however it was broken in the source.
func reflow(text string, width int) string {
	var out, para []string
	flush := func() {
		if len(para) > 0 {
			out = append(out, wrap(strings.Join(para, " "), width)...)
			para = nil
		}
	}
	for _, line := range strings.Split(text, "\n") {
		switch {
		case strings.TrimSpace(line) == "":
			flush()
			out = append(out, "")
		case strings.HasPrefix(line, " "):
			flush()
			out = append(out, line)
		default:
			para = append(para, strings.TrimSpace(line))
		}
	}
	flush()
	return strings.Join(out, "\n")
}

func hasFlags(fs *flag.FlagSet) bool {
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	return n > 0
}

// sentence makes a summary from the command list a sentence: a capital and a period.
func sentence(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	s = string(unicode.ToUpper(r)) + s[size:]
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}

// flagColumn is where a flag's description starts; a longer flag gets its own line.
const flagColumn = 26

// writeFlags lists the flags of fs: required ones first, then by name; each with its
// value's name, its description wrapped to helpWidth and its default when it has one.
func writeFlags(w io.Writer, fs *flag.FlagSet) {
	var flags []*flag.Flag
	fs.VisitAll(func(f *flag.Flag) { flags = append(flags, f) })
	slices.SortStableFunc(flags, func(a, b *flag.Flag) int {
		ra, rb := strings.Contains(a.Usage, "(verplicht)"), strings.Contains(b.Usage, "(verplicht)")
		switch {
		case ra && !rb:
			return -1
		case rb && !ra:
			return 1
		}
		return strings.Compare(a.Name, b.Name)
	})
	for _, f := range flags {
		value, desc := flagValueName(f)
		head := "  --" + f.Name
		if value != "" {
			head += " " + value
		}
		if d := flagDefault(f, desc); d != "" {
			desc += " (standaard: " + d + ")"
		}
		lines := wrap(desc, helpWidth-flagColumn)
		if len(head) >= flagColumn-1 {
			fmt.Fprintln(w, head)
		} else if len(lines) > 0 {
			fmt.Fprintf(w, "%-*s%s\n", flagColumn, head, lines[0])
			lines = lines[1:]
		} else {
			fmt.Fprintln(w, head)
		}
		for _, l := range lines {
			fmt.Fprintf(w, "%s%s\n", strings.Repeat(" ", flagColumn), l)
		}
	}
}

// flagValueName returns the name of a flag's value (none for a switch) and its
// description. A usage that starts with a name in back quotes, "`PAD` het
// warehouse-bestand", names the value and the rest describes it; elsewhere back quotes
// name the value as in the flag package and stay in the text. Without a name, the value
// is named after its kind.
func flagValueName(f *flag.Flag) (value, desc string) {
	if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
		return "", f.Usage
	}
	if rest, ok := strings.CutPrefix(f.Usage, "`"); ok {
		if name, text, ok := strings.Cut(rest, "` "); ok && !strings.Contains(name, " ") {
			return name, text
		}
	}
	name, desc := flag.UnquoteUsage(f)
	switch name {
	case "string":
		name = "TEKST"
	case "int", "uint", "int64", "uint64":
		name = "N"
	case "duration":
		name = "DUUR"
	case "float":
		name = "GETAL"
	case "value", "":
		name = "WAARDE"
	}
	return name, desc
}

// flagDefault is the default to show after a flag's description: none when it is the
// zero value or the description already says what the default is.
func flagDefault(f *flag.Flag, desc string) string {
	if strings.Contains(desc, "standaard") {
		return ""
	}
	switch f.DefValue {
	case "", "0", "0s", "false":
		return ""
	case "true":
		return "aan"
	}
	return f.DefValue
}

// describeServerFlags gives --config and --server of addServerFlags (viaserver.go) their
// Dutch description in the help of a command: what --config brings differs per command.
func describeServerFlags(fs *flag.FlagSet, config string) {
	fs.Lookup("config").Usage = config
	fs.Lookup("server").Usage = "`URL` de draaiende server, voor als die het warehouse vasthoudt; standaard: http://<listen> uit --config"
}
