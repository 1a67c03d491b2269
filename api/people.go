package api

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/hetleerplein/leerplein/warehouse"
)

// People and access: the dashboard users and API tokens, changed through the API (the
// /beheer page) or the CLI, each change in one transaction with its audit row. The rules
// that keep the bureau from locking itself out live here, so the API and the CLI obey
// the same ones.

// Kinds of actor, as auth_audit.actor_kind spells them.
const (
	actorUser  = "user"
	actorToken = "token"
	actorCLI   = "cli"
)

// Actor is who changes a user or a token, as the access audit names them.
type Actor struct {
	name, kind, role string
}

// CLIActor is a change made with the leerplein command on the warehouse file itself
// (the server stopped); osUser is the account that ran it.
func CLIActor(osUser string) Actor {
	if osUser == "" {
		return Actor{name: "cli", kind: actorCLI}
	}
	return Actor{name: "cli:" + osUser, kind: actorCLI}
}

// ErrUserExists is the refusal to create a user whose name is taken.
var ErrUserExists = errors.New("user exists")

// accessError is a refused change to a user or a token: a Dutch reason for the steward
// and the status that says what kind of refusal it is (404, 409).
type accessError struct {
	status int
	msg    string
	kind   error // ErrUserExists, or nil
}

func (e *accessError) Error() string { return e.msg }
func (e *accessError) Unwrap() error { return e.kind }

func notFoundf(format string, args ...any) error {
	return &accessError{status: http.StatusNotFound, msg: fmt.Sprintf(format, args...)}
}

func conflictf(format string, args ...any) error {
	return &accessError{status: http.StatusConflict, msg: fmt.Sprintf(format, args...)}
}

// User is a dashboard login as GET /api/v1/users lists it; never its password hash.
type User struct {
	Name       string     `json:"name"`
	Role       string     `json:"role"`
	Disabled   bool       `json:"disabled"`
	CreatedAt  time.Time  `json:"created_at"`
	DisabledAt *time.Time `json:"disabled_at"`
}

// UserChange is what PATCH /api/v1/users/{name} changes; a zero field keeps its value.
type UserChange struct {
	Role     string // "" keeps the role
	Password string // "" keeps the password
	Disabled *bool  // nil keeps the state
}

// endsSessions says whether the change ends the user's sessions.
func (ch UserChange) endsSessions() bool {
	return ch.Password != "" || (ch.Disabled != nil && *ch.Disabled)
}

// ListUsers returns every dashboard user, by name.
func ListUsers(ctx context.Context, db *warehouse.DB) ([]User, error) {
	rows, err := db.QueryContext(ctx, `select name, role, created_at, disabled_at from auth_user order by name`)
	if err != nil {
		return nil, fmt.Errorf("api: list users: %w", err)
	}
	defer rows.Close()
	users := []User{}
	for rows.Next() {
		var u User
		var disabled sql.NullTime
		if err := rows.Scan(&u.Name, &u.Role, &u.CreatedAt, &disabled); err != nil {
			return nil, fmt.Errorf("api: list users: %w", err)
		}
		u.DisabledAt, u.Disabled = nullTime(disabled), disabled.Valid
		users = append(users, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("api: list users: %w", err)
	}
	return users, nil
}

// CreateUser makes the dashboard login name with roleName and password.
func CreateUser(ctx context.Context, db *warehouse.DB, by Actor, name, roleName, password string, now time.Time) (User, error) {
	if err := CheckUserName(name); err != nil {
		return User{}, badParam("name", "%v", err)
	}
	if err := checkRoleName(roleName); err != nil {
		return User{}, err
	}
	hash, err := hashPassword(password)
	if err != nil {
		return User{}, err
	}
	u := User{Name: name, Role: roleName, CreatedAt: now}
	err = inTx(ctx, db, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `select count(*) from auth_user where name = ?`, name).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return &accessError{status: http.StatusConflict, kind: ErrUserExists,
				msg: fmt.Sprintf("er is al een login %q; kies een andere naam, of wijzig deze login", name)}
		}
		if _, err := tx.ExecContext(ctx, `insert into auth_user (name, role, password_bcrypt, created_at) values (?, ?, ?, ?)`,
			name, roleName, hash, now); err != nil {
			return err
		}
		return audit(ctx, tx, by, now, "user_create", name, nil, roleName, "")
	})
	if err != nil {
		return User{}, fmt.Errorf("api: create user: %w", err)
	}
	// For SCRAM logins over the PostgreSQL wire; a failure costs only those.
	_ = storeSCRAM(ctx, db, userSCRAMSubject(name), hashSecret(hash), password, now)
	return u, nil
}

