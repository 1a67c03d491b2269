package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hetleerplein/leerplein/api"
	"github.com/hetleerplein/leerplein/warehouse"
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
		{"delete without a name", []string{"user", "delete", "--db", db}, "", 2, "--name is verplicht"},
		{"a slash in the name", create("a/b"), "een-goed-wachtwoord\n", 2, "bevat een /"},
		{"the one beheer", []string{"user", "create", "--db", db, "--name", "steward", "--role", "beheer"}, "een-goed-wachtwoord\n", 0, ""},
		{"again", []string{"user", "create", "--db", db, "--name", "steward", "--role", "beheer"}, "een-goed-wachtwoord\n", 1, "--replace"},
		{"lowering the last beheer", []string{"user", "create", "--db", db, "--name", "steward", "--role", "analist", "--replace"}, "een-ander-wachtwoord\n", 1, "laatste ingeschakelde login met rol beheer"},
		{"removing the last beheer", []string{"user", "delete", "--db", db, "--name", "steward"}, "", 1, "kan niet worden verwijderd"},
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

// TestTokenCommands checks token create and revoke on the warehouse file itself: the
// expiry (a date is the last day; beyond two years refused before the warehouse is
// touched), revoking by name and by id, and the access audit naming the account that
// ran the command, without the token.
func TestTokenCommands(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "leerplein.duckdb")
	tomorrow := time.Now().AddDate(0, 0, 1)
	amsterdam, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	create := func(name string, extra ...string) []string {
		return append([]string{"token", "create", "--db", db, "--name", name, "--role", "bestuur"}, extra...)
	}
	var tokens []string
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string // in the error, or in stdout on success
	}{
		{"a year by default", create("grafana"), 0, "geldig tot " + time.Now().Add(api.DefaultTokenLifetime).In(amsterdam).Format("2006-01-02")},
		{"through tomorrow", create("grafana", "--expires", tomorrow.Format("2006-01-02")), 0, "geldig tot " + tomorrow.AddDate(0, 0, 1).Format("2006-01-02") + " 00:00"},
		{"three years", create("lang", "--expires", time.Now().AddDate(3, 0, 0).Format("2006-01-02")), 2, "hoogstens 2 jaar"},
		{"yesterday", create("oud", "--expires", time.Now().AddDate(0, 0, -1).Format("2006-01-02")), 2, "al voorbij"},
		{"revoke by id", []string{"token", "revoke", "--db", db, "--id", "1"}, 0, "Token 1 (grafana, rol bestuur) ingetrokken"},
		{"revoke by name", []string{"token", "revoke", "--db", db, "--name", "grafana"}, 0, "Token 2 (grafana, rol bestuur) ingetrokken"},
		{"revoke again", []string{"token", "revoke", "--db", db, "--name", "grafana"}, 1, "geen geldig token"},
		{"revoke with name and id", []string{"token", "revoke", "--db", db, "--name", "grafana", "--id", "2"}, 2, "één van beide"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stdout, _, err := runCmd(ctx, "", tc.args...)
			got := 0
			if err != nil {
				got = exitCode(err)
			}
			text := stdout
			if err != nil {
				text = err.Error()
			}
			if got != tc.code || !strings.Contains(text, tc.want) {
				t.Errorf("exit code %d (%v), output %q; want %d and %q", got, err, stdout, tc.code, tc.want)
			}
			if tc.code == 0 && tc.args[1] == "create" {
				tokens = append(tokens, lastLine(stdout))
			}
		})
	}
	w, err := warehouse.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	var actors, all string
	if err := w.QueryRowContext(ctx, `select string_agg(distinct actor_kind || ' ' || actor, ','), string_agg(concat_ws('|', actor, action, target, detail), ',') from auth_audit`).Scan(&actors, &all); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(actors, "cli cli") || strings.Contains(actors, ",") {
		t.Errorf("audit actors %q; want the CLI with the account that ran it", actors)
	}
	for _, tok := range tokens {
		if len(tok) < 20 || strings.Contains(all, tok) || strings.Contains(all, tok[3:20]) {
			t.Errorf("the audit holds a token, or no token was printed (%d characters)", len(tok))
		}
	}
}
