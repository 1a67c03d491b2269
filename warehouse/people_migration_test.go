package warehouse_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"

	sqlfiles "github.com/hetleerplein/leerplein/sql"
)

// TestPeopleMigration applies 008_people.sql to the access tables of an older warehouse
// holding a token, a revoked token and a user: they are kept, live and revoked alike;
// the tokens get a year from the upgrade. The migration is left in the WAL (no
// checkpoint, as when the process is killed after it) and the file is opened again:
// DuckDB must be able to replay it (an ALTER TABLE of a table with a function default
// cannot be replayed).
func TestPeopleMigration(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "oud.duckdb")
	conn, err := sql.Open("duckdb", path)
	if err != nil {
		t.Fatal(err)
	}
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := conn.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%.60s: %v", q, err)
		}
	}
	apply := func(name string) {
		t.Helper()
		body, err := sqlfiles.FS.ReadFile("migrations/" + name)
		if err != nil {
			t.Fatal(err)
		}
		exec(string(body))
	}
	apply("002_access.sql")
	apply("006_sessions.sql")
	created := time.Date(2025, 9, 1, 8, 0, 0, 0, time.UTC)
	exec(`insert into auth_token (token_id, name, role, token_sha256, created_at) values (nextval('auth_token_seq'), 'grafana', 'bestuur', 'aa', ?)`, created)
	exec(`insert into auth_token (token_id, name, role, token_sha256, created_at, revoked_at) values (nextval('auth_token_seq'), 'oud', 'beheer', 'bb', ?, ?)`, created, created)
	exec(`insert into auth_user (name, role, password_bcrypt, created_at) values ('jan', 'beheer', '$2a$10$x', ?)`, created)
	exec(`checkpoint`)
	exec(`pragma disable_checkpoint_on_shutdown`)
	exec(`set wal_autocheckpoint = '1TB'`)
	upgraded := time.Now()
	apply("008_people.sql")
	exec(`insert into auth_token (token_id, name, role, token_sha256, created_at, expires_at) values (nextval('auth_token_seq'), 'nieuw', 'analist', 'cc', now(), now())`)
	if err := conn.Close(); err != nil {
		t.Fatal(err)
	}

	conn, err = sql.Open("duckdb", path) // replays the WAL
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	rows, err := conn.QueryContext(ctx, `select token_id, name, created_at, expires_at, revoked_at is not null from auth_token order by token_id`)
	if err != nil {
		t.Fatalf("after replaying the WAL: %v", err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var id int64
		var name string
		var c, e time.Time
		var revoked bool
		if err := rows.Scan(&id, &name, &c, &e, &revoked); err != nil {
			t.Fatal(err)
		}
		got = append(got, name)
		if name == "nieuw" {
			continue
		}
		if !c.Equal(created) || e.Before(upgraded.Add(364*24*time.Hour)) || revoked != (name == "oud") {
			t.Errorf("token %d %s: created %v, expires %v, revoked %v; want created kept, a year from the upgrade, revoked kept", id, name, c, e, revoked)
		}
	}
	if len(got) != 3 || got[2] != "nieuw" {
		t.Errorf("tokens %v, want grafana, oud and nieuw (the id sequence goes on)", got)
	}
	var role string
	var disabled sql.NullTime
	if err := conn.QueryRowContext(ctx, `select role, disabled_at from auth_user where name = 'jan'`).Scan(&role, &disabled); err != nil || role != "beheer" || disabled.Valid {
		t.Errorf("user jan: role %q, disabled %v, err %v; want beheer, enabled", role, disabled, err)
	}
	var n int
	if err := conn.QueryRowContext(ctx, `select count(*) from auth_audit`).Scan(&n); err != nil || n != 0 {
		t.Errorf("auth_audit: %d rows, err %v; want an empty table", n, err)
	}
}
