package main

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

// startSQLServer runs `leerplein serve` through run on a copy of the KPI test warehouse,
// waits until its SQL sandbox answers and returns the URL and a token per role.
func startSQLServer(t *testing.T) (base string, tokens map[string]string) {
	t.Helper()
	db := kpiWarehouse(t)
	tokens = map[string]string{}
	for _, role := range []string{"analist", "bestuur"} {
		out, _, err := runCmd(context.Background(), "", "token", "create", "--db", db, "--role", role, "--name", "sql-"+role)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		tokens[role] = lines[len(lines)-1]
	}
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--db", db, "--addr", "127.0.0.1:0"}, func(string) string { return "" },
			strings.NewReader(""), &stdout, &stderr)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			t.Error("serve did not stop within 15 s")
		}
	})
	for deadline := time.Now().Add(20 * time.Second); base == ""; time.Sleep(20 * time.Millisecond) {
		if m := servingURL.FindStringSubmatch(stdout.String()); m != nil {
			base = strings.TrimSuffix(m[1], "/")
		}
		select {
		case err := <-done:
			t.Fatalf("serve ended early: %v; stderr: %s", err, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve printed no URL; stdout: %s stderr: %s", stdout.String(), stderr.String())
		}
	}
	c := sqlClient{base: base, token: tokens["analist"], http: http.DefaultClient}
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		_, err := c.query(context.Background(), "select 1", 1)
		var ae apiError
		if err == nil {
			break
		}
		if !(errors.As(err, &ae) && ae.status == http.StatusServiceUnavailable) || time.Now().After(deadline) {
			t.Fatalf("the SQL sandbox does not answer: %v; stderr: %s", err, stderr.String())
		}
	}
	return base, tokens
}

// timing hides the one part of the shell's output that changes from run to run.
var timing = regexp.MustCompile(`, [0-9.]+ ms\)`)

