package api

import (
	"io"
	"io/fs"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

func TestWebPageAndAssets(t *testing.T) {
	w := loadDemo(t)
	ts := w.server(t)
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	etagOf := func(path string) string {
		res, err := http.Get(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.Header.Get("ETag")
	}
	tests := []struct {
		name        string
		path        string
		role        string
		header      map[string]string
		status      int
		contentType string            // prefix
		wantHeader  map[string]string // header → substring
		wantBody    []string
	}{
		{name: "page without login goes to the login page", path: "/", status: http.StatusSeeOther,
			wantHeader: map[string]string{"Location": "/login?next=%2F"}},
		{name: "page for bestuur", path: "/", role: "bestuur", status: 200, contentType: "text/html",
			wantHeader: map[string]string{"Content-Security-Policy": "script-src 'self'", "Cache-Control": "private"},
			wantBody: []string{`<html lang="nl">`, `<option value="zk">Zuid-Kennemerland</option>`,
				`<option value="GM0392" data-subregio="zk">Haarlem</option>`, `src="/assets/app.js?v=`, `Ingelogd als bestuur`}},
		{name: "script", path: "/assets/app.js", status: 200, contentType: "text/javascript",
			wantHeader: map[string]string{"ETag": `"`, "Cache-Control": "public"}, wantBody: []string{`"/api/v1/kpis"`}},
		{name: "style sheet", path: "/assets/app.css", status: 200, contentType: "text/css", wantBody: []string{"@media print"}},
		{name: "icon", path: "/assets/favicon.svg", status: 200, contentType: "image/svg+xml"},
		{name: "unchanged asset answers 304", path: "/assets/app.css", header: map[string]string{"If-None-Match": etagOf("/assets/app.css")}, status: http.StatusNotModified},
		{name: "the page template is not an asset", path: "/assets/index.html", status: 404},
		{name: "unknown asset", path: "/assets/nope.js", status: 404},
		{name: "no way out of the asset folder", path: "/assets/..%2fweb.go", status: 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest("GET", ts.URL+tt.path, nil)
			for k, v := range tt.header {
				req.Header.Set(k, v)
			}
			if tt.role != "" {
				req.Header.Set("Authorization", "Bearer "+w.tokens[tt.role])
			}
			res, err := noRedirect.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			body, _ := io.ReadAll(res.Body)
			if res.StatusCode != tt.status {
				t.Fatalf("status: got %d, want %d; body %.200s", res.StatusCode, tt.status, body)
			}
			if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, tt.contentType) {
				t.Errorf("Content-Type: got %q, want %q…", ct, tt.contentType)
			}
			for k, v := range tt.wantHeader {
				if got := res.Header.Get(k); !strings.Contains(got, v) {
					t.Errorf("header %s: got %q, want it to contain %q", k, got, v)
				}
			}
			for _, s := range tt.wantBody {
				if !strings.Contains(string(body), s) {
					t.Errorf("body lacks %s", s)
				}
			}
		})
	}
}

// TestWebAssetsAreSelfContained: the dashboard runs offline, so no asset may load
// anything from another host (a CDN, a web font).
func TestWebAssetsAreSelfContained(t *testing.T) {
	external := regexp.MustCompile(`(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}`)
	allowed := map[string]bool{"http://www.w3.org": true} // SVG namespace, not a request
	err := fs.WalkDir(webFS, "webassets", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := webFS.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range external.FindAllString(string(data), -1) {
			if !allowed[strings.ToLower(m)] {
				t.Errorf("%s refers to %s: embed the asset instead", path, m)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
