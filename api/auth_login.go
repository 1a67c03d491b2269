package api

import (
	"bytes"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"
)

// loginTemplate is the login page of the built-in dashboard: Dutch, self-contained (no
// external assets), readable on a laptop and a projector.
var loginTemplate = template.Must(template.New("login").Parse(`<!doctype html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Inloggen — Het Leerplein</title>
<style>
  body { font-family: system-ui, sans-serif; background: #f4f6f8; color: #1b2733; margin: 0;
         display: flex; min-height: 100vh; align-items: center; justify-content: center; }
  main { background: #fff; padding: 2rem 2.5rem; border-radius: 8px; width: min(24rem, 90vw);
         box-shadow: 0 2px 12px rgba(0,0,0,.08); }
  h1 { font-size: 1.4rem; margin: 0 0 1.5rem; }
  label { display: block; margin: 1rem 0 .3rem; font-weight: 600; }
  input { width: 100%; box-sizing: border-box; font-size: 1rem; padding: .55rem .6rem;
          border: 1px solid #9aa7b4; border-radius: 4px; }
  button { margin-top: 1.5rem; width: 100%; font-size: 1rem; padding: .65rem; border: 0;
           border-radius: 4px; background: #1d5fa6; color: #fff; cursor: pointer; }
  .fout { background: #fdecea; color: #8a1c13; padding: .6rem .8rem; border-radius: 4px; }
</style>
</head>
<body>
<main>
  <h1>Het Leerplein — dashboard</h1>
  {{if .Error}}<p class="fout" role="alert">{{.Error}}</p>{{end}}
  <form method="post" action="/login">
    <input type="hidden" name="next" value="{{.Next}}">
    <label for="name">Gebruikersnaam</label>
    <input id="name" name="name" autocomplete="username" required autofocus value="{{.Name}}">
    <label for="password">Wachtwoord</label>
    <input id="password" name="password" type="password" autocomplete="current-password" required>
    <button type="submit">Inloggen</button>
  </form>
</main>
</body>
</html>
`))

type loginView struct {
	Error, Next, Name string
}

func renderLogin(v loginView, status int) (*body, error) {
	var buf bytes.Buffer
	if err := loginTemplate.Execute(&buf, v); err != nil {
		return nil, err
	}
	return &body{contentType: "text/html; charset=utf-8", data: buf.Bytes(), status: status, private: true}, nil
}

// loginPage shows the login form; next is where to go after logging in.
func (s *Server) loginPage(c *gin.Context) (any, error) {
	return renderLogin(loginView{Next: safeNext(c.Query("next"))}, http.StatusOK)
}

// login checks the form, sets the session cookie and sends the browser on.
func (s *Server) login(c *gin.Context) (any, error) {
	if !sameOrigin(c) {
		return nil, errForbidden
	}
	name, password, next := c.PostForm("name"), c.PostForm("password"), safeNext(c.PostForm("next"))
	id, exp, err := s.auth.login(c.Request.Context(), name, password, s.now())
	if errors.Is(err, errBadLogin) {
		s.log.Info("login failed", "user", name)
		return renderLogin(loginView{Error: "Onbekende gebruiker of onjuist wachtwoord.", Next: next, Name: name}, http.StatusUnauthorized)
	}
	if err != nil {
		return nil, err
	}
	s.log.Info("login", "user", name)
	http.SetCookie(c.Writer, &http.Cookie{
		Name: sessionCookie, Value: id, Path: "/", Expires: exp,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: s.cfg.SecureCookie,
	})
	c.Redirect(http.StatusSeeOther, next)
	return noBody, nil
}

// logout ends the session and clears the cookie.
func (s *Server) logout(c *gin.Context) (any, error) {
	if !sameOrigin(c) {
		return nil, errForbidden
	}
	if v, err := c.Cookie(sessionCookie); err == nil && v != "" {
		if err := s.auth.logout(c.Request.Context(), v, s.now()); err != nil {
			return nil, err
		}
	}
	http.SetCookie(c.Writer, &http.Cookie{
		Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: s.cfg.SecureCookie,
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

// sameOrigin refuses a form posted from another site (login CSRF): a browser sends
// Origin with a POST, and it must name this host. A client without Origin (curl) passes.
func sameOrigin(c *gin.Context) bool {
	o := c.GetHeader("Origin")
	if o == "" {
		return true
	}
	u, err := url.Parse(o)
	return err == nil && u.Host == c.Request.Host
}