// TestSQLShellEndToEnd drives `leerplein sql` through run, statements on stdin, against
// a real server on a loopback port: tables, multi-line statements, dot commands, CSV,
// errors that do not stop the script, the row cap, and the token's role.
func TestSQLShellEndToEnd(t *testing.T) {
	base, tokens := startSQLServer(t)
	ctx := context.Background()
	shell := func(token, stdin string, args ...string) (string, string, error) {
		var out, errOut syncBuffer
		getenv := func(k string) string {
			if k == TokenEnv {
				return token
			}
			return ""
		}
		err := run(ctx, append([]string{"sql", "--server", base}, args...), getenv, strings.NewReader(stdin), &out, &errOut)
		return timing.ReplaceAllString(out.String(), ", … ms)"), errOut.String(), err
	}
	for _, tc := range []struct {
		name       string
		token      string
		args       []string
		stdin      string
		wantOut    string // exact, unless wantIn
		wantIn     []string
		wantErrIn  string
		wantStatus int
	}{
		{
			name:  "aligned table over two lines",
			token: tokens["analist"],
			stdin: "select gemeentecode, count(*) as meldingen\nfrom analist.verzuimmeldingen -- the view\ngroup by all order by 1;\n",
			wantOut: ` gemeentecode | meldingen
--------------+-----------
 GM0375       |        12
 GM0392       |        18
(2 rijen, … ms)
`,
		},
		{
			name:  "two statements, the last without ';'",
			token: tokens["analist"],
			stdin: "select 1 as een; select cast(null as varchar) as niets, 'a;b' as tekst",
			wantOut: ` een
-----
   1
(1 rij, … ms)
 niets | tekst
-------+-------
 NULL  | a;b
(1 rij, … ms)
`,
		},
		{
			name:   "csv mode",
			token:  tokens["analist"],
			stdin:  ".mode csv\nselect gemeentecode, count(*) as meldingen from analist.verzuimmeldingen group by all order by 1;\n",
			wantIn: []string{"gemeentecode;meldingen", "GM0375;12", "GM0392;18"},
		},
		{
			name:   "tables",
			token:  tokens["analist"],
			stdin:  ".tables\n",
			wantIn: []string{"analist.verzuimmeldingen", "analist.gemeenten", "analist.vsv_cijfers"},
		},
		{
			name:   "schema of a view in Dutch",
			token:  tokens["analist"],
			stdin:  ".schema verzuimmeldingen\n",
			wantIn: []string{"analist.verzuimmeldingen\n", "  melding_id ", "VARCHAR", "persoon_id", "Pseudoniem van de persoon"},
		},
		{
			name:       "an error does not stop the script",
			token:      tokens["analist"],
			stdin:      "select * from analist.bestaat_niet;\nselect 2 as twee;\n",
			wantIn:     []string{" twee\n", "   2\n"},
			wantErrIn:  "bestaat_niet",
			wantStatus: 1,
		},
		{
			name:       "refused statement",
			token:      tokens["analist"],
			stdin:      "delete from analist.gemeenten;\n",
			wantErrIn:  "fout: query geweigerd",
			wantStatus: 1,
		},
		{
			name:       "unknown command",
			token:      tokens["analist"],
			stdin:      ".drop\n",
			wantErrIn:  "onbekend commando .drop",
			wantStatus: 1,
		},
		{
			name:   "row cap",
			token:  tokens["analist"],
			args:   []string{"--max-rows", "2"},
			stdin:  "select melding_id from analist.verzuimmeldingen order by 1;\n",
			wantIn: []string{"(2 rijen, … ms)\nLet op: afgekapt na 2 rijen"},
		},
		{
			name:   "table mode asks for 10 000 rows",
			token:  tokens["analist"],
			stdin:  "select * from range(10005) as t(i);\n",
			wantIn: []string{"\n 9999\n(10000 rijen, … ms)\nLet op: afgekapt na 10000 rijen"},
		},
		{
			name:    "quit stops reading",
			token:   tokens["analist"],
			stdin:   ".quit\nselect 1;\n",
			wantOut: "",
		},
		{
			name:       "role bestuur may not",
			token:      tokens["bestuur"],
			stdin:      "select 1;\n",
			wantErrIn:  "rol analist",
			wantStatus: 1,
		},
		{
			name:       "no token",
			token:      "",
			stdin:      "select 1;\n",
			wantErrIn:  "",
			wantStatus: 2,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, err := shell(tc.token, tc.stdin, tc.args...)
			status := 0
			if err != nil {
				status = exitCode(err)
			}
			if status != tc.wantStatus {
				t.Errorf("exit status %d (%v), want %d; stderr: %s", status, err, tc.wantStatus, errOut)
			}
			if tc.wantIn == nil && tc.wantStatus == 0 && out != tc.wantOut {
				t.Errorf("stdout:\n%s\nwant:\n%s", out, tc.wantOut)
			}
			for _, w := range tc.wantIn {
				if !strings.Contains(out, w) {
					t.Errorf("stdout lacks %q:\n%s", w, out)
				}
			}
			if !strings.Contains(errOut, tc.wantErrIn) {
				t.Errorf("stderr lacks %q: %s", tc.wantErrIn, errOut)
			}
		})
	}
}

// TestSQLShellSchemaEndpoint checks that the shell reads the server's schema listing:
// every view of the warehouse with Dutch descriptions.
func TestSQLShellSchemaEndpoint(t *testing.T) {
	base, tokens := startSQLServer(t)
	views, err := sqlClient{base: base, token: tokens["analist"], http: http.DefaultClient}.schema(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	v, ok := findView(views, "verzuimmeldingen")
	if !ok || v.DescriptionNL == "" || len(v.Columns) == 0 || v.Columns[0].DescriptionNL == "" {
		b, _ := json.Marshal(views)
		t.Fatalf("schema without verzuimmeldingen and its Dutch descriptions: %.500s", b)
	}
}
