package api

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"strings"
	"testing"
)

// TestCrossSiteRequestsRefused is the forged-form attack on every state-changing
// route of the route table (and a method no route has): a page on another site makes
// the logged-in beheer's browser post to the server with the session cookie. Each
// forgery is refused with 403 before the handler runs; the same request from the
// dashboard itself, and a bearer-token request with any Origin, are not.
func TestCrossSiteRequestsRefused(t *testing.T) {
	f := newAuthFixture(t, Config{BackupDir: t.TempDir()})
	token, err := CreateToken(context.Background(), f.db, "test-beheer", "beheer")
	if err != nil {
		t.Fatal(err)
	}
	cookie := f.login("beheerder")
	type target struct{ method, path string }
	var targets []target
	for _, r := range f.srv.routes() {
		if r.method != http.MethodGet && r.path != "/logout" { // logout last: it ends the session
			targets = append(targets, target{r.method, strings.NewReplacer(":name", "jaarlijks", "*path", "x").Replace(r.path)})
		}
	}
	targets = append(targets, target{http.MethodDelete, "/api/v1/backup"}, target{http.MethodPut, "/api/v1/jobs/jaarlijks/run"},
		target{http.MethodPatch, "/api/v1/sql"}, target{http.MethodPost, "/logout"})
	if len(targets) < 12 {
		t.Fatalf("only %d state-changing routes found; the route table changed shape", len(targets))
	}
	send := func(tg target, header map[string]string, withCookie bool) (*http.Response, string) {
		req, _ := http.NewRequest(tg.method, f.ts.URL+tg.path, strings.NewReader("query=select+1&out=%2Ftmp"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if withCookie {
			req.AddCookie(&http.Cookie{Name: sessionCookie, Value: cookie.Value})
		}
		for k, v := range header {
			req.Header.Set(k, v)
		}
		return f.do(req)
	}
	forgeries := []struct {
		name   string
		header map[string]string
	}{
		{"a cross-site form", map[string]string{"Origin": "https://elders.example", "Sec-Fetch-Site": "cross-site"}},
		{"a sibling site", map[string]string{"Origin": "http://ander.localhost", "Sec-Fetch-Site": "same-site"}},
		{"Fetch Metadata only", map[string]string{"Sec-Fetch-Site": "cross-site"}},
		{"Origin only (an older browser)", map[string]string{"Origin": "https://elders.example"}},
		{"an opaque origin", map[string]string{"Origin": "null"}},
	}
	for _, tg := range targets {
		for _, fg := range forgeries {
			t.Run(tg.method+" "+tg.path+" from "+fg.name, func(t *testing.T) {
				res, body := send(tg, fg.header, true)
				if res.StatusCode != http.StatusForbidden || !strings.Contains(body, "andere website geweigerd") {
					t.Errorf("status %d, want 403 (cross-site refused): %.200s", res.StatusCode, body)
				}
			})
		}
		t.Run(tg.method+" "+tg.path+" from the dashboard itself", func(t *testing.T) {
			res, body := send(tg, map[string]string{"Origin": f.ts.URL, "Sec-Fetch-Site": "same-origin"}, true)
			if res.StatusCode == http.StatusForbidden {
				t.Errorf("status 403, want the handler's answer: %.200s", body)
			}
		})
		if tg.path != "/login" && tg.path != "/logout" {
			t.Run(tg.method+" "+tg.path+" with a bearer token and a foreign Origin", func(t *testing.T) {
				res, body := send(tg, map[string]string{"Origin": "https://grafana.example", "Authorization": "Bearer " + token}, false)
				if res.StatusCode == http.StatusForbidden {
					t.Errorf("status 403, want the handler's answer: %.200s", body)
				}
			})
		}
	}
	if got := f.get(loadsPath, cookie); got != http.StatusUnauthorized {
		t.Errorf("after the dashboard's own logout: status %d, want 401 (the forged logouts must not, the real one must end the session)", got)
	}
	if entries, _ := os.ReadDir(f.cfg.BackupDir); len(entries) != 0 {
		t.Errorf("the backup directory holds %d entries, want none (no forged backup ran)", len(entries))
	}
}

// TestCrossSiteLogoutKeepsSession checks the side effect directly: a forged logout
// leaves the session working.
func TestCrossSiteLogoutKeepsSession(t *testing.T) {
	f := newAuthFixture(t, Config{})
	cookie := f.login("beheerder")
	req, _ := http.NewRequest(http.MethodPost, f.ts.URL+"/logout", nil)
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: cookie.Value})
	req.Header.Set("Origin", "https://elders.example")
	if res, _ := f.do(req); res.StatusCode != http.StatusForbidden {
		t.Errorf("forged logout: status %d, want 403", res.StatusCode)
	}
	if got := f.get(loadsPath, cookie); got != http.StatusOK {
		t.Errorf("the session after a forged logout: status %d, want 200", got)
	}
}

