package api

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"github.com/hetleerplein/leerplein/warehouse"
)

// Limits on what a person types at the login form or `user create`. A name or password
// beyond them is refused before it reaches a log line, a page or bcrypt.
const (
	// MinPasswordLength is the fewest characters a password has, not counting white
	// space at its start and end (so a password of only spaces never passes).
	MinPasswordLength = 12
	// maxPasswordBytes is bcrypt's limit: it ignores every byte after the 72nd, so a
	// longer password is refused rather than silently shortened.
	maxPasswordBytes = 72
	// maxLoginPasswordBytes bounds what the login form accepts before even trying: a
	// longer one cannot match (no stored password exceeds maxPasswordBytes).
	maxLoginPasswordBytes = 1024
	// maxUserNameBytes bounds a user name.
	maxUserNameBytes = 64
)

// CheckPassword says, in Dutch for the person choosing it, why a password is not
// acceptable; nil when it is.
func CheckPassword(password string) error {
	if n := utf8.RuneCountInString(strings.TrimSpace(password)); n < MinPasswordLength {
		return fmt.Errorf("het wachtwoord is te kort: minstens %d tekens (spaties aan begin en eind tellen niet mee), dit heeft er %d", MinPasswordLength, n)
	}
	if len(password) > maxPasswordBytes {
		return fmt.Errorf("het wachtwoord is te lang: hoogstens %d bytes (bcrypt negeert alles daarna), dit heeft er %d", maxPasswordBytes, len(password))
	}
	if !utf8.ValidString(password) {
		return errors.New("het wachtwoord is geen geldige UTF-8-tekst")
	}
	return nil
}

// CheckUserName says, in Dutch, why a login name is not acceptable; nil when it is.
func CheckUserName(name string) error {
	switch {
	case strings.TrimSpace(name) == "":
		return errors.New("een gebruikersnaam is verplicht")
	case len(name) > maxUserNameBytes:
		return fmt.Errorf("de gebruikersnaam is te lang: hoogstens %d bytes", maxUserNameBytes)
	case !utf8.ValidString(name):
		return errors.New("de gebruikersnaam is geen geldige UTF-8-tekst")
	case strings.TrimSpace(name) != name:
		return errors.New("de gebruikersnaam begint of eindigt met een spatie")
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		return errors.New("de gebruikersnaam bevat een stuurteken")
	}
	return nil
}

// SetUser creates the dashboard login name with roleName and password (bcrypt), or
// replaces the role and password of an existing one when replace is set. A new password
// ends every session of the user; a new role holds for them from the next request.
func SetUser(ctx context.Context, db *warehouse.DB, name, roleName, password string, replace bool) error {
	if err := CheckUserName(name); err != nil {
		return fmt.Errorf("api: user: %w", err)
	}
	if _, ok := parseRole(roleName); !ok {
		return fmt.Errorf("api: user: onbekende rol %q; kies uit %s", roleName, strings.Join(RoleNames(), ", "))
	}
	if err := CheckPassword(password); err != nil {
		return fmt.Errorf("api: user: %w", err)
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
		return fmt.Errorf("api: user: %q bestaat al (--replace geeft een nieuw wachtwoord en deze rol)", name)
	case n > 0:
		_, err = db.ExecContext(ctx, `update auth_user set role = ?, password_bcrypt = ? where name = ?`, roleName, string(hash), name)
	default:
		_, err = db.ExecContext(ctx, `insert into auth_user (name, role, password_bcrypt) values (?, ?, ?)`, name, roleName, string(hash))
	}
	if err != nil {
		return fmt.Errorf("api: user: store: %w", err)
	}
	// The sessions of the old password no longer pass the check; remove them now.
	if _, err := db.ExecContext(ctx, `delete from auth_session where user_name = ?`, name); err != nil {
		return fmt.Errorf("api: user: end sessions: %w", err)
	}
	return nil
}

// DeleteUser removes the dashboard login name and its sessions; found is false when
// there was none.
func DeleteUser(ctx context.Context, db *warehouse.DB, name string) (found bool, err error) {
	res, err := db.ExecContext(ctx, `delete from auth_user where name = ?`, name)
	if err != nil {
		return false, fmt.Errorf("api: user: delete %q: %w", name, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("api: user: delete %q: %w", name, err)
	}
	if _, err := db.ExecContext(ctx, `delete from auth_session where user_name = ?`, name); err != nil {
		return n > 0, fmt.Errorf("api: user: end sessions of %q: %w", name, err)
	}
	return n > 0, nil
}
