package api

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// peopleRoutes are the routes of people and access; TestPeopleRouteRoles must cover
// every one of them.
func isPeopleRoute(path string) bool {
	return strings.HasPrefix(path, "/api/v1/users") || strings.HasPrefix(path, "/api/v1/tokens") || path == "/api/v1/audit/access"
}

// TestPeopleRouteRoles is the scenario table route × role × no auth: every route of
// people and access answers 401 without credentials, 403 to bestuur and analist
// (with a token or a session) and does its work for beheer (either way). A refused call
// changes nothing: no audit row is written.
func TestPeopleRouteRoles(t *testing.T) {
	f := newPeopleFixture(t)
	ctx := context.Background()
	n := 0
	unique := func(prefix string) string { n++; return fmt.Sprintf("%s-%d", prefix, n) }
	// setup makes what a call acts on and returns its path and body.
	type route struct {
		method, path string
		setup        func(t *testing.T) (path, body string)
		want         int // for beheer
	}
	routes := []route{
		{"GET", "/api/v1/users", func(*testing.T) (string, string) { return "/api/v1/users", "" }, 200},
		{"POST", "/api/v1/users", func(*testing.T) (string, string) {
			return "/api/v1/users", `{"name": "` + unique("nieuw") + `", "role": "bestuur", "password": "een-goed-wachtwoord"}`
		}, 201},
		{"PATCH", "/api/v1/users/:name", func(t *testing.T) (string, string) {
			name := unique("wijzig")
			if _, err := CreateUser(ctx, f.db, CLIActor("test"), name, "bestuur", "een-goed-wachtwoord", f.clock.Now()); err != nil {
				t.Fatal(err)
			}
			return "/api/v1/users/" + name, `{"role": "analist"}`
		}, 200},
		{"DELETE", "/api/v1/users/:name", func(t *testing.T) (string, string) {
			name := unique("weg")
			if _, err := CreateUser(ctx, f.db, CLIActor("test"), name, "bestuur", "een-goed-wachtwoord", f.clock.Now()); err != nil {
				t.Fatal(err)
			}
			return "/api/v1/users/" + name, ""
		}, 204},
		{"GET", "/api/v1/tokens", func(*testing.T) (string, string) { return "/api/v1/tokens", "" }, 200},
		{"POST", "/api/v1/tokens", func(*testing.T) (string, string) {
			return "/api/v1/tokens", `{"name": "` + unique("grafana") + `", "role": "bestuur"}`
		}, 201},
		{"DELETE", "/api/v1/tokens/:id", func(t *testing.T) (string, string) {
			tok, _, err := IssueToken(ctx, f.db, CLIActor("test"), unique("intrekken"), "bestuur", f.clock.Now().Add(time.Hour), f.clock.Now())
			if err != nil {
				t.Fatal(err)
			}
			return fmt.Sprintf("/api/v1/tokens/%d", tok.ID), ""
		}, 204},
		{"GET", "/api/v1/audit/access", func(*testing.T) (string, string) { return "/api/v1/audit/access", "" }, 200},
	}
	covered := map[string]bool{}
	for _, r := range routes {
		covered[r.method+" "+r.path] = true
	}
	for _, r := range f.srv.routes() {
		if isPeopleRoute(r.path) && !covered[r.method+" "+r.path] {
			t.Errorf("route %s %s has no scenario", r.method, r.path)
		}
	}
	creds := []struct {
		name string
		cred func() cred
		want func(beheer int) int
	}{
		{"no auth", func() cred { return cred{} }, func(int) int { return 401 }},
		{"an unknown token", func() cred { return bearer("lp_" + strings.Repeat("0", 64)) }, func(int) int { return 401 }},
		{"bestuur token", func() cred { return bearer(f.tokens["bestuur"]) }, func(int) int { return 403 }},
		{"analist token", func() cred { return bearer(f.tokens["analist"]) }, func(int) int { return 403 }},
		{"beheer token", func() cred { return bearer(f.tokens["beheer"]) }, func(b int) int { return b }},
		{"bestuur session", func() cred { return cookieCred(f.login("wethouder")) }, func(int) int { return 403 }},
		{"analist session", func() cred { return cookieCred(f.login("analiste")) }, func(int) int { return 403 }},
		{"beheer session", func() cred { return cookieCred(f.login("beheerder")) }, func(b int) int { return b }},
	}
	for _, r := range routes {
		for _, c := range creds {
			t.Run(r.method+" "+r.path+" as "+c.name, func(t *testing.T) {
				path, body := r.setup(t)
				before := f.auditCount(t)
				got, answer := f.call(t, r.method, path, body, c.cred())
				want := c.want(r.want)
				if got != want {
					t.Fatalf("status %d, want %d: %.300s", got, want, answer)
				}
				if changed := f.auditCount(t) != before; changed != (want < 300 && r.method != "GET") {
					t.Errorf("audit rows written: %v, want %v (only a change that is made is audited)", changed, !changed)
				}
			})
		}
	}
}

