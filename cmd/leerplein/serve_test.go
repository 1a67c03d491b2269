package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hetleerplein/leerplein/etl"
	"github.com/hetleerplein/leerplein/warehouse"
)

// syncBuffer is a bytes.Buffer a running command writes to while the test reads it.
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

// runCmd calls run as main does, with stdin and captured output.
func runCmd(ctx context.Context, stdin string, args ...string) (string, string, error) {
	var out, errOut syncBuffer
	err := run(ctx, args, func(string) string { return "" }, strings.NewReader(stdin), &out, &errOut)
	return out.String(), errOut.String(), err
}

// kpiWarehouse makes a warehouse file loaded with the KPI test case "doelen".
func kpiWarehouse(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "leerplein.duckdb")
	src := filepath.Join("..", "..", "warehouse", "testdata", "kpi", "doelen", "input")
	inbox := filepath.Join(dir, "inbox")
	if err := os.CopyFS(inbox, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	db, err := warehouse.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = etl.Run(ctx, db, etl.Options{Inbox: inbox, Key: []byte("serve-test-key-0123456789abcdef"), Job: "test"})
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// TestTokenAndUserCreate checks the credential commands: the token alone on the last
// line, the password from standard input and never too short.
func TestTokenAndUserCreate(t *testing.T) {
	ctx := context.Background()
	db := kpiWarehouse(t)
	out, _, err := runCmd(ctx, "", "token", "create", "--db", db, "--role", "analist", "--name", "e2e")
	if err != nil {
		t.Fatalf("token create: %v", err)
	}
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if last := lines[len(lines)-1]; !regexp.MustCompile(`^lp_[0-9a-f]{64}$`).MatchString(last) {
		t.Errorf("last line %q, want the token alone (lp_ and 64 hex digits)", last)
	}
	for _, tc := range []struct {
		name  string
		args  []string
		stdin string
		code  int // 0: success
	}{
		{"unknown role", []string{"token", "create", "--db", db, "--role", "admin", "--name", "x"}, "", 2},
		{"token without name", []string{"token", "create", "--db", db, "--role", "analist"}, "", 2},
		{"user", []string{"user", "create", "--db", db, "--name", "wethouder", "--role", "bestuur", "--password-stdin"}, "een-lang-wachtwoord\n", 0},
		{"user exists", []string{"user", "create", "--db", db, "--name", "wethouder", "--role", "bestuur"}, "een-ander-wachtwoord\n", 1},
		{"user replaced", []string{"user", "create", "--db", db, "--name", "wethouder", "--role", "analist", "--replace"}, "een-ander-wachtwoord\n", 0},
		{"password too short", []string{"user", "create", "--db", db, "--name", "kort", "--role", "bestuur"}, "kort\n", 2},
		{"no password", []string{"user", "create", "--db", db, "--name", "leeg", "--role", "bestuur"}, "", 2},
		{"password as argument", []string{"user", "create", "--db", db, "--name", "arg", "--role", "bestuur", "geheim-wachtwoord"}, "", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := runCmd(ctx, tc.stdin, tc.args...)
			got := 0
			if err != nil {
				got = exitCode(err)
			}
			if got != tc.code {
				t.Errorf("exit code %d (%v), want %d", got, err, tc.code)
			}
		})
	}
}

var servingURL = regexp.MustCompile(`on (http://127\.0\.0\.1:[0-9]+/)`)
var demoLoginLine = regexp.MustCompile(`demo login: (\S+) / (\S+)`)

// TestServeEndToEnd runs `leerplein serve` through run on a temp warehouse and port 0:
// /healthz, a KPI with a token, the demo login, and a graceful stop when the context
// ends.
func TestServeEndToEnd(t *testing.T) {
	db := kpiWarehouse(t)
	out, _, err := runCmd(context.Background(), "", "token", "create", "--db", db, "--role", "analist", "--name", "e2e")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	token := lines[len(lines)-1]

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--db", db, "--addr", "127.0.0.1:0", "--demo-login"}, func(string) string { return "" },
			strings.NewReader(""), &stdout, &stderr)
	}()
	var base string
	for deadline := time.Now().Add(20 * time.Second); base == ""; time.Sleep(20 * time.Millisecond) {
		if m := servingURL.FindStringSubmatch(stdout.String()); m != nil {
			base = strings.TrimSuffix(m[1], "/")
		}
		select {
		case err := <-done:
			t.Fatalf("serve ended early: %v; stderr: %s", err, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve printed no URL; stdout: %s stderr: %s", stdout.String(), stderr.String())
		}
	}

	get := func(path, bearer string) (int, string) {
		req, _ := http.NewRequest(http.MethodGet, base+path, nil)
		if bearer != "" {
			req.Header.Set("Authorization", "Bearer "+bearer)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	if status, _ := get("/healthz", ""); status != 200 {
		t.Errorf("/healthz: %d, want 200", status)
	}
	if status, _ := get("/api/v1/kpis/verzuim_meldingen", ""); status != 401 {
		t.Errorf("KPI without a token: %d, want 401", status)
	}
	status, body := get("/api/v1/kpis/verzuim_meldingen", token)
	if status != 200 || !strings.Contains(body, `"baseline":{"school_year":"2018-2019","value":10,"suppressed":false,"status":null,"lopend":false}`) {
		t.Errorf("KPI with a token: %d %.300s; want 200 with the baseline 10", status, body)
	}
	m := demoLoginLine.FindStringSubmatch(stdout.String())
	if m == nil {
		t.Fatalf("serve --demo-login printed no login: %s", stdout.String())
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.PostForm(base+"/login", url.Values{"name": {m[1]}, "password": {m[2]}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || len(res.Cookies()) == 0 {
		t.Errorf("demo login: status %d, %d cookies; want 303 and the session cookie", res.StatusCode, len(res.Cookies()))
	}
	// The second demo login is the data steward's: it may manage people.
	logins := demoLoginLine.FindAllStringSubmatch(stdout.String(), -1)
	if len(logins) != 2 || logins[0][1] != "bestuur" || logins[1][1] != "beheer" {
		t.Fatalf("demo logins %v; want bestuur and beheer", logins)
	}
	res, err = client.PostForm(base+"/login", url.Values{"name": {"beheer"}, "password": {logins[1][2]}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	req, _ := http.NewRequest(http.MethodGet, base+"/api/v1/users", nil)
	for _, c := range res.Cookies() {
		req.AddCookie(c)
	}
	if res, err := client.Do(req); err != nil || res.StatusCode != http.StatusOK {
		t.Errorf("the demo beheer login on /api/v1/users: %v %v; want 200", res, err)
	} else {
		res.Body.Close()
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve returned %v after the context ended, want nil", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop within 15 s of the context ending")
	}
	if !strings.Contains(stdout.String(), "leerplein: stopped") {
		t.Errorf("no 'stopped' line: %s", stdout.String())
	}
	if res, err := http.Get(base + "/healthz"); err == nil {
		res.Body.Close()
		t.Error("the server still answers after it stopped")
	}
}
