package api

import (
	"context"
	"net/http"
	"strings"
	"testing"
)

// TestPasswordRules: at least 12 characters besides white space at either end, at
// most bcrypt's 72 bytes; a name of at most 64 bytes without control characters.
// SetUser applies them before it hashes anything.
func TestPasswordRules(t *testing.T) {
	for _, tc := range []struct {
		pass string
		want string // part of the Dutch error; "" for accepted
	}{
		{"twaalf-tekens", ""},
		{"ĳsvogel-één!", ""}, // 12 characters, more bytes
		{strings.Repeat("a", 72), ""},
		{"elf-tekens!", "te kort"},
		{strings.Repeat(" ", 16), "te kort"},
		{"   kort   \t    ", "te kort"},
		{strings.Repeat("a", 73), "te lang"},
		{"\xff\xfe" + strings.Repeat("a", 12), "UTF-8"},
	} {
		if err := CheckPassword(tc.pass); (tc.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("CheckPassword(%q): %v, want %q", tc.pass, err, tc.want)
		}
	}
	f := newAuthFixture(t, Config{})
	ctx := context.Background()
	for _, tc := range []struct {
		name, pass string
		want       string // part of the Dutch error; "" for accepted
	}{
		{"nieuw", "ĳsvogel-één!", ""},
		{"kort", "elf-tekens!", "te kort"},
		{"lang", strings.Repeat("a", 73), "te lang"},
		{strings.Repeat("n", 65), "een-goed-wachtwoord", "gebruikersnaam is te lang"},
		{" jan", "een-goed-wachtwoord", "spatie"},
		{"jan\nadmin", "een-goed-wachtwoord", "stuurteken"},
		{"", "een-goed-wachtwoord", "verplicht"},
	} {
		err := SetUser(ctx, f.db, tc.name, "bestuur", tc.pass, false)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("SetUser(%q, %d bytes): %v, want accepted", tc.name, len(tc.pass), err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("SetUser(%q, %d bytes): %v, want an error with %q", tc.name, len(tc.pass), err, tc.want)
		}
	}
	if res, _ := f.postLogin("nieuw", "ĳsvogel-één!", nil); res.StatusCode != http.StatusSeeOther {
		t.Errorf("login with the new user: status %d, want 303", res.StatusCode)
	}
}

// TestLoginInputLimits sends names and passwords beyond the limits to the login form:
// refused with 400 before they reach the log or the page, and a password longer than
// bcrypt's 72 bytes whose first 72 bytes are right is not accepted (bcrypt alone would).
func TestLoginInputLimits(t *testing.T) {
	f := newAuthFixture(t, Config{})
	longName := "naam-" + strings.Repeat("q", 60)
	longPass := "wachtwoord-" + strings.Repeat("w", 1100)
	for _, tc := range []struct {
		what, name, pass string
		status           int
		secret           string // must not appear in the log, nor in the page of a 400
	}{
		{"a 65-byte name", longName, "fout-wachtwoord-123", 400, longName},
		{"a name with a control character", "beheerder\r\nX: y", "fout-wachtwoord-123", 400, "X: y"},
		{"a 1111-byte password", "beheerder", longPass, 400, strings.Repeat("w", 100)},
		{"the right 72 bytes and more", "lang-72-ww", fixtureUsers["lang-72-ww"].pass + "extra", 401, ""},
		{"a password typed in the name field", "mijn-geheime-wachtwoord", "x", 401, "mijn-geheime-wachtwoord"},
		{"an empty password", "beheerder", "", 400, ""},
	} {
		t.Run(tc.what, func(t *testing.T) {
			res, body := f.postLogin(tc.name, tc.pass, nil)
			if res.StatusCode != tc.status {
				t.Errorf("status %d, want %d: %.300s", res.StatusCode, tc.status, body)
			}
			if tc.secret != "" && strings.Contains(f.logs.String(), tc.secret) {
				t.Errorf("%q reached the log", tc.secret)
			}
			if tc.secret != "" && tc.status == http.StatusBadRequest && strings.Contains(body, tc.secret) {
				t.Errorf("%q reached the page", tc.secret)
			}
		})
	}
	if res, _ := f.postLogin("lang-72-ww", fixtureUsers["lang-72-ww"].pass, nil); res.StatusCode != http.StatusSeeOther {
		t.Errorf("the 72-byte password itself: status %d, want 303", res.StatusCode)
	}
}
