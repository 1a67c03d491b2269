package api

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDecodeJSONBody: one JSON value and white space, nothing else.
func TestDecodeJSONBody(t *testing.T) {
	for body, ok := range map[string]bool{
		`{"out":"/x"}`:              true,
		" {\"out\":\"/x\"} \n\t":    true,
		`{"out":"/x"} {"out":"/y"}`: false,
		`{"out":"/x"}x`:             false,
		`{"out":"/x"}]`:             false,
		`{"out":"/x"}{`:             false,
		`{"out":"/x"} 1`:            false,
		`{"out":"/x","extra":1}`:    false,
		``:                          false,
		`{"out":"/x"`:               false,
	} {
		var v struct {
			Out string `json:"out"`
		}
		if err := decodeJSONBody(strings.NewReader(body), &v); (err == nil) != ok {
			t.Errorf("decodeJSONBody(%q): err %v, want ok=%v", body, err, ok)
		}
	}
}

// TestJSONBodyTrailingData posts bodies with data after the JSON value to the JSON
// routes this change owns (backup) and to the Grafana datasource: 400, and nothing
// done. The same body without the trailing data works.
func TestJSONBodyTrailingData(t *testing.T) {
	root := t.TempDir()
	f := newAuthFixture(t, Config{BackupDir: root})
	token, err := CreateToken(context.Background(), f.db, "test-beheer", "beheer")
	if err != nil {
		t.Fatal(err)
	}
	post := func(path, body string) (int, string) {
		req, _ := http.NewRequest(http.MethodPost, f.ts.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		res, b := f.do(req)
		return res.StatusCode, b
	}
	out, _ := json.Marshal(map[string]string{"out": filepath.Join(root, "eerste")})
	for _, tc := range []struct{ path, body string }{
		{"/api/v1/backup", string(out) + ` {"out":"/tmp"}`},
		{"/api/v1/backup", string(out) + `x`},
		{"/grafana/metrics", `{"metric":"a"} {"metric":"b"}`},
		{"/grafana/query", `{"targets":[]}x`},
		{"/grafana/variable", `{} {}`},
	} {
		if status, body := post(tc.path, tc.body); status != http.StatusBadRequest {
			t.Errorf("POST %s %s: status %d, want 400: %.200s", tc.path, tc.body, status, body)
		}
	}
	if entries, _ := os.ReadDir(root); len(entries) != 0 {
		t.Errorf("a refused backup request wrote %d entries", len(entries))
	}
	if status, body := post("/api/v1/backup", string(out)+"\n"); status != http.StatusOK {
		t.Errorf("the backup body alone: status %d, want 200: %.200s", status, body)
	}
}
