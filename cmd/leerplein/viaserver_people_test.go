package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// runWith calls the CLI in this process with stdin and $LEERPLEIN_TOKEN set to token.
func (h heldWarehouse) runWith(t *testing.T, token, stdin string, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut syncBuffer
	err := run(context.Background(), args, func(k string) string {
		if k == TokenEnv {
			return token
		}
		return ""
	}, strings.NewReader(stdin), &out, &errOut)
	return out.String(), errOut.String(), err
}

// login posts the login form of the held server and returns the status.
func (h heldWarehouse) login(t *testing.T, name, pass string) int {
	t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.PostForm(h.url+"/login", url.Values{"name": {name}, "password": {pass}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// get requests path of the held server with a bearer token and returns status and body.
func (h heldWarehouse) get(t *testing.T, path, token string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, h.url+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// TestPeopleViaServer runs user create, user delete, token create and token revoke
// in-process against a warehouse a server process holds: the server makes each change,
// in force at once (a login works, a revoked token is refused), audited under the
// token's name; the last beheer user stays; no secret reaches the audit or the log.
func TestPeopleViaServer(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server process")
	}
	const stewardPass, janPass, janPass2 = "stewards-wachtwoord-1", "jans-wachtwoord-12", "jans-nieuwe-wachtwoord"
	h := startHeldWarehouse(t, func(db string) {
		if _, _, err := runCmd(context.Background(), stewardPass+"\n", "user", "create", "--db", db, "--name", "steward", "--role", "beheer"); err != nil {
			t.Fatal(err)
		}
	})
	var secrets []string

	t.Run("user create works at once", func(t *testing.T) {
		stdout, stderr, err := h.runWith(t, h.token, janPass+"\n", "user", "create", "--config", h.config, "--name", "jan", "--role", "analist")
		if err != nil || !strings.Contains(stdout, `Login "jan" (rol analist) opgeslagen`) || !strings.Contains(stderr, "via de server op "+h.url) {
			t.Fatalf("user create: %v; stdout %q, stderr %q", err, stdout, stderr)
		}
		if got := h.login(t, "jan", janPass); got != http.StatusSeeOther {
			t.Errorf("jan logs in: %d, want 303", got)
		}
		_, _, err = h.runWith(t, h.token, janPass+"\n", "user", "create", "--db", h.db, "--server", h.url, "--name", "jan", "--role", "bestuur")
		if err == nil || exitCode(err) != 1 || !strings.Contains(err.Error(), "er is al een login") || !strings.Contains(err.Error(), "--replace") {
			t.Errorf("again without --replace: %v; want exit 1 naming --replace", err)
		}
		if _, _, err := h.runWith(t, h.token, janPass2+"\n", "user", "create", "--config", h.config, "--name", "jan", "--role", "bestuur", "--replace"); err != nil {
			t.Fatalf("--replace: %v", err)
		}
		if got := h.login(t, "jan", janPass); got != http.StatusUnauthorized {
			t.Errorf("the old password after --replace: %d, want 401", got)
		}
		if got := h.login(t, "jan", janPass2); got != http.StatusSeeOther {
			t.Errorf("the new password after --replace: %d, want 303", got)
		}
	})

	t.Run("token create works at once, revoke ends it at once", func(t *testing.T) {
		until := time.Now().AddDate(0, 1, 0)
		stdout, _, err := h.runWith(t, h.token, "", "token", "create", "--config", h.config, "--name", "grafana", "--role", "bestuur", "--expires", until.Format("2006-01-02"))
		// A date is the last day the token works: it expires at midnight after it.
		if want := "geldig tot " + until.AddDate(0, 0, 1).Format("2006-01-02") + " 00:00"; err != nil || !strings.Contains(stdout, want) {
			t.Fatalf("token create: %v; stdout %q; want %q", err, stdout, want)
		}
		grafana := lastLine(stdout)
		secrets = append(secrets, grafana)
		if status, body := h.get(t, "/api/v1/kpis", grafana); status != http.StatusOK {
			t.Fatalf("the new token: %d %.200s; want 200 at once", status, body)
		}
		stdout, _, err = h.runWith(t, h.token, "", "token", "revoke", "--config", h.config, "--name", "grafana")
		if err != nil || !strings.Contains(stdout, "(grafana, rol bestuur) ingetrokken") {
			t.Fatalf("token revoke: %v; stdout %q", err, stdout)
		}
		if status, _ := h.get(t, "/api/v1/kpis", grafana); status != http.StatusUnauthorized {
			t.Errorf("the revoked token: %d, want 401 at once", status)
		}
		_, _, err = h.runWith(t, h.token, "", "token", "revoke", "--config", h.config, "--name", "grafana")
		if err == nil || exitCode(err) != 1 || !strings.Contains(err.Error(), "geen geldig token") {
			t.Errorf("revoke again: %v; want exit 1", err)
		}
		stdout, _, err = h.runWith(t, h.token, "", "token", "create", "--db", h.db, "--server", h.url, "--name", "eenmalig", "--role", "analist")
		if err != nil {
			t.Fatal(err)
		}
		var list struct {
			Tokens []struct {
				ID   int64  `json:"id"`
				Name string `json:"name"`
			} `json:"tokens"`
		}
		_, body := h.get(t, "/api/v1/tokens", h.token)
		if err := json.Unmarshal([]byte(body), &list); err != nil || list.Tokens[0].Name != "eenmalig" {
			t.Fatalf("token list: %v %.300s", err, body)
		}
		id := list.Tokens[0].ID
		if _, _, err := h.runWith(t, h.token, "", "token", "revoke", "--config", h.config, "--id", strconv.FormatInt(id, 10)); err != nil {
			t.Errorf("revoke by --id: %v", err)
		}
		secrets = append(secrets, lastLine(stdout))
	})

	t.Run("user delete ends access; the last beheer stays", func(t *testing.T) {
		if _, _, err := h.runWith(t, h.token, "", "user", "delete", "--config", h.config, "--name", "jan"); err != nil {
			t.Fatalf("user delete: %v", err)
		}
		if got := h.login(t, "jan", janPass2); got != http.StatusUnauthorized {
			t.Errorf("jan after removal: %d, want 401", got)
		}
		if _, _, err := h.runWith(t, h.token, "", "user", "delete", "--config", h.config, "--name", "jan"); err == nil || exitCode(err) != 1 || !strings.Contains(err.Error(), "geen login") {
			t.Errorf("delete again: %v; want exit 1", err)
		}
		_, _, err := h.runWith(t, h.token, "", "user", "delete", "--config", h.config, "--name", "steward")
		if err == nil || !strings.Contains(err.Error(), "409") || !strings.Contains(err.Error(), "laatste ingeschakelde login met rol beheer") {
			t.Errorf("delete the last beheer: %v; want the server's 409", err)
		}
		if got := h.login(t, "steward", stewardPass); got != http.StatusSeeOther {
			t.Errorf("steward after the refusal: %d, want 303", got)
		}
	})

	t.Run("refusals", func(t *testing.T) {
		_, _, err := h.runWith(t, "", "", "token", "create", "--config", h.config, "--name", "x", "--role", "bestuur")
		if err == nil || !strings.Contains(err.Error(), TokenEnv) || !strings.Contains(err.Error(), "rol beheer") {
			t.Errorf("without a token: %v; want it to ask for a beheer token in %s", err, TokenEnv)
		}
		if len(secrets) < 2 {
			t.Fatal("the token subtest made no tokens")
		}
		revoked := secrets[1]
		_, _, err = h.runWith(t, revoked, "", "token", "create", "--config", h.config, "--name", "x", "--role", "beheer")
		if err == nil || !strings.Contains(err.Error(), "401") {
			t.Errorf("with a revoked token: %v; want 401", err)
		}
		_, _, err = h.runWith(t, h.token, "", "token", "create", "--config", h.config, "--name", "x", "--role", "bestuur", "--expires", "gisteren")
		if err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), "--expires") {
			t.Errorf("a bad --expires: %v; want a usage error before the server is asked", err)
		}
	})

	t.Run("audited under the token's name, without secrets", func(t *testing.T) {
		status, body := h.get(t, "/api/v1/audit/access", h.token)
		for _, want := range []string{
			`"actor":"viaserver","actor_kind":"token","actor_role":"beheer","action":"user_create","target":"jan"`,
			`"action":"user_password","target":"jan"`,
			`"action":"token_create","target":"grafana"`,
			`"action":"token_revoke","target":"grafana"`,
			`"action":"user_delete","target":"jan"`,
		} {
			if status != 200 || !strings.Contains(body, want) {
				t.Errorf("audit lacks %s: %.600s", want, body)
			}
		}
		log := h.server.drain()
		for _, s := range append(secrets, h.token, stewardPass, janPass, janPass2) {
			if strings.Contains(body, s) || strings.Contains(log, s) {
				t.Errorf("the audit or the server's log holds a secret (%d characters)", len(s))
			}
		}
	})
}

// lastLine is the last line of a command's output: where a token is printed.
func lastLine(out string) string {
	lines := strings.Split(strings.TrimSpace(out), "\n")
	return lines[len(lines)-1]
}
