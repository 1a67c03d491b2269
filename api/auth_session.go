package api

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// sessionTouchInterval is how stale auth_session.last_seen_at may be: the server keeps
// the exact time in memory and writes it at most this often per session, so after a
// restart a session may end this much earlier than its idle time, never later.
const sessionTouchInterval = time.Minute

// session is a dashboard login. It holds no role: the role is the user's current one.
type session struct {
	user       string
	credential string    // the user's credential (account.credential) at login
	created    time.Time // the maximum age counts from here
	lastSeen   time.Time // the idle time counts from here
	stored     time.Time // last_seen_at as the warehouse holds it
}

// ended says why a session no longer counts at now, or "" when it still does.
func (a *authStore) ended(s session, now time.Time) string {
	switch {
	case !now.Before(s.created.Add(a.maxAge)):
		return "max_age"
	case !now.Before(s.lastSeen.Add(a.idle)):
		return "idle"
	}
	return ""
}

// loadSessions reads the sessions that may still count; the warehouse drops the rest.
func (a *authStore) loadSessions(ctx context.Context, now time.Time) error {
	if _, err := a.db.ExecContext(ctx, `delete from auth_session where created_at <= ? or last_seen_at <= ?`,
		now.Add(-a.maxAge), now.Add(-a.idle)); err != nil {
		return fmt.Errorf("api: drop ended sessions: %w", err)
	}
	rows, err := a.db.QueryContext(ctx, `select session_sha256, user_name, credential_sha256, created_at, last_seen_at from auth_session`)
	if err != nil {
		return fmt.Errorf("api: read sessions: %w", err)
	}
	defer rows.Close()
	sessions := make(map[string]session)
	for rows.Next() {
		var h string
		var s session
		if err := rows.Scan(&h, &s.user, &s.credential, &s.created, &s.lastSeen); err != nil {
			return fmt.Errorf("api: read sessions: %w", err)
		}
		s.stored = s.lastSeen
		sessions[h] = s
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("api: read sessions: %w", err)
	}
	a.mu.Lock()
	a.sessions = sessions
	a.mu.Unlock()
	return nil
}

// sessionCaller returns the user of a session cookie with their current role; no role
// when the session is unknown, has been idle too long or is too old, or when its user
// has since been removed, disabled or given a new password.
func (a *authStore) sessionCaller(ctx context.Context, cookie string, now time.Time) caller {
	if err := a.ensureLoaded(ctx, now); err != nil {
		return caller{}
	}
	h := hashSecret(cookie)
	a.mu.RLock()
	s, ok := a.sessions[h]
	a.mu.RUnlock()
	if !ok {
		return caller{}
	}
	if a.ended(s, now) != "" {
		a.end(ctx, h)
		return caller{}
	}
	users, err := a.currentUsers(ctx, now)
	if err != nil {
		return caller{}
	}
	acct, ok := users[s.user]
	if !ok || !sameHash(acct.credential, s.credential) {
		a.end(ctx, h)
		return caller{}
	}
	a.touch(ctx, h, now)
	return caller{role: acct.role, name: s.user, kind: actorUser}
}

// touch records that session h was used at now, writing it through every
// sessionTouchInterval.
func (a *authStore) touch(ctx context.Context, h string, now time.Time) {
	a.mu.Lock()
	s, ok := a.sessions[h]
	if !ok {
		a.mu.Unlock()
		return
	}
	if now.After(s.lastSeen) {
		s.lastSeen = now
	}
	write := now.Sub(s.stored) >= sessionTouchInterval
	if write {
		s.stored = now
	}
	a.sessions[h] = s
	a.mu.Unlock()
	if write {
		// A failed write costs at most an earlier idle end after a restart.
		_, _ = a.db.ExecContext(ctx, `update auth_session set last_seen_at = ? where session_sha256 = ?`, now, h)
	}
}

