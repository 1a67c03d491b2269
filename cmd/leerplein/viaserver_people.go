package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os/user"
	"time"

	"github.com/hetleerplein/leerplein/api"
)

// user create, user delete, token create and token revoke through the running server
// (api/people_api.go): the server holds the warehouse, so it makes the change, audits it
// under the name of the token in $LEERPLEIN_TOKEN (role beheer), and the change is in
// force at once.

// peopleClient is the client for cmd through the server, after Open failed with openErr.
func (v *viaServer) peopleClient(e env, openErr error, cmd string, args []string) (serverClient, error) {
	base, err := v.serverFor(e, openErr, cmd, args, "beheer")
	if err != nil {
		return serverClient{}, err
	}
	c, err := newServerClient(e, cmd, base, "beheer")
	if err != nil {
		return serverClient{}, err
	}
	fmt.Fprintf(e.stderr, "%s: via de server op %s (die houdt het warehouse vast)\n", cmd, c.base)
	return c, nil
}

// sendJSON sends v as the JSON body of method path and decodes the answer into out
// (unless nil) when its status is one of want; it returns that status.
func (c serverClient) sendJSON(ctx context.Context, method, path string, v, out any, want ...int) (int, error) {
	var body io.Reader
	if v != nil {
		b, err := json.Marshal(v)
		if err != nil {
			return 0, fmt.Errorf("%s: %w", c.cmd, err)
		}
		body = bytes.NewReader(b)
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	resp, err := c.do(ctx, method, path, nil, body, want...)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			return 0, fmt.Errorf("%s: het antwoord van de server op %s: %w", c.cmd, path, err)
		}
	}
	return resp.StatusCode, nil
}

// userCreateViaServer creates the login; with replace an existing one gets this role
// and password and is enabled.
func userCreateViaServer(ctx context.Context, c serverClient, name, role, password string, replace bool) error {
	req := map[string]string{"name": name, "role": role, "password": password}
	_, err := c.sendJSON(ctx, http.MethodPost, "/api/v1/users", req, nil, http.StatusCreated)
	var se *serverError
	if !errors.As(err, &se) || se.status != http.StatusConflict {
		return err
	}
	if !replace {
		return fmt.Errorf("%w (--replace geeft een bestaande login een nieuw wachtwoord en deze rol)", err)
	}
	patch := map[string]any{"role": role, "password": password, "disabled": false}
	_, err = c.sendJSON(ctx, http.MethodPatch, "/api/v1/users/"+url.PathEscape(name), patch, nil, http.StatusOK)
	return err
}

// userDeleteViaServer removes the login; found is false when there is none.
func userDeleteViaServer(ctx context.Context, c serverClient, name string) (found bool, err error) {
	status, err := c.sendJSON(ctx, http.MethodDelete, "/api/v1/users/"+url.PathEscape(name), nil, nil, http.StatusNoContent, http.StatusNotFound)
	return status == http.StatusNoContent, err
}

// tokenCreateViaServer makes a token; expires as the API reads it ("" for its default).
func tokenCreateViaServer(ctx context.Context, c serverClient, name, role, expires string) (api.Token, string, error) {
	var answer struct {
		api.Token
		Secret string `json:"token"`
	}
	req := map[string]string{"name": name, "role": role}
	if expires != "" {
		req["expires"] = expires
	}
	if _, err := c.sendJSON(ctx, http.MethodPost, "/api/v1/tokens", req, &answer, http.StatusCreated); err != nil {
		return api.Token{}, "", err
	}
	if answer.Secret == "" {
		return api.Token{}, "", fmt.Errorf("%s: de server gaf geen token terug", c.cmd)
	}
	return answer.Token, answer.Secret, nil
}

// tokenRevokeViaServer revokes the token with id, or (id 0) every live token named name,
// and returns the tokens it revoked.
func tokenRevokeViaServer(ctx context.Context, c serverClient, name string, id int64) ([]api.Token, error) {
	var list struct {
		Tokens []api.Token `json:"tokens"`
	}
	if _, err := c.sendJSON(ctx, http.MethodGet, "/api/v1/tokens", nil, &list, http.StatusOK); err != nil {
		return nil, err
	}
	var revoked []api.Token
	for _, t := range list.Tokens {
		if t.RevokedAt != nil || (id != 0 && t.ID != id) || (id == 0 && t.Name != name) {
			continue
		}
		if _, err := c.sendJSON(ctx, http.MethodDelete, fmt.Sprintf("/api/v1/tokens/%d", t.ID), nil, nil, http.StatusNoContent); err != nil {
			return revoked, err
		}
		revoked = append(revoked, t)
	}
	return revoked, nil
}

// cliActor names the person at the command line for the access audit: the account
// that runs the command.
func cliActor(e env) api.Actor {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return api.CLIActor(u.Username)
	}
	return api.CLIActor(e.getenv("USER"))
}
