package api

import (
	"context"
	"net/http"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/hetleerplein/leerplein/warehouse"
)

// loadsPath needs role beheer: 200 for beheer, 403 for a lower role, 401 without a
// session. It tells which role a cookie carries.
const loadsPath = "/api/v1/loads"

// TestSessionFollowsAccount changes a logged-in beheer user's account in each way an
// administrator can — a new password, a lower role, removal — through the API's own
// functions (as `leerplein user create|delete` does) and behind its back (plain SQL,
// as another program might), and checks that the old cookie is refused or carries the
// new role: while the server runs (within userCheckInterval) and after a restart. The
// unchanged account's session must live on through the same restart, so the refusals
// are the change's doing.
func TestSessionFollowsAccount(t *testing.T) {
	ctx := context.Background()
	newHash := func(t *testing.T) string {
		h, err := bcrypt.GenerateFromPassword([]byte("een-heel-ander-wachtwoord"), bcrypt.MinCost)
		if err != nil {
			t.Fatal(err)
		}
		return string(h)
	}
	for _, tc := range []struct {
		name   string
		change func(t *testing.T, db *warehouse.DB)
		want   int // status of GET loadsPath with the old cookie afterwards
	}{
		{"new password (SetUser)", func(t *testing.T, db *warehouse.DB) {
			if err := SetUser(ctx, db, "beheerder", "beheer", "een-heel-ander-wachtwoord", true); err != nil {
				t.Fatal(err)
			}
		}, http.StatusUnauthorized},
		{"new password (plain SQL)", func(t *testing.T, db *warehouse.DB) {
			mustExec(t, db, `update auth_user set password_bcrypt = ? where name = 'beheerder'`, newHash(t))
		}, http.StatusUnauthorized},
		{"role lowered to bestuur (plain SQL)", func(t *testing.T, db *warehouse.DB) {
			mustExec(t, db, `update auth_user set role = 'bestuur' where name = 'beheerder'`)
		}, http.StatusForbidden},
		{"removed (DeleteUser)", func(t *testing.T, db *warehouse.DB) {
			if found, err := DeleteUser(ctx, db, "beheerder"); err != nil || !found {
				t.Fatalf("DeleteUser: found %v, err %v", found, err)
			}
		}, http.StatusUnauthorized},
		{"removed and created again with the same role (plain SQL)", func(t *testing.T, db *warehouse.DB) {
			mustExec(t, db, `delete from auth_user where name = 'beheerder'`)
			mustExec(t, db, `insert into auth_user (name, role, password_bcrypt) values ('beheerder', 'beheer', ?)`, newHash(t))
		}, http.StatusUnauthorized},
	} {
		t.Run(tc.name+", server running", func(t *testing.T) {
			t.Parallel()
			f := newAuthFixture(t, Config{})
			cookie, other := f.login("beheerder"), f.login("analiste")
			if got := f.get(loadsPath, cookie); got != http.StatusOK {
				t.Fatalf("before the change: status %d, want 200", got)
			}
			tc.change(t, f.db)
			f.clock.advance(userCheckInterval)
			if got := f.get(loadsPath, cookie); got != tc.want {
				t.Errorf("old cookie after the change: status %d, want %d", got, tc.want)
			}
			if got := f.get(loadsPath, other); got != http.StatusForbidden {
				t.Errorf("another user's session: status %d, want 403 (logged in as analist)", got)
			}
			f.restart(nil)
			if got := f.get(loadsPath, cookie); got != tc.want {
				t.Errorf("old cookie after a restart: status %d, want %d", got, tc.want)
			}
		})
		t.Run(tc.name+", while the server is stopped", func(t *testing.T) {
			t.Parallel()
			f := newAuthFixture(t, Config{})
			cookie, other := f.login("beheerder"), f.login("beheerder")
			f.restart(nil)
			if got := f.get(loadsPath, other); got != http.StatusOK {
				t.Fatalf("a session across a restart without a change: status %d, want 200", got)
			}
			f.restart(func(db *warehouse.DB) { tc.change(t, db) })
			if got := f.get(loadsPath, cookie); got != tc.want {
				t.Errorf("old cookie after the change: status %d, want %d", got, tc.want)
			}
		})
	}
}

