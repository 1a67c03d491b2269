package api

import (
	_ "embed"
	"html/template"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// notFoundPageSource is the Dutch page a browser gets for an address that does not
// exist. It holds no data, so it needs no login.
//
//go:embed notfound_page.html
var notFoundPageSource string

var notFoundTemplate = template.Must(template.New("niet-gevonden").Parse(notFoundPageSource))

// notFound answers a path no route has: a browser asking for a page (Accept:
// text/html) gets a Dutch page with a link to the dashboard; an API client, and
// anything under /api/, gets the JSON error.
func (s *Server) notFound(c *gin.Context) (any, error) {
	p := c.Request.URL.Path
	if p == "/api" || strings.HasPrefix(p, "/api/") || !wantsHTML(c.Request) {
		return nil, errNotFound
	}
	b, err := htmlPage(notFoundTemplate, struct{ AssetVersion string }{webVersion}, http.StatusNotFound)
	if err != nil {
		return nil, err
	}
	b.private = false // the same page for everyone
	return b, nil
}

// wantsHTML reports whether a request is a browser's asking for a page.
func wantsHTML(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "text/html")
}
