package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestUserCommands checks the password and name rules of `user create` (Dutch reasons,
// exit 2 before the warehouse is touched) and `user delete`.
func TestUserCommands(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "leerplein.duckdb")
	create := func(name string) []string {
		return []string{"user", "create", "--db", db, "--name", name, "--role", "bestuur"}
	}
	for _, tc := range []struct {
		name  string
		args  []string
		stdin string
		code  int    // 0: success
		want  string // part of the error
	}{
		{"twelve characters", create("wethouder"), "twaalf-tekens\n", 0, ""},
		{"eleven characters", create("elf"), "elf-tekens!\n", 2, "te kort: minstens 12 tekens"},
		{"only white space", create("spaties"), strings.Repeat(" ", 20) + "\n", 2, "te kort"},
		{"white space around a short one", create("rand"), "     kort     \n", 2, "te kort"},
		{"beyond bcrypt's 72 bytes", create("lang"), strings.Repeat("w", 73) + "\n", 2, "te lang: hoogstens 72 bytes"},
		{"a name beyond 64 bytes", create(strings.Repeat("n", 65)), "een-goed-wachtwoord\n", 2, "te lang: hoogstens 64 bytes"},
		{"delete", []string{"user", "delete", "--db", db, "--name", "wethouder"}, "", 0, ""},
		{"delete again", []string{"user", "delete", "--db", db, "--name", "wethouder"}, "", 1, "geen login"},
		{"delete without a name", []string{"user", "delete", "--db", db}, "", 2, "usage"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := runCmd(ctx, tc.stdin, tc.args...)
			got := 0
			if err != nil {
				got = exitCode(err)
			}
			if got != tc.code || (tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want))) {
				t.Errorf("exit code %d (%v), want %d and %q", got, err, tc.code, tc.want)
			}
		})
	}
}