// TestUsersAPI follows a user through the API: created (with a password, or with one
// the server makes and shows once), logging in at once, a new role in force at once,
// disabled (its session ends at once, its login is refused), enabled, a new password
// (the old session ends), removed.
func TestUsersAPI(t *testing.T) {
	f := newPeopleFixture(t)
	beheer := bearer(f.tokens["beheer"])

	status, body := f.call(t, "POST", "/api/v1/users", `{"name": "jan", "role": "bestuur", "password": "jans-eerste-wachtwoord"}`, beheer)
	if status != http.StatusCreated || strings.Contains(body, "jans-eerste-wachtwoord") || strings.Contains(body, `"password"`) {
		t.Fatalf("create: %d %s; want 201 without a password in the answer", status, body)
	}
	jan := f.loginWith("jan", "jans-eerste-wachtwoord")
	if got := f.get(loadsPath, jan); got != http.StatusForbidden {
		t.Errorf("jan (bestuur) on %s: %d, want 403", loadsPath, got)
	}

	status, body = f.call(t, "POST", "/api/v1/users", `{"name": "piet", "role": "analist"}`, beheer)
	made := decode[userAnswer](t, body)
	if status != http.StatusCreated || len(made.Password) < 20 || made.User.Role != "analist" {
		t.Fatalf("create without a password: %d %s; want 201 with a password the server made", status, body)
	}
	f.loginWith("piet", made.Password)

	for _, tc := range []struct {
		name, body string
		status     int
		want       string
	}{
		{"a name taken", `{"name": "jan", "role": "bestuur", "password": "een-goed-wachtwoord"}`, 409, "er is al een login"},
		{"a short password", `{"name": "kees", "role": "bestuur", "password": "kort"}`, 400, "te kort"},
		{"an unknown role", `{"name": "kees", "role": "admin", "password": "een-goed-wachtwoord"}`, 400, "onbekende rol"},
		{"a slash in the name", `{"name": "a/b", "role": "bestuur", "password": "een-goed-wachtwoord"}`, 400, "bevat een /"},
		{"an unknown field", `{"name": "kees", "role": "bestuur", "wachtwoord": "een-goed-wachtwoord"}`, 400, `"parameter":"body"`},
	} {
		t.Run("refused: "+tc.name, func(t *testing.T) {
			if status, body := f.call(t, "POST", "/api/v1/users", tc.body, beheer); status != tc.status || !strings.Contains(body, tc.want) {
				t.Errorf("%d %s; want %d with %q", status, body, tc.status, tc.want)
			}
		})
	}

	// A new role holds from the next request, without waiting for userCheckInterval.
	if status, body := f.call(t, "PATCH", "/api/v1/users/jan", `{"role": "beheer"}`, beheer); status != 200 || !strings.Contains(body, `"role":"beheer"`) {
		t.Fatalf("new role: %d %s", status, body)
	}
	if got := f.get(loadsPath, jan); got != http.StatusOK {
		t.Errorf("jan after becoming beheer: %d, want 200 at once", got)
	}

	// Disabled: the session ends at once; the right password is refused with a reason.
	if status, body := f.call(t, "PATCH", "/api/v1/users/jan", `{"disabled": true}`, beheer); status != 200 || !strings.Contains(body, `"disabled":true`) {
		t.Fatalf("disable: %d %s", status, body)
	}
	if got := f.get(loadsPath, jan); got != http.StatusUnauthorized {
		t.Errorf("jan's session after disabling: %d, want 401 at once", got)
	}
	if res, page := f.postLogin("jan", "jans-eerste-wachtwoord", nil); res.StatusCode != http.StatusForbidden || !strings.Contains(page, "uitgeschakeld") {
		t.Errorf("login of a disabled user: %d, want 403 saying it is disabled", res.StatusCode)
	}
	if res, page := f.postLogin("jan", "niet-het-wachtwoord", nil); res.StatusCode != http.StatusUnauthorized || strings.Contains(page, "uitgeschakeld") {
		t.Errorf("a wrong password for a disabled user: %d, want 401 that does not tell it is disabled", res.StatusCode)
	}
	f.restart(nil)
	if got := f.get(loadsPath, jan); got != http.StatusUnauthorized {
		t.Errorf("jan's session after disabling and a restart: %d, want 401", got)
	}
	if status, body := f.call(t, "PATCH", "/api/v1/users/jan", `{"disabled": false}`, beheer); status != 200 || !strings.Contains(body, `"disabled_at":null`) {
		t.Fatalf("enable: %d %s", status, body)
	}
	jan = f.loginWith("jan", "jans-eerste-wachtwoord")

	// A new password ends the session; generate_password answers one once.
	status, body = f.call(t, "PATCH", "/api/v1/users/jan", `{"generate_password": true}`, beheer)
	reset := decode[userAnswer](t, body)
	if status != 200 || len(reset.Password) < 20 {
		t.Fatalf("generate_password: %d %s", status, body)
	}
	if got := f.get(loadsPath, jan); got != http.StatusUnauthorized {
		t.Errorf("jan's session after a new password: %d, want 401 at once", got)
	}
	if res, _ := f.postLogin("jan", "jans-eerste-wachtwoord", nil); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("the old password: %d, want 401", res.StatusCode)
	}
	jan = f.loginWith("jan", reset.Password)
	if status, body := f.call(t, "PATCH", "/api/v1/users/jan", `{"password": "jans-tweede-wachtwoord"}`, beheer); status != 200 || strings.Contains(body, "tweede") {
		t.Fatalf("new password: %d %s", status, body)
	}
	f.loginWith("jan", "jans-tweede-wachtwoord")
	for _, tc := range []struct{ body, want string }{
		{`{}`, "geef role, password of disabled"},
		{`{"password": "x", "generate_password": true}`, "niet allebei"},
		{`{"password": ""}`, "te kort"},
		{`{"role": ""}`, "onbekende rol"},
	} {
		if status, body := f.call(t, "PATCH", "/api/v1/users/jan", tc.body, beheer); status != 400 || !strings.Contains(body, tc.want) {
			t.Errorf("PATCH %s: %d %s; want 400 with %q", tc.body, status, body, tc.want)
		}
	}
	if status, body := f.call(t, "PATCH", "/api/v1/users/niemand", `{"disabled": true}`, beheer); status != 404 || !strings.Contains(body, "geen login") {
		t.Errorf("PATCH of an unknown user: %d %s; want 404", status, body)
	}

	status, body = f.call(t, "GET", "/api/v1/users", "", beheer)
	list := decode[struct{ Users []User }](t, body)
	if status != 200 || len(list.Users) != len(fixtureUsers)+2 || strings.Contains(body, "$2a$") || strings.Contains(body, "bcrypt") {
		t.Errorf("list: %d, %d users, want %d and no hashes: %.400s", status, len(list.Users), len(fixtureUsers)+2, body)
	}

	jan = f.loginWith("jan", "jans-tweede-wachtwoord")
	if status, body := f.call(t, "DELETE", "/api/v1/users/jan", "", beheer); status != http.StatusNoContent {
		t.Fatalf("delete: %d %s", status, body)
	}
	if got := f.get(loadsPath, jan); got != http.StatusUnauthorized {
		t.Errorf("jan's session after removal: %d, want 401 at once", got)
	}
	if status, body := f.call(t, "DELETE", "/api/v1/users/jan", "", beheer); status != http.StatusNotFound || !strings.Contains(body, "geen login") {
		t.Errorf("delete again: %d %s; want 404", status, body)
	}
}