// UpdateUser changes the role, password or state of the login name. A new password or
// disabling ends its sessions. The last enabled beheer user keeps its role and stays
// enabled, and a user cannot lower or disable itself: either could leave nobody to
// manage the warehouse from the browser.
func UpdateUser(ctx context.Context, db *warehouse.DB, by Actor, name string, ch UserChange, now time.Time) (User, error) {
	if ch.Role == "" && ch.Password == "" && ch.Disabled == nil {
		return User{}, badParam("body", "geef role, password of disabled (of meer dan één)")
	}
	if ch.Role != "" {
		if err := checkRoleName(ch.Role); err != nil {
			return User{}, err
		}
	}
	var hash string
	if ch.Password != "" {
		var err error
		if hash, err = hashPassword(ch.Password); err != nil {
			return User{}, err
		}
	}
	var u User
	err := inTx(ctx, db, func(tx *sql.Tx) error {
		var err error
		if u, err = userIn(ctx, tx, name); err != nil {
			return err
		}
		old := u
		if ch.Role != "" {
			u.Role = ch.Role
		}
		if ch.Disabled != nil {
			u.Disabled = *ch.Disabled
		}
		if err := keepsBeheer(ctx, tx, by, old, u); err != nil {
			return err
		}
		if u.Disabled && !old.Disabled {
			u.DisabledAt = &now
		} else if !u.Disabled {
			u.DisabledAt = nil
		}
		var disabledAt, newHash any // nil: SQL null
		if u.DisabledAt != nil {
			disabledAt = *u.DisabledAt
		}
		if hash != "" {
			newHash = hash
		}
		if _, err := tx.ExecContext(ctx, `update auth_user set role = ?, disabled_at = ?, password_bcrypt = coalesce(?, password_bcrypt) where name = ?`,
			u.Role, disabledAt, newHash, name); err != nil {
			return err
		}
		if ch.endsSessions() {
			if _, err := tx.ExecContext(ctx, `delete from auth_session where user_name = ?`, name); err != nil {
				return err
			}
		}
		type change struct {
			happened       bool
			action, detail string
		}
		for _, c := range []change{
			{u.Role != old.Role, "user_role", "was " + old.Role},
			{hash != "", "user_password", ""},
			{u.Disabled && !old.Disabled, "user_disable", ""},
			{!u.Disabled && old.Disabled, "user_enable", ""},
		} {
			if c.happened {
				if err := audit(ctx, tx, by, now, c.action, name, nil, u.Role, c.detail); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return User{}, fmt.Errorf("api: update user %q: %w", name, err)
	}
	if hash != "" { // for SCRAM logins over the PostgreSQL wire; a failure costs only those
		_ = storeSCRAM(ctx, db, userSCRAMSubject(name), hashSecret(hash), ch.Password, now)
	}
	return u, nil
}

// RemoveUser deletes the login name and ends its sessions; the last enabled beheer user
// and the caller's own login stay.
func RemoveUser(ctx context.Context, db *warehouse.DB, by Actor, name string, now time.Time) error {
	err := inTx(ctx, db, func(tx *sql.Tx) error {
		u, err := userIn(ctx, tx, name)
		if err != nil {
			return err
		}
		if err := keepsBeheer(ctx, tx, by, u, User{}); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `delete from auth_user where name = ?`, name); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `delete from auth_session where user_name = ?`, name); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `delete from auth_scram where subject = ?`, userSCRAMSubject(name)); err != nil {
			return err
		}
		return audit(ctx, tx, by, now, "user_delete", name, nil, u.Role, "")
	})
	if err != nil {
		return fmt.Errorf("api: remove user %q: %w", name, err)
	}
	return nil
}

// userIn reads the login name inside tx; a missing one is a 404.
func userIn(ctx context.Context, tx *sql.Tx, name string) (User, error) {
	u := User{Name: name}
	var disabled sql.NullTime
	err := tx.QueryRowContext(ctx, `select role, created_at, disabled_at from auth_user where name = ?`, name).Scan(&u.Role, &u.CreatedAt, &disabled)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, notFoundf("er is geen login %q", name)
	}
	if err != nil {
		return User{}, err
	}
	u.DisabledAt, u.Disabled = nullTime(disabled), disabled.Valid
	return u, nil
}

