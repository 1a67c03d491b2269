package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/hetleerplein/leerplein/etl"
	"github.com/hetleerplein/leerplein/warehouse"
)

// reportWarehouse makes a warehouse file holding one absence report of 2018-2019.
func reportWarehouse(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	inbox := filepath.Join(dir, "inbox")
	if err := os.Mkdir(inbox, 0o750); err != nil {
		t.Fatal(err)
	}
	feed := "melding_id;bsn;geboortedatum;gemeente;onderwijssoort;verzuimsoort;meldingsdatum\n" +
		"M1;123456009;2008-04-04;Haarlem;WPO;RELATIEF;2018-09-03\n"
	if err := os.WriteFile(filepath.Join(inbox, "verzuimmeldingen_2018.csv"), []byte(feed), 0o600); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "leerplein.duckdb")
	db, err := warehouse.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := etl.Run(ctx, db, etl.Options{Inbox: inbox, Key: []byte("report-test-key-0123456789abcdef"), Job: "test"})
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil || len(sum.Files) != 1 || sum.Files[0].New != 1 {
		t.Fatalf("loading the test warehouse: %+v, %v", sum, err)
	}
	return path
}

func runReport(args ...string) (stdout, stderr string, code int) {
	var out, errOut bytes.Buffer
	err := run(context.Background(), append([]string{"report", "jaarverslag"}, args...), func(string) string { return "" },
		strings.NewReader(""), &out, &errOut)
	if err != nil {
		code = exitCode(err)
		errOut.WriteString(err.Error())
	}
	return out.String(), errOut.String(), code
}

func TestReportJaarverslagUsage(t *testing.T) {
	db := reportWarehouse(t)
	tests := []struct {
		name string
		args []string
		want string // in stderr
	}{
		{"school year missing", []string{"--db", db}, "--schooljaar ontbreekt"},
		{"school year malformed", []string{"--db", db, "--schooljaar", "2018/2019"}, "2018-2019"},
		{"school years not consecutive", []string{"--db", db, "--schooljaar", "2018-2020"}, "second year must follow"},
		{"unknown format", []string{"--db", db, "--schooljaar", "2018-2019", "--format", "pdf"}, "kies csv of xlsx"},
		{"unknown flag", []string{"--db", db, "--jaar", "2018-2019"}, "jaar"},
		{"stray argument", []string{"--db", db, "--schooljaar", "2018-2019", "extra"}, `onverwacht argument "extra"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			stdout, stderr, code := runReport(tc.args...)
			if code != 2 {
				t.Errorf("exit code = %d, want 2 (stderr: %s)", code, stderr)
			}
			if !strings.Contains(stderr, tc.want) {
				t.Errorf("stderr = %q, want it to mention %q", stderr, tc.want)
			}
			if stdout != "" {
				t.Errorf("stdout = %q, want nothing", stdout)
			}
		})
	}
}

func TestReportJaarverslagMissingWarehouse(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nergens.duckdb")
	_, stderr, code := runReport("--db", path, "--schooljaar", "2018-2019")
	if code != 1 || !strings.Contains(stderr, "bestaat niet") {
		t.Errorf("exit %d, stderr %q; want 1 and a message that the warehouse does not exist", code, stderr)
	}
	if _, err := os.Stat(path); err == nil {
		t.Errorf("the report created %s; it must not make an empty warehouse", path)
	}
}

func TestReportJaarverslagCSV(t *testing.T) {
	db := reportWarehouse(t)
	stdout, stderr, code := runReport("--db", db, "--schooljaar", "2018-2019")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	if lines[0] != "schooljaar;tabel;rij;kolom;waarde;status" {
		t.Errorf("first line = %q, want the machine-form header", lines[0])
	}
	// Only absence reports are loaded: tabel3 has values, the other tables no data.
	for _, want := range []string{"2018-2019;tabel3;relatief;wpo;1;", "2018-2019;tabel3;totaal;totaal;1;", "2018-2019;tabel3;luxe;wpo;0;",
		"2018-2019;tabel2;totaal;aantal;;geen_gegevens", "2018-2019;tabel7;totaal_regio;vsvers;;geen_gegevens"} {
		if !strings.Contains(stdout, want+"\n") {
			t.Errorf("output lacks %q", want)
		}
	}
	if got, want := len(lines), 1+192+24; got != want {
		t.Errorf("got %d lines, want %d (header and every cell, tabel7's eight rows without data)", got, want)
	}

	out := filepath.Join(t.TempDir(), "jaarverslag.csv")
	if _, stderr, code := runReport("--db", db, "--schooljaar", "2018-2019", "--out", out); code != 0 {
		t.Fatalf("--out: exit %d: %s", code, stderr)
	}
	written, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if string(written) != stdout {
		t.Errorf("--out wrote %d bytes that differ from standard output's %d", len(written), len(stdout))
	}
}

func TestReportJaarverslagXLSX(t *testing.T) {
	db := reportWarehouse(t)
	out := filepath.Join(t.TempDir(), "jaarverslag.xlsx")
	if _, stderr, code := runReport("--db", db, "--schooljaar", "2018-2019", "--format", "xlsx", "--out", out); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := len(f.GetSheetList()); got != 9 {
		t.Errorf("%d sheets, want 9: %v", got, f.GetSheetList())
	}
	if v, _ := f.GetCellValue("Tabel 3", "B4"); v != "1" {
		t.Errorf("Tabel 3!B4 (relatief, primair onderwijs) = %q, want 1", v)
	}
	entries, _ := os.ReadDir(filepath.Dir(out))
	if len(entries) != 1 {
		t.Errorf("output directory holds %d files, want only the report (no temporary file left)", len(entries))
	}

	// Standard output that is not a terminal (here a buffer) may take the workbook.
	stdout, stderr, code := runReport("--db", db, "--schooljaar", "2018-2019", "--format", "xlsx")
	if code != 0 || !strings.HasPrefix(stdout, "PK") {
		t.Errorf("xlsx to redirected stdout: exit %d, %d bytes starting %q (stderr %s); want a zip", code, len(stdout), stdout[:min(2, len(stdout))], stderr)
	}
}

// TestReportJaarverslagNotCovered checks that a school year no feed covers is refused,
// with a Dutch message that says which years the data covers, and writes nothing.
func TestReportJaarverslagNotCovered(t *testing.T) {
	db := reportWarehouse(t)
	out := filepath.Join(t.TempDir(), "jaarverslag.csv")
	stdout, stderr, code := runReport("--db", db, "--schooljaar", "2030-2031", "--out", out)
	if code == 0 || !strings.Contains(stderr, "schooljaar 2030-2031: geen gegevens voor het jaarverslag") ||
		!strings.Contains(stderr, "de gegevens beslaan schooljaar 2018-2019") {
		t.Errorf("exit %d, stderr %q; want a refusal naming the years the data covers", code, stderr)
	}
	if _, err := os.Stat(out); err == nil || stdout != "" {
		t.Errorf("a refused report wrote %q or %s", stdout, out)
	}
}
