package api

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/hetleerplein/leerplein/api/pgwire"
	"github.com/hetleerplein/leerplein/warehouse"
)

// Logins over the PostgreSQL wire (api/pgwire): the user name is a dashboard user or a
// token's name, the password its password or the token. Over TLS the client sends the
// password (checked like the login form or a bearer token); in plain text, which
// cmd allows on a loopback address only, it proves it with SCRAM-SHA-256 against the
// verifier stored in auth_scram. The login throttle and its rules are the login form's.

// storeSCRAM keeps a SCRAM verifier of a password or token; a failure is logged by the
// caller and costs only a SCRAM login (TLS still works).
func storeSCRAM(ctx context.Context, db *warehouse.DB, subject, credential, secret string, now time.Time) error {
	v, err := pgwire.NewSCRAMVerifier(secret)
	if err != nil {
		return err
	}
	_, err = db.ExecContext(ctx, `insert or replace into auth_scram (subject, credential_sha256, verifier, created_at) values (?, ?, ?, ?)`,
		subject, credential, v, now)
	if err != nil {
		return fmt.Errorf("api: store scram verifier: %w", err)
	}
	return nil
}

// userSCRAMSubject and tokenSCRAMSubject name a verifier in auth_scram.
func userSCRAMSubject(name string) string { return "user:" + name }
func tokenSCRAMSubject(id int64) string   { return "token:" + strconv.FormatInt(id, 10) }

// ensureUserSCRAM stores the verifier of a user who just proved the password, unless
// one for this password is there. A failure costs only SCRAM logins (TLS still works).
func ensureUserSCRAM(ctx context.Context, db *warehouse.DB, name, bcryptHash, password string, now time.Time) {
	cred := hashSecret(bcryptHash)
	var n int
	err := db.QueryRowContext(ctx, `select count(*) from auth_scram where subject = ? and credential_sha256 = ?`, userSCRAMSubject(name), cred).Scan(&n)
	if err == nil && n > 0 {
		return
	}
	_ = storeSCRAM(ctx, db, userSCRAMSubject(name), cred, password, now)
}

// wireAccount is a user or token a wire login may be for.
type wireAccount struct {
	kind     string // actorUser or actorToken
	role     role
	hash     string // user: the bcrypt hash; token: token_sha256
	verifier string // "" when none is stored for the current password
	disabled bool
}

// wireAccount finds the user name, else the newest live token of that name; ok false
// for neither.
func (s *Server) wireAccount(ctx context.Context, name string, now time.Time) (wireAccount, bool, error) {
	var a wireAccount
	var rn string
	var verifier sql.NullString
	err := s.db.QueryRowContext(ctx, `select u.password_bcrypt, u.role, u.disabled_at is not null, s.verifier
		from auth_user u left join auth_scram s on s.subject = 'user:' || u.name and s.credential_sha256 = sha256(u.password_bcrypt)
		where u.name = ?`, name).Scan(&a.hash, &rn, &a.disabled, &verifier)
	if err == nil {
		a.kind, a.verifier = actorUser, verifier.String
		a.role, _ = parseRole(rn)
		return a, true, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return a, false, fmt.Errorf("api: wire login: %w", err)
	}
	err = s.db.QueryRowContext(ctx, `select t.token_sha256, t.role, s.verifier
		from auth_token t left join auth_scram s on s.subject = 'token:' || t.token_id and s.credential_sha256 = t.token_sha256
		where t.name = ? and t.revoked_at is null and (t.expires_at is null or t.expires_at > ?)
		order by (s.verifier is not null) desc, t.created_at desc limit 1`, name, now).Scan(&a.hash, &rn, &verifier)
	if errors.Is(err, sql.ErrNoRows) {
		return a, false, nil
	}
	if err != nil {
		return a, false, fmt.Errorf("api: wire login: %w", err)
	}
	a.kind, a.verifier = actorToken, verifier.String
	a.role, _ = parseRole(rn)
	return a, true, nil
}