// keepsBeheer refuses a change from before to after (after zero: removal) that takes an
// enabled beheer user away, when it is the caller's own login or the last one.
func keepsBeheer(ctx context.Context, tx *sql.Tx, by Actor, before, after User) error {
	counts := func(u User) bool { return u.Name != "" && u.Role == "beheer" && !u.Disabled }
	if !counts(before) || counts(after) {
		return nil
	}
	self, last := "uw eigen rol niet verlagen", "kan geen lagere rol krijgen"
	switch {
	case after.Name == "":
		self, last = "uw eigen login niet verwijderen", "kan niet worden verwijderd"
	case after.Disabled:
		self, last = "uw eigen login niet uitschakelen", "kan niet worden uitgeschakeld"
	}
	if by.kind == actorUser && by.name == before.Name {
		return conflictf("u kunt %s; laat een andere beheerder dat doen", self)
	}
	var others int
	if err := tx.QueryRowContext(ctx, `select count(*) from auth_user where role = 'beheer' and disabled_at is null and name <> ?`, before.Name).Scan(&others); err != nil {
		return err
	}
	if others == 0 {
		return conflictf("%q is de laatste ingeschakelde login met rol beheer en %s; maak eerst een andere login met rol beheer", before.Name, last)
	}
	return nil
}

// checkRoleName refuses an unknown role, naming the known ones.
func checkRoleName(roleName string) error {
	if _, ok := parseRole(roleName); !ok {
		return badParam("role", "onbekende rol %q; kies uit %s", roleName, strings.Join(RoleNames(), ", "))
	}
	return nil
}

// hashPassword checks a password against the rules and returns its bcrypt hash.
func hashPassword(password string) (string, error) {
	if err := CheckPassword(password); err != nil {
		return "", badParam("password", "%v", err)
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return "", fmt.Errorf("api: hash password: %w", err)
	}
	return string(hash), nil
}

// inTx runs fn in one transaction of db.
func inTx(ctx context.Context, db *warehouse.DB, fn func(tx *sql.Tx) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

func nullTime(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	return &t.Time
}

// legacyActor is the actor of the older functions (SetUser, DeleteUser, CreateToken,
// RevokeTokens) that do not say who calls them: the CLI and the demo login.
var legacyActor = Actor{name: "leerplein", kind: actorCLI}

// SetUser creates the dashboard login name with roleName and password, or, when
// replace is set and it exists, gives it this role and password and enables it. A new
// password ends every session of the user.
func SetUser(ctx context.Context, db *warehouse.DB, name, roleName, password string, replace bool) error {
	return SetUserAs(ctx, db, legacyActor, name, roleName, password, replace, time.Now())
}

// SetUserAs is SetUser on behalf of by.
func SetUserAs(ctx context.Context, db *warehouse.DB, by Actor, name, roleName, password string, replace bool, now time.Time) error {
	_, err := CreateUser(ctx, db, by, name, roleName, password, now)
	if !replace || !errors.Is(err, ErrUserExists) {
		return err
	}
	enabled := false
	_, err = UpdateUser(ctx, db, by, name, UserChange{Role: roleName, Password: password, Disabled: &enabled}, now)
	return err
}

// DeleteUser removes the dashboard login name and its sessions; found is false when
// there was none.
func DeleteUser(ctx context.Context, db *warehouse.DB, name string) (found bool, err error) {
	return DeleteUserAs(ctx, db, legacyActor, name, time.Now())
}

// DeleteUserAs is DeleteUser on behalf of by.
func DeleteUserAs(ctx context.Context, db *warehouse.DB, by Actor, name string, now time.Time) (found bool, err error) {
	err = RemoveUser(ctx, db, by, name, now)
	var ae *accessError
	if errors.As(err, &ae) && ae.status == http.StatusNotFound {
		return false, nil
	}
	return err == nil, err
}

// Reason is the Dutch reason of a refused change to a user or a token (a rule, a name
// that is taken or unknown, a value that is not acceptable), without the wrapping meant
// for logs; ok is false for any other error.
func Reason(err error) (reason string, ok bool) {
	var ae *accessError
	var pe *paramError
	switch {
	case errors.As(err, &ae):
		return ae.msg, true
	case errors.As(err, &pe):
		return pe.msg, true
	}
	return "", false
}
