package api

import (
	_ "embed"

	"github.com/gin-gonic/gin"
)

// openAPIDocument is the OpenAPI 3 description of this API; a test validates real
// responses against it.
//
//go:embed openapi.json
var openAPIDocument []byte

// openAPI serves the description.
func (s *Server) openAPI(*gin.Context) (any, error) {
	return &body{contentType: "application/json; charset=utf-8", data: openAPIDocument}, nil
}
