package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/term"

	"github.com/hetleerplein/leerplein/api"
)

var sqlHelp = commandHelp{
	usage: "[--server URL | --config BESTAND] [--max-rows N] [--mode table|csv] [--no-history]",
	text: `Alleen lezen, over de views van het schema analist (POST /api/v1/sql). Het token
(rol analist of beheer) staat in $LEERPLEIN_TOKEN.

Een statement eindigt op ';' en mag over meer regels lopen. Commando's (zonder ';'):
` + sqlCommandHelp + `
Interactief (een terminal): regels bewerken, pijltjes omhoog/omlaag voor eerdere regels;
de geschiedenis staat in ~/` + historyFileName + ` (mode 0600). Een regel met een getal
van precies negen cijfers (mogelijk een BSN) wordt nooit bewaard. Ctrl-D sluit af;
Ctrl-C breekt een lopende query af en sluit de shell.

Niet interactief (invoer uit een bestand of pipe): leest de statements van stdin en
schrijft de resultaten naar stdout; eindigt met status 1 als een statement faalde.`,
	examples: []string{
		"leerplein sql --config /etc/leerplein.yaml",
		"echo 'select count(*) from verzuimmeldingen;' | leerplein sql --mode csv",
	},
}

const sqlCommandHelp = `  .tables          de views met hun omschrijving
  .schema VIEW     de kolommen van een view met omschrijving (zonder VIEW: alle)
  .mode table|csv  uitvoer als uitgelijnde tabel of als CSV (';', met kopregel)
  .help            deze hulp
  .quit            afsluiten (ook .exit of Ctrl-D)
`

// tableMaxRows is how many rows table mode asks for unless --max-rows says otherwise:
// more is not read on a screen (.mode csv streams up to the server's cap).
const tableMaxRows = 10_000

// sqlShell is one session of `leerplein sql`.
type sqlShell struct {
	client  sqlClient
	out     io.Writer
	errOut  io.Writer
	mode    string // "table" or "csv"
	maxRows int
	width   int              // terminal width for .schema
	views   []api.SchemaView // GET /api/v1/schema, fetched once
	failed  bool             // a statement or command failed (non-interactive exit status)
}

// cmdSQL runs the analyst SQL shell against a running server.
func cmdSQL(ctx context.Context, e env, args []string) error {
	fset := newFlagSet("sql")
	server := fset.String("server", "", "`URL` de server; standaard: http://127.0.0.1:8080, of het luisteradres uit --config")
	configPath := fset.String("config", "", "`BESTAND` het configuratiebestand waarvan het luisteradres de server is")
	maxRows := fset.Int("max-rows", 0, "`N` vraag hoogstens N rijen per statement (0: 10.000 als tabel, het maximum van de server als csv)")
	mode := fset.String("mode", "table", "`VORM` de vorm van de uitvoer: table of csv")
	noHistory := fset.Bool("no-history", false, "bewaar geen geschiedenis")
	if err := parseFlags(e, fset, args); err != nil {
		return err
	}
	switch {
	case fset.NArg() > 0:
		return usageError{fmt.Sprintf("sql: onverwacht argument %q (de statements komen van standaardinvoer of de prompt)", fset.Arg(0))}
	case *mode != "table" && *mode != "csv":
		return usageError{fmt.Sprintf("sql: --mode %q: kies table of csv", *mode)}
	case *maxRows < 0:
		return usageError{"sql: --max-rows moet 0 of meer zijn"}
	}
	base, err := sqlServerURL(*server, *configPath)
	if err != nil {
		return err
	}
	token := strings.TrimSpace(e.getenv(TokenEnv))
	if token == "" {
		return usageError{fmt.Sprintf("sql: zet %s op een token met rol analist (leerplein token create --role analist --name NAAM)", TokenEnv)}
	}
	sh := &sqlShell{
		client:  sqlClient{base: base, token: token, http: &http.Client{}},
		out:     e.stdout,
		errOut:  e.stderr,
		mode:    *mode,
		maxRows: *maxRows,
		width:   100,
	}
	if f, ok := e.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		histPath := ""
		if home := e.getenv("HOME"); home != "" && !*noHistory {
			histPath = filepath.Join(home, historyFileName)
		}
		return sh.interactive(ctx, f, histPath)
	}
	if err := sh.batch(ctx, e.stdin); err != nil {
		return err
	}
	if sh.failed {
		return exitError{code: 1, err: errors.New("sql: een statement is mislukt (zie boven)")}
	}
	return nil
}

