package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// TestSQLMatchesOpenAPI validates requests and JSON responses of the SQL, schema and
// audit resources against api/openapi.json: results, refusals, time-outs and errors.
func TestSQLMatchesOpenAPI(t *testing.T) {
	w := loadDemo(t)
	ts := w.sqlServer(t, Config{SQLTimeout: 200 * time.Millisecond})
	doc := loadOpenAPI(t)
	router, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	cases := []struct {
		name, method, path, role string
		body                     any
		status                   int
		invalid                  bool // the request breaks the document on purpose
	}{
		{"result", "POST", "/api/v1/sql", "analist", map[string]any{"query": "select * from gemeenten", "max_rows": 3}, 200, false},
		{"types", "POST", "/api/v1/sql", "analist", map[string]any{"query": "select 1.5::decimal(9,2) as d, null as n, [1, 2] as l, {'a': 1} as s, now() as t, 'x\"y' as q"}, 200, false},
		{"refused", "POST", "/api/v1/sql", "analist", map[string]any{"query": "drop table gemeenten"}, 400, false},
		{"comment only", "POST", "/api/v1/sql", "analist", map[string]any{"query": "-- niets"}, 400, false},
		{"server information", "POST", "/api/v1/sql", "analist", map[string]any{"query": "select * from duckdb_settings()"}, 400, false},
		{"memory", "POST", "/api/v1/sql", "analist", map[string]any{"query": "select repeat('x', 2000000000)"}, 400, false},
		{"timeout", "POST", "/api/v1/sql", "analist", map[string]any{"query": "select count(*) from range(1000000000) a, range(1000000) b"}, 408, false},
		{"forbidden", "POST", "/api/v1/sql", "bestuur", map[string]any{"query": "select 1"}, 403, false},
		{"schema", "GET", "/api/v1/schema", "bestuur", nil, 200, false},
		{"audit", "GET", "/api/v1/audit?limit=20", "beheer", nil, 200, false},
		{"audit bad status", "GET", "/api/v1/audit?status=x", "beheer", nil, 400, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var reqBody []byte
			if c.body != nil {
				reqBody, _ = json.Marshal(c.body)
			}
			req, _ := http.NewRequest(c.method, ts.URL+c.path, bytes.NewReader(reqBody))
			if c.body != nil {
				req.Header.Set("Content-Type", "application/json")
			}
			res := w.do(t, req, c.role)
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != c.status {
				t.Fatalf("got %d, want %d: %.300s", res.StatusCode, c.status, body)
			}
			vreq, _ := http.NewRequest(c.method, ts.URL+c.path, bytes.NewReader(reqBody))
			if c.body != nil {
				vreq.Header.Set("Content-Type", "application/json")
			}
			route, params, err := router.FindRoute(vreq)
			if err != nil {
				t.Fatalf("no route in openapi.json: %v", err)
			}
			in := &openapi3filter.RequestValidationInput{Request: vreq, PathParams: params, Route: route,
				Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true}}
			if err := openapi3filter.ValidateRequest(ctx, in); err != nil && !c.invalid {
				t.Errorf("request does not match openapi.json: %v", err)
			}
			out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: res.StatusCode, Header: res.Header,
				Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}}
			out.SetBodyBytes(body)
			if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
				t.Errorf("response %d does not match openapi.json: %v\nbody: %.400s", res.StatusCode, err, body)
			}
		})
	}
}