// TestPublicURLOrigin accepts the configured public origin (a proxy that rewrites
// Host) and nothing else.
func TestPublicURLOrigin(t *testing.T) {
	f := newAuthFixture(t, Config{PublicURL: "https://leerplein.regio.example"})
	for origin, want := range map[string]bool{
		"https://leerplein.regio.example": true,
		f.ts.URL:                          true,
		"http://leerplein.regio.example":  false,
		"https://regio.example":           false,
	} {
		res, _ := f.postLogin("beheerder", fixtureUsers["beheerder"].pass, map[string]string{"Origin": origin})
		if got := res.StatusCode != http.StatusForbidden; got != want {
			t.Errorf("login from Origin %s: status %d, want allowed=%v", origin, res.StatusCode, want)
		}
	}
}

// TestLoginPageHeaders checks that the login page, in each of its answers, sends the
// dashboard's security headers (compared with /beheer, not with a copy of them), and
// that it needs no inline style the policy would block.
func TestLoginPageHeaders(t *testing.T) {
	f := newAuthFixture(t, Config{})
	cookie := f.login("beheerder")
	req, _ := http.NewRequest(http.MethodGet, f.ts.URL+"/beheer", nil)
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: cookie.Value})
	dash, _ := f.do(req)
	names := []string{"Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy"}
	for _, h := range names {
		if dash.Header.Get(h) == "" {
			t.Fatalf("the dashboard sends no %s", h)
		}
	}
	get, _ := http.NewRequest(http.MethodGet, f.ts.URL+"/login", nil)
	page, body := f.do(get)
	wrong, _ := f.postLogin("beheerder", "fout-wachtwoord-123", nil)
	tooLong, _ := f.postLogin(strings.Repeat("n", 65), "fout-wachtwoord-123", nil)
	for name, res := range map[string]*http.Response{"GET /login": page, "wrong password": wrong, "name too long": tooLong} {
		for _, h := range names {
			if got, want := res.Header.Get(h), dash.Header.Get(h); got != want {
				t.Errorf("%s: %s %q, want the dashboard's %q", name, h, got, want)
			}
		}
	}
	if strings.Contains(body, "<style") || strings.Contains(body, "style=") || strings.Contains(body, "<script") {
		t.Error("the login page has inline style or script, which its policy blocks")
	}
	css, _ := http.NewRequest(http.MethodGet, f.ts.URL+"/assets/login.css", nil)
	if res, _ := f.do(css); res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/css") {
		t.Errorf("/assets/login.css: status %d, %s; want 200 text/css", res.StatusCode, res.Header.Get("Content-Type"))
	}
}

// TestCookieSecure checks when the session cookie is marked Secure.
func TestCookieSecure(t *testing.T) {
	local := []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
	for _, tc := range []struct {
		name   string
		cfg    Config
		header map[string]string
		want   bool
	}{
		{"auto over plain HTTP", Config{}, nil, false},
		{"auto with an https public URL", Config{PublicURL: "https://leerplein.regio.example"}, nil, true},
		{"auto, https from a trusted proxy", Config{TrustedProxies: local}, map[string]string{"X-Forwarded-Proto": "https"}, true},
		{"auto, https claimed by an untrusted client", Config{}, map[string]string{"X-Forwarded-Proto": "https"}, false},
		{"true over plain HTTP", Config{CookieSecure: CookieSecureAlways}, nil, true},
		{"false with an https public URL", Config{CookieSecure: CookieSecureNever, PublicURL: "https://leerplein.regio.example"}, nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newAuthFixture(t, tc.cfg)
			res, _ := f.postLogin("beheerder", fixtureUsers["beheerder"].pass, tc.header)
			if got := sessionCookieOf(t, res).Secure; got != tc.want {
				t.Errorf("Secure %v, want %v", got, tc.want)
			}
		})
	}
	t.Run("auto over TLS", func(t *testing.T) {
		f := newAuthFixture(t, Config{})
		ts := httptest.NewTLSServer(f.srv.Handler())
		defer ts.Close()
		client := ts.Client()
		client.CheckRedirect = noRedirect.CheckRedirect
		req, _ := http.NewRequest(http.MethodPost, ts.URL+"/login", strings.NewReader("name=beheerder&password="+fixtureUsers["beheerder"].pass))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.TLS == nil || !sessionCookieOf(t, res).Secure {
			t.Errorf("over TLS (%v): the cookie is not Secure", res.TLS != nil)
		}
	})
}

func sessionCookieOf(t *testing.T, res *http.Response) *http.Cookie {
	t.Helper()
	for _, c := range res.Cookies() {
		if c.Name == sessionCookie {
			return c
		}
	}
	t.Fatalf("status %d and no session cookie", res.StatusCode)
	return nil
}
