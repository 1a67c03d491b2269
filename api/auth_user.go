package api

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
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
	case strings.Contains(name, "/"):
		// The API names a user in its path: /api/v1/users/{name}.
		return errors.New("de gebruikersnaam bevat een /")
	}
	return nil
}
