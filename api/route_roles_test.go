package api

import (
	"net/http"
	"strings"
	"testing"
)

// openRoutes are the routes anyone may call: what a login, a health check, a scraper and
// a client generator need, and nothing that holds data.
var openRoutes = map[string]bool{"GET /healthz": true, "GET /api/v1/openapi.json": true, "GET /metrics": true,
	"GET /login": true, "POST /login": true, "POST /logout": true, "GET /assets/*path": true}

// TestEveryRouteEveryRole is the scenario table of the whole route table: every route ×
// no credentials, an unknown token, each role by token and by session. Without valid
// credentials an API route answers 401 and a page sends the browser to the login page;
// a role below the route's answers 403; a role at or above it gets past the door (the
// call acts on something that does not exist, so it changes nothing). A route added to
// the table is in this test without a line more.
func TestEveryRouteEveryRole(t *testing.T) {
	f := newPeopleFixture(t)
	// Path parameters name nothing that exists: a call that passes the door ends in 404
	// or 400, never in a change.
	fill := strings.NewReplacer(":name", "bestaat-niet", ":id", "987654", ":file", "bestaat_niet.csv", "*path", "bestaat-niet.js")
	roles := map[string]role{"bestuur": roleBestuur, "analist": roleAnalist, "beheer": roleBeheer}
	logins := map[string]string{"bestuur": "wethouder", "analist": "analiste", "beheer": "beheerder"}
	type who struct {
		name string
		role role // roleNone: no valid credentials
		cred func() cred
	}
	whos := []who{
		{"no auth", roleNone, func() cred { return cred{} }},
		{"an unknown token", roleNone, func() cred { return bearer("lp_" + strings.Repeat("0", 64)) }},
	}
	for _, r := range RoleNames() {
		whos = append(whos,
			who{r + " token", roles[r], func() cred { return bearer(f.tokens[r]) }},
			who{r + " session", roles[r], func() cred { return cookieCred(f.login(logins[r])) }})
	}
	// A page any logged-in role may open, whose content is for a higher role: below it the
	// page itself says, in Dutch and with 403, whom it is for.
	pageFor := map[string]role{"/beheer": roleBeheer}
	checked := 0
	for _, rt := range f.srv.routes() {
		if rt.access.min == roleNone {
			if !openRoutes[rt.method+" "+rt.path] {
				t.Errorf("%s %s is open to anyone; only %v may be", rt.method, rt.path, openRoutes)
			}
			continue
		}
		path := fill.Replace(rt.path)
		for _, w := range whos {
			t.Run(rt.method+" "+rt.path+" as "+w.name, func(t *testing.T) {
				res, body := f.send(t, rt.method, path, "", w.cred())
				got := res.StatusCode
				switch {
				case w.role == roleNone && rt.access.browser:
					if got != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
						t.Errorf("status %d (Location %q), want 303 to the login page", got, res.Header.Get("Location"))
					}
				case w.role == roleNone:
					if got != http.StatusUnauthorized {
						t.Errorf("status %d, want 401: %.200s", got, body)
					}
				case rt.method == http.MethodGet && w.role < pageFor[rt.path]:
					if got != http.StatusForbidden || !strings.Contains(body, "alleen voor de gegevensbeheerder") {
						t.Errorf("status %d, want 403 with the page that says whom it is for: %.200s", got, body)
					}
				case w.role < rt.access.min:
					if got != http.StatusForbidden {
						t.Errorf("status %d, want 403: %.200s", got, body)
					}
				default:
					if got == http.StatusUnauthorized || got == http.StatusForbidden || got >= 500 {
						t.Errorf("status %d for a role the route admits: %.200s", got, body)
					}
				}
			})
			checked++
		}
	}
	if checked < 30*len(whos) {
		t.Errorf("%d calls: the route table looks too short", checked)
	}
}
