package api

import (
	"crypto/rand"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
)

// The people and access API (role beheer): dashboard users and API tokens, changed while
// the server runs. A change is in force at once: the handlers tell the auth store, so
// a new token or user works on the next request and a revoked token, a disabled user or
// a new password ends access on the next request. The store's change lock serialises
// the changes, so two stewards cannot each remove one of the last two beheer users.

// maxPeopleBody bounds the JSON body of a change: a name, a role, a password, a date.
const maxPeopleBody = 8 << 10

// userCreateRequest is the body of POST /api/v1/users. Without a password the server
// makes one and answers it once.
type userCreateRequest struct {
	Name     string  `json:"name"`
	Role     string  `json:"role"`
	Password *string `json:"password"`
}

// userPatchRequest is the body of PATCH /api/v1/users/{name}.
type userPatchRequest struct {
	Role             *string `json:"role"`
	Password         *string `json:"password"`
	GeneratePassword bool    `json:"generate_password"`
	Disabled         *bool   `json:"disabled"`
}

// userAnswer is a user after a change; Password is set only when the server made it.
type userAnswer struct {
	User     User   `json:"user"`
	Password string `json:"password,omitempty"`
}

// tokenCreateRequest is the body of POST /api/v1/tokens.
type tokenCreateRequest struct {
	Name    string `json:"name"`
	Role    string `json:"role"`
	Expires string `json:"expires"`
}

// tokenAnswer is a new token: its record and, this once, the token itself.
type tokenAnswer struct {
	Token
	Secret string `json:"token"`
}

// actorOf is the caller of a request, for the audit.
func actorOf(c *gin.Context) Actor {
	return Actor{name: c.GetString(ctxCaller), kind: c.GetString(ctxCallerKind), role: callerRole(c).String()}
}

// noStore keeps an answer about people (and a token or password shown once) out of
// every cache.
func noStore(c *gin.Context) { c.Header("Cache-Control", "no-store") }

// readPeopleBody decodes the JSON body of a change into v.
func readPeopleBody(c *gin.Context, v any, example string) error {
	if err := decodeJSONBody(http.MaxBytesReader(c.Writer, c.Request.Body, maxPeopleBody), v); err != nil {
		return badParam("body", "de body moet JSON zijn zoals %s: %v", example, err)
	}
	return nil
}

func (s *Server) listUsers(c *gin.Context) (any, error) {
	if err := noParams(c); err != nil {
		return nil, err
	}
	users, err := ListUsers(c.Request.Context(), s.db)
	if err != nil {
		return nil, err
	}
	noStore(c)
	return map[string]any{"users": users}, nil
}

func (s *Server) createUser(c *gin.Context) (any, error) {
	if err := noParams(c); err != nil {
		return nil, err
	}
	var req userCreateRequest
	if err := readPeopleBody(c, &req, `{"name": "jan", "role": "analist"}`); err != nil {
		return nil, err
	}
	var generated string
	password := ""
	if req.Password != nil {
		password = *req.Password
	} else {
		generated = newPassword()
		password = generated
	}
	s.auth.changes.Lock()
	defer s.auth.changes.Unlock()
	u, err := CreateUser(c.Request.Context(), s.db, actorOf(c), req.Name, req.Role, password, s.now())
	if err != nil {
		return nil, err
	}
	s.auth.usersChanged(u.Name, false)
	s.log.Info("user created", "user", u.Name, "role", u.Role, "caller", c.GetString(ctxCaller))
	noStore(c)
	return jsonStatus(http.StatusCreated, userAnswer{User: u, Password: generated})
}