// TestLastBeheer: the last enabled beheer user cannot be removed, disabled or given a
// lower role, by anyone and also not with the CLI's functions; a beheer user cannot do
// any of these to its own login while another beheer is there; two stewards each
// lowering one of the last two beheer users leave one.
func TestLastBeheer(t *testing.T) {
	f := newPeopleFixture(t)
	ctx := context.Background()
	beheer := bearer(f.tokens["beheer"])
	// The fixture has two beheer users: beheerder and lang-72-ww.
	if status, body := f.call(t, "PATCH", "/api/v1/users/lang-72-ww", `{"disabled": true}`, beheer); status != 200 {
		t.Fatalf("disable the other beheer: %d %s", status, body)
	}
	for _, tc := range []struct{ method, body, want string }{
		{"PATCH", `{"role": "analist"}`, "kan geen lagere rol krijgen"},
		{"PATCH", `{"disabled": true}`, "kan niet worden uitgeschakeld"},
		{"PATCH", `{"role": "bestuur", "password": "een-nieuw-wachtwoord"}`, "laatste ingeschakelde login met rol beheer"},
		{"DELETE", ``, "kan niet worden verwijderd"},
	} {
		t.Run("the last: "+tc.method+" "+tc.body, func(t *testing.T) {
			before := f.auditCount(t)
			if status, body := f.call(t, tc.method, "/api/v1/users/beheerder", tc.body, beheer); status != http.StatusConflict || !strings.Contains(body, tc.want) {
				t.Errorf("%d %s; want 409 with %q", status, body, tc.want)
			}
			if f.auditCount(t) != before {
				t.Error("a refused change was audited as made")
			}
		})
	}
	if found, err := DeleteUser(ctx, f.db, "beheerder"); found || err == nil || !strings.Contains(err.Error(), "laatste") {
		t.Errorf("DeleteUser (the CLI) of the last beheer: found %v, err %v; want refused", found, err)
	}
	if err := SetUser(ctx, f.db, "beheerder", "bestuur", "een-nieuw-wachtwoord", true); err == nil || !strings.Contains(err.Error(), "laatste") {
		t.Errorf("SetUser --replace (the CLI) lowering the last beheer: %v; want refused", err)
	}
	if got := f.get(loadsPath, f.login("beheerder")); got != http.StatusOK {
		t.Errorf("beheerder after the refusals: %d, want 200 (still beheer, same password)", got)
	}

	// With a second beheer enabled, beheerder still cannot lock itself out.
	if status, body := f.call(t, "PATCH", "/api/v1/users/lang-72-ww", `{"disabled": false}`, beheer); status != 200 {
		t.Fatalf("enable the other beheer: %d %s", status, body)
	}
	self := cookieCred(f.login("beheerder"))
	for _, tc := range []struct{ method, body, want string }{
		{"PATCH", `{"role": "analist"}`, "uw eigen rol niet verlagen"},
		{"PATCH", `{"disabled": true}`, "uw eigen login niet uitschakelen"},
		{"DELETE", ``, "uw eigen login niet verwijderen"},
	} {
		if status, body := f.call(t, tc.method, "/api/v1/users/beheerder", tc.body, self); status != http.StatusConflict || !strings.Contains(body, tc.want) {
			t.Errorf("own login, %s %s: %d %s; want 409 with %q", tc.method, tc.body, status, body, tc.want)
		}
	}
	// …but may lower the other one; then that one is the last and the other way round.
	if status, body := f.call(t, "PATCH", "/api/v1/users/lang-72-ww", `{"role": "analist"}`, self); status != 200 {
		t.Errorf("beheerder lowers the other beheer: %d %s; want 200", status, body)
	}
	if status, _ := f.call(t, "PATCH", "/api/v1/users/lang-72-ww", `{"role": "beheer"}`, self); status != 200 {
		t.Fatalf("restore the other beheer: %d", status)
	}

	// Two at once, each lowering one of the two: exactly one succeeds.
	var wg sync.WaitGroup
	statuses := make([]int, 2)
	for i, name := range []string{"beheerder", "lang-72-ww"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, _ := f.send(t, "PATCH", "/api/v1/users/"+name, `{"role": "bestuur"}`, beheer)
			statuses[i] = res.StatusCode
		}()
	}
	wg.Wait()
	var enabled int
	if err := f.db.QueryRowContext(ctx, `select count(*) from auth_user where role = 'beheer' and disabled_at is null`).Scan(&enabled); err != nil {
		t.Fatal(err)
	}
	if enabled != 1 || statuses[0]+statuses[1] != 200+409 {
		t.Errorf("two lowerings at once: statuses %v, %d enabled beheer users left; want 200 and 409, and one left", statuses, enabled)
	}
}

