package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/hetleerplein/leerplein/api"
)

// sqlClient talks to POST /api/v1/sql and GET /api/v1/schema of a running server.
type sqlClient struct {
	base  string // http://host:port, no trailing slash
	token string
	http  *http.Client
}

// apiError is an error answer of the server: its status and message.
type apiError struct {
	status int
	msg    string
}

func (e apiError) Error() string {
	switch e.status {
	case http.StatusUnauthorized:
		return "het token is onbekend of ingetrokken (zet een geldig token in $" + TokenEnv + ")"
	case http.StatusForbidden:
		return "dit token mag geen SQL uitvoeren: maak er een met rol analist of beheer (leerplein token create)"
	case http.StatusRequestTimeout:
		return "tijdslimiet overschreden: " + e.msg
	case http.StatusServiceUnavailable:
		return "de server heeft nog geen SQL-zandbak: " + e.msg
	}
	if e.msg == "" {
		return fmt.Sprintf("de server antwoordde %d %s", e.status, http.StatusText(e.status))
	}
	return e.msg
}

// post sends a query and returns the open response for format ("json", "csv", "arrow"
// or "parquet"); an error answer becomes an apiError.
func (c sqlClient) post(ctx context.Context, query string, maxRows int, format string) (*http.Response, error) {
	req := map[string]any{"query": query}
	if maxRows > 0 {
		req["max_rows"] = maxRows
	}
	body, err := json.Marshal(req)
	if err != nil {
		return nil, fmt.Errorf("sql: %w", err)
	}
	return c.do(ctx, http.MethodPost, "/api/v1/sql?format="+format, bytes.NewReader(body))
}

func (c sqlClient) do(ctx context.Context, method, path string, body io.Reader) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return nil, fmt.Errorf("sql: %w", err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("sql: server %s antwoordt niet: %w", c.base, err)
	}
	if resp.StatusCode/100 != 2 {
		defer resp.Body.Close()
		var answer struct {
			Error string `json:"error"`
		}
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 64*1024))
		if json.Unmarshal(b, &answer) != nil || answer.Error == "" {
			answer.Error = strings.TrimSpace(string(b))
		}
		return nil, apiError{status: resp.StatusCode, msg: answer.Error}
	}
	return resp, nil
}

// query runs one statement and decodes the JSON answer.
func (c sqlClient) query(ctx context.Context, query string, maxRows int) (sqlResult, error) {
	resp, err := c.post(ctx, query, maxRows, "json")
	if err != nil {
		return sqlResult{}, err
	}
	defer resp.Body.Close()
	var res sqlResult
	dec := json.NewDecoder(resp.Body)
	dec.UseNumber()
	if err := dec.Decode(&res); err != nil {
		return sqlResult{}, fmt.Errorf("sql: het antwoord van de server is onleesbaar (afgebroken?): %w", err)
	}
	return res, nil
}

// schema fetches the analyst views and their columns.
func (c sqlClient) schema(ctx context.Context) ([]api.SchemaView, error) {
	resp, err := c.do(ctx, http.MethodGet, "/api/v1/schema", nil)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("sql: schema: %w", err)
	}
	return decodeSchema(b)
}

// decodeSchema reads the answer of GET /api/v1/schema.
func decodeSchema(b []byte) ([]api.SchemaView, error) {
	var answer api.SchemaResponse
	if err := json.Unmarshal(b, &answer); err != nil {
		return nil, fmt.Errorf("sql: schema: unexpected answer: %w", err)
	}
	return answer.Views, nil
}
