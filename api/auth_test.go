package api

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestLoginSession follows a person through the built-in dashboard's login: sent to
// the login page, a wrong password, the right one (an HttpOnly, SameSite=Strict
// cookie), the API with that cookie, and logging out.
func TestLoginSession(t *testing.T) {
	w := loadDemo(t)
	ts := w.server(t)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	post := func(t *testing.T, path string, form url.Values, header map[string]string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, ts.URL+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range header {
			req.Header.Set(k, v)
		}
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	get := func(t *testing.T, path string, cookie *http.Cookie) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, ts.URL+path, nil)
		if cookie != nil {
			req.AddCookie(cookie)
		}
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}

	if res := post(t, "/login", url.Values{"name": {w.user}, "password": {"niet-het-wachtwoord"}}, nil); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("wrong password: status %d, want 401", res.StatusCode)
	}
	if res := post(t, "/login", url.Values{"name": {"bestaat-niet"}, "password": {w.pass}}, nil); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("unknown user: status %d, want 401", res.StatusCode)
	}
	if res := post(t, "/login", url.Values{"name": {w.user}, "password": {w.pass}}, map[string]string{"Origin": "https://elders.example"}); res.StatusCode != http.StatusForbidden {
		t.Fatalf("login posted from another site: status %d, want 403", res.StatusCode)
	}
	res := post(t, "/login", url.Values{"name": {w.user}, "password": {w.pass}, "next": {"/?subregio=zk"}}, map[string]string{"Origin": ts.URL})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/?subregio=zk" {
		t.Fatalf("login: status %d, Location %q; want 303 to /?subregio=zk", res.StatusCode, res.Header.Get("Location"))
	}
	var session *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == sessionCookie {
			session = c
		}
	}
	if session == nil {
		t.Fatal("login set no session cookie")
	}
	if !session.HttpOnly || session.SameSite != http.SameSiteStrictMode || session.Path != "/" || session.Value == "" {
		t.Errorf("session cookie: HttpOnly %v, SameSite %v, Path %q; want HttpOnly, Strict, /", session.HttpOnly, session.SameSite, session.Path)
	}
	cookie := &http.Cookie{Name: sessionCookie, Value: session.Value}
	if res := get(t, "/api/v1/kpis/verzuim_meldingen", cookie); res.StatusCode != http.StatusOK {
		t.Errorf("API with the session cookie: status %d, want 200", res.StatusCode)
	}
	if res := get(t, "/", cookie); res.StatusCode != http.StatusOK {
		t.Errorf("dashboard with the session cookie: status %d, want 200", res.StatusCode)
	}
	if res := get(t, "/api/v1/loads", cookie); res.StatusCode != http.StatusForbidden {
		t.Errorf("loads as bestuur: status %d, want 403", res.StatusCode)
	}
	var stored int
	if err := w.db.QueryRowContext(context.Background(), `select count(*) from auth_session where session_sha256 = ?`, hashSecret(session.Value)).Scan(&stored); err != nil || stored != 1 {
		t.Errorf("auth_session holds %d rows with the cookie's hash (err %v), want 1", stored, err)
	}

	res = post(t, "/logout", nil, map[string]string{"Cookie": sessionCookie + "=" + session.Value})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: status %d, want 303", res.StatusCode)
	}
	if res := get(t, "/api/v1/kpis/verzuim_meldingen", cookie); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("API with the cookie after logout: status %d, want 401", res.StatusCode)
	}
	if res := get(t, "/", cookie); res.StatusCode != http.StatusSeeOther {
		t.Errorf("dashboard after logout: status %d, want 303 to the login page", res.StatusCode)
	}
}

// TestCredentialsStoredAsHashes checks that the warehouse holds no token or password in
// the clear: a token as its SHA-256, a password as bcrypt.
func TestCredentialsStoredAsHashes(t *testing.T) {
	w := loadDemo(t)
	ctx := context.Background()
	for role, token := range w.tokens {
		var name, hash string
		if err := w.db.QueryRowContext(ctx, `select name, token_sha256 from auth_token where token_sha256 = ?`, hashSecret(token)).Scan(&name, &hash); err != nil {
			t.Fatalf("token of %s: not found by its hash: %v", role, err)
		}
		var clear int
		if err := w.db.QueryRowContext(ctx, `select count(*) from auth_token where contains(name || token_sha256, ?)`, strings.TrimPrefix(token, tokenPrefix)).Scan(&clear); err != nil || clear != 0 {
			t.Errorf("token of %s is stored in the clear (%d rows, err %v)", role, clear, err)
		}
	}
	var pw string
	if err := w.db.QueryRowContext(ctx, `select password_bcrypt from auth_user where name = ?`, w.user).Scan(&pw); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(pw, "$2a$") || strings.Contains(pw, w.pass) {
		t.Errorf("password stored as %.7s…, want a bcrypt hash ($2a$…)", pw)
	}
}

// TestRoles checks who may call what: every role the KPIs, only beheer the loads, and
// nobody without credentials (/healthz excepted).
func TestRoles(t *testing.T) {
	w := loadDemo(t)
	ts := w.server(t)
	for _, tc := range []struct {
		path string
		want map[string]int // role ("" none) → status
	}{
		{"/healthz", map[string]int{"": 200, "bestuur": 200}},
		{"/api/v1/kpis", map[string]int{"": 401, "bestuur": 200, "analist": 200, "beheer": 200}},
		{"/api/v1/kpis/thuiszitters", map[string]int{"": 401, "bestuur": 200, "analist": 200, "beheer": 200}},
		{"/api/v1/loads", map[string]int{"": 401, "bestuur": 403, "analist": 403, "beheer": 200}},
		{"/grafana/", map[string]int{"": 401, "bestuur": 200}},
	} {
		for role, want := range tc.want {
			t.Run(tc.path+" as "+role, func(t *testing.T) {
				req, _ := http.NewRequest(http.MethodGet, ts.URL+tc.path, nil)
				res := w.doNoRedirect(t, req, role)
				res.Body.Close()
				if res.StatusCode != want {
					t.Errorf("status: got %d, want %d", res.StatusCode, want)
				}
			})
		}
	}
}

// TestSafeNext keeps the redirect after login on this site.
func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"":                      "/",
		"/":                     "/",
		"/?gemeente=GM0392":     "/?gemeente=GM0392",
		"//evil.example/":       "/",
		"/\\evil.example":       "/",
		"https://evil.example/": "/",
		"javascript:alert(1)":   "/",
		"dashboard":             "/",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}
