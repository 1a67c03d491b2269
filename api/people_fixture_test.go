package api

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// peopleFixture is an authFixture with a token of every role, whose calls are checked
// against api/openapi.json.
type peopleFixture struct {
	*authFixture
	tokens map[string]string // role → bearer token
	router routers.Router
}

func newPeopleFixture(t *testing.T) *peopleFixture {
	t.Helper()
	f := &peopleFixture{authFixture: newAuthFixture(t, Config{}), tokens: map[string]string{}}
	for _, r := range RoleNames() {
		tok, err := CreateToken(context.Background(), f.db, "test-"+r, r)
		if err != nil {
			t.Fatal(err)
		}
		f.tokens[r] = tok
	}
	router, err := legacy.NewRouter(loadOpenAPI(t))
	if err != nil {
		t.Fatal(err)
	}
	f.router = router
	return f
}

// cred is how a call authenticates: a bearer token, a session cookie, or neither.
type cred struct {
	token  string
	cookie *http.Cookie
	header map[string]string
}

func bearer(token string) cred       { return cred{token: token} }
func cookieCred(c *http.Cookie) cred { return cred{cookie: c} }

// call sends method path with a JSON body (none when empty) and returns the status and
// body. The response, and the request unless the server refused it with 400, must match
// api/openapi.json.
func (f *peopleFixture) call(t *testing.T, method, path, body string, c cred) (int, string) {
	t.Helper()
	res, got := f.send(t, method, path, body, c)
	f.checkOpenAPI(t, method, path, body, res, got)
	return res.StatusCode, got
}

func (f *peopleFixture) send(t *testing.T, method, path, body string, c cred) (*http.Response, string) {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, f.ts.URL+path, r)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if c.cookie != nil {
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: c.cookie.Value})
	}
	for k, v := range c.header {
		req.Header.Set(k, v)
	}
	return f.do(req)
}

func (f *peopleFixture) checkOpenAPI(t *testing.T, method, path, body string, res *http.Response, got string) {
	t.Helper()
	ctx := context.Background()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, f.ts.URL+path, r)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	route, params, err := f.router.FindRoute(req)
	if err != nil {
		t.Fatalf("no route in openapi.json for %s %s: %v", method, path, err)
	}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true}}
	if err := openapi3filter.ValidateRequest(ctx, in); err != nil && res.StatusCode != http.StatusBadRequest {
		t.Errorf("%s %s: request does not match openapi.json, yet the server answered %d: %v", method, path, res.StatusCode, err)
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: res.StatusCode, Header: res.Header,
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}}
	out.SetBodyBytes([]byte(got))
	if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
		t.Errorf("%s %s: response %d does not match openapi.json: %v\nbody: %.400s", method, path, res.StatusCode, err, got)
	}
}

// decode reads a JSON answer into v.
func decode[T any](t *testing.T, body string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("answer %.300s: %v", body, err)
	}
	return v
}

// auditCount is the number of rows in auth_audit.
func (f *peopleFixture) auditCount(t *testing.T) int {
	t.Helper()
	var n int
	if err := f.db.QueryRowContext(context.Background(), `select count(*) from auth_audit`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
