package api

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// TestOpenAPIDocument checks that api/openapi.json is a valid OpenAPI 3 document and
// that every route of the server is described in it (and nothing else).
func TestOpenAPIDocument(t *testing.T) {
	doc := loadOpenAPI(t)
	described := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			described[method+" "+path] = true
		}
	}
	s := New(nil, Config{StaticBody: []byte("x")}, nil)
	for _, r := range s.routes() {
		path := ginToOpenAPI(r.path)
		if path == "/bench/static" {
			continue // bench only
		}
		key := r.method + " " + path
		if !described[key] {
			t.Errorf("route %s is not in openapi.json", key)
		}
		delete(described, key)
	}
	for key := range described {
		t.Errorf("openapi.json describes %s, which the server does not serve", key)
	}
}

// ginToOpenAPI turns /api/v1/kpis/:id and /assets/*path into {id} and {path}.
func ginToOpenAPI(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		if strings.HasPrefix(s, ":") || strings.HasPrefix(s, "*") {
			parts[i] = "{" + s[1:] + "}"
		}
	}
	return strings.Join(parts, "/")
}

func loadOpenAPI(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(openAPIDocument)
	if err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("openapi.json is not a valid OpenAPI 3 document: %v", err)
	}
	return doc
}

// TestResponsesMatchOpenAPI sends every KPI API scenario to the real server and
// validates the response (and the request, unless the scenario breaks it on purpose)
// against api/openapi.json with kin-openapi.
func TestResponsesMatchOpenAPI(t *testing.T) {
	w := loadDemo(t)
	ts := w.server(t)
	doc := loadOpenAPI(t)
	router, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	// Our CSV is ';'-separated with decimal commas, and pages are HTML: the document
	// describes both as strings, so the test reads them as such.
	asText := func(r io.Reader, _ http.Header, _ *openapi3.SchemaRef, _ openapi3filter.EncodingFn) (any, error) {
		b, err := io.ReadAll(r)
		return string(b), err
	}
	openapi3filter.RegisterBodyDecoder("text/csv", asText)
	openapi3filter.RegisterBodyDecoder("text/html", asText)
	ctx := context.Background()
	for _, sc := range kpiScenarios() {
		t.Run(sc.name, func(t *testing.T) {
			res, body := sc.send(t, w, ts.URL)
			method := sc.method
			if method == "" {
				method = http.MethodGet
			}
			req, _ := http.NewRequest(method, ts.URL+sc.path, nil)
			route, params, err := router.FindRoute(req)
			if err != nil {
				if res.StatusCode == http.StatusNotFound || res.StatusCode == http.StatusMethodNotAllowed {
					return // not a route of the document, rightly
				}
				t.Fatalf("no route in openapi.json for %s %s: %v", method, sc.path, err)
			}
			in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
				Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true}}
			if err := openapi3filter.ValidateRequest(ctx, in); err != nil && !sc.invalid {
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
