package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestViaServerListenURL(t *testing.T) {
	tests := []struct{ listen, want string }{
		{"127.0.0.1:8080", "http://127.0.0.1:8080"},
		{":8080", "http://127.0.0.1:8080"},
		{"0.0.0.0:9000", "http://127.0.0.1:9000"},
		{"[::]:9000", "http://127.0.0.1:9000"},
		{"[::1]:9000", "http://[::1]:9000"},
		{"leerplein.intern:80", "http://leerplein.intern:80"},
	}
	for _, tt := range tests {
		t.Run(tt.listen, func(t *testing.T) {
			if got := listenURL(tt.listen); got != tt.want {
				t.Errorf("listenURL(%q) = %q, want %q", tt.listen, got, tt.want)
			}
		})
	}
}

func TestViaServerDecodeProcAddr(t *testing.T) {
	tests := []struct {
		raw, want string
		ok        bool
	}{
		{"0100007F:1F90", "127.0.0.1:8080", true},
		{"00000000:1F90", ":8080", true},
		{"00000000000000000000000001000000:2328", "[::1]:9000", true},
		{"0000000000000000FFFF00000100007F:2328", "127.0.0.1:9000", true},
		{"zz:1F90", "", false},
		{"0100007F", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			got, ok := decodeProcAddr(tt.raw)
			if got != tt.want || ok != tt.ok {
				t.Errorf("decodeProcAddr(%q) = %q, %v; want %q, %v", tt.raw, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestViaServerRerunLine(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"plain", []string{"--schooljaar", "2018-2019", "--out", "/tmp/jv.csv"},
			"leerplein report jaarverslag --schooljaar 2018-2019 --out /tmp/jv.csv --server http://127.0.0.1:8080"},
		{"quoted", []string{"--out", "mijn verslag.csv", "--db", "it's.duckdb"},
			`leerplein report jaarverslag --out 'mijn verslag.csv' --db 'it'\''s.duckdb' --server http://127.0.0.1:8080`},
		{"no arguments", nil, "leerplein report jaarverslag --server http://127.0.0.1:8080"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := rerunLine("report jaarverslag", tt.args, "http://127.0.0.1:8080"); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestViaServerJobForInbox(t *testing.T) {
	jobs := []serverJob{{Name: "gemeenten", Inbox: "/srv/inbox/gemeenten"}, {Name: "duo", Inbox: "/srv/inbox/duo/"}}
	tests := []struct{ dir, want string }{
		{"/srv/inbox/gemeenten", "gemeenten"},
		{"/srv/inbox/gemeenten/", "gemeenten"},
		{"/srv/inbox/x/../duo", "duo"},
		{"/srv/inbox", ""},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			got, ok := jobForInbox(jobs, tt.dir)
			if got != tt.want || ok != (tt.want != "") {
				t.Errorf("jobForInbox(%q) = %q, %v; want %q", tt.dir, got, ok, tt.want)
			}
		})
	}
	msg := noJobError(jobs, "/home/x/exports").Error()
	for _, w := range []string{"/home/x/exports", "duo: /srv/inbox/duo/", "gemeenten: /srv/inbox/gemeenten"} {
		if !strings.Contains(msg, w) {
			t.Errorf("no-job error %q lacks %q", msg, w)
		}
	}
	if msg := noJobError(nil, "/x").Error(); !strings.Contains(msg, "geen jobs") {
		t.Errorf("no-job error without jobs %q does not say the server has none", msg)
	}
}

// TestViaServerSummary checks that a run of the server is summarised as a local run is,
// with files the run left in the inbox listed as waiting.
func TestViaServerSummary(t *testing.T) {
	reason := "kolom 'maatregel' ontbreekt"
	run := serverRun{RunID: 7, Status: "rejected", FileList: []serverFile{
		{FileName: "verzuim.csv", Status: "loaded", RowsRead: 10, RowsNew: 8, RowsReplaced: 1, RowsQuarantined: 1},
		{FileName: "maatregelen.csv", Status: "rejected", Reason: &reason},
	}}
	var buf bytes.Buffer
	printServerSummary(&buf, run, []string{"verzuim.csv", "maatregelen.csv", "leerlingen.csv"})
	want := "geladen      verzuim.csv: 10 regels: 8 nieuw, 1 vervangen, 1 in quarantaine\n" +
		"afgekeurd    maatregelen.csv: kolom 'maatregel' ontbreekt\n" +
		"wacht        leerlingen.csv: nog niet stabiel (wordt het nog geschreven, of veranderde het net?); de job laadt het bij een volgende run\n" +
		"run 7: 2 bestanden, 1 geladen, 1 afgekeurd; 9 regels geschreven, 1 in quarantaine\n"
	if got := buf.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestViaServerConfigBackupDir(t *testing.T) {
	tests := []struct{ name, yaml, want string }{
		{"default beside the warehouse", "warehouse: data/w.duckdb\n", "/etc/leerplein/data/backups"},
		{"relative to the file", "warehouse: /srv/w.duckdb\nbackup_dir: kopie\n", "/etc/leerplein/kopie"},
		{"absolute", "warehouse: /srv/w.duckdb\nbackup_dir: /backup/leerplein\n", "/backup/leerplein"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := parseConfig([]byte(tt.yaml), "/etc/leerplein")
			if err != nil || c.backupDir != tt.want {
				t.Errorf("backupDir = %q (%v), want %q", c.backupDir, err, tt.want)
			}
		})
	}
}
