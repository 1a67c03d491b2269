package api

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/hetleerplein/leerplein/warehouse"
)

// authFixture is a server over an empty warehouse in a temp file, with dashboard
// users, an injected clock and a log it keeps: enough for logins and sessions without
// the demo data. restart closes the server and the warehouse and opens both anew, as a
// server restart does.
type authFixture struct {
	t     *testing.T
	path  string
	cfg   Config
	db    *warehouse.DB
	srv   *Server
	ts    *httptest.Server
	clock *testClock
	logs  *syncBuffer
}

// testClock is the injected clock: it moves only when a test moves it.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// syncBuffer is a log destination safe for the server's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// fixtureUsers are the logins every authFixture starts with; the passwords are
// throwaway (a temp warehouse).
var fixtureUsers = map[string]struct{ role, pass string }{
	"beheerder":  {"beheer", "beheer-wachtwoord-2026"},
	"wethouder":  {"bestuur", "wethouder-wachtwoord-2026"},
	"analiste":   {"analist", "analist-wachtwoord-2026"},
	"lang-72-ww": {"beheer", strings.Repeat("x", maxPasswordBytes)},
}

// authTemplate is the fixture's warehouse file with its users, made once per test
// binary (migrations and bcrypt take a while) and written out for every fixture.
var authTemplate struct {
	once sync.Once
	data []byte
	err  error
}

func newAuthFixture(t *testing.T, cfg Config) *authFixture {
	t.Helper()
	authTemplate.once.Do(func() { authTemplate.data, authTemplate.err = buildAuthTemplate() })
	if authTemplate.err != nil {
		t.Fatalf("build the auth fixture's warehouse: %v", authTemplate.err)
	}
	f := &authFixture{t: t, path: filepath.Join(t.TempDir(), "leerplein.duckdb"), cfg: cfg,
		clock: &testClock{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}, logs: &syncBuffer{}}
	if err := os.WriteFile(f.path, authTemplate.data, 0o600); err != nil {
		t.Fatal(err)
	}
	f.open()
	t.Cleanup(f.close)
	return f
}

func buildAuthTemplate() ([]byte, error) {
	dir, err := os.MkdirTemp("", "leerplein-auth-test-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "leerplein.duckdb")
	db, err := warehouse.Open(context.Background(), path)
	if err != nil {
		return nil, err
	}
	// bcrypt's lowest cost: the same check as production hashes, a fraction of the time
	// (the tests log in hundreds of times, also under the race detector).
	for name, u := range fixtureUsers {
		hash, err := bcrypt.GenerateFromPassword([]byte(u.pass), bcrypt.MinCost)
		if err == nil {
			_, err = db.ExecContext(context.Background(), `insert into auth_user (name, role, password_bcrypt) values (?, ?, ?)`, name, u.role, string(hash))
		}
		if err != nil {
			db.Close()
			return nil, err
		}
	}
	if err := db.Close(); err != nil {
		return nil, err
	}
	return os.ReadFile(path)
}

func (f *authFixture) open() {
	f.t.Helper()
	db, err := warehouse.Open(context.Background(), f.path)
	if err != nil {
		f.t.Fatal(err)
	}
	f.db = db
	f.srv = New(db, f.cfg, slog.New(slog.NewTextHandler(f.logs, nil)))
	f.srv.now = f.clock.Now
	f.ts = httptest.NewServer(f.srv.Handler())
}

func (f *authFixture) close() {
	if f.ts != nil {
		f.ts.Close()
		f.ts = nil
	}
	if f.db != nil {
		f.db.Close()
		f.db = nil
	}
}

// restart stops the server and closes the warehouse, runs between (a change made by
// another process while the server is stopped, or nil), and starts both anew.
func (f *authFixture) restart(between func(db *warehouse.DB)) {
	f.t.Helper()
	f.close()
	if between != nil {
		db, err := warehouse.Open(context.Background(), f.path)
		if err != nil {
			f.t.Fatal(err)
		}
		between(db)
		if err := db.Close(); err != nil {
			f.t.Fatal(err)
		}
	}
	f.open()
}

// noRedirect is a client that shows a 303 instead of following it.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// postLogin posts the login form from this site with extra headers and returns the
// response, its body read.
func (f *authFixture) postLogin(name, pass string, header map[string]string) (*http.Response, string) {
	f.t.Helper()
	form := url.Values{"name": {name}, "password": {pass}}
	req, _ := http.NewRequest(http.MethodPost, f.ts.URL+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", f.ts.URL)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	return f.do(req)
}

func (f *authFixture) do(req *http.Request) (*http.Response, string) {
	f.t.Helper()
	res, err := noRedirect.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// login logs name in with its fixture password and returns the session cookie.
func (f *authFixture) login(name string) *http.Cookie {
	f.t.Helper()
	return f.loginWith(name, fixtureUsers[name].pass)
}

func (f *authFixture) loginWith(name, pass string) *http.Cookie {
	f.t.Helper()
	res, body := f.postLogin(name, pass, nil)
	if res.StatusCode != http.StatusSeeOther {
		f.t.Fatalf("login %s: status %d, want 303: %.300s", name, res.StatusCode, body)
	}
	for _, c := range res.Cookies() {
		if c.Name == sessionCookie {
			return c
		}
	}
	f.t.Fatalf("login %s set no session cookie", name)
	return nil
}

// get requests path with the cookie and returns the status.
func (f *authFixture) get(path string, cookie *http.Cookie) int {
	f.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, f.ts.URL+path, nil)
	if cookie != nil {
		req.AddCookie(&http.Cookie{Name: cookie.Name, Value: cookie.Value})
	}
	res, _ := f.do(req)
	return res.StatusCode
}