// TestTokensAPI: a token made through the API works at once and is answered once;
// the list names it without the secret, and its last use to the minute in the
// warehouse; revoked, it is refused at once; expired, it is refused with a reason.
func TestTokensAPI(t *testing.T) {
	f := newPeopleFixture(t)
	beheer := bearer(f.tokens["beheer"])
	now := f.clock.Now()
	// An unknown token makes the store read the tokens now; a token it learnt of only by
	// reading would be refused for tokenReloadInterval.
	if status, _ := f.call(t, "GET", "/api/v1/kpis", "", bearer("lp_"+strings.Repeat("1", 64))); status != 401 {
		t.Fatalf("unknown token: %d", status)
	}
	status, body := f.call(t, "POST", "/api/v1/tokens", `{"name": "grafana", "role": "analist"}`, beheer)
	made := decode[tokenAnswer](t, body)
	if status != http.StatusCreated || !strings.HasPrefix(made.Secret, tokenPrefix) || made.State != "active" {
		t.Fatalf("create: %d %s", status, body)
	}
	if want := now.Add(DefaultTokenLifetime); made.ExpiresAt == nil || !made.ExpiresAt.Equal(want) {
		t.Errorf("default expiry %v, want %v (a year)", made.ExpiresAt, want)
	}
	grafana := bearer(made.Secret)
	if status, body := f.call(t, "GET", "/api/v1/schema", "", grafana); status != 200 {
		t.Fatalf("the new token at once: %d %s", status, body)
	}
	if status, _ := f.call(t, "GET", "/api/v1/users", "", grafana); status != 403 {
		t.Errorf("the new analist token on users: %d, want 403", status)
	}

	lastUsed := func() *time.Time {
		var used *time.Time
		if err := f.db.QueryRowContext(context.Background(), `select last_used_at from auth_token where token_id = ?`, made.ID).Scan(&used); err != nil {
			t.Fatal(err)
		}
		return used
	}
	if used := lastUsed(); used == nil || !used.Equal(now) {
		t.Errorf("last_used_at after the first use: %v, want %v", used, now)
	}
	f.clock.advance(30 * time.Second)
	f.call(t, "GET", "/api/v1/schema", "", grafana)
	if used := lastUsed(); used == nil || !used.Equal(now) {
		t.Errorf("last_used_at half a minute later: %v, want still %v (written at most once a minute)", used, now)
	}
	_, body = f.call(t, "GET", "/api/v1/tokens", "", beheer)
	list := decode[struct{ Tokens []Token }](t, body)
	if strings.Contains(body, made.Secret) || strings.Contains(body, strings.TrimPrefix(made.Secret, tokenPrefix)[:16]) || strings.Contains(body, hashSecret(made.Secret)) {
		t.Errorf("the list holds the token or its hash: %.400s", body)
	}
	if len(list.Tokens) != 4 || list.Tokens[0].ID != made.ID || list.Tokens[0].LastUsedAt == nil || !list.Tokens[0].LastUsedAt.Equal(now.Add(30*time.Second)) {
		t.Errorf("list: %+v; want 4 tokens, the new one first, used %v", list.Tokens, now.Add(30*time.Second))
	}
	f.clock.advance(tokenTouchInterval)
	f.call(t, "GET", "/api/v1/schema", "", grafana)
	if used := lastUsed(); used == nil || !used.Equal(now.Add(30*time.Second+tokenTouchInterval)) {
		t.Errorf("last_used_at a minute later: %v, want the new use", used)
	}

	path := fmt.Sprintf("/api/v1/tokens/%d", made.ID)
	if status, body := f.call(t, "DELETE", path, "", beheer); status != http.StatusNoContent {
		t.Fatalf("revoke: %d %s", status, body)
	}
	if status, _ := f.call(t, "GET", "/api/v1/schema", "", grafana); status != 401 {
		t.Errorf("the revoked token: %d, want 401 at once", status)
	}
	for _, tc := range []struct {
		path   string
		status int
		want   string
	}{
		{path, 409, "al ingetrokken"},
		{"/api/v1/tokens/999999", 404, "geen token 999999"},
		{"/api/v1/tokens/abc", 400, `"parameter":"id"`},
		{"/api/v1/tokens/0", 400, `"parameter":"id"`},
	} {
		if status, body := f.call(t, "DELETE", tc.path, "", beheer); status != tc.status || !strings.Contains(body, tc.want) {
			t.Errorf("DELETE %s: %d %s; want %d with %q", tc.path, status, body, tc.status, tc.want)
		}
	}
	_, body = f.call(t, "GET", "/api/v1/tokens", "", beheer)
	if list := decode[struct{ Tokens []Token }](t, body); list.Tokens[0].State != "revoked" || list.Tokens[0].RevokedAt == nil {
		t.Errorf("the revoked token in the list: %+v", list.Tokens[0])
	}

	// Expiry: through the named day in Amsterdam; in the past or beyond two years refused.
	today := f.clock.Now().In(amsterdam())
	for _, tc := range []struct {
		expires string
		status  int
		want    string // in the body
	}{
		{today.AddDate(0, 0, 1).Format("2006-01-02"), 201, ""},
		{today.AddDate(2, 0, 0).Format("2006-01-02"), 201, ""},
		{today.AddDate(2, 0, 1).Format("2006-01-02"), 400, "hoogstens 2 jaar"},
		{today.AddDate(0, 0, -1).Format("2006-01-02"), 400, "al voorbij"},
		{f.clock.Now().Add(time.Hour).Format(time.RFC3339), 201, ""},
		{"morgen", 400, `"parameter":"expires"`},
		{"2027-02-30", 400, "geen datum"},
	} {
		status, body := f.call(t, "POST", "/api/v1/tokens", `{"name": "vervalt", "role": "bestuur", "expires": "`+tc.expires+`"}`, beheer)
		if status != tc.status || !strings.Contains(body, tc.want) {
			t.Errorf("expires %s: %d %s; want %d with %q", tc.expires, status, body, tc.status, tc.want)
		}
	}
	status, body = f.call(t, "POST", "/api/v1/tokens", `{"name": "kort", "role": "bestuur", "expires": "`+today.AddDate(0, 0, 1).Format("2006-01-02")+`"}`, beheer)
	short := decode[tokenAnswer](t, body)
	if want := time.Date(today.Year(), today.Month(), today.Day()+2, 0, 0, 0, 0, amsterdam()); status != 201 || !short.ExpiresAt.Equal(want) {
		t.Fatalf("expires tomorrow: %d, expires_at %v; want %v (the end of tomorrow)", status, short.ExpiresAt, want)
	}
	f.clock.advance(short.ExpiresAt.Sub(f.clock.Now()) - time.Second)
	if status, _ := f.call(t, "GET", "/api/v1/schema", "", bearer(short.Secret)); status != 200 {
		t.Errorf("a second before it expires: %d, want 200", status)
	}
	f.clock.advance(time.Second)
	status, body = f.call(t, "GET", "/api/v1/schema", "", bearer(short.Secret))
	if status != 401 || !strings.Contains(body, "verlopen op") {
		t.Errorf("the expired token: %d %s; want 401 saying it expired", status, body)
	}
	_, body = f.call(t, "GET", "/api/v1/tokens", "", beheer)
	if list := decode[struct{ Tokens []Token }](t, body); list.Tokens[0].State != "expired" {
		t.Errorf("the expired token in the list: %+v", list.Tokens[0])
	}
}

