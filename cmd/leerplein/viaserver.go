package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/hetleerplein/leerplein/warehouse"
)

// defaultServerURL is where `leerplein serve` listens unless told otherwise.
const defaultServerURL = "http://127.0.0.1:8080"

// viaServer holds the flags of a command that can go through the running server that
// holds the warehouse: DuckDB lets one process open the file, so while `serve` runs,
// etl run, reports and exports ask the server instead.
type viaServer struct {
	config string // --config: warehouse and the server's listen address
	server string // --server, or http://<listen> from --config
	cfg    *config
}

// addServerFlags registers --config and --server on fset.
func addServerFlags(fset *flag.FlagSet) *viaServer {
	v := &viaServer{}
	fset.StringVar(&v.config, "config", "", "`BESTAND` het configuratiebestand: zijn warehouse (tenzij --db) en het adres van zijn server")
	fset.StringVar(&v.server, "server", "", "`URL` de draaiende server die het warehouse vasthoudt (standaard: http://<listen> uit --config)")
	return v
}

// resolve reads --config after parsing: its warehouse stands in for an unset --db, its
// listen address for an unset --server.
func (v *viaServer) resolve(fset *flag.FlagSet, dbPath *string) error {
	if v.config == "" {
		return nil
	}
	cfg, err := loadConfig(v.config)
	if err != nil {
		return err
	}
	if !flagGiven(fset, "db") {
		*dbPath = cfg.warehouse
	}
	if v.server == "" {
		v.server = listenURL(cfg.listen)
	}
	v.cfg = &cfg
	return nil
}

// flagGiven reports whether the flag name was set on the command line.
func flagGiven(fset *flag.FlagSet, name string) bool {
	given := false
	fset.Visit(func(f *flag.Flag) { given = given || f.Name == name })
	return given
}

// listenURL is the URL a client on this machine uses for a listen address: a wildcard
// host (":8080", "0.0.0.0:8080") is reached on the loopback address.
func listenURL(listen string) string {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return "http://" + listen
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// serverFor decides, after Open failed with openErr because another process holds the
// warehouse, which server to ask: --server or the config's, else (on a terminal, when
// the user agrees) the holder's own address. Otherwise the error says which process
// holds the warehouse and gives the command line to rerun through the server.
func (v *viaServer) serverFor(e env, openErr error, cmd string, args []string, role string) (string, error) {
	if v.server != "" {
		return v.server, nil
	}
	guess, found := defaultServerURL, false
	var le *warehouse.LockError
	if errors.As(openErr, &le) && le.PID > 0 {
		if addr, ok := listenAddrOf(le.PID); ok {
			guess, found = listenURL(addr), true
		}
	}
	if ask(e, fmt.Sprintf("Via de draaiende server op %s? [J/n] ", guess)) {
		return guess, nil
	}
	where := ""
	if !found {
		where = fmt.Sprintf("\n(%s is de standaard van `leerplein serve`; gebruik het adres waarop hij luistert, of --config BESTAND in plaats van --server)", guess)
	}
	return "", fmt.Errorf("%s: %w\n\nLaat die server het doen: zet een token met rol %s in $%s en roep opnieuw aan:\n  %s%s",
		cmd, openErr, role, TokenEnv, rerunLine(cmd, args, guess), where)
}

// rerunLine is the command line that reruns cmd through the server at base.
func rerunLine(cmd string, args []string, base string) string {
	words := make([]string, 0, len(args))
	for _, w := range args {
		words = append(words, shellQuote(w))
	}
	return strings.TrimSpace("leerplein "+cmd+" "+strings.Join(words, " ")) + " --server " + base
}

// shellQuote quotes w for a POSIX shell when it needs it.
func shellQuote(w string) string {
	if w != "" && strings.Trim(w, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%") == "" {
		return w
	}
	return "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
}

// ask puts a yes/no question (default yes) when a person sits at a terminal; without
// one the answer is no, so scripts never hang on it.
func ask(e env, question string) bool {
	in, ok := e.stdin.(*os.File)
	if !ok || !isTerminal(in) || !isTerminal(e.stderr) {
		return false
	}
	fmt.Fprint(e.stderr, question)
	line, err := bufio.NewReader(in).ReadString('\n')
	if err != nil && line == "" {
		return false
	}
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "", "j", "ja", "y", "yes":
		return true
	}
	return false
}

// serverClient talks to a running server for one command.
type serverClient struct {
	base  string // http://host:port
	token string
	cmd   string // for error messages
}

