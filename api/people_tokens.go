package api

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // Europe/Amsterdam for expiry dates without system tzdata
	"unicode"
	"unicode/utf8"

	"github.com/hetleerplein/leerplein/warehouse"
)

// DefaultTokenLifetime is how long a token works when its maker names no expiry.
const DefaultTokenLifetime = 365 * 24 * time.Hour

// maxTokenYears bounds a token's life: an expiry at most this many years ahead (to the
// end of that day), so no forgotten token works for ever.
const maxTokenYears = 2

// maxTokenNameBytes bounds a token's name, like a user name.
const maxTokenNameBytes = 64

// States of a token, as GET /api/v1/tokens names them.
const (
	tokenActive  = "active"
	tokenExpired = "expired"
	tokenRevoked = "revoked"
)

// Token is an API token as GET /api/v1/tokens lists it; never the token itself, which
// is shown once when it is made.
type Token struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	Role       string     `json:"role"`
	State      string     `json:"state"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

// amsterdam is the time zone expiry dates are read in: the bureau's.
func amsterdam() *time.Location {
	if loc, err := time.LoadLocation("Europe/Amsterdam"); err == nil {
		return loc
	}
	return time.UTC
}

// maxExpiry is the latest expiry a token made at now may have: the end of the day
// maxTokenYears from now.
func maxExpiry(now time.Time) time.Time {
	d := now.In(amsterdam()).AddDate(maxTokenYears, 0, 0)
	return time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, d.Location())
}

// ParseExpiry reads when a token made at now stops working: "" is DefaultTokenLifetime
// from now; a date (2027-03-01) means through that day (Europe/Amsterdam); an RFC 3339
// time is that moment. It must be after now and at most two years ahead.
func ParseExpiry(s string, now time.Time) (time.Time, error) {
	var t time.Time
	switch s = strings.TrimSpace(s); {
	case s == "":
		t = now.Add(DefaultTokenLifetime)
	case len(s) == len("2006-01-02"):
		d, err := time.ParseInLocation("2006-01-02", s, amsterdam())
		if err != nil {
			return time.Time{}, badParam("expires", "%q is geen datum; schrijf bijvoorbeeld %s", s, now.Add(DefaultTokenLifetime).In(amsterdam()).Format("2006-01-02"))
		}
		t = d.AddDate(0, 0, 1) // through that day
	default:
		var err error
		if t, err = time.Parse(time.RFC3339, s); err != nil {
			return time.Time{}, badParam("expires", "%q is geen datum (2027-03-01) of tijdstip (2027-03-01T17:00:00+01:00)", s)
		}
	}
	return t, checkExpiry(t, now)
}

// checkExpiry refuses an expiry in the past or too far ahead.
func checkExpiry(t, now time.Time) error {
	if !t.After(now) {
		return badParam("expires", "%s is al voorbij; kies een datum in de toekomst", t.In(amsterdam()).Format("2006-01-02 15:04"))
	}
	if limit := maxExpiry(now); t.After(limit) {
		return badParam("expires", "hoogstens %d jaar vooruit: uiterlijk %s", maxTokenYears, limit.AddDate(0, 0, -1).Format("2006-01-02"))
	}
	return nil
}

// checkTokenName says, in Dutch, why a token's name is not acceptable.
func checkTokenName(name string) error {
	switch {
	case strings.TrimSpace(name) == "":
		return badParam("name", "een naam is verplicht: wie of wat het token gebruikt, bijvoorbeeld grafana")
	case len(name) > maxTokenNameBytes:
		return badParam("name", "de naam is te lang: hoogstens %d bytes", maxTokenNameBytes)
	case !utf8.ValidString(name) || strings.IndexFunc(name, unicode.IsControl) >= 0:
		return badParam("name", "de naam bevat een stuurteken of is geen geldige UTF-8-tekst")
	case strings.TrimSpace(name) != name:
		return badParam("name", "de naam begint of eindigt met een spatie")
	}
	return nil
}

// IssueToken stores a new bearer token for name with roleName that works until expires,
// and returns it with its record. Only its hash is stored: the caller shows it once.
func IssueToken(ctx context.Context, db *warehouse.DB, by Actor, name, roleName string, expires, now time.Time) (Token, string, error) {
	if err := checkTokenName(name); err != nil {
		return Token{}, "", err
	}
	if err := checkRoleName(roleName); err != nil {
		return Token{}, "", err
	}
	if err := checkExpiry(expires, now); err != nil {
		return Token{}, "", err
	}
	secret, err := randomSecret(tokenPrefix)
	if err != nil {
		return Token{}, "", err
	}
	t := Token{Name: name, Role: roleName, State: tokenActive, CreatedAt: now, ExpiresAt: &expires}
	err = inTx(ctx, db, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `insert into auth_token (token_id, name, role, token_sha256, created_at, expires_at)
			values (nextval('auth_token_seq'), ?, ?, ?, ?, ?) returning token_id`,
			name, roleName, hashSecret(secret), now, expires).Scan(&t.ID); err != nil {
			return err
		}
		return audit(ctx, tx, by, now, "token_create", name, &t.ID, roleName, "verloopt "+expires.In(amsterdam()).Format("2006-01-02 15:04"))
	})
	if err != nil {
		return Token{}, "", fmt.Errorf("api: create token: %w", err)
	}
	// For SCRAM logins over the PostgreSQL wire; a failure costs only those.
	_ = storeSCRAM(ctx, db, tokenSCRAMSubject(t.ID), hashSecret(secret), secret, now)
	return t, secret, nil
}

// RevokeToken ends the token with id at once; it cannot be undone.
func RevokeToken(ctx context.Context, db *warehouse.DB, by Actor, id int64, now time.Time) (Token, error) {
	var t Token
	err := inTx(ctx, db, func(tx *sql.Tx) error {
		var err error
		if t, err = tokenIn(ctx, tx, id, now); err != nil {
			return err
		}
		if t.RevokedAt != nil {
			return conflictf("token %d (%s) is al ingetrokken op %s", id, t.Name, t.RevokedAt.In(amsterdam()).Format("2006-01-02 15:04"))
		}
		if _, err := tx.ExecContext(ctx, `update auth_token set revoked_at = ? where token_id = ?`, now, id); err != nil {
			return err
		}
		t.RevokedAt, t.State = &now, tokenRevoked
		return audit(ctx, tx, by, now, "token_revoke", t.Name, &id, t.Role, "")
	})
	if err != nil {
		return Token{}, fmt.Errorf("api: revoke token %d: %w", id, err)
	}
	return t, nil
}

// tokenColumns are the columns scanToken reads, in its order.
const tokenColumns = `token_id, name, role, created_at, expires_at, last_used_at, revoked_at`

// scanToken reads one row of tokenColumns and names its state at now.
func scanToken(row interface{ Scan(...any) error }, now time.Time) (Token, error) {
	var t Token
	var expires, used, revoked sql.NullTime
	if err := row.Scan(&t.ID, &t.Name, &t.Role, &t.CreatedAt, &expires, &used, &revoked); err != nil {
		return Token{}, err
	}
	t.ExpiresAt, t.LastUsedAt, t.RevokedAt = nullTime(expires), nullTime(used), nullTime(revoked)
	switch {
	case t.RevokedAt != nil:
		t.State = tokenRevoked
	case t.ExpiresAt != nil && !now.Before(*t.ExpiresAt):
		t.State = tokenExpired
	default:
		t.State = tokenActive
	}
	return t, nil
}

// tokenIn reads the token with id inside tx; a missing one is a 404.
func tokenIn(ctx context.Context, tx *sql.Tx, id int64, now time.Time) (Token, error) {
	t, err := scanToken(tx.QueryRowContext(ctx, `select `+tokenColumns+` from auth_token where token_id = ?`, id), now)
	if errors.Is(err, sql.ErrNoRows) {
		return Token{}, notFoundf("er is geen token %d", id)
	}
	return t, err
}

// ListTokens returns every token, newest first, with its state at now.
func ListTokens(ctx context.Context, db *warehouse.DB, now time.Time) ([]Token, error) {
	rows, err := db.QueryContext(ctx, `select `+tokenColumns+` from auth_token order by token_id desc`)
	if err != nil {
		return nil, fmt.Errorf("api: list tokens: %w", err)
	}
	defer rows.Close()
	tokens := []Token{}
	for rows.Next() {
		t, err := scanToken(rows, now)
		if err != nil {
			return nil, fmt.Errorf("api: list tokens: %w", err)
		}
		tokens = append(tokens, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("api: list tokens: %w", err)
	}
	return tokens, nil
}

// CreateToken stores a new bearer token for name with roleName that works for
// DefaultTokenLifetime, and returns it. Only its hash is stored: the caller shows the
// token once.
func CreateToken(ctx context.Context, db *warehouse.DB, name, roleName string) (string, error) {
	now := time.Now()
	_, secret, err := IssueToken(ctx, db, legacyActor, name, roleName, now.Add(DefaultTokenLifetime), now)
	return secret, err
}

// RevokeTokens revokes every live token named name and returns how many it revoked.
func RevokeTokens(ctx context.Context, db *warehouse.DB, name string) (int64, error) {
	return RevokeTokensNamed(ctx, db, legacyActor, name, time.Now())
}

// RevokeTokensNamed revokes every live token named name on behalf of by and returns
// how many it revoked.
func RevokeTokensNamed(ctx context.Context, db *warehouse.DB, by Actor, name string, now time.Time) (int64, error) {
	tokens, err := ListTokens(ctx, db, now)
	if err != nil {
		return 0, err
	}
	var n int64
	for _, t := range tokens {
		if t.Name != name || t.RevokedAt != nil {
			continue
		}
		if _, err := RevokeToken(ctx, db, by, t.ID, now); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
