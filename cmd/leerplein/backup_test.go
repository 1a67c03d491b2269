package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/hetleerplein/leerplein/warehouse"
)

// TestBackupCommandRestoresSameReport backs up a free warehouse with the command,
// "restores" the copy and compares the annual report tables.
func TestBackupCommandRestoresSameReport(t *testing.T) {
	ctx := context.Background()
	src := kpiWarehouse(t)
	out := filepath.Join(t.TempDir(), "backup")
	stdout, _, err := runCmd(ctx, "", "backup", "--db", src, "--out", out)
	if err != nil {
		t.Fatalf("backup: %v", err)
	}
	copyPath := filepath.Join(out, warehouse.BackupName)
	if !strings.Contains(stdout, copyPath) {
		t.Errorf("output %q does not name the copy %s", stdout, copyPath)
	}
	restored := filepath.Join(t.TempDir(), "restored.duckdb")
	b, err := os.ReadFile(copyPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(restored, b, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, sj := range []string{"2018-2019", "2019-2020", "2020-2021"} {
		t.Run(sj, func(t *testing.T) {
			want := jaarverslagCells(t, src, sj)
			got := jaarverslagCells(t, restored, sj)
			if len(want) == 0 || !reflect.DeepEqual(got, want) {
				t.Errorf("restored report: %d cells, original %d; they differ", len(got), len(want))
			}
		})
	}
	if _, _, err := runCmd(ctx, "", "backup", "--db", src, "--out", out); err == nil {
		t.Error("a second backup into the same directory succeeded; want a refusal")
	}
}

func jaarverslagCells(t *testing.T, path, sj string) []warehouse.Cell {
	t.Helper()
	db, err := warehouse.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cells, err := db.Jaarverslag(context.Background(), sj)
	if err != nil {
		t.Fatalf("Jaarverslag(%s): %v", sj, err)
	}
	return cells
}

// TestCommandsAgainstRunningServer checks that commands aimed at a warehouse a running
// server holds say which process holds it and what to do.
func TestCommandsAgainstRunningServer(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server process")
	}
	ctx := context.Background()
	config, dbPath, inbox := writeProcessConfig(t, t.TempDir())
	s := startServer(t, config)
	s.waitLog(t, "leerplein: serving")
	pid := fmt.Sprintf("process %d", s.cmd.Process.Pid)
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"etl run", []string{"etl", "run", "--db", dbPath, "--inbox", inbox}, []string{pid, "POST /api/v1/jobs/{name}/run"}},
		{"token create", []string{"token", "create", "--db", dbPath, "--role", "beheer", "--name", "x"}, []string{pid, "Stop that process"}},
		{"backup without token", []string{"backup", "--config", config, "--out", t.TempDir()}, []string{"LEERPLEIN_TOKEN", "role beheer"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut syncBuffer
			err := run(ctx, tt.args, func(k string) string {
				if k == "LEERPLEIN_PSEUDO_KEY" {
					return processKey
				}
				return ""
			}, strings.NewReader(""), &out, &errOut)
			if err == nil {
				t.Fatal("succeeded against a held warehouse; want an error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

// TestBackupViaServerRequest pins the request backup sends to a running server and how
// it reads the answer (the route itself is the api's).
func TestBackupViaServerRequest(t *testing.T) {
	tests := []struct {
		name     string
		status   int
		answer   string
		wantPath string
		wantErr  string
	}{
		{"ok", 200, `{"path": "/b/leerplein.duckdb"}`, "/b/leerplein.duckdb", ""},
		{"forbidden", 403, `{"error": "uw rol mag dit niet gebruiken"}`, "", "403 Forbidden: uw rol mag dit niet gebruiken"},
		{"no route", 404, `{"error": "not found"}`, "", "404"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var gotAuth, gotBody, gotMethod, gotPath string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				gotAuth, gotBody, gotMethod, gotPath = r.Header.Get("Authorization"), string(b), r.Method, r.URL.Path
				w.WriteHeader(tt.status)
				io.WriteString(w, tt.answer)
			}))
			defer srv.Close()
			path, err := backupViaServer(context.Background(), srv.URL+"/", "lp_token", "/b")
			if gotMethod != "POST" || gotPath != "/api/v1/backup" || gotAuth != "Bearer lp_token" || gotBody != `{"out":"/b"}` {
				t.Errorf("request = %s %s auth %q body %s; want POST /api/v1/backup, Bearer lp_token, {\"out\":\"/b\"}", gotMethod, gotPath, gotAuth, gotBody)
			}
			if path != tt.wantPath {
				t.Errorf("path = %q, want %q", path, tt.wantPath)
			}
			if (err == nil) != (tt.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("error = %v, want %q", err, tt.wantErr)
			}
		})
	}
}
