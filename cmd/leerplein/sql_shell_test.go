package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/term"
)

// TestSQLShellSplit feeds scripts line by line: statements end at a ';' outside
// strings, quoted identifiers and comments; an unfinished one is pending.
func TestSQLShellSplit(t *testing.T) {
	for _, tc := range []struct {
		name    string
		input   string
		want    []string
		pending bool
		rest    string
	}{
		{"one line", "select 1;", []string{"select 1"}, false, ""},
		{"two on a line", "select 1; select 2;", []string{"select 1", "select 2"}, false, ""},
		{"multi-line", "select\n  1\n;", []string{"select\n  1"}, false, ""},
		{"unfinished", "select 1", nil, true, "select 1"},
		{"semicolon in string", "select 'a;b';", []string{"select 'a;b'"}, false, ""},
		{"doubled quote in string", "select 'it''s; ok';", []string{"select 'it''s; ok'"}, false, ""},
		{"string over lines", "select 'a\n;b';", []string{"select 'a\n;b'"}, false, ""},
		{"open string is pending", "select 'a;", nil, true, "select 'a;"},
		{"quoted identifier", `select 1 as "x;y";`, []string{`select 1 as "x;y"`}, false, ""},
		{"line comment", "select 1 -- not here;\n;", []string{"select 1 -- not here;"}, false, ""},
		{"comment after statement is not pending", "select 1; -- done", []string{"select 1"}, false, ""},
		{"block comment", "select /* ; */ 1;", []string{"select /* ; */ 1"}, false, ""},
		{"open block comment is pending", "/* ;", nil, true, ""},
		{"dollar string", "select $$a;b$$;", []string{"select $$a;b$$"}, false, ""},
		{"tagged dollar string", "select $x$a;$$;b$x$;", []string{"select $x$a;$$;b$x$"}, false, ""},
		{"parameter is not a dollar string", "select $1;", []string{"select $1"}, false, ""},
		{"empty statements dropped", ";;  ; -- x\n;", nil, false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var sp stmtSplitter
			var got []string
			for _, l := range strings.Split(tc.input, "\n") {
				got = append(got, sp.add(l)...)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("statements %q, want %q", got, tc.want)
			}
			if p := sp.pending(); p != tc.pending {
				t.Errorf("pending %v, want %v", p, tc.pending)
			}
			if r := sp.rest(); r != tc.rest {
				t.Errorf("rest %q, want %q", r, tc.rest)
			}
			if sp.pending() {
				t.Error("still pending after rest")
			}
		})
	}
}

// decodeResult reads a JSON answer as the client does (numbers as json.Number).
func decodeResult(t *testing.T, s string) sqlResult {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var res sqlResult
	if err := dec.Decode(&res); err != nil {
		t.Fatal(err)
	}
	return res
}

