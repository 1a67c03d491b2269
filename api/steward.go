package api

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"net/http"

	"github.com/gin-gonic/gin"
)

// stewardPageSource is the data steward's page (/beheer). It lives beside, not in,
// webassets/, so it is not served as a raw asset; its script and style are.
//
//go:embed steward_page.html
var stewardPageSource string

var stewardTemplate = template.Must(template.New("beheer").Parse(stewardPageSource))

// stewardView is what the steward page template needs.
type stewardView struct {
	Role         string
	AssetVersion string
	Allowed      bool
}

// stewardPage serves /beheer: recent runs, rejected files, quarantine by reason and
// stale feeds. Any logged-in role reaches it; a role below beheer gets a friendly
// Dutch 403 page instead of a JSON error.
func (s *Server) stewardPage(c *gin.Context) (any, error) {
	if err := noParams(c); err != nil {
		return nil, err
	}
	r := callerRole(c)
	v := stewardView{Role: r.String(), AssetVersion: webVersion, Allowed: r >= roleBeheer}
	var buf bytes.Buffer
	if err := stewardTemplate.Execute(&buf, v); err != nil {
		return nil, fmt.Errorf("api: render steward page: %w", err)
	}
	c.Header("Content-Security-Policy", webCSP)
	c.Header("X-Content-Type-Options", "nosniff")
	c.Header("Referrer-Policy", "same-origin")
	b := &body{contentType: "text/html; charset=utf-8", data: buf.Bytes(), private: true}
	if !v.Allowed {
		b.status = http.StatusForbidden
	}
	return b, nil
}
