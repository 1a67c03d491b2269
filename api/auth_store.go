package api

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/hetleerplein/leerplein/warehouse"
)

// tokenPrefix marks a leerplein token, so a secret scanner (or a person) recognises one.
const tokenPrefix = "lp_"

// tokenReloadInterval bounds how often an unknown token makes the store re-read the
// token table (a token created by another process since the last read).
const tokenReloadInterval = time.Second

// authStore holds the token hashes and live sessions in memory, so authenticating a
// request costs a hash and a map lookup, not a query. Sessions are written through
// to auth_session, so a restart keeps people logged in.
type authStore struct {
	db  *warehouse.DB
	ttl time.Duration

	mu         sync.RWMutex
	tokens     map[string]principal // token hash → holder
	sessions   map[string]session   // session hash → session
	loaded     bool
	lastReload time.Time

	dummyOnce sync.Once
	dummy     []byte
}

// principal is who holds a credential.
type principal struct {
	name string
	role role
}

type session struct {
	principal
	expires time.Time
}

func newAuthStore(db *warehouse.DB, ttl time.Duration) *authStore {
	return &authStore{db: db, ttl: ttl}
}

// tokenRole returns the role of a bearer token, roleNone when it is unknown or revoked.
func (a *authStore) tokenRole(ctx context.Context, token string, now time.Time) (role, string) {
	if !strings.HasPrefix(token, tokenPrefix) {
		return roleNone, ""
	}
	h := hashSecret(token)
	a.mu.RLock()
	p, ok := a.tokens[h]
	loaded := a.loaded
	a.mu.RUnlock()
	if ok {
		return p.role, p.name
	}
	if loaded {
		a.mu.RLock()
		recent := now.Sub(a.lastReload) < tokenReloadInterval
		a.mu.RUnlock()
		if recent {
			return roleNone, ""
		}
	}
	if err := a.reload(ctx, now); err != nil {
		return roleNone, ""
	}
	a.mu.RLock()
	p, ok = a.tokens[h]
	a.mu.RUnlock()
	if !ok {
		return roleNone, ""
	}
	return p.role, p.name
}

// sessionRole returns the role of a session cookie value, roleNone when it is unknown
// or expired.
func (a *authStore) sessionRole(cookie string, now time.Time) (role, string) {
	if err := a.ensureLoaded(context.Background(), now); err != nil {
		return roleNone, ""
	}
	a.mu.RLock()
	s, ok := a.sessions[hashSecret(cookie)]
	a.mu.RUnlock()
	if !ok || !now.Before(s.expires) {
		return roleNone, ""
	}
	return s.role, s.name
}

func (a *authStore) ensureLoaded(ctx context.Context, now time.Time) error {
	a.mu.RLock()
	loaded := a.loaded
	a.mu.RUnlock()
	if loaded {
		return nil
	}
	return a.reload(ctx, now)
}

