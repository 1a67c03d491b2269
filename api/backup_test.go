package api

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/hetleerplein/leerplein/warehouse"
)

// TestBackupAPI checks POST /api/v1/backup: only beheer, only into a directory under
// the backup root (not around it with .. or a symbolic link), never over a copy, and
// the copy holds the warehouse. Requests and responses are checked against openapi.json.
func TestBackupAPI(t *testing.T) {
	w := ledgerWarehouse(t)
	tmp := t.TempDir()
	root := filepath.Join(tmp, "backups")
	outside := filepath.Join(tmp, "elders")
	if err := os.MkdirAll(root, 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(tmp, filepath.Join(root, "link")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "bestand"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(New(w.db, Config{BackupDir: root}, nil).Handler())
	t.Cleanup(ts.Close)
	doc := loadOpenAPI(t)
	router, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		role     string
		body     string
		status   int
		want     string // in the body
		validReq bool   // the request matches openapi.json
	}{
		{"without credentials", "", `{"out": "` + root + `/a"}`, 401, "authentication required", true},
		{"analist may not", "analist", `{"out": "` + root + `/a"}`, 403, "nodig: rol beheer", true},
		{"no body", "beheer", ``, 400, `"parameter":"out"`, false},
		{"unknown field", "beheer", `{"dir": "` + root + `/a"}`, 400, `"parameter":"out"`, false},
		{"empty out", "beheer", `{"out": ""}`, 400, "missing", true},
		{"relative out", "beheer", `{"out": "backups/a"}`, 400, "not an absolute path", true},
		{"outside the root", "beheer", `{"out": "` + outside + `"}`, 400, "outside the backup directory", true},
		{"around the root with ..", "beheer", `{"out": "` + root + `/../elders"}`, 400, "outside the backup directory", true},
		{"through a symbolic link", "beheer", `{"out": "` + root + `/link/elders"}`, 400, "outside the backup directory", true},
		{"a file, not a directory", "beheer", `{"out": "` + root + `/bestand"}`, 400, "not a directory", true},
		{"under the root", "beheer", `{"out": "` + root + `/2026-11-25"}`, 200, `"path":"` + root + `/2026-11-25/leerplein.duckdb"`, true},
		{"never over a copy", "beheer", `{"out": "` + root + `/2026-11-25/"}`, 409, "never overwritten", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, ts.URL+"/api/v1/backup", strings.NewReader(tt.body))
			req.Header.Set("Content-Type", "application/json")
			if tt.role != "" {
				req.Header.Set("Authorization", "Bearer "+w.tokens[tt.role])
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != tt.status || !strings.Contains(string(body), tt.want) {
				t.Fatalf("got %d %s; want %d with %s", res.StatusCode, body, tt.status, tt.want)
			}
			checkReq, _ := http.NewRequest(http.MethodPost, ts.URL+"/api/v1/backup", strings.NewReader(tt.body))
			checkReq.Header.Set("Content-Type", "application/json")
			route, params, err := router.FindRoute(checkReq)
			if err != nil {
				t.Fatal(err)
			}
			in := &openapi3filter.RequestValidationInput{Request: checkReq, PathParams: params, Route: route,
				Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
			if err := openapi3filter.ValidateRequest(context.Background(), in); (err == nil) != tt.validReq {
				t.Errorf("request valid by openapi.json: got error %v, want valid = %v", err, tt.validReq)
			}
			out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: res.StatusCode, Header: res.Header,
				Options: &openapi3filter.Options{IncludeResponseStatus: true}}
			out.SetBodyBytes(body)
			if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
				t.Errorf("response does not match openapi.json: %v", err)
			}
		})
	}
	if _, err := os.Stat(outside); err == nil {
		t.Errorf("%s was created; the server must not write outside its backup directory", outside)
	}
	copyDB, err := warehouse.Open(context.Background(), filepath.Join(root, "2026-11-25", warehouse.BackupName))
	if err != nil {
		t.Fatal(err)
	}
	defer copyDB.Close()
	runs, err := copyDB.Runs(context.Background(), 10)
	if err != nil || len(runs) != 3 {
		t.Errorf("the copy holds %d runs (%v), want the fixture's 3", len(runs), err)
	}
}

// TestBackupTarget pins which directories count as under the backup root.
func TestBackupTarget(t *testing.T) {
	root := t.TempDir()
	tests := []struct {
		out, want string // want "" : refused
	}{
		{root, root},
		{root + "/a/b/", root + "/a/b"},
		{root + "/a/../b", root + "/b"},
		{root + "/..", ""},
		{root + "x", ""},
		{"/", ""},
		{"a", ""},
	}
	for _, tt := range tests {
		t.Run(tt.out, func(t *testing.T) {
			got, err := backupTarget(root, tt.out)
			if tt.want == "" {
				if err == nil {
					t.Errorf("backupTarget(%q) = %q, want a refusal", tt.out, got)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("backupTarget(%q) = %q, %v; want %q", tt.out, got, err, tt.want)
			}
		})
	}
}
