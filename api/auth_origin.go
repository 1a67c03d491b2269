package api

import (
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"
)

// CookieSecurity says when the session cookie carries the Secure attribute, so a
// browser sends it over HTTPS only.
type CookieSecurity int

const (
	// CookieSecureAuto marks the cookie Secure when TLS is in front: the request came
	// over TLS to this server, Config.PublicURL is https, or a trusted proxy says
	// X-Forwarded-Proto: https.
	CookieSecureAuto CookieSecurity = iota
	// CookieSecureAlways always marks it Secure.
	CookieSecureAlways
	// CookieSecureNever never does (plain HTTP on a trusted network only).
	CookieSecureNever
)

// ParseCookieSecurity reads the configuration's spelling: auto, true or false.
func ParseCookieSecurity(s string) (CookieSecurity, error) {
	switch s {
	case "", "auto":
		return CookieSecureAuto, nil
	case "true":
		return CookieSecureAlways, nil
	case "false":
		return CookieSecureNever, nil
	}
	return CookieSecureAuto, fmt.Errorf("%q: use auto, true or false", s)
}

// cookieSecure says whether the session cookie set in answer to c is marked Secure.
func (s *Server) cookieSecure(c *gin.Context) bool {
	switch s.cfg.CookieSecure {
	case CookieSecureAlways:
		return true
	case CookieSecureNever:
		return false
	}
	if c.Request.TLS != nil || strings.HasPrefix(strings.ToLower(s.cfg.PublicURL), "https://") {
		return true
	}
	proto, _, _ := strings.Cut(c.GetHeader("X-Forwarded-Proto"), ",")
	return strings.EqualFold(strings.TrimSpace(proto), "https") && s.fromTrustedProxy(c.Request)
}

// fromTrustedProxy says whether the connection comes from a configured proxy.
func (s *Server) fromTrustedProxy(r *http.Request) bool {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(ap.Addr().Unmap()) {
			return true
		}
	}
	return false
}

// errCrossSite is the answer to a state-changing browser request from another site.
const errCrossSite = "verzoek van een andere website geweigerd: wijzigingen kunnen alleen vanaf het dashboard zelf"

// crossSiteGuard refuses a state-changing request (POST, PUT, PATCH, DELETE) that a
// session cookie would authenticate when the browser says it comes from another site
// (cross-site request forgery). The SameSite=Strict cookie already keeps most such
// requests out; this holds too for a sibling site under the same domain and for
// browsers that ignore SameSite. A request with an Authorization header is not
// authenticated by the cookie (authenticate) and needs no check.
func (s *Server) crossSiteGuard() gin.HandlerFunc {
	return func(c *gin.Context) {
		switch c.Request.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
			c.Next()
			return
		}
		if _, err := c.Request.Cookie(sessionCookie); err != nil || c.GetHeader("Authorization") != "" {
			c.Next()
			return
		}
		if !s.sameOrigin(c) {
			s.refuseCrossSite(c)
			return
		}
		c.Next()
	}
}

// refuseCrossSite answers 403 and logs what the browser said.
func (s *Server) refuseCrossSite(c *gin.Context) {
	s.log.Info("cross-site request refused", "method", c.Request.Method, "path", c.Request.URL.Path,
		"origin", truncate(c.GetHeader("Origin"), 200), "sec_fetch_site", truncate(c.GetHeader("Sec-Fetch-Site"), 40))
	writeError(c, http.StatusForbidden, errCrossSite, "")
}

// sameOrigin says whether a request may come from this site. A browser says where a
// request comes from in Sec-Fetch-Site (same-origin, or none when a person typed the
// address) and, for a POST, in Origin, which must name this server: the Host the
// request was sent to or Config.PublicURL. A client that sends neither (curl, a script)
// is not a browser that a forged page could steer, and passes.
func (s *Server) sameOrigin(c *gin.Context) bool {
	switch c.GetHeader("Sec-Fetch-Site") {
	case "", "same-origin", "none":
	default: // cross-site, same-site (a sibling subdomain) or anything unknown
		return false
	}
	o := c.GetHeader("Origin")
	if o == "" {
		return true
	}
	u, err := url.Parse(o)
	if err != nil || u.Host == "" { // also "null": an opaque origin
		return false
	}
	if strings.EqualFold(u.Host, c.Request.Host) {
		return true
	}
	pub, err := url.Parse(s.cfg.PublicURL)
	return s.cfg.PublicURL != "" && err == nil && strings.EqualFold(u.Scheme, pub.Scheme) && strings.EqualFold(u.Host, pub.Host)
}

// pageHeaders are the security headers of every HTML page: the dashboard's (web.go)
// and the login page's.
func pageHeaders(c *gin.Context) {
	c.Header("Content-Security-Policy", webCSP)
	c.Header("X-Content-Type-Options", "nosniff")
	c.Header("Referrer-Policy", "same-origin")
}