// reload reads every live token and session from the warehouse.
func (a *authStore) reload(ctx context.Context, now time.Time) error {
	tokens := make(map[string]principal)
	rows, err := a.db.QueryContext(ctx, `select token_sha256, name, role from auth_token where revoked_at is null`)
	if err != nil {
		return fmt.Errorf("api: read tokens: %w", err)
	}
	for rows.Next() {
		var h, name, rn string
		if err := rows.Scan(&h, &name, &rn); err != nil {
			rows.Close()
			return fmt.Errorf("api: read tokens: %w", err)
		}
		if r, ok := parseRole(rn); ok {
			tokens[h] = principal{name: name, role: r}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("api: read tokens: %w", err)
	}
	sessions := make(map[string]session)
	rows, err = a.db.QueryContext(ctx, `select session_sha256, user_name, role, expires_at from auth_session where expires_at > ?`, now)
	if err != nil {
		return fmt.Errorf("api: read sessions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var h, name, rn string
		var exp time.Time
		if err := rows.Scan(&h, &name, &rn, &exp); err != nil {
			return fmt.Errorf("api: read sessions: %w", err)
		}
		if r, ok := parseRole(rn); ok {
			sessions[h] = session{principal{name: name, role: r}, exp}
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("api: read sessions: %w", err)
	}
	a.mu.Lock()
	a.tokens, a.sessions, a.loaded, a.lastReload = tokens, sessions, true, now
	a.mu.Unlock()
	return nil
}

// errBadLogin is a wrong user name or password; which of the two is not said.
var errBadLogin = errors.New("unknown user or wrong password")

// login checks a user name and password and opens a session; it returns the cookie
// value (shown to the browser only) and when it expires.
func (a *authStore) login(ctx context.Context, name, password string, now time.Time) (string, time.Time, error) {
	if err := a.ensureLoaded(ctx, now); err != nil {
		return "", time.Time{}, err
	}
	var hash, rn string
	err := a.db.QueryRowContext(ctx, `select password_bcrypt, role from auth_user where name = ?`, name).Scan(&hash, &rn)
	if errors.Is(err, sql.ErrNoRows) {
		// Spend the same time as a real check, so response times do not tell which
		// user names exist.
		_ = bcrypt.CompareHashAndPassword(a.dummyHash(), []byte(password))
		return "", time.Time{}, errBadLogin
	}
	if err != nil {
		return "", time.Time{}, fmt.Errorf("api: login: %w", err)
	}
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) != nil {
		return "", time.Time{}, errBadLogin
	}
	r, ok := parseRole(rn)
	if !ok {
		return "", time.Time{}, fmt.Errorf("api: login: user has unknown role %q", rn)
	}
	id, err := randomSecret("")
	if err != nil {
		return "", time.Time{}, err
	}
	exp := now.Add(a.ttl)
	h := hashSecret(id)
	if _, err := a.db.ExecContext(ctx, `insert into auth_session (session_sha256, user_name, role, created_at, expires_at) values (?, ?, ?, ?, ?)`,
		h, name, rn, now, exp); err != nil {
		return "", time.Time{}, fmt.Errorf("api: login: store session: %w", err)
	}
	a.mu.Lock()
	a.sessions[h] = session{principal{name: name, role: r}, exp}
	a.mu.Unlock()
	return id, exp, nil
}

// logout ends the session of a cookie value (and any expired ones).
func (a *authStore) logout(ctx context.Context, cookie string, now time.Time) error {
	h := hashSecret(cookie)
	a.mu.Lock()
	delete(a.sessions, h)
	for k, s := range a.sessions {
		if !now.Before(s.expires) {
			delete(a.sessions, k)
		}
	}
	a.mu.Unlock()
	if _, err := a.db.ExecContext(ctx, `delete from auth_session where session_sha256 = ? or expires_at <= ?`, h, now); err != nil {
		return fmt.Errorf("api: logout: %w", err)
	}
	return nil
}

// dummyHash is a bcrypt hash of a random string, compared against for unknown users.
func (a *authStore) dummyHash() []byte {
	a.dummyOnce.Do(func() {
		secret, _ := randomSecret("")
		a.dummy, _ = bcrypt.GenerateFromPassword([]byte(secret), bcrypt.DefaultCost)
	})
	return a.dummy
}

// randomSecret returns prefix + 32 random bytes in hex.
func randomSecret(prefix string) (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("api: random: %w", err)
	}
	return prefix + hex.EncodeToString(b), nil
}

// CreateToken stores a new bearer token for name with roleName and returns it. Only its
// hash is stored: the caller shows the token once.
func CreateToken(ctx context.Context, db *warehouse.DB, name, roleName string) (string, error) {
	if strings.TrimSpace(name) == "" {
		return "", errors.New("api: token: a name is required (who or what uses the token, e.g. grafana)")
	}
	if _, ok := parseRole(roleName); !ok {
		return "", fmt.Errorf("api: token: unknown role %q; use one of %s", roleName, strings.Join(RoleNames(), ", "))
	}
	token, err := randomSecret(tokenPrefix)
	if err != nil {
		return "", err
	}
	if _, err := db.ExecContext(ctx, `insert into auth_token (token_id, name, role, token_sha256) values (nextval('auth_token_seq'), ?, ?, ?)`,
		name, roleName, hashSecret(token)); err != nil {
		return "", fmt.Errorf("api: token: store: %w", err)
	}
	return token, nil
}

// MinPasswordLength is the shortest password CreateUser accepts.
const MinPasswordLength = 10

// SetUser creates the dashboard login name with roleName and password (bcrypt), or
// replaces the role and password of an existing one when replace is set.
func SetUser(ctx context.Context, db *warehouse.DB, name, roleName, password string, replace bool) error {
	if strings.TrimSpace(name) == "" {
		return errors.New("api: user: a name is required")
	}
	if _, ok := parseRole(roleName); !ok {
		return fmt.Errorf("api: user: unknown role %q; use one of %s", roleName, strings.Join(RoleNames(), ", "))
	}
	if len(password) < MinPasswordLength {
		return fmt.Errorf("api: user: the password is too short: at least %d characters", MinPasswordLength)
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return fmt.Errorf("api: user: hash password: %w", err)
	}
	var n int
	if err := db.QueryRowContext(ctx, `select count(*) from auth_user where name = ?`, name).Scan(&n); err != nil {
		return fmt.Errorf("api: user: %w", err)
	}
	switch {
	case n > 0 && !replace:
		return fmt.Errorf("api: user: %q exists already", name)
	case n > 0:
		_, err = db.ExecContext(ctx, `update auth_user set role = ?, password_bcrypt = ? where name = ?`, roleName, string(hash), name)
	default:
		_, err = db.ExecContext(ctx, `insert into auth_user (name, role, password_bcrypt) values (?, ?, ?)`, name, roleName, string(hash))
	}
	if err != nil {
		return fmt.Errorf("api: user: store: %w", err)
	}
	return nil
}

// RevokeTokens revokes every live token named name and returns how many it revoked. A
// server reads the tokens when it starts (it holds the warehouse file, so another
// process cannot change them while it runs): revoke with the server stopped.
func RevokeTokens(ctx context.Context, db *warehouse.DB, name string) (int64, error) {
	res, err := db.ExecContext(ctx, `update auth_token set revoked_at = now() where name = ? and revoked_at is null`, name)
	if err != nil {
		return 0, fmt.Errorf("api: revoke tokens %q: %w", name, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("api: revoke tokens %q: %w", name, err)
	}
	return n, nil
}