// TestPeopleAudit: every change is in auth_audit with who, when and what, and neither
// the audit, nor the log, nor the answers of the list holds a password or a token.
func TestPeopleAudit(t *testing.T) {
	f := newPeopleFixture(t)
	beheer := bearer(f.tokens["beheer"])
	steward := cookieCred(f.login("beheerder"))
	const pass, pass2 = "een-geheim-wachtwoord", "nog-een-geheim-wachtwoord"
	start := f.clock.Now()
	f.call(t, "POST", "/api/v1/users", `{"name": "jan", "role": "bestuur", "password": "`+pass+`"}`, steward)
	_, body := f.call(t, "POST", "/api/v1/users", `{"name": "piet", "role": "bestuur"}`, beheer)
	generated := decode[userAnswer](t, body).Password
	f.clock.advance(time.Minute)
	f.call(t, "PATCH", "/api/v1/users/jan", `{"role": "analist", "password": "`+pass2+`", "disabled": true}`, steward)
	f.call(t, "PATCH", "/api/v1/users/jan", `{"disabled": false}`, steward)
	f.call(t, "DELETE", "/api/v1/users/piet", "", beheer)
	_, body = f.call(t, "POST", "/api/v1/tokens", `{"name": "grafana", "role": "bestuur", "expires": "2026-12-31"}`, steward)
	tok := decode[tokenAnswer](t, body)
	f.call(t, "DELETE", fmt.Sprintf("/api/v1/tokens/%d", tok.ID), "", beheer)

	status, body := f.call(t, "GET", "/api/v1/audit/access", "", beheer)
	var entries []AccessAuditEntry // the fixture's own tokens left out
	for _, e := range decode[struct{ Entries []AccessAuditEntry }](t, body).Entries {
		if e.Actor != legacyActor.name {
			entries = append(entries, e)
		}
	}
	var got []string
	for i := len(entries) - 1; i >= 0; i-- {
		e := entries[i]
		got = append(got, strings.Join([]string{e.Actor, e.ActorKind, e.ActorRole, e.Action, e.Target, e.TargetRole, e.Detail}, " "))
	}
	want := []string{
		"beheerder user beheer user_create jan bestuur ",
		"test-beheer token beheer user_create piet bestuur ",
		"beheerder user beheer user_role jan analist was bestuur",
		"beheerder user beheer user_password jan analist ",
		"beheerder user beheer user_disable jan analist ",
		"beheerder user beheer user_enable jan analist ",
		"test-beheer token beheer user_delete piet bestuur ",
		"beheerder user beheer token_create grafana bestuur verloopt 2027-01-01 00:00",
		"test-beheer token beheer token_revoke grafana bestuur ",
	}
	if status != 200 || strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("audit (%d):\n%s\nwant:\n%s", status, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if entries[0].TargetID == nil || *entries[0].TargetID != tok.ID || !entries[len(entries)-1].At.Equal(start) {
		t.Errorf("audit ids and times: %+v", entries)
	}
	var all string
	if err := f.db.QueryRowContext(context.Background(), `select string_agg(concat_ws('|', actor, actor_kind, actor_role, action, target, target_role, detail), '\n') from auth_audit`).Scan(&all); err != nil {
		t.Fatal(err)
	}
	_, users := f.call(t, "GET", "/api/v1/users", "", beheer)
	_, tokens := f.call(t, "GET", "/api/v1/tokens", "", beheer)
	for _, secret := range []string{pass, pass2, generated, tok.Secret, strings.TrimPrefix(tok.Secret, tokenPrefix), hashSecret(tok.Secret), f.tokens["beheer"]} {
		for where, text := range map[string]string{"auth_audit": all, "the log": f.logs.String(), "the user list": users, "the token list": tokens, "the audit answer": body} {
			if strings.Contains(text, secret) {
				t.Errorf("%s holds a secret (%d characters)", where, len(secret))
			}
		}
	}
}

// TestPeopleCrossSite: a page on another site that makes the logged-in steward's
// browser post a form (or a fetch without CORS) to the people routes is refused, and
// nothing changes; the same request from the dashboard itself works.
func TestPeopleCrossSite(t *testing.T) {
	f := newPeopleFixture(t)
	ctx := context.Background()
	cookie := f.login("beheerder")
	forged := func(h map[string]string) cred { return cred{cookie: cookie, header: h} }
	tok, _, err := IssueToken(ctx, f.db, CLIActor("test"), "grafana", "bestuur", f.clock.Now().Add(time.Hour), f.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	before := f.auditCount(t)
	for _, h := range []map[string]string{
		{"Origin": "https://elders.example", "Sec-Fetch-Site": "cross-site", "Content-Type": "text/plain"},
		{"Origin": "https://elders.example", "Content-Type": "application/x-www-form-urlencoded"},
		{"Sec-Fetch-Site": "same-site"},
	} {
		for _, c := range []struct{ method, path, body string }{
			{"POST", "/api/v1/users", `{"name": "indringer", "role": "beheer", "password": "een-goed-wachtwoord"}`},
			{"PATCH", "/api/v1/users/wethouder", `{"role": "beheer"}`},
			{"DELETE", "/api/v1/users/wethouder", ``},
			{"POST", "/api/v1/tokens", `{"name": "indringer", "role": "beheer"}`},
			{"DELETE", fmt.Sprintf("/api/v1/tokens/%d", tok.ID), ``},
		} {
			res, body := f.send(t, c.method, c.path, c.body, forged(h))
			if res.StatusCode != http.StatusForbidden || !strings.Contains(body, "andere website geweigerd") {
				t.Errorf("%s %s with %v: %d %s; want 403", c.method, c.path, h, res.StatusCode, body)
			}
		}
	}
	if after := f.auditCount(t); after != before {
		t.Errorf("%d audit rows written by forged requests, want none", after-before)
	}
	users, _ := ListUsers(ctx, f.db)
	for _, u := range users {
		if u.Name == "indringer" || (u.Name == "wethouder" && u.Role != "bestuur") {
			t.Errorf("a forged request changed the users: %+v", u)
		}
	}
	if status, body := f.call(t, "POST", "/api/v1/users", `{"name": "echt", "role": "bestuur"}`,
		forged(map[string]string{"Origin": f.ts.URL, "Sec-Fetch-Site": "same-origin"})); status != http.StatusCreated {
		t.Errorf("the same post from the dashboard: %d %s; want 201", status, body)
	}
}