// Wire login refusals, in Dutch for the analyst's tool.
const (
	wireBadLogin = "onbekende gebruiker of onjuist wachtwoord (of token); " +
		"zonder TLS kan alleen wie sinds de PostgreSQL-toegang eens op het dashboard inlogde, of een token dat sindsdien is gemaakt, inloggen"
	wireRoleRefused = "deze login heeft de rol bestuur; alleen de rollen analist en beheer kunnen SQL gebruiken"
	wireDisabled    = "deze login is uitgeschakeld; vraag een beheerder om hem weer in te schakelen"
)

// wireLogin is the Backend's Login.
func (s *Server) wireLogin(ctx context.Context, name, ip string, proof pgwire.Proof) (pgwire.Identity, error) {
	now := s.now()
	addr := throttleAddr(ip)
	if msg := loginInputError(name, "x"); msg != "" {
		return pgwire.Identity{}, &pgwire.LoginError{Code: "28000", Message: msg}
	}
	try, wait, scope := s.throttle.admit(name, addr, now)
	if wait > 0 {
		s.log.Warn("wire login throttled", "scope", scope, "addr", addr, "retry_after_s", retryAfter(wait))
		s.auditLogin(ctx, "", "", now, "te veel mislukte pogingen vanaf "+addr+" (throttle: "+scope+")")
		return pgwire.Identity{}, &pgwire.LoginError{Code: "28000", Message: throttledMessage(wait)}
	}
	acct, known, err := s.wireAccount(ctx, name, now)
	if err != nil {
		s.throttle.abandoned(try)
		return pgwire.Identity{}, err
	}
	ok := false
	if proof.TLS() {
		password, err := proof.Password()
		if err != nil {
			s.throttle.abandoned(try)
			return pgwire.Identity{}, err
		}
		switch {
		case len(password) > maxLoginPasswordBytes:
		case !known:
			_ = bcrypt.CompareHashAndPassword(s.auth.dummyHash(), []byte(truncate(password, maxPasswordBytes)))
		case acct.kind == actorUser:
			ok = len(password) <= maxPasswordBytes && bcrypt.CompareHashAndPassword([]byte(acct.hash), []byte(password)) == nil
			if ok {
				ensureUserSCRAM(ctx, s.db, name, acct.hash, password, now)
			}
		default:
			// Any live token of that name (names need not be unique), as a bearer token.
			if c := s.auth.tokenCaller(ctx, password, now); c.role != roleNone && c.name == name {
				ok, acct.role = true, c.role
			}
		}
	} else {
		verifier := ""
		if known {
			verifier = acct.verifier
		}
		if ok, err = proof.SCRAM(verifier); err != nil {
			s.throttle.abandoned(try)
			return pgwire.Identity{}, err
		}
	}
	if !ok {
		who := ""
		if known { // an unknown name may be a password typed in the wrong field: not kept
			who = name
		}
		s.log.Info("wire login failed", "user", who, "user_known", known, "addr", addr)
		s.auditLogin(ctx, who, "", now, "PostgreSQL-login mislukt vanaf "+addr)
		return pgwire.Identity{}, &pgwire.LoginError{Code: "28P01", Message: wireBadLogin}
	}
	s.throttle.succeeded(try)
	switch {
	case acct.disabled:
		s.auditLogin(ctx, name, acct.role.String(), now, "PostgreSQL-login geweigerd: uitgeschakeld")
		return pgwire.Identity{}, &pgwire.LoginError{Code: "28000", Message: wireDisabled}
	case acct.role < roleAnalist:
		s.auditLogin(ctx, name, acct.role.String(), now, "PostgreSQL-login geweigerd: rol "+acct.role.String())
		return pgwire.Identity{}, &pgwire.LoginError{Code: "28000", Message: wireRoleRefused}
	}
	s.log.Info("wire login", "user", name, "kind", acct.kind, "addr", addr)
	return pgwire.Identity{Name: name, Role: acct.role.String(), Kind: acct.kind}, nil
}

// auditLogin records a refused wire login in the SQL audit: no query, status refused.
func (s *Server) auditLogin(ctx context.Context, who, roleName string, at time.Time, msg string) {
	e := warehouse.AuditEntry{At: at, Who: who, Role: roleName, Status: warehouse.AuditRefused, Message: msg}
	s.audit(ctx, e, at)
}