// end forgets session h, in memory and in the warehouse. A failed delete is harmless:
// the session is checked again (and refused) when it is read after a restart.
func (a *authStore) end(ctx context.Context, h string) {
	a.mu.Lock()
	delete(a.sessions, h)
	a.mu.Unlock()
	_, _ = a.db.ExecContext(context.WithoutCancel(ctx), `delete from auth_session where session_sha256 = ?`, h)
}

// errBadLogin is a wrong user name or password; which of the two is not said.
var errBadLogin = errors.New("unknown user or wrong password")

// errDisabledLogin is the right password of a disabled user. It is said only to whoever
// knows the password.
var errDisabledLogin = errors.New("user disabled")

// login checks a user name and password and opens a session; it returns the cookie
// value (shown to the browser only) and when the session ends at the latest. known
// says whether the name is a user, for the log (never shown to the client).
func (a *authStore) login(ctx context.Context, name, password string, now time.Time) (cookie string, exp time.Time, known bool, err error) {
	if err := a.ensureLoaded(ctx, now); err != nil {
		return "", time.Time{}, false, err
	}
	var hash, rn string
	var disabled bool
	err = a.db.QueryRowContext(ctx, `select password_bcrypt, role, disabled_at is not null from auth_user where name = ?`, name).Scan(&hash, &rn, &disabled)
	if errors.Is(err, sql.ErrNoRows) {
		// Spend the same time as a real check, so response times do not tell which
		// user names exist.
		_ = bcrypt.CompareHashAndPassword(a.dummyHash(), []byte(truncate(password, maxPasswordBytes)))
		return "", time.Time{}, false, errBadLogin
	}
	if err != nil {
		return "", time.Time{}, false, fmt.Errorf("api: login: %w", err)
	}
	// No stored password is longer than bcrypt's 72 bytes (CheckPassword), so a longer
	// one is wrong; comparing it would test only its first 72 bytes.
	if len(password) > maxPasswordBytes || bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) != nil {
		return "", time.Time{}, true, errBadLogin
	}
	if disabled {
		return "", time.Time{}, true, errDisabledLogin
	}
	if _, ok := parseRole(rn); !ok {
		return "", time.Time{}, true, fmt.Errorf("api: login: user has unknown role %q", rn)
	}
	ensureUserSCRAM(ctx, a.db, name, hash, password, now) // for the PostgreSQL wire
	id, err := randomSecret("")
	if err != nil {
		return "", time.Time{}, true, err
	}
	h := hashSecret(id)
	s := session{user: name, credential: hashSecret(hash), created: now, lastSeen: now, stored: now}
	if _, err := a.db.ExecContext(ctx, `insert into auth_session (session_sha256, user_name, credential_sha256, created_at, last_seen_at) values (?, ?, ?, ?, ?)`,
		h, s.user, s.credential, s.created, s.lastSeen); err != nil {
		return "", time.Time{}, true, fmt.Errorf("api: login: store session: %w", err)
	}
	a.mu.Lock()
	a.sessions[h] = s
	a.mu.Unlock()
	a.prune(ctx, now)
	return id, now.Add(a.maxAge), true, nil
}

// logout ends the session of a cookie value.
func (a *authStore) logout(ctx context.Context, cookie string, now time.Time) error {
	h := hashSecret(cookie)
	a.mu.Lock()
	delete(a.sessions, h)
	a.mu.Unlock()
	if _, err := a.db.ExecContext(ctx, `delete from auth_session where session_sha256 = ?`, h); err != nil {
		return fmt.Errorf("api: logout: %w", err)
	}
	a.prune(ctx, now)
	return nil
}

// prune forgets every session that has ended, so the table does not grow with
// sessions nobody logs out of.
func (a *authStore) prune(ctx context.Context, now time.Time) {
	var gone []string
	a.mu.Lock()
	for h, s := range a.sessions {
		if a.ended(s, now) != "" {
			delete(a.sessions, h)
			gone = append(gone, h)
		}
	}
	a.mu.Unlock()
	for _, h := range gone {
		_, _ = a.db.ExecContext(ctx, `delete from auth_session where session_sha256 = ?`, h)
	}
}

// truncate cuts s to at most n bytes.
func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
