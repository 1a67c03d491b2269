package main

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/hetleerplein/leerplein/etl"
	"github.com/hetleerplein/leerplein/warehouse"
)

// exportWarehouse makes a warehouse file from the export fixture of the warehouse
// package: every feed, small numbers in every gemeente, school year 2018-2019.
func exportWarehouse(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "leerplein.duckdb")
	db, err := warehouse.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	inbox := filepath.Join("..", "..", "warehouse", "testdata", "leerplichttelling", "export", "input")
	sum, err := etl.Run(ctx, db, etl.Options{Inbox: inbox, Key: []byte("export-test-key-0123456789abcdef"), Job: "test"})
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil || len(sum.Files) != 7 {
		t.Fatalf("loading the test warehouse: %+v, %v", sum, err)
	}
	return path
}

func runExport(args ...string) (stdout, stderr string, code int) {
	var out, errOut bytes.Buffer
	err := run(context.Background(), append([]string{"export"}, args...), func(string) string { return "" },
		strings.NewReader(""), &out, &errOut)
	if err != nil {
		code = exitCode(err)
		errOut.WriteString(err.Error())
	}
	return out.String(), errOut.String(), code
}

func TestExportUsage(t *testing.T) {
	db := exportWarehouse(t)
	out := filepath.Join(t.TempDir(), "x.csv")
	for _, tc := range []struct {
		name string
		args []string
		want string // in stderr
	}{
		{"school year missing", []string{"leerplichttelling", "--db", db}, "--schooljaar ontbreekt"},
		{"school year malformed", []string{"vsv", "--db", db, "--schooljaar", "2018/2019"}, "2018-2019"},
		{"unknown format", []string{"leerplichttelling", "--db", db, "--schooljaar", "2018-2019", "--format", "pdf"}, "kies csv of xlsx"},
		{"threshold without openbaar", []string{"leerplichttelling", "--db", db, "--schooljaar", "2018-2019", "--drempel", "10"}, "--drempel hoort bij --openbaar"},
		{"threshold 1", []string{"vsv", "--db", db, "--schooljaar", "2018-2019", "--openbaar", "--drempel", "1", "--out", out}, "kies 2 of meer"},
		{"public csv to standard output", []string{"leerplichttelling", "--db", db, "--schooljaar", "2018-2019", "--openbaar"}, "vraagt --out BESTAND"},
		{"stray argument", []string{"vsv", "--db", db, "--schooljaar", "2018-2019", "extra"}, `onverwacht argument "extra"`},
		{"snapshot without out", []string{"snapshot", "--db", db}, "--out BESTAND.duckdb ontbreekt"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stdout, stderr, code := runExport(tc.args...)
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
	if _, err := os.Stat(out); err == nil {
		t.Errorf("a refused command wrote %s", out)
	}
}

func TestExportMissingWarehouse(t *testing.T) {
	path := filepath.Join(t.TempDir(), "none.duckdb")
	for _, kind := range []string{"leerplichttelling", "vsv"} {
		_, stderr, code := runExport(kind, "--db", path, "--schooljaar", "2018-2019")
		if code != 1 || !strings.Contains(stderr, "bestaat niet") {
			t.Errorf("%s: code %d, stderr %q; want 1 and 'bestaat niet'", kind, code, stderr)
		}
	}
	if _, err := os.Stat(path); err == nil {
		t.Errorf("an export created the missing warehouse")
	}
}

func TestExportLeerplichttelling(t *testing.T) {
	db := exportWarehouse(t)
	dir := t.TempDir()

	stdout, stderr, code := runExport("leerplichttelling", "--db", db, "--schooljaar", "2018-2019")
	if code != 0 {
		t.Fatalf("csv: code %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	// Zuid-Kennemerland's five gemeenten; IJmond runs leerplicht itself.
	if lines[0] != warehouse.LeerplichtCSVHeader || len(lines) != 1+5*29 {
		t.Errorf("csv: header %q and %d lines, want %q and %d", lines[0], len(lines), warehouse.LeerplichtCSVHeader, 1+5*29)
	}

	csvPath := filepath.Join(dir, "telling_openbaar.csv")
	if _, stderr, code := runExport("leerplichttelling", "--db", db, "--schooljaar", "2018-2019", "--openbaar", "--out", csvPath); code != 0 {
		t.Fatalf("openbaar csv: code %d: %s", code, stderr)
	}
	body, err := os.ReadFile(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(body), warehouse.LeerplichtCSVHeader+"\n") || !strings.Contains(string(body), ";;onderdrukt\n") {
		t.Errorf("openbaar csv: want the status column and a hidden small count; got %.200q", body)
	}
	note, err := os.ReadFile(filepath.Join(dir, "telling_openbaar.toelichting.txt"))
	if err != nil || !strings.Contains(string(note), "<5") {
		t.Errorf("toelichting beside the csv: %v, %.100q", err, note)
	}

	xlsxPath := filepath.Join(dir, "telling.xlsx")
	if _, stderr, code := runExport("leerplichttelling", "--db", db, "--schooljaar", "2018-2019", "--format", "xlsx", "--out", xlsxPath, "--openbaar", "--drempel", "3"); code != 0 {
		t.Fatalf("xlsx: code %d: %s", code, stderr)
	}
	f, err := excelize.OpenFile(xlsxPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := "Bloemendaal Haarlem Haarlemmerliede en Spaarnwoude Heemstede Zandvoort Regio Toelichting"
	if got := strings.Join(f.GetSheetList(), " "); got != want {
		t.Errorf("sheets %q, want %q", got, want)
	}
	rows, _ := f.GetRows("Toelichting")
	if !strings.Contains(strings.Join(flatten(rows), " "), "\"<3\"") {
		t.Errorf("the Toelichting does not name the threshold 3")
	}
}

func TestExportVSVAndSnapshot(t *testing.T) {
	db := exportWarehouse(t)
	stdout, stderr, code := runExport("vsv", "--db", db, "--schooljaar", "2018-2019")
	if code != 0 {
		t.Fatalf("vsv csv: code %d: %s", code, stderr)
	}
	if !strings.HasPrefix(stdout, warehouse.VSVCSVHeader+"\n2018-2019;tabel7;regio;vo_regio;deelnemers;35210;\n") {
		t.Errorf("vsv csv begins %.150q", stdout)
	}
	if !strings.Contains(stdout, "\n2018-2019;tabel9;GM0392;") || !strings.Contains(stdout, "\n2018-2019;tabel9;regio;totaal;totaal;") {
		t.Errorf("vsv csv lacks the Doorstroompunt lines of a gemeente or the region")
	}

	snap := filepath.Join(t.TempDir(), "snapshot.duckdb")
	if _, stderr, code := runExport("snapshot", "--db", db, "--out", snap); code != 0 {
		t.Fatalf("snapshot: code %d: %s", code, stderr)
	}
	s, err := sql.Open("duckdb", snap)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var tables, rows int
	if err := s.QueryRow(`select count(*) from duckdb_tables() where not internal`).Scan(&tables); err != nil {
		t.Fatal(err)
	}
	if tables != len(warehouse.AnalistSchema()) {
		t.Errorf("the snapshot has %d tables, want %d", tables, len(warehouse.AnalistSchema()))
	}
	if err := s.QueryRow(`select count(*) from verzuimmeldingen`).Scan(&rows); err != nil || rows != 115 {
		t.Errorf("select count(*) from verzuimmeldingen = %d, %v; want 115", rows, err)
	}
}

func flatten(rows [][]string) []string {
	var out []string
	for _, r := range rows {
		out = append(out, r...)
	}
	return out
}