// TestSQLShellTable checks the aligned table: numbers right-aligned by column type,
// NULL for a missing value, long values clipped, the row count and the truncation
// notice.
func TestSQLShellTable(t *testing.T) {
	long := strings.Repeat("x", 70)
	for _, tc := range []struct {
		name   string
		answer string
		want   string
	}{
		{
			"numbers right, text left, NULL",
			`{"columns":[{"name":"gemeente","type":"VARCHAR"},{"name":"meldingen","type":"BIGINT"},{"name":"uren","type":"DECIMAL(38,2)"}],
			  "rows":[["Haarlem",1234,"12.50"],["Velsen",7,null],[null,null,1.5]],"row_count":3,"truncated":false,"duration_ms":12.34}`,
			` gemeente | meldingen |  uren
----------+-----------+-------
 Haarlem  |      1234 | 12.50
 Velsen   |         7 |  NULL
 NULL     |      NULL |   1.5
(3 rijen, 12.3 ms)
`,
		},
		{
			"one row, exact big number, truncated",
			`{"columns":[{"name":"n","type":"HUGEINT"}],"rows":[[123456789012345678901234567890]],"row_count":1,"truncated":true,"duration_ms":250}`,
			`                              n
--------------------------------
 123456789012345678901234567890
(1 rij, 250 ms)
Let op: afgekapt na 1 rijen (de rijlimiet); gebruik LIMIT, een aggregaat of --max-rows.
`,
		},
		{
			"no rows",
			`{"columns":[{"name":"a","type":"INTEGER"},{"name":"b","type":"VARCHAR"}],"rows":[],"row_count":0,"truncated":false,"duration_ms":0.5}`,
			` a | b
---+---
(0 rijen, 0.5 ms)
`,
		},
		{
			"newline, bool, list, long value",
			`{"columns":[{"name":"t","type":"VARCHAR"},{"name":"ok","type":"BOOLEAN"},{"name":"l","type":"INTEGER[]"}],
			  "rows":[["a\nb",true,[1,2]],["` + long + `",false,null]],"row_count":2,"truncated":false,"duration_ms":1}`,
			` t                                                            | ok    | l
--------------------------------------------------------------+-------+-------
 a\nb                                                         | true  | [1,2]
 ` + strings.Repeat("x", 59) + `… | false | NULL
(2 rijen, 1.0 ms)
`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b strings.Builder
			if err := renderTable(&b, decodeResult(t, tc.answer)); err != nil {
				t.Fatal(err)
			}
			if got := b.String(); got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

// TestSQLShellSchema checks .schema and .tables: the Dutch descriptions, columns
// aligned, descriptions wrapped, the view found with or without its schema.
func TestSQLShellSchema(t *testing.T) {
	views, err := decodeSchema([]byte(`{"views":[
	  {"name":"gemeenten","description_nl":"De gemeenten van de regio. Met subregio.","description_en":"The region's municipalities.",
	   "columns":[{"name":"gemeentecode","type":"VARCHAR","description_nl":"CBS-code van de gemeente (GM0392).","description_en":"CBS code."},
	              {"name":"vanaf","type":"DATE","description_nl":"Eerste dag waarop de gemeente bij de regio hoort; leeg als de gemeente er altijd al bij hoorde.","description_en":"First day."}]},
	  {"name":"verzuimmeldingen","description_nl":"Verzuimmeldingen.","description_en":"Absence reports.","columns":[]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := renderTables(&b, views); err != nil {
		t.Fatal(err)
	}
	wantTables := "analist.gemeenten         De gemeenten van de regio.\nanalist.verzuimmeldingen  Verzuimmeldingen.\n"
	if got := b.String(); got != wantTables {
		t.Errorf(".tables:\n%s\nwant\n%s", got, wantTables)
	}
	for _, name := range []string{"gemeenten", "analist.gemeenten", "ANALIST.Gemeenten;"} {
		t.Run(name, func(t *testing.T) {
			v, ok := findView(views, name)
			if !ok {
				t.Fatalf("view %q not found", name)
			}
			var b strings.Builder
			if err := renderSchema(&b, v, 80); err != nil {
				t.Fatal(err)
			}
			want := `analist.gemeenten
  De gemeenten van de regio. Met subregio.

  gemeentecode  VARCHAR  CBS-code van de gemeente (GM0392).
  vanaf         DATE     Eerste dag waarop de gemeente bij de regio hoort; leeg
                         als de gemeente er altijd al bij hoorde.
`
			if got := b.String(); got != want {
				t.Errorf("got\n%s\nwant\n%s", got, want)
			}
		})
	}
	if _, ok := findView(views, "leerlingen"); ok {
		t.Error("found a view that is not there")
	}
}

// TestSQLShellHistory checks the history: no line with a nine-digit number (a possible
// BSN) in memory or in the file, no empty or repeated lines, the file readable only by
// its owner and read back at the next start.
func TestSQLShellHistory(t *testing.T) {
	path := filepath.Join(t.TempDir(), historyFileName)
	h, err := loadHistory(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range []string{
		"select 1;",
		"select 1;",
		"",
		"where bsn = '123456782'",
		"where x = 123456782;",
		"select 1234567890;", // ten digits: not a BSN
		"select 12345678;",
	} {
		h.Add(l)
	}
	want := []string{"select 12345678;", "select 1234567890;", "select 1;"} // most recent first
	check := func(h *sqlHistory) {
		t.Helper()
		var got []string
		for i := range h.Len() {
			got = append(got, h.At(i))
		}
		if !slices.Equal(got, want) {
			t.Errorf("history %q, want %q", got, want)
		}
	}
	check(h)
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("history file mode %v, want 0600", st.Mode().Perm())
	}
	b, _ := os.ReadFile(path)
	if strings.Contains(string(b), "123456782") {
		t.Errorf("history file keeps a nine-digit number: %q", b)
	}
	again, err := loadHistory(path)
	if err != nil {
		t.Fatal(err)
	}
	check(again)

	// A line with a nine-digit number put in the file by hand is dropped on loading.
	if err := os.WriteFile(path, []byte("select 1;\nselect 123456782;\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := loadHistory(path); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "select 1;\n" {
		t.Errorf("history file after loading %q, want only the line without the number", b)
	}
}

// TestSQLShellServerURL checks where the shell looks for the server.
func TestSQLShellServerURL(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "leerplein.yaml")
	if err := os.WriteFile(cfg, []byte("warehouse: w.duckdb\nlisten: 0.0.0.0:9090\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, server, config, want string
	}{
		{"default", "", "", "http://127.0.0.1:8080"},
		{"flag", "http://example.org:81/", "", "http://example.org:81"},
		{"flag without scheme", "localhost:9000", "", "http://localhost:9000"},
		{"config listen", "", cfg, "http://127.0.0.1:9090"},
		{"flag before config", "http://h:1", cfg, "http://h:1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := sqlServerURL(tc.server, tc.config)
			if err != nil || got != tc.want {
				t.Errorf("got %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

// TestSQLShellTerminal drives the interactive loop through golang.org/x/term's Terminal
// with keystrokes: arrow up recalls the previous line from the history, an unfinished
// statement gets the continuation prompt, a line with a nine-digit number is not kept,
// and Ctrl-D ends the session.
func TestSQLShellTerminal(t *testing.T) {
	path := filepath.Join(t.TempDir(), historyFileName)
	hist, err := loadHistory(path)
	if err != nil {
		t.Fatal(err)
	}
	keys := ".help\r" + // a command
		"\x1b[A\r" + // arrow up, enter: the same command again
		"select\r" + // unfinished statement
		"  123456782\r" + // continued; a possible BSN
		"\x04" // Ctrl-D
	var screen, out, errOut bytes.Buffer
	rw := struct {
		io.Reader
		io.Writer
	}{strings.NewReader(keys), &screen}
	tm := term.NewTerminal(rw, "")
	tm.History = hist
	sh := &sqlShell{out: &out, errOut: &errOut, mode: "table", width: 80}
	if err := sh.readLoop(context.Background(), tm, func() (func(), error) { return func() {}, nil }); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out.String(), ".schema VIEW"); n != 2 {
		t.Errorf("help shown %d times, want 2 (typed, then recalled with arrow up): %q", n, out.String())
	}
	if !strings.Contains(screen.String(), "        -> ") {
		t.Errorf("no continuation prompt on the screen: %q", screen.String())
	}
	b, _ := os.ReadFile(path)
	if got, want := string(b), ".help\nselect\n"; got != want {
		t.Errorf("history file %q, want %q", got, want)
	}
	if errOut.Len() > 0 {
		t.Errorf("stderr: %s", errOut.String())
	}
}