func (s *Server) patchUser(c *gin.Context) (any, error) {
	if err := noParams(c); err != nil {
		return nil, err
	}
	var req userPatchRequest
	if err := readPeopleBody(c, &req, `{"disabled": true}`); err != nil {
		return nil, err
	}
	ch := UserChange{Disabled: req.Disabled}
	if req.Role != nil {
		if *req.Role == "" {
			return nil, checkRoleName("")
		}
		ch.Role = *req.Role
	}
	var generated string
	switch {
	case req.Password != nil && req.GeneratePassword:
		return nil, badParam("password", "geef een wachtwoord of generate_password, niet allebei")
	case req.Password != nil:
		if *req.Password == "" {
			_, err := hashPassword("")
			return nil, err
		}
		ch.Password = *req.Password
	case req.GeneratePassword:
		generated = newPassword()
		ch.Password = generated
	}
	name := c.Param("name")
	s.auth.changes.Lock()
	defer s.auth.changes.Unlock()
	u, err := UpdateUser(c.Request.Context(), s.db, actorOf(c), name, ch, s.now())
	if err != nil {
		return nil, err
	}
	s.auth.usersChanged(name, ch.endsSessions())
	s.log.Info("user changed", "user", name, "role", u.Role, "disabled", u.Disabled,
		"new_password", ch.Password != "", "caller", c.GetString(ctxCaller))
	noStore(c)
	return userAnswer{User: u, Password: generated}, nil
}

func (s *Server) deleteUser(c *gin.Context) (any, error) {
	if err := noParams(c); err != nil {
		return nil, err
	}
	name := c.Param("name")
	s.auth.changes.Lock()
	defer s.auth.changes.Unlock()
	if err := RemoveUser(c.Request.Context(), s.db, actorOf(c), name, s.now()); err != nil {
		return nil, err
	}
	s.auth.usersChanged(name, true)
	s.log.Info("user removed", "user", name, "caller", c.GetString(ctxCaller))
	return nil, nil
}

func (s *Server) listTokens(c *gin.Context) (any, error) {
	if err := noParams(c); err != nil {
		return nil, err
	}
	tokens, err := ListTokens(c.Request.Context(), s.db, s.now())
	if err != nil {
		return nil, err
	}
	for i, t := range tokens {
		// The server writes last use to the minute; it knows it to the request.
		if used := s.auth.lastUsed(t.ID); !used.IsZero() && (t.LastUsedAt == nil || used.After(*t.LastUsedAt)) {
			tokens[i].LastUsedAt = &used
		}
	}
	noStore(c)
	return map[string]any{"tokens": tokens}, nil
}

func (s *Server) createToken(c *gin.Context) (any, error) {
	if err := noParams(c); err != nil {
		return nil, err
	}
	var req tokenCreateRequest
	if err := readPeopleBody(c, &req, `{"name": "grafana", "role": "bestuur", "expires": "2027-03-01"}`); err != nil {
		return nil, err
	}
	now := s.now()
	expires, err := ParseExpiry(req.Expires, now)
	if err != nil {
		return nil, err
	}
	s.auth.changes.Lock()
	defer s.auth.changes.Unlock()
	t, secret, err := IssueToken(c.Request.Context(), s.db, actorOf(c), req.Name, req.Role, expires, now)
	if err != nil {
		return nil, err
	}
	s.auth.addToken(hashSecret(secret), t)
	s.log.Info("token created", "token_id", t.ID, "token_name", t.Name, "role", t.Role, "caller", c.GetString(ctxCaller))
	noStore(c)
	return jsonStatus(http.StatusCreated, tokenAnswer{Token: t, Secret: secret})
}

func (s *Server) revokeToken(c *gin.Context) (any, error) {
	if err := noParams(c); err != nil {
		return nil, err
	}
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id < 1 {
		return nil, badParam("id", "%q is geen tokennummer; GET /api/v1/tokens noemt ze", c.Param("id"))
	}
	s.auth.changes.Lock()
	defer s.auth.changes.Unlock()
	t, err := RevokeToken(c.Request.Context(), s.db, actorOf(c), id, s.now())
	if err != nil {
		return nil, err
	}
	s.auth.dropToken(id)
	s.log.Info("token revoked", "token_id", id, "token_name", t.Name, "caller", c.GetString(ctxCaller))
	return nil, nil
}

// newPassword makes a password the server shows once: 20 random base32 characters
// (100 bits) in groups of five, easy to read from a screen and to type.
func newPassword() string {
	t := strings.ToLower(rand.Text())
	return t[0:5] + "-" + t[5:10] + "-" + t[10:15] + "-" + t[15:20]
}