// newServerClient checks that there is a token for the server at url.
func newServerClient(e env, cmd, base, role string) (serverClient, error) {
	token := e.getenv(TokenEnv)
	if token == "" {
		return serverClient{}, fmt.Errorf("%s: een draaiende server houdt het warehouse vast; zet, om via die server op %s te gaan, in %s een token met rol %s "+
			"(een beheerder maakt het op %s/beheer, of met leerplein token create --role %s --name NAAM)",
			cmd, base, TokenEnv, role, strings.TrimRight(base, "/"), role)
	}
	return serverClient{base: strings.TrimRight(base, "/"), token: token, cmd: cmd}, nil
}

// do sends one request and returns the response when its status is want; any other
// status becomes an error with the server's message.
func (c serverClient) do(ctx context.Context, method, path string, query url.Values, body io.Reader, want ...int) (*http.Response, error) {
	u := c.base + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", c.cmd, err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s: een draaiende server houdt het warehouse vast, maar %s antwoordt niet: %w", c.cmd, c.base, err)
	}
	for _, w := range want {
		if resp.StatusCode == w {
			return resp, nil
		}
	}
	defer resp.Body.Close()
	var answer struct {
		Error string `json:"error"`
	}
	_ = json.NewDecoder(io.LimitReader(resp.Body, 64<<10)).Decode(&answer)
	return nil, &serverError{cmd: c.cmd, status: resp.StatusCode, statusText: resp.Status, msg: answer.Error, url: c.base}
}

// getJSON fetches path and decodes the JSON answer into v.
func (c serverClient) getJSON(ctx context.Context, path string, v any) error {
	resp, err := c.do(ctx, http.MethodGet, path, nil, nil, http.StatusOK)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		return fmt.Errorf("%s: het antwoord van de server op %s: %w", c.cmd, path, err)
	}
	return nil
}

// serverError is a response of the server other than the one expected.
type serverError struct {
	cmd, statusText, msg, url string
	status                    int
}

func (e *serverError) Error() string {
	s := fmt.Sprintf("%s: de server op %s antwoordde %s", e.cmd, e.url, e.statusText)
	if e.msg != "" {
		s += ": " + e.msg
	}
	switch e.status {
	case http.StatusUnauthorized:
		s += fmt.Sprintf(" (is $%s een geldig token van het warehouse van die server?)", TokenEnv)
	case http.StatusNotFound:
		if e.msg == "not found" {
			s += " (een oudere server zonder deze functie?)"
		}
	}
	return s
}

// downloadViaServer fetches a report or export and writes it as the command would:
// to out (atomically) or to standard output. The server renders the whole file first,
// so an error never leaves half a file.
func downloadViaServer(ctx context.Context, e env, c serverClient, path string, q url.Values, out string) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Minute)
	defer cancel()
	resp, err := c.do(ctx, http.MethodGet, path, q, nil, http.StatusOK)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	copyBody := func(w io.Writer) error {
		if _, err := io.Copy(w, resp.Body); err != nil {
			return fmt.Errorf("%s: het antwoord van de server lezen: %w", c.cmd, err)
		}
		return nil
	}
	if out == "" {
		return copyBody(e.stdout)
	}
	return writeFileAtomic(out, copyBody)
}

// figuresViaServer writes a report or export through the running server: the file, and
// for a protected CSV the note beside it, as the command writes them itself.
func (v *viaServer) figuresViaServer(ctx context.Context, e env, openErr error, cmd string, args []string, path string, q url.Values, out string) error {
	base, err := v.serverFor(e, openErr, cmd, args, "analist")
	if err != nil {
		return err
	}
	c, err := newServerClient(e, cmd, base, "analist")
	if err != nil {
		return err
	}
	if err := downloadViaServer(ctx, e, c, path, q, out); err != nil {
		return err
	}
	if q.Get("format") == "csv" && q.Get("openbaar") == "true" {
		note := withParam(q, "format", "toelichting")
		if err := downloadViaServer(ctx, e, c, path, note, toelichtingPath(out)); err != nil {
			return err
		}
	}
	fmt.Fprintf(e.stderr, "%s: geschreven door de server op %s (die houdt het warehouse vast)\n", cmd, c.base)
	return nil
}

// withParam is a copy of q with key set to value.
func withParam(q url.Values, key, value string) url.Values {
	out := url.Values{}
	for k, vs := range q {
		out[k] = append([]string(nil), vs...)
	}
	out.Set(key, value)
	return out
}

// figureQuery is the query of a report or export download.
func figureQuery(schooljaar, format string, openbaar bool, drempel int) url.Values {
	q := url.Values{"schooljaar": {schooljaar}, "format": {format}}
	if openbaar {
		q.Set("openbaar", "true")
		q.Set("drempel", fmt.Sprint(drempel))
	}
	return q
}
