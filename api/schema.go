package api

import (
	"github.com/gin-gonic/gin"

	"github.com/hetleerplein/leerplein/warehouse"
)

// SchemaResponse is the body of GET /api/v1/schema.
type SchemaResponse struct {
	Schema string       `json:"schema"`
	Views  []SchemaView `json:"views"`
}

// SchemaView is one analyst view as GET /api/v1/schema lists it.
type SchemaView struct {
	Name          string         `json:"name"`
	DescriptionNL string         `json:"description_nl"`
	DescriptionEN string         `json:"description_en"`
	Columns       []SchemaColumn `json:"columns"`
}

// SchemaColumn is one column of an analyst view.
type SchemaColumn struct {
	Name          string `json:"name"`
	Type          string `json:"type"`
	DescriptionNL string `json:"description_nl"`
	DescriptionEN string `json:"description_en"`
}

// getSchema lists the tables the SQL sandbox holds (the analyst views) with their
// columns and descriptions in Dutch and English: the same source as docs/schema.md.
func (s *Server) getSchema(c *gin.Context) (any, error) {
	if err := noParams(c); err != nil {
		return nil, err
	}
	views := warehouse.AnalistSchema()
	out := make([]SchemaView, len(views))
	for i, v := range views {
		cols := make([]SchemaColumn, len(v.Columns))
		for j, col := range v.Columns {
			cols[j] = SchemaColumn{Name: col.Name, Type: col.Type, DescriptionNL: col.DescriptionNL, DescriptionEN: col.DescriptionEN}
		}
		out[i] = SchemaView{Name: v.Name, DescriptionNL: v.DescriptionNL, DescriptionEN: v.DescriptionEN, Columns: cols}
	}
	return SchemaResponse{Schema: warehouse.AnalistSchemaName, Views: out}, nil
}
