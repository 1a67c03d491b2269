package api

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/hetleerplein/leerplein/warehouse"
)

// handlerFunc is a handler that returns its result: a value written as JSON, a *body
// written as it is (CSV, HTML, cached JSON), or an error mapped by errorStatus.
type handlerFunc func(c *gin.Context) (any, error)

// body is a response whose bytes are ready: cached results and non-JSON formats. An
// ETag makes it answer If-None-Match with 304.
type body struct {
	contentType string
	data        []byte
	etag        string // quoted, e.g. "\"3f…\""; empty for none
	status      int    // 200 when zero
	// private marks a response that depends on the caller (role): caches must not share it.
	private bool
	// header holds headers of the response beyond its type (a page's security headers).
	header map[string]string
}

// Errors the handlers return; errorStatus maps them, and everything else, to a status.
var (
	errNotFound     = errors.New("not found")
	errMethod       = errors.New("method not allowed")
	errUnauthorized = errors.New("authentication required: send 'Authorization: Bearer <token>' or log in at /login")
	errForbidden    = errors.New("uw rol mag dit niet gebruiken")
)

// paramError is a request parameter the handler cannot use: 400, naming the parameter.
type paramError struct {
	param string
	msg   string
}

func (e *paramError) Error() string { return fmt.Sprintf("parameter %s: %s", e.param, e.msg) }

func badParam(param, format string, args ...any) error {
	return &paramError{param: param, msg: fmt.Sprintf(format, args...)}
}

// errorStatus is the one table from errors to HTTP statuses. It returns the message
// the client sees and the parameter at fault; a 500 says only "internal error".
func errorStatus(err error) (status int, msg, param string) {
	var pe *paramError
	var we *warehouse.ParamError
	var ae *accessError
	switch {
	case errors.As(err, &ae):
		return ae.status, ae.msg, ""
	case errors.As(err, &pe):
		return http.StatusBadRequest, pe.Error(), pe.param
	case errors.As(err, &we):
		return http.StatusBadRequest, we.Error(), we.Param
	case errors.Is(err, errNotFound), errors.Is(err, warehouse.ErrNotFound):
		return http.StatusNotFound, notFoundMessage(err), ""
	case errors.Is(err, errMethod):
		return http.StatusMethodNotAllowed, errMethod.Error(), ""
	case errors.Is(err, errUnauthorized):
		return http.StatusUnauthorized, errUnauthorized.Error(), ""
	case errors.Is(err, errForbidden):
		return http.StatusForbidden, errForbidden.Error(), ""
	case errors.Is(err, warehouse.ErrStateChanged):
		return http.StatusServiceUnavailable, "the figures are being updated; try again in a moment", ""
	default:
		return http.StatusInternalServerError, "internal error", ""
	}
}

func notFoundMessage(err error) string {
	if errors.Is(err, warehouse.ErrNotFound) {
		// "warehouse: kpi "x": not found" → say which KPI, not where.
		return strings.TrimPrefix(err.Error(), "warehouse: ")
	}
	return "not found"
}

// errorBody is the JSON of every error response.
type errorBody struct {
	Error     string `json:"error"`
	Parameter string `json:"parameter,omitempty"`
}

func writeError(c *gin.Context, status int, msg, param string) {
	if status == http.StatusUnauthorized {
		c.Header("WWW-Authenticate", `Bearer realm="leerplein"`)
	}
	c.Abort()
	c.PureJSON(status, errorBody{Error: msg, Parameter: param})
}

// handle turns a handlerFunc into a gin handler: it writes the value, or maps the error
// through errorStatus; a 500 is logged with method and path.
func (s *Server) handle(h handlerFunc) gin.HandlerFunc {
	return func(c *gin.Context) {
		v, err := h(c)
		if err != nil {
			status, msg, param := errorStatus(err)
			if status == http.StatusInternalServerError {
				s.log.Error("request failed", "method", c.Request.Method, "path", c.FullPath(), "err", err)
			}
			writeError(c, status, msg, param)
			return
		}
		switch b := v.(type) {
		case *body:
			if b != noBody { // noBody: the handler wrote the response (a redirect)
				writeBody(c, b)
			}
		case nil:
			c.Status(http.StatusNoContent)
		default:
			c.PureJSON(http.StatusOK, v)
		}
	}
}

// writeBody writes ready bytes, answering 304 when the client holds the same ETag.
func writeBody(c *gin.Context, b *body) {
	h := c.Writer.Header()
	for k, v := range b.header {
		h.Set(k, v)
	}
	if b.private {
		h.Set("Cache-Control", "private, no-cache")
		h.Set("Vary", "Authorization, Cookie")
	}
	if b.etag != "" {
		h.Set("ETag", b.etag)
		if etagMatches(c.GetHeader("If-None-Match"), b.etag) {
			c.Status(http.StatusNotModified)
			c.Writer.WriteHeaderNow()
			return
		}
	}
	status := b.status
	if status == 0 {
		status = http.StatusOK
	}
	c.Data(status, b.contentType, b.data)
}

// etagMatches implements If-None-Match: a list of (weak or strong) tags, or "*".
func etagMatches(header, etag string) bool {
	if header == "" {
		return false
	}
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == etag {
			return true
		}
	}
	return false
}
