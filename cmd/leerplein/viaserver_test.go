package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hetleerplein/leerplein/etl"
	"github.com/hetleerplein/leerplein/warehouse"
)

// heldWarehouse is a loaded warehouse held by a `leerplein serve --config` child
// process on a fixed loopback port, with a beheer token and one job that never runs on
// its own.
type heldWarehouse struct {
	dir, db, config, url, token, inbox string
	pid                                int
	server                             *server
}

// startHeldWarehouse loads a warehouse, makes a token and starts the server.
// before runs while the warehouse is still free (to write what the CLI writes itself).
func startHeldWarehouse(t *testing.T, before func(db string)) heldWarehouse {
	t.Helper()
	ctx := context.Background()
	h := heldWarehouse{dir: t.TempDir()}
	h.db = filepath.Join(h.dir, "leerplein.duckdb")
	// The KPI test case, loaded with the key the server process gets (startServer):
	// the server refuses to load with another key than the warehouse's.
	inbox := filepath.Join(h.dir, "inbox")
	if err := os.CopyFS(inbox, os.DirFS(filepath.Join("..", "..", "warehouse", "testdata", "kpi", "doelen", "input"))); err != nil {
		t.Fatal(err)
	}
	db, err := warehouse.Open(ctx, h.db)
	if err != nil {
		t.Fatal(err)
	}
	_, err = etl.Run(ctx, db, etl.Options{Inbox: inbox, Key: []byte(processKey), Job: "test"})
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	out, _, err := runCmd(ctx, "", "token", "create", "--db", h.db, "--role", "beheer", "--name", "viaserver")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	h.token = lines[len(lines)-1]
	before(h.db)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	h.url = "http://" + addr
	h.inbox = filepath.Join(h.dir, "job-inbox")
	if err := os.Mkdir(h.inbox, 0o750); err != nil {
		t.Fatal(err)
	}
	h.config = filepath.Join(h.dir, "leerplein.yaml")
	body := fmt.Sprintf("warehouse: %s\nlisten: %s\nbackup_dir: backups\njobs:\n  - name: handmatig\n    schedule: \"0 0 1 1 *\"\n    inbox: job-inbox\n    stable_after: 1s\n",
		filepath.Base(h.db), addr)
	if err := os.WriteFile(h.config, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	s := startServer(t, h.config)
	s.waitLog(t, "leerplein: serving")
	h.pid, h.server = s.cmd.Process.Pid, s
	return h
}

// run calls the CLI in this process with $LEERPLEIN_TOKEN set to token.
func (h heldWarehouse) run(t *testing.T, token string, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut syncBuffer
	err := run(context.Background(), args, func(k string) string {
		if k == TokenEnv {
			return token
		}
		return ""
	}, strings.NewReader(""), &out, &errOut)
	return out.String(), errOut.String(), err
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestViaServerEndToEnd runs the CLI in-process against a warehouse a server process
// holds: reports, exports and a backup go through the server with the same bytes as
// the CLI writes from a free warehouse; without --server the error names the process
// and the command line to rerun, which works; etl run starts the job of its inbox.
func TestViaServerEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server process")
	}
	const sj = "2018-2019"
	want := map[string][]byte{}
	wantDir := t.TempDir()
	h := startHeldWarehouse(t, func(db string) {
		out, _, err := runCmd(context.Background(), "", "report", "jaarverslag", "--db", db, "--schooljaar", sj)
		if err != nil {
			t.Fatal(err)
		}
		want["jaarverslag.csv"] = []byte(out)
		for _, args := range [][]string{
			{"report", "jaarverslag", "--format", "xlsx", "--out", filepath.Join(wantDir, "jaarverslag.xlsx")},
			{"report", "jaarverslag", "--openbaar", "--drempel", "3", "--out", filepath.Join(wantDir, "jaarverslag_openbaar.csv")},
			{"export", "leerplichttelling", "--openbaar", "--out", filepath.Join(wantDir, "telling.csv")},
			{"export", "vsv", "--format", "xlsx", "--out", filepath.Join(wantDir, "vsv.xlsx")},
		} {
			if _, _, err := runCmd(context.Background(), "", append(args, "--db", db, "--schooljaar", sj)...); err != nil {
				t.Fatalf("%v: %v", args, err)
			}
		}
		for _, name := range []string{"jaarverslag.xlsx", "jaarverslag_openbaar.csv", "jaarverslag_openbaar.toelichting.txt", "telling.csv", "telling.toelichting.txt", "vsv.xlsx"} {
			want[name] = readFile(t, filepath.Join(wantDir, name))
		}
	})
	got := t.TempDir()

	t.Run("figures through the server", func(t *testing.T) {
		tests := []struct {
			name  string
			args  []string
			files map[string]string // file written → key of want
		}{
			{"jaarverslag xlsx, server from --config", []string{"report", "jaarverslag", "--config", h.config, "--format", "xlsx", "--out", filepath.Join(got, "jv.xlsx")},
				map[string]string{"jv.xlsx": "jaarverslag.xlsx"}},
			{"jaarverslag openbaar with its note", []string{"report", "jaarverslag", "--config", h.config, "--openbaar", "--drempel", "3", "--out", filepath.Join(got, "jvo.csv")},
				map[string]string{"jvo.csv": "jaarverslag_openbaar.csv", "jvo.toelichting.txt": "jaarverslag_openbaar.toelichting.txt"}},
			{"leerplichttelling openbaar with its note", []string{"export", "leerplichttelling", "--config", h.config, "--openbaar", "--out", filepath.Join(got, "lp.csv")},
				map[string]string{"lp.csv": "telling.csv", "lp.toelichting.txt": "telling.toelichting.txt"}},
			{"vsv xlsx, --db and --server", []string{"export", "vsv", "--db", h.db, "--server", h.url, "--format", "xlsx", "--out", filepath.Join(got, "vsv.xlsx")},
				map[string]string{"vsv.xlsx": "vsv.xlsx"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if _, stderr, err := h.run(t, h.token, append(tt.args, "--schooljaar", sj)...); err != nil {
					t.Fatalf("%v (stderr %s)", err, stderr)
				}
				for file, key := range tt.files {
					if b := readFile(t, filepath.Join(got, file)); len(want[key]) == 0 || !bytes.Equal(b, want[key]) {
						t.Errorf("%s: %d bytes differ from the CLI's %s (%d bytes)", file, len(b), key, len(want[key]))
					}
				}
			})
		}
	})

	t.Run("backup through the server restores the same report", func(t *testing.T) {
		out := filepath.Join(h.dir, "backups", "eerste")
		stdout, stderr, err := h.run(t, h.token, "backup", "--config", h.config, "--out", out)
		if err != nil {
			t.Fatalf("backup: %v (stderr %s)", err, stderr)
		}
		copyPath := filepath.Join(out, warehouse.BackupName)
		if !strings.Contains(stdout, "by the server to "+copyPath) {
			t.Errorf("output %q does not say the server wrote %s", stdout, copyPath)
		}
		restored := filepath.Join(t.TempDir(), "restored.duckdb")
		if err := os.WriteFile(restored, readFile(t, copyPath), 0o600); err != nil {
			t.Fatal(err)
		}
		csv, _, err := runCmd(context.Background(), "", "report", "jaarverslag", "--db", restored, "--schooljaar", sj)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal([]byte(csv), want["jaarverslag.csv"]) {
			t.Errorf("the restored copy's jaarverslag differs from the live warehouse's (%d vs %d bytes)", len(csv), len(want["jaarverslag.csv"]))
		}
		for _, tc := range []struct{ name, out, want string }{
			{"again into the same directory", out, "never overwritten"},
			{"outside backup_dir", filepath.Join(t.TempDir(), "elders"), "outside the backup directory"},
		} {
			if _, _, err := h.run(t, h.token, "backup", "--config", h.config, "--out", tc.out); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s: error %v, want one saying %q", tc.name, err, tc.want)
			}
		}
	})

	t.Run("without --server: which process, and the command to rerun", func(t *testing.T) {
		args := []string{"report", "jaarverslag", "--db", h.db, "--schooljaar", sj}
		_, _, err := h.run(t, h.token, args...)
		if err == nil {
			t.Fatal("succeeded without --server; want the lock explained")
		}
		rerun := "leerplein " + strings.Join(args, " ") + " --server " + h.url
		for _, w := range []string{fmt.Sprintf("process %d", h.pid), TokenEnv, rerun} {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("error %q lacks %q", err, w)
			}
		}
		stdout, _, err := h.run(t, h.token, strings.Fields(rerun)[1:]...)
		if err != nil || stdout != string(want["jaarverslag.csv"]) {
			t.Errorf("the suggested command: %v, %d bytes; want the CLI's jaarverslag", err, len(stdout))
		}
	})
	t.Run("refusals", func(t *testing.T) {
		tests := []struct {
			name  string
			token string
			args  []string
			want  []string
		}{
			{"etl run of another directory", h.token, []string{"etl", "run", "--config", h.config, "--inbox", t.TempDir()},
				[]string{"alleen de inboxen van zijn jobs", "handmatig: " + h.inbox}},
			{"no token", "", []string{"report", "jaarverslag", "--config", h.config, "--schooljaar", sj},
				[]string{TokenEnv, "rol analist"}},
			{"an unknown token", "lp_" + strings.Repeat("0", 64), []string{"export", "vsv", "--config", h.config, "--schooljaar", sj},
				[]string{"401", TokenEnv}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, _, err := h.run(t, tt.token, tt.args...)
				if err == nil {
					t.Fatal("succeeded; want an error")
				}
				for _, w := range tt.want {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q lacks %q", err, w)
					}
				}
			})
		}
	})

	t.Run("etl run starts the job of its inbox", func(t *testing.T) {
		bigVerzuimFile(t, h.inbox, 20)
		stdout, stderr, err := h.run(t, h.token, "etl", "run", "--config", h.config, "--inbox", h.inbox)
		if err != nil {
			t.Fatalf("etl run: %v (stderr %s)\nserver log:\n%s", err, stderr, h.server.drain())
		}
		for _, w := range []string{"geladen      verzuimmeldingen_groot.csv: 20 regels: 20 nieuw", "1 bestand, 1 geladen, 0 afgekeurd"} {
			if !strings.Contains(stdout, w) {
				t.Errorf("summary %q lacks %q", stdout, w)
			}
		}
		if !strings.Contains(stderr, "als job handmatig") {
			t.Errorf("stderr %q does not say which job loads", stderr)
		}
		broken := filepath.Join(h.inbox, "maatregelen_kapot.csv")
		if err := os.WriteFile(broken, []byte("maatregel_id;datum\r\n1;01-10-2018\r\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		old := time.Now().Add(-time.Minute)
		os.Chtimes(broken, old, old)
		stdout, _, err = h.run(t, h.token, "etl", "run", "--db", h.db, "--server", h.url, "--inbox", h.inbox)
		if err == nil || exitCode(err) != 1 || !strings.Contains(stdout, "afgekeurd    maatregelen_kapot.csv") {
			t.Errorf("a rejected file: exit %v, summary %q; want exit status 1 and the file listed as rejected", err, stdout)
		}
	})

}

// drain returns the server's log lines received so far.
func (s *server) drain() string {
	var b strings.Builder
	for {
		select {
		case line, ok := <-s.lines:
			if !ok {
				return b.String()
			}
			b.WriteString(line + "\n")
		default:
			return b.String()
		}
	}
}
