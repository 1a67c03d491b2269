package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hetleerplein/leerplein/etl"
)

// TestPrintSummary pins what a steward reads after `etl run`: Dutch words, Dutch
// thousands separators, singular and plural right, and no total for a run that never
// started.
func TestPrintSummary(t *testing.T) {
	tests := []struct {
		name string
		sum  etl.Summary
		want string
	}{
		{
			name: "one file of each kind",
			sum: etl.Summary{RunID: 1, Retention: 30 * 24 * time.Hour, Removed: []string{"processed/leerlingen_oud.csv"}, Files: []etl.FileResult{
				{Name: "vsv_cijfers_2023-02.csv", Status: etl.StatusLoaded, Read: 16, New: 8, Replaced: 8},
				{Name: "verzuimmeldingen_2024.csv", Status: etl.StatusLoaded, Read: 586158, New: 586152, Quarantined: 6, ExtraColumns: []string{"opmerking"}},
				{Name: "vsv_cijfers_2023-01.csv", Status: etl.StatusLoaded, Read: 1, New: 0, Unchanged: 1},
				{Name: "leerlingen_2024.csv", Status: etl.StatusSkipped, Reason: "same bytes as leerlingen_2023.csv, loaded in run 3"},
				{Name: "maatregelen.csv", Status: etl.StatusRejected, Reason: "verplichte kolom 'maatregel' ontbreekt"},
				{Name: "foto.jpg", Status: etl.StatusUnrecognised, Reason: "file name does not start with a feed name"},
				{Name: "thuiszitters.csv", Status: etl.StatusWaiting, Reason: "nog niet stabiel"},
			}},
			want: "verwijderd   processed/leerlingen_oud.csv: ouder dan de bewaartermijn van 30 dagen\n" +
				"geladen      vsv_cijfers_2023-02.csv: 16 regels: 8 nieuw, 8 vervangen, 0 in quarantaine\n" +
				"geladen      verzuimmeldingen_2024.csv: 586.158 regels: 586.152 nieuw, 0 vervangen, 6 in quarantaine; genegeerde kolommen: opmerking\n" +
				"geladen      vsv_cijfers_2023-01.csv: 1 regel: 0 nieuw, 0 vervangen, 0 in quarantaine, 1 voorlopige regel niet geladen (de definitieve cijfers staan er al)\n" +
				"overgeslagen leerlingen_2024.csv: same bytes as leerlingen_2023.csv, loaded in run 3\n" +
				"afgekeurd    maatregelen.csv: verplichte kolom 'maatregel' ontbreekt\n" +
				"niet herkend foto.jpg: file name does not start with a feed name\n" +
				"wacht        thuiszitters.csv: nog niet stabiel\n" +
				"run 1: 7 bestanden, 3 geladen, 1 afgekeurd; 586.168 regels geschreven, 6 in quarantaine\n",
		},
		{
			name: "one file, one row",
			sum: etl.Summary{RunID: 12, Files: []etl.FileResult{
				{Name: "leerlingen.csv", Status: etl.StatusLoaded, Read: 1, New: 1},
			}},
			want: "geladen      leerlingen.csv: 1 regel: 1 nieuw, 0 vervangen, 0 in quarantaine\n" +
				"run 12: 1 bestand, 1 geladen, 0 afgekeurd; 1 regel geschreven, 0 in quarantaine\n",
		},
		{
			name: "an empty inbox",
			sum:  etl.Summary{RunID: 2},
			want: "run 2: 0 bestanden, 0 geladen, 0 afgekeurd; 0 regels geschreven, 0 in quarantaine\n",
		},
		{
			name: "a run that never started: no run 0",
			sum:  etl.Summary{},
			want: "",
		},
		{
			name: "a run that never started still names what retention removed",
			sum:  etl.Summary{Retention: 24 * time.Hour, Removed: []string{"rejected/leerlingen_123456782.csv"}},
			want: "verwijderd   rejected/leerlingen_[bsn].csv: ouder dan de bewaartermijn van 1 dag\n",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			printSummary(&b, tc.sum)
			if got := b.String(); got != tc.want {
				t.Errorf("summary differs\n got:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

// TestETLRunNoSummaryBeforeAnError: when an error stops etl run before its run started
// (here: another pseudonym key than the warehouse was loaded with), stdout holds no
// "run 0" total, only the error says what happened.
func TestETLRunNoSummaryBeforeAnError(t *testing.T) {
	dir := t.TempDir()
	inbox := filepath.Join(dir, "inbox")
	os.Mkdir(inbox, 0o700)
	dbPath := filepath.Join(dir, "w.duckdb")
	bigVerzuimFile(t, inbox, 3)
	if _, stderr, err := runWithKey("etl", "run", "--db", dbPath, "--inbox", inbox, "--stable-after", "0s"); err != nil {
		t.Fatalf("first load: %v (%s)", err, stderr)
	}
	bigVerzuimFile(t, inbox, 4)
	other := func(k string) string {
		if k == etl.KeyEnv {
			return strings.Repeat("b", 64)
		}
		return ""
	}
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"etl", "run", "--db", dbPath, "--inbox", inbox, "--stable-after", "0s"},
		other, strings.NewReader(""), &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "key") {
		t.Fatalf("etl run with another key: %v, want the key refused", err)
	}
	if out.Len() != 0 {
		t.Errorf("stdout = %q, want nothing before the error (no run 0 summary)", out.String())
	}
}

// TestETLRunMissingKeyInDutch: the first error a new steward meets says in Dutch what
// to do.
func TestETLRunMissingKeyInDutch(t *testing.T) {
	dir := t.TempDir()
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"etl", "run", "--db", filepath.Join(dir, "w.duckdb"), "--inbox", dir},
		func(string) string { return "" }, strings.NewReader(""), &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "de pseudoniemsleutel ontbreekt: zet "+etl.KeyEnv) {
		t.Fatalf("etl run without a key: %v, want the Dutch explanation", err)
	}
	if out.Len() != 0 {
		t.Errorf("stdout = %q, want nothing", out.String())
	}
}
