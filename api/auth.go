package api

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"
)

// role is what a caller may do. Each role includes the ones below it.
type role int

const (
	roleNone    role = iota // not authenticated
	roleBestuur             // KPIs and dashboards, small numbers suppressed
	roleAnalist             // also exact figures (and, later, SQL)
	roleBeheer              // also loads and schedules
)

// Roles are the role names as tokens, users and the CLI spell them.
var roleNames = map[role]string{roleBestuur: "bestuur", roleAnalist: "analist", roleBeheer: "beheer"}

func (r role) String() string { return roleNames[r] }

// parseRole reads a role name; ok is false for an unknown one.
func parseRole(s string) (role, bool) {
	for r, n := range roleNames {
		if n == s {
			return r, true
		}
	}
	return roleNone, false
}

// RoleNames lists the roles, lowest first, for help texts.
func RoleNames() []string { return []string{"bestuur", "analist", "beheer"} }

// Gin context keys for the authenticated caller.
const (
	ctxRole       = "leerplein.role"
	ctxCaller     = "leerplein.caller"      // token name or user name, for logs
	ctxCallerKind = "leerplein.caller_kind" // actorToken or actorUser
)

// callerRole is the role of the authenticated caller, roleNone when there is none.
func callerRole(c *gin.Context) role {
	if v, ok := c.Get(ctxRole); ok {
		if r, ok := v.(role); ok {
			return r
		}
	}
	return roleNone
}

// sessionCookie is the name of the dashboard's session cookie.
const sessionCookie = "leerplein_session"

// guard returns the middleware that enforces a route's access: a bearer token or a
// session cookie, and a role at least a.min.
func (s *Server) guard(a access) []gin.HandlerFunc {
	if a.min == roleNone {
		return nil
	}
	return []gin.HandlerFunc{func(c *gin.Context) {
		who := s.authenticate(c)
		if who.role == roleNone {
			if a.browser {
				c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(c.Request.URL.RequestURI()))
				c.Abort()
				return
			}
			msg := errUnauthorized.Error()
			if who.refusal != "" {
				msg = who.refusal
			}
			writeError(c, http.StatusUnauthorized, msg, "")
			return
		}
		c.Set(ctxRole, who.role)
		c.Set(ctxCaller, who.name)
		c.Set(ctxCallerKind, who.kind)
		if who.role < a.min {
			writeError(c, http.StatusForbidden, errForbidden.Error()+" (nodig: rol "+a.min.String()+" of hoger)", "")
			return
		}
		c.Next()
	}}
}

// authenticate finds the caller from the Authorization header (bearer token) or,
// failing that, the session cookie.
func (s *Server) authenticate(c *gin.Context) caller {
	if h := c.GetHeader("Authorization"); h != "" {
		scheme, token, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") {
			return caller{}
		}
		return s.auth.tokenCaller(c.Request.Context(), strings.TrimSpace(token), s.now())
	}
	if v, err := c.Cookie(sessionCookie); err == nil && v != "" {
		return s.auth.sessionCaller(c.Request.Context(), v, s.now())
	}
	return caller{}
}

// hashSecret is how tokens and session ids are stored: hex SHA-256. They are 32 random
// bytes, so a fast hash is enough (no dictionary to guess from).
func hashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// sameHash compares two hashes in constant time.
func sameHash(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }
