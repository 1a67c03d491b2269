package api

import (
	"context"
	"crypto/rand"
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

// userCheckInterval is how old the cached user table may be when a session is checked
// against it: a new password, a new role or a removed user is in force within this
// time, whichever process changed the table.
const userCheckInterval = time.Second

// authStore holds the token hashes, the users and the live sessions in memory, so
// authenticating a request costs a hash and a map lookup, not a query. Sessions are
// written through to auth_session, so a restart keeps people logged in; the user table
// is re-read at most once per userCheckInterval.
type authStore struct {
	db     *warehouse.DB
	idle   time.Duration // a session unused this long ends
	maxAge time.Duration // a session this old ends, used or not

	mu           sync.RWMutex
	tokens       map[string]principal // token hash → holder
	sessions     map[string]session   // session hash → session (auth_session.go)
	users        map[string]account   // user name → current role and credential
	loaded       bool
	lastReload   time.Time // of the tokens
	usersChecked time.Time

	usersRefresh sync.Mutex // one read of the user table at a time
	loadOnce     sync.Mutex // one first load at a time (ensureLoaded)

	dummyOnce sync.Once
	dummy     []byte
}

// principal is who holds a credential.
type principal struct {
	name string
	role role
}

// account is a dashboard user as the user table holds it now.
type account struct {
	role       role
	credential string // hex SHA-256 of the bcrypt hash: changes with every new password
}

func newAuthStore(db *warehouse.DB, idle, maxAge time.Duration) *authStore {
	return &authStore{db: db, idle: idle, maxAge: maxAge}
}

// tokenRole returns the role of a bearer token, roleNone when it is unknown or revoked.
func (a *authStore) tokenRole(ctx context.Context, token string, now time.Time) (role, string) {
	if !strings.HasPrefix(token, tokenPrefix) {
		return roleNone, ""
	}
	if err := a.ensureLoaded(ctx, now); err != nil {
		return roleNone, ""
	}
	h := hashSecret(token)
	a.mu.RLock()
	p, ok := a.tokens[h]
	recent := now.Sub(a.lastReload) < tokenReloadInterval
	a.mu.RUnlock()
	if ok {
		return p.role, p.name
	}
	if recent {
		return roleNone, ""
	}
	if err := a.reloadTokens(ctx, now); err != nil {
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

// ensureLoaded reads tokens, sessions and users on first use.
func (a *authStore) ensureLoaded(ctx context.Context, now time.Time) error {
	a.mu.RLock()
	loaded := a.loaded
	a.mu.RUnlock()
	if loaded {
		return nil
	}
	// One first load: a second one could replace the sessions map after a login has
	// added to it.
	a.loadOnce.Lock()
	defer a.loadOnce.Unlock()
	a.mu.RLock()
	loaded = a.loaded
	a.mu.RUnlock()
	if loaded {
		return nil
	}
	if err := a.reloadTokens(ctx, now); err != nil {
		return err
	}
	if err := a.loadSessions(ctx, now); err != nil {
		return err
	}
	a.mu.Lock()
	a.loaded = true
	a.mu.Unlock()
	return nil
}

// reloadTokens reads every live token from the warehouse.
func (a *authStore) reloadTokens(ctx context.Context, now time.Time) error {
	tokens := make(map[string]principal)
	rows, err := a.db.QueryContext(ctx, `select token_sha256, name, role from auth_token where revoked_at is null`)
	if err != nil {
		return fmt.Errorf("api: read tokens: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var h, name, rn string
		if err := rows.Scan(&h, &name, &rn); err != nil {
			return fmt.Errorf("api: read tokens: %w", err)
		}
		if r, ok := parseRole(rn); ok {
			tokens[h] = principal{name: name, role: r}
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("api: read tokens: %w", err)
	}
	a.mu.Lock()
	a.tokens, a.lastReload = tokens, now
	a.mu.Unlock()
	return nil
}

// currentUsers returns the user table, read anew when the cached copy is older than
// userCheckInterval. A failed read is an error: sessions are then refused, not trusted.
func (a *authStore) currentUsers(ctx context.Context, now time.Time) (map[string]account, error) {
	fresh := func() (map[string]account, bool) {
		a.mu.RLock()
		defer a.mu.RUnlock()
		age := now.Sub(a.usersChecked)
		return a.users, a.users != nil && age >= 0 && age < userCheckInterval
	}
	if users, ok := fresh(); ok {
		return users, nil
	}
	a.usersRefresh.Lock()
	defer a.usersRefresh.Unlock()
	if users, ok := fresh(); ok { // another request read it while this one waited
		return users, nil
	}
	users := make(map[string]account)
	rows, err := a.db.QueryContext(ctx, `select name, role, password_bcrypt from auth_user`)
	if err != nil {
		return nil, fmt.Errorf("api: read users: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var name, rn, hash string
		if err := rows.Scan(&name, &rn, &hash); err != nil {
			return nil, fmt.Errorf("api: read users: %w", err)
		}
		if r, ok := parseRole(rn); ok {
			users[name] = account{role: r, credential: hashSecret(hash)}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("api: read users: %w", err)
	}
	a.mu.Lock()
	a.users, a.usersChecked = users, now
	a.mu.Unlock()
	return users, nil
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