// TestSessionRoleRaised checks the other direction: a session carries the user's
// current role, also a higher one, so that an administrator's change is the whole truth.
func TestSessionRoleRaised(t *testing.T) {
	f := newAuthFixture(t, Config{})
	cookie := f.login("wethouder")
	if got := f.get(loadsPath, cookie); got != http.StatusForbidden {
		t.Fatalf("bestuur: status %d, want 403", got)
	}
	mustExec(t, f.db, `update auth_user set role = 'beheer' where name = 'wethouder'`)
	f.clock.advance(userCheckInterval)
	if got := f.get(loadsPath, cookie); got != http.StatusOK {
		t.Errorf("after raising the role: status %d, want 200", got)
	}
}

// TestSessionExpiry checks the idle time and the maximum age with the injected clock,
// also across a restart (the last use is kept in the warehouse to the minute).
func TestSessionExpiry(t *testing.T) {
	cfg := Config{SessionIdle: 30 * time.Minute, SessionMaxAge: 2 * time.Hour}
	t.Run("idle", func(t *testing.T) {
		f := newAuthFixture(t, cfg)
		cookie := f.login("beheerder")
		f.clock.advance(29 * time.Minute)
		if got := f.get(loadsPath, cookie); got != http.StatusOK {
			t.Fatalf("used after 29 minutes: status %d, want 200", got)
		}
		f.clock.advance(29 * time.Minute) // 58 minutes after login, 29 after the last use
		if got := f.get(loadsPath, cookie); got != http.StatusOK {
			t.Fatalf("29 minutes after the last use: status %d, want 200", got)
		}
		f.clock.advance(30 * time.Minute)
		if got := f.get(loadsPath, cookie); got != http.StatusUnauthorized {
			t.Errorf("30 minutes unused: status %d, want 401", got)
		}
		var n int
		if err := f.db.QueryRowContext(context.Background(), `select count(*) from auth_session`).Scan(&n); err != nil || n != 0 {
			t.Errorf("auth_session holds %d rows after the session ended (err %v), want 0", n, err)
		}
	})
	t.Run("maximum age, however often used", func(t *testing.T) {
		f := newAuthFixture(t, cfg)
		cookie := f.login("beheerder")
		for i := 0; i < 7; i++ {
			f.clock.advance(17 * time.Minute)
			if got := f.get(loadsPath, cookie); got != http.StatusOK {
				t.Fatalf("used after %d minutes: status %d, want 200", 17*(i+1), got)
			}
		}
		f.clock.advance(2*time.Hour - 7*17*time.Minute)
		if got := f.get(loadsPath, cookie); got != http.StatusUnauthorized {
			t.Errorf("two hours after login: status %d, want 401", got)
		}
	})
	t.Run("idle across a restart", func(t *testing.T) {
		f := newAuthFixture(t, cfg)
		cookie := f.login("beheerder")
		f.clock.advance(20 * time.Minute)
		if got := f.get(loadsPath, cookie); got != http.StatusOK {
			t.Fatalf("used after 20 minutes: status %d, want 200", got)
		}
		f.restart(nil)
		f.clock.advance(25 * time.Minute) // 45 after login, 25 after the last use
		if got := f.get(loadsPath, cookie); got != http.StatusOK {
			t.Fatalf("after a restart, 25 minutes after the last use: status %d, want 200", got)
		}
		f.restart(nil)
		f.clock.advance(30 * time.Minute)
		if got := f.get(loadsPath, cookie); got != http.StatusUnauthorized {
			t.Errorf("after a restart, 30 minutes unused: status %d, want 401", got)
		}
	})
	t.Run("a shorter maximum age after a restart applies to existing sessions", func(t *testing.T) {
		f := newAuthFixture(t, cfg)
		cookie := f.login("beheerder")
		f.clock.advance(20 * time.Minute)
		f.cfg.SessionMaxAge = 15 * time.Minute
		f.restart(nil)
		if got := f.get(loadsPath, cookie); got != http.StatusUnauthorized {
			t.Errorf("20 minutes old with a maximum age of 15: status %d, want 401", got)
		}
	})
	t.Run("the cookie expires with the maximum age", func(t *testing.T) {
		f := newAuthFixture(t, cfg)
		cookie := f.login("beheerder")
		if want := f.clock.Now().Add(2 * time.Hour); !cookie.Expires.Equal(want.Truncate(time.Second)) {
			t.Errorf("cookie Expires %s, want %s", cookie.Expires, want)
		}
	})
}

func mustExec(t *testing.T, db *warehouse.DB, query string, args ...any) {
	t.Helper()
	if _, err := db.ExecContext(context.Background(), query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}
