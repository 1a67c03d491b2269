package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// wantMode fails when path's permission bits differ from want.
func wantMode(t *testing.T, path string, want fs.FileMode) {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Errorf("%s: %v", path, err)
		return
	}
	if got := info.Mode().Perm(); got != want {
		t.Errorf("%s has mode %04o, want %04o", path, got, want)
	}
}

// TestKeyFileMustBeOwnerOnly: a pseudonym key file (--key-file, pseudo_key_file) that
// its group or others may read or write is refused with the chmod to run.
func TestKeyFileMustBeOwnerOnly(t *testing.T) {
	for _, mode := range []fs.FileMode{0o644, 0o640, 0o604, 0o660, 0o602, 0o600, 0o400} {
		t.Run(mode.String(), func(t *testing.T) {
			dir := t.TempDir()
			key := filepath.Join(dir, "pseudo.key")
			if err := os.WriteFile(key, []byte(processKey+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(key, mode); err != nil {
				t.Fatal(err)
			}
			inbox := filepath.Join(dir, "inbox")
			os.Mkdir(inbox, 0o700)
			_, _, err := runCmd(t.Context(), "", "etl", "run", "--db", filepath.Join(dir, "w.duckdb"), "--inbox", inbox, "--key-file", key)
			if mode&0o077 == 0 {
				if err != nil {
					t.Errorf("key file with mode %04o: %v, want it accepted", mode, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), "chmod 600 "+key) || !strings.Contains(err.Error(), "sleutelbestand") {
				t.Errorf("key file with mode %04o: error %v, want a Dutch refusal with `chmod 600 %s`", mode, err, key)
			}
		})
	}
	t.Run("pseudo_key_file of the server", func(t *testing.T) {
		dir := t.TempDir()
		key := filepath.Join(dir, "pseudo.key")
		os.WriteFile(key, []byte(processKey+"\n"), 0o600)
		os.Chmod(key, 0o644)
		config := filepath.Join(dir, "leerplein.yaml")
		body := "warehouse: w.duckdb\nlisten: 127.0.0.1:0\npseudo_key_file: pseudo.key\njobs:\n  - {name: j, schedule: '@yearly', inbox: inbox}\n"
		if err := os.WriteFile(config, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		_, _, err := runCmd(t.Context(), "", "serve", "--config", config)
		if err == nil || !strings.Contains(err.Error(), "chmod 600 "+key) {
			t.Errorf("serve with a readable pseudo_key_file: %v, want a refusal with `chmod 600 %s`", err, key)
		}
	})
}

// TestCommandFilesAreOwnerOnly: what the commands create — the warehouse with its
// directory, processed/ and rejected/ with the files moved there, a snapshot, a
// backup, the demo key — is for the owner only, with the usual umask 022 around them.
func TestCommandFilesAreOwnerOnly(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	// DuckDB creates the WAL anew after a checkpoint, and its spill files, with the
	// process umask: every command sets it to 077.
	if _, _, err := runCmd(t.Context(), "", "version"); err != nil {
		t.Fatal(err)
	}
	if got := syscall.Umask(0o022); got != 0o077 {
		t.Errorf("the umask after a command is %04o, want 0077", got)
	}
	dir := t.TempDir()
	inbox := filepath.Join(dir, "inbox")
	os.Mkdir(inbox, 0o755)
	bigVerzuimFile(t, inbox, 5)
	broken := filepath.Join(inbox, "maatregelen_kapot.csv")
	os.WriteFile(broken, []byte("maatregel_id;datum\r\n1;01-10-2018\r\n"), 0o644)
	os.Chmod(broken, 0o644)
	db := filepath.Join(dir, "data", "leerplein.duckdb")
	if _, _, err := runWithKey("etl", "run", "--db", db, "--inbox", inbox, "--stable-after", "0s"); exitCode(err) != 1 {
		t.Fatalf("etl run: %v, want exit status 1 (one file rejected)", err)
	}
	syscall.Umask(0o022) // run set 077; the explicit modes must hold without it too
	wantMode(t, filepath.Dir(db), 0o700)
	wantMode(t, db, 0o600)
	for _, p := range []string{"processed", "rejected"} {
		wantMode(t, filepath.Join(inbox, p), 0o700)
	}
	wantMode(t, filepath.Join(inbox, "processed", "verzuimmeldingen_groot.csv"), 0o600)
	wantMode(t, filepath.Join(inbox, "rejected", "maatregelen_kapot.csv"), 0o600)
	wantMode(t, filepath.Join(inbox, "rejected", "maatregelen_kapot.csv.reason.txt"), 0o600)

	snapshot := filepath.Join(dir, "analist.duckdb")
	if _, _, err := runCmd(t.Context(), "", "export", "snapshot", "--db", db, "--out", snapshot); err != nil {
		t.Fatal(err)
	}
	wantMode(t, snapshot, 0o600)
	backup := filepath.Join(dir, "backups", "vandaag")
	if _, _, err := runCmd(t.Context(), "", "backup", "--db", db, "--out", backup); err != nil {
		t.Fatal(err)
	}
	wantMode(t, filepath.Join(dir, "backups"), 0o700)
	wantMode(t, backup, 0o700)
	wantMode(t, filepath.Join(backup, "leerplein.duckdb"), 0o600)

	syscall.Umask(0o022)
	demoData := filepath.Join(dir, "demo")
	if _, err := demoKey(demoData, filepath.Join(demoData, "leerplein.duckdb")); err != nil {
		t.Fatal(err)
	}
	wantMode(t, demoData, 0o700)
	wantMode(t, filepath.Join(demoData, "demo.key"), 0o600)
}
