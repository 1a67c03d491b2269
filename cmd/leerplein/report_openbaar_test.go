package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestReportJaarverslagOpenbaarUsage checks the flags of a public report, as `export`
// has them: --drempel only with --openbaar, at least 2, and a CSV only to a file (its
// note goes beside it).
func TestReportJaarverslagOpenbaarUsage(t *testing.T) {
	db := reportWarehouse(t)
	out := filepath.Join(t.TempDir(), "jaarverslag.csv")
	tests := []struct {
		name string
		args []string
		want string // in stderr
	}{
		{"threshold without openbaar", []string{"--db", db, "--schooljaar", "2018-2019", "--drempel", "10"}, "--drempel hoort bij --openbaar"},
		{"threshold without openbaar, default value", []string{"--db", db, "--schooljaar", "2018-2019", "--drempel", "5", "--out", out}, "--drempel hoort bij --openbaar"},
		{"threshold 1", []string{"--db", db, "--schooljaar", "2018-2019", "--openbaar", "--drempel", "1", "--out", out}, "kies 2 of meer"},
		{"threshold not a number", []string{"--db", db, "--schooljaar", "2018-2019", "--openbaar", "--drempel", "vijf", "--out", out}, "drempel"},
		{"public csv to standard output", []string{"--db", db, "--schooljaar", "2018-2019", "--openbaar"}, "vraagt --out BESTAND"},
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
			if _, err := os.Stat(out); err == nil {
				t.Errorf("a refused run wrote %s", out)
			}
		})
	}
}

// TestReportJaarverslagOpenbaar writes the public report of a warehouse with one absence
// report: its count of 1 is hidden as small in every table cell it reaches, the note
// lies beside the CSV, and the workbook shows "<5" and a sheet Toelichting. Without
// --openbaar the report is as before.
func TestReportJaarverslagOpenbaar(t *testing.T) {
	db := reportWarehouse(t)
	dir := t.TempDir()

	plain, stderr, code := runReport("--db", db, "--schooljaar", "2018-2019")
	if code != 0 {
		t.Fatalf("plain: exit %d: %s", code, stderr)
	}
	csvPath := filepath.Join(dir, "jaarverslag_openbaar.csv")
	if _, stderr, code := runReport("--db", db, "--schooljaar", "2018-2019", "--openbaar", "--out", csvPath); code != 0 {
		t.Fatalf("openbaar csv: exit %d: %s", code, stderr)
	}
	body, err := os.ReadFile(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	got := string(body)
	if !strings.HasPrefix(got, "schooljaar;tabel;rij;kolom;waarde;status\n") {
		t.Errorf("openbaar csv starts %.60q, want the header with status", got)
	}
	for _, want := range []string{
		"2018-2019;tabel3;relatief;wpo;;onderdrukt\n",
		"2018-2019;tabel3;totaal;totaal;;onderdrukt\n",
		"2018-2019;tabel3;luxe;wpo;0;\n",
		"2018-2019;tabel2;totaal;aantal;;geen_gegevens\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("openbaar csv lacks %q", want)
		}
	}
	// Every line of the exact report, unless hidden.
	gotLines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
	plainLines := strings.Split(strings.TrimSuffix(plain, "\n"), "\n")
	if len(gotLines) != len(plainLines) {
		t.Fatalf("openbaar csv has %d lines, the exact report %d", len(gotLines), len(plainLines))
	}
	for i := 1; i < len(gotLines); i++ {
		if gotLines[i] != plainLines[i] && !strings.HasSuffix(gotLines[i], ";;onderdrukt") {
			t.Errorf("line %d: got %q, want %q or it hidden", i+1, gotLines[i], plainLines[i])
		}
	}
	note, err := os.ReadFile(filepath.Join(dir, "jaarverslag_openbaar.toelichting.txt"))
	if err != nil {
		t.Fatalf("the note beside the csv: %v", err)
	}
	if !strings.Contains(string(note), `"<5"`) || !strings.Contains(string(note), "status onderdrukt") {
		t.Errorf("note = %q, want the method explained", note)
	}

	xlsxPath := filepath.Join(dir, "jaarverslag_openbaar.xlsx")
	if _, stderr, code := runReport("--db", db, "--schooljaar", "2018-2019", "--format", "xlsx", "--out", xlsxPath, "--openbaar", "--drempel", "3"); code != 0 {
		t.Fatalf("openbaar xlsx: exit %d: %s", code, stderr)
	}
	f, err := excelize.OpenFile(xlsxPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if sheets := f.GetSheetList(); sheets[len(sheets)-1] != "Toelichting" {
		t.Errorf("sheets = %v, want Toelichting last", sheets)
	}
	if v, err := f.GetCellValue("Tabel 3", "B4"); err != nil || v != "<3" {
		t.Errorf("Tabel 3!B4 (relatief, wpo) = %q, %v; want <3", v, err)
	}

	again, _, code := runReport("--db", db, "--schooljaar", "2018-2019")
	if code != 0 || again != plain {
		t.Errorf("the exact report changed after a public one was written")
	}
}
