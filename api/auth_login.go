package api

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
)

// loginTemplate is the login page of the built-in dashboard: Dutch, self-contained (no
// external assets), readable on a laptop and a projector. Its style is an asset, so the
// page keeps the dashboard's Content-Security-Policy.
var loginTemplate = template.Must(template.New("login").Parse(`<!doctype html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Inloggen — Het Leerplein</title>
<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/assets/login.css?v={{.AssetVersion}}">
</head>
<body>
<main>
  <h1>Het Leerplein — dashboard</h1>
  {{if .Error}}<p class="fout" role="alert">{{.Error}}</p>{{end}}
  <form method="post" action="/login">
    <input type="hidden" name="next" value="{{.Next}}">
    <label for="name">Gebruikersnaam</label>
    <input id="name" name="name" autocomplete="username" required autofocus maxlength="64" value="{{.Name}}">
    <label for="password">Wachtwoord</label>
    <input id="password" name="password" type="password" autocomplete="current-password" required>
    <button type="submit">Inloggen</button>
  </form>
</main>
</body>
</html>
`))

// maxLoginForm bounds the body of POST /login: a name, a password and a path.
const maxLoginForm = 8 << 10

type loginView struct {
	Error, Next, Name string
	AssetVersion      string
}

// renderLogin is the login page with the dashboard's security headers.
func renderLogin(c *gin.Context, v loginView, status int) (*body, error) {
	v.AssetVersion = webVersion
	var buf bytes.Buffer
	if err := loginTemplate.Execute(&buf, v); err != nil {
		return nil, fmt.Errorf("api: render login page: %w", err)
	}
	pageHeaders(c)
	return &body{contentType: "text/html; charset=utf-8", data: buf.Bytes(), status: status, private: true}, nil
}

// loginPage shows the login form; next is where to go after logging in.
func (s *Server) loginPage(c *gin.Context) (any, error) {
	return renderLogin(c, loginView{Next: safeNext(c.Query("next"))}, http.StatusOK)
}

// login checks the form, sets the session cookie and sends the browser on. A name or
// password beyond the limits is refused before it is logged, shown or hashed; a caller
// with too many failed logins waits (auth_throttle.go).
func (s *Server) login(c *gin.Context) (any, error) {
	if !s.sameOrigin(c) { // login CSRF: logging a person in as someone else
		s.refuseCrossSite(c)
		return noBody, nil
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxLoginForm)
	if err := c.Request.ParseForm(); err != nil {
		return renderLogin(c, loginView{Error: "Het formulier is te groot of onleesbaar."}, http.StatusBadRequest)
	}
	name, password, next := c.PostForm("name"), c.PostForm("password"), safeNext(c.PostForm("next"))
	if msg := loginInputError(name, password); msg != "" {
		s.log.Info("login refused", "reason", msg, "name_bytes", len(name), "password_bytes", len(password))
		return renderLogin(c, loginView{Error: msg, Next: next}, http.StatusBadRequest)
	}
	now := s.now()
	addr := throttleAddr(c.ClientIP())
	try, wait, scope := s.throttle.admit(name, addr, now)
	if wait > 0 {
		s.log.Warn("login throttled", "scope", scope, "addr", addr, "retry_after_s", retryAfter(wait))
		c.Header("Retry-After", strconv.Itoa(retryAfter(wait)))
		return renderLogin(c, loginView{Error: throttledMessage(wait), Next: next, Name: name}, http.StatusTooManyRequests)
	}
	id, exp, known, err := s.auth.login(c.Request.Context(), name, password, now)
	if errors.Is(err, errBadLogin) {
		if known { // an unknown name may be a password typed in the wrong field: not logged
			s.log.Info("login failed", "user", name, "addr", addr)
		} else {
			s.log.Info("login failed", "user_known", false, "addr", addr)
		}
		return renderLogin(c, loginView{Error: "Onbekende gebruiker of onjuist wachtwoord.", Next: next, Name: name}, http.StatusUnauthorized)
	}
	if errors.Is(err, errDisabledLogin) {
		s.throttle.succeeded(try) // the password was right
		s.log.Info("login refused: user disabled", "user", name, "addr", addr)
		return renderLogin(c, loginView{Error: "Deze login is uitgeschakeld. Vraag een beheerder om hem weer in te schakelen.", Next: next, Name: name}, http.StatusForbidden)
	}
	if err != nil {
		s.throttle.abandoned(try)
		return nil, err
	}
	s.throttle.succeeded(try)
	s.log.Info("login", "user", name)
	http.SetCookie(c.Writer, &http.Cookie{
		Name: sessionCookie, Value: id, Path: "/", Expires: exp,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: s.cookieSecure(c),
	})
	c.Redirect(http.StatusSeeOther, next)
	return noBody, nil
}

// loginInputError is the Dutch reason a login form cannot be checked at all, or "".
func loginInputError(name, password string) string {
	switch {
	case name == "" || password == "":
		return "Vul uw gebruikersnaam en wachtwoord in."
	case len(name) > maxUserNameBytes:
		return fmt.Sprintf("De gebruikersnaam is te lang (hoogstens %d tekens).", maxUserNameBytes)
	case !utf8.ValidString(name) || strings.IndexFunc(name, unicode.IsControl) >= 0:
		return "De gebruikersnaam bevat tekens die niet in een gebruikersnaam voorkomen."
	case len(password) > maxLoginPasswordBytes:
		return "Het wachtwoord is te lang."
	}
	return ""
}

// retryAfter is a wait in whole seconds, rounded up.
func retryAfter(wait time.Duration) int { return int((wait + time.Second - 1) / time.Second) }

// throttledMessage tells a person how long to wait, in Dutch.
func throttledMessage(wait time.Duration) string {
	secs := retryAfter(wait)
	var when string
	switch mins := (secs + 59) / 60; {
	case secs == 1:
		when = "1 seconde"
	case secs <= 60:
		when = fmt.Sprintf("%d seconden", secs)
	default:
		when = fmt.Sprintf("%d minuten", mins)
	}
	return "Te veel mislukte pogingen; probeer het over " + when + " opnieuw."
}

// logout ends the session and clears the cookie.
func (s *Server) logout(c *gin.Context) (any, error) {
	if !s.sameOrigin(c) {
		s.refuseCrossSite(c)
		return noBody, nil
	}
	if v, err := c.Cookie(sessionCookie); err == nil && v != "" {
		if err := s.auth.logout(c.Request.Context(), v, s.now()); err != nil {
			return nil, err
		}
	}
	http.SetCookie(c.Writer, &http.Cookie{
		Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: s.cookieSecure(c),
	})
	c.Redirect(http.StatusSeeOther, "/login")
	return noBody, nil
}

// noBody tells handle that the handler has written the response itself (a redirect).
var noBody = &body{}

// safeNext keeps a redirect target on this site: a path, not "//host" or a URL.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	if u, err := url.Parse(next); err != nil || u.Host != "" || u.Scheme != "" {
		return "/"
	}
	return next
}