// sqlServerURL picks the server: --server, else http://<listen> of --config, else the
// default address of serve.
func sqlServerURL(server, configPath string) (string, error) {
	if server == "" && configPath != "" {
		cfg, err := loadConfig(configPath)
		if err != nil {
			return "", err
		}
		host, port, err := net.SplitHostPort(cfg.listen)
		if err != nil {
			return "", fmt.Errorf("sql: listen %q in %s: %w", cfg.listen, configPath, err)
		}
		if host == "" || host == "0.0.0.0" || host == "::" {
			host = "127.0.0.1"
		}
		server = "http://" + net.JoinHostPort(host, port)
	}
	if server == "" {
		server = "http://127.0.0.1:8080"
	}
	if !strings.HasPrefix(server, "http://") && !strings.HasPrefix(server, "https://") {
		server = "http://" + server
	}
	return strings.TrimRight(server, "/"), nil
}

// batch reads statements and commands from r until its end.
func (sh *sqlShell) batch(ctx context.Context, r io.Reader) error {
	var sp stmtSplitter
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	for sc.Scan() {
		if quit, err := sh.line(ctx, &sp, sc.Text()); quit || err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("sql: stdin: %w", err)
	}
	if q := sp.rest(); q != "" {
		return sh.statement(ctx, q)
	}
	return nil
}

// line handles one input line: a dot command when no statement is pending, else SQL
// that may complete statements. It returns quit for .quit, and an error only when the
// session cannot go on (the context ended).
func (sh *sqlShell) line(ctx context.Context, sp *stmtSplitter, text string) (quit bool, err error) {
	if !sp.pending() && strings.HasPrefix(strings.TrimSpace(text), ".") {
		sp.reset()
		return sh.command(ctx, strings.TrimSpace(text))
	}
	for _, q := range sp.add(text) {
		if err := sh.statement(ctx, q); err != nil {
			return false, err
		}
	}
	return false, nil
}

// statement runs one SQL statement and prints its result or its error.
func (sh *sqlShell) statement(ctx context.Context, q string) error {
	err := sh.run(ctx, q)
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	sh.failed = true
	fmt.Fprintln(sh.errOut, "fout:", err)
	return nil
}

func (sh *sqlShell) run(ctx context.Context, q string) error {
	if sh.mode == "csv" {
		resp, err := sh.client.post(ctx, q, sh.maxRows, "csv")
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if _, err := io.Copy(sh.out, resp.Body); err != nil {
			return fmt.Errorf("sql: het antwoord brak af: %w", err)
		}
		// Streamed formats send the outcome as trailers, known once the body is read.
		if msg := resp.Trailer.Get("X-Leerplein-Error"); msg != "" {
			return fmt.Errorf("het resultaat brak af: %s", msg)
		}
		if resp.Trailer.Get("X-Leerplein-Truncated") == "true" {
			fmt.Fprintf(sh.errOut, "Let op: afgekapt na %s rijen (de rijlimiet); gebruik LIMIT, een aggregaat of --max-rows.\n",
				resp.Trailer.Get("X-Leerplein-Row-Count"))
		}
		return nil
	}
	maxRows := sh.maxRows
	if maxRows == 0 {
		maxRows = tableMaxRows
	}
	res, err := sh.client.query(ctx, q, maxRows)
	var ae apiError
	if errors.As(err, &ae) && sh.maxRows == 0 && strings.Contains(ae.msg, "max_rows") {
		res, err = sh.client.query(ctx, q, 0) // the server's own cap is lower
	}
	if err != nil {
		return err
	}
	if err := renderTable(sh.out, res); err != nil {
		return err
	}
	if res.Error != "" {
		return fmt.Errorf("het resultaat brak af na %d rijen: %s", len(res.Rows), res.Error)
	}
	return nil
}

// command runs a dot command.
func (sh *sqlShell) command(ctx context.Context, text string) (bool, error) {
	fields := strings.Fields(text)
	arg := strings.TrimSpace(strings.TrimPrefix(text, fields[0]))
	fail := func(format string, a ...any) (bool, error) {
		sh.failed = true
		fmt.Fprintf(sh.errOut, "fout: "+format+"\n", a...)
		return false, nil
	}
	switch fields[0] {
	case ".quit", ".exit", ".q":
		return true, nil
	case ".help", ".h", ".?":
		fmt.Fprint(sh.out, "Statements eindigen op ';' en mogen over meer regels lopen. Commando's:\n"+sqlCommandHelp)
		return false, nil
	case ".mode":
		if arg == "" {
			fmt.Fprintf(sh.out, "uitvoer: %s\n", sh.mode)
			return false, nil
		}
		if arg != "table" && arg != "csv" {
			return fail(".mode %q: kies table of csv (nu: %s)", arg, sh.mode)
		}
		sh.mode = arg
		return false, nil
	case ".tables", ".schema":
		views, err := sh.schema(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return false, ctx.Err()
			}
			return fail("%v", err)
		}
		if fields[0] == ".tables" {
			return false, renderTables(sh.out, views)
		}
		if arg == "" {
			for i, v := range views {
				if i > 0 {
					fmt.Fprintln(sh.out)
				}
				if err := renderSchema(sh.out, v, sh.width); err != nil {
					return false, err
				}
			}
			return false, nil
		}
		v, ok := findView(views, arg)
		if !ok {
			return fail("geen view %q; .tables toont ze", arg)
		}
		return false, renderSchema(sh.out, v, sh.width)
	}
	return fail("onbekend commando %s; .help toont ze", fields[0])
}

// schema returns the analyst views, fetched once per session.
func (sh *sqlShell) schema(ctx context.Context) ([]api.SchemaView, error) {
	if sh.views == nil {
		views, err := sh.client.schema(ctx)
		if err != nil {
			return nil, err
		}
		sh.views = views
	}
	return sh.views, nil
}

// interactive reads lines from the terminal with line editing and history. The
// terminal is in raw mode only while a line is read, so Ctrl-C during a query is a
// signal and results print as usual.
func (sh *sqlShell) interactive(ctx context.Context, in *os.File, histPath string) error {
	hist, err := loadHistory(histPath)
	if err != nil {
		fmt.Fprintln(sh.errOut, "leerplein:", err, "(de shell werkt zonder geschiedenisbestand)")
		hist.path = ""
	}
	rw := struct {
		io.Reader
		io.Writer
	}{in, sh.out}
	t := term.NewTerminal(rw, "leerplein> ")
	t.History = hist
	if f, ok := sh.out.(*os.File); ok {
		if w, h, err := term.GetSize(int(f.Fd())); err == nil && w > 0 {
			t.SetSize(w, h)
			sh.width = min(max(w, 40), 140)
		}
	}
	fmt.Fprintf(sh.out, "leerplein sql op %s — .help voor hulp, .quit of Ctrl-D om te stoppen\n", sh.client.base)
	fd := int(in.Fd())
	return sh.readLoop(ctx, t, func() (func(), error) {
		state, err := term.MakeRaw(fd)
		if err != nil {
			return nil, fmt.Errorf("sql: terminal: %w", err)
		}
		return func() { term.Restore(fd, state) }, nil
	})
}

// readLoop reads lines from t until .quit or the end of input. raw puts the terminal
// in raw mode for one line and returns how to restore it.
func (sh *sqlShell) readLoop(ctx context.Context, t *term.Terminal, raw func() (func(), error)) error {
	var sp stmtSplitter
	for {
		if sp.pending() {
			t.SetPrompt("        -> ")
		} else {
			t.SetPrompt("leerplein> ")
		}
		restore, err := raw()
		if err != nil {
			return err
		}
		text, err := t.ReadLine()
		restore()
		if errors.Is(err, io.EOF) {
			fmt.Fprintln(sh.out)
			return nil
		}
		if err != nil && !errors.Is(err, term.ErrPasteIndicator) {
			return fmt.Errorf("sql: terminal: %w", err)
		}
		quit, err := sh.line(ctx, &sp, text)
		if quit || err != nil {
			return err
		}
	}
}
