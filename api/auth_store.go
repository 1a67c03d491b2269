package api

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
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

// tokenTouchInterval is how stale auth_token.last_used_at may be: the server keeps the
// exact time in memory and writes it at most this often per token, so requests do not
// each write to the warehouse.
const tokenTouchInterval = time.Minute

// authStore holds the token hashes, the users and the live sessions in memory, so
// authenticating a request costs a hash and a map lookup, not a query. Sessions are
// written through to auth_session, so a restart keeps people logged in; the user table
// is re-read at most once per userCheckInterval, and at once after this server changed
// it (usersChanged).
type authStore struct {
	db     *warehouse.DB
	idle   time.Duration // a session unused this long ends
	maxAge time.Duration // a session this old ends, used or not

	mu           sync.RWMutex
	tokens       map[string]tokenEntry // token hash → holder
	sessions     map[string]session    // session hash → session (auth_session.go)
	users        map[string]account    // user name → current role and credential (enabled users only)
	loaded       bool
	lastReload   time.Time // of the tokens
	usersChecked time.Time

	usersRefresh sync.Mutex // one read of the user table at a time
	loadOnce     sync.Mutex // one first load at a time (ensureLoaded)
	// changes serialises the API's changes to users and tokens: the last-beheer rule
	// reads, then writes, and two such changes at once could each see the other's
	// beheer user still there.
	changes sync.Mutex

	dummyOnce sync.Once
	dummy     []byte
}

// tokenEntry is a live (not revoked) token as the store holds it.
type tokenEntry struct {
	id       int64
	name     string
	role     role
	expires  time.Time // zero: no end (only a token the migration could not date)
	lastUsed time.Time // exact, in memory
	stored   time.Time // last_used_at as the warehouse holds it
}

// account is a dashboard user as the user table holds it now.
type account struct {
	role       role
	credential string // hex SHA-256 of the bcrypt hash: changes with every new password
}

// caller is who sent a request, as authenticate finds them.
type caller struct {
	role role   // roleNone: not authenticated
	name string // token or user name
	kind string // actorToken or actorUser
	// refusal says why a credential that was sent is refused, when there is more to say
	// than errUnauthorized (an expired token); "" otherwise.
	refusal string
}

func newAuthStore(db *warehouse.DB, idle, maxAge time.Duration) *authStore {
	return &authStore{db: db, idle: idle, maxAge: maxAge}
}

// tokenCaller returns the holder of a bearer token: no role when it is unknown, revoked
// or expired (then with the reason).
func (a *authStore) tokenCaller(ctx context.Context, token string, now time.Time) caller {
	if !strings.HasPrefix(token, tokenPrefix) {
		return caller{}
	}
	if err := a.ensureLoaded(ctx, now); err != nil {
		return caller{}
	}
	h := hashSecret(token)
	a.mu.RLock()
	t, ok := a.tokens[h]
	recent := now.Sub(a.lastReload) < tokenReloadInterval
	a.mu.RUnlock()
	if !ok && !recent {
		if err := a.reloadTokens(ctx, now); err != nil {
			return caller{}
		}
		a.mu.RLock()
		t, ok = a.tokens[h]
		a.mu.RUnlock()
	}
	if !ok {
		return caller{}
	}
	if !t.expires.IsZero() && !now.Before(t.expires) {
		return caller{refusal: expiredTokenMessage(t.expires)}
	}
	a.touchToken(ctx, h, now)
	return caller{role: t.role, name: t.name, kind: actorToken}
}

// expiredTokenMessage is the 401 answer to an expired token, in Dutch for the steward.
func expiredTokenMessage(expires time.Time) string {
	return "dit token is verlopen op " + expires.In(amsterdam()).Format("2006-01-02 15:04") +
		"; vraag een beheerder om een nieuw token (/beheer, of leerplein token create)"
}

// touchToken records that token h was used at now, writing it through every
// tokenTouchInterval.
func (a *authStore) touchToken(ctx context.Context, h string, now time.Time) {
	a.mu.Lock()
	t, ok := a.tokens[h]
	if !ok {
		a.mu.Unlock()
		return
	}
	if now.After(t.lastUsed) {
		t.lastUsed = now
	}
	write := t.stored.IsZero() || now.Sub(t.stored) >= tokenTouchInterval
	if write {
		t.stored = now
	}
	a.tokens[h] = t
	a.mu.Unlock()
	if write {
		// A failed write costs only a last-used time that is too old.
		_, _ = a.db.ExecContext(context.WithoutCancel(ctx), `update auth_token set last_used_at = ? where token_id = ?`, now, t.id)
	}
}

// lastUsed is when the token with id was last used as far as this server knows: more
// recent than the warehouse's last_used_at by up to tokenTouchInterval.
func (a *authStore) lastUsed(id int64) time.Time {
	a.mu.RLock()
	defer a.mu.RUnlock()
	for _, t := range a.tokens {
		if t.id == id {
			return t.lastUsed
		}
	}
	return time.Time{}
}

// addToken makes a token just stored work at once, without waiting for a reload.
func (a *authStore) addToken(hash string, t Token) {
	r, ok := parseRole(t.Role)
	if !ok {
		return
	}
	e := tokenEntry{id: t.ID, name: t.Name, role: r}
	if t.ExpiresAt != nil {
		e.expires = *t.ExpiresAt
	}
	a.mu.Lock()
	if a.tokens != nil { // else the first load reads it
		a.tokens[hash] = e
	}
	a.mu.Unlock()
}

// dropToken makes a token just revoked stop working at once.
func (a *authStore) dropToken(id int64) {
	a.mu.Lock()
	for h, t := range a.tokens {
		if t.id == id {
			delete(a.tokens, h)
		}
	}
	a.mu.Unlock()
}

// usersChanged makes the next request read the user table anew; with endSessions it also
// forgets the sessions of user name (a new password, disabled or removed).
func (a *authStore) usersChanged(name string, endSessions bool) {
	a.mu.Lock()
	a.users, a.usersChecked = nil, time.Time{}
	if endSessions {
		for h, s := range a.sessions {
			if s.user == name {
				delete(a.sessions, h)
			}
		}
	}
	a.mu.Unlock()
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

// reloadTokens reads every live token from the warehouse, keeping the last-used times
// this server holds in memory.
func (a *authStore) reloadTokens(ctx context.Context, now time.Time) error {
	tokens := make(map[string]tokenEntry)
	rows, err := a.db.QueryContext(ctx, `select token_sha256, token_id, name, role, expires_at, last_used_at from auth_token where revoked_at is null`)
	if err != nil {
		return fmt.Errorf("api: read tokens: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var h, name, rn string
		var id int64
		var expires, used sql.NullTime
		if err := rows.Scan(&h, &id, &name, &rn, &expires, &used); err != nil {
			return fmt.Errorf("api: read tokens: %w", err)
		}
		if r, ok := parseRole(rn); ok {
			tokens[h] = tokenEntry{id: id, name: name, role: r, expires: expires.Time, lastUsed: used.Time, stored: used.Time}
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("api: read tokens: %w", err)
	}
	a.mu.Lock()
	for h, t := range tokens {
		if old, ok := a.tokens[h]; ok && old.lastUsed.After(t.lastUsed) {
			t.lastUsed, t.stored = old.lastUsed, old.stored
			tokens[h] = t
		}
	}
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
	rows, err := a.db.QueryContext(ctx, `select name, role, password_bcrypt from auth_user where disabled_at is null`)
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
