package api

import (
	"github.com/gin-gonic/gin"

	"github.com/hetleerplein/leerplein/warehouse"
)

// schemaView is one analyst view as GET /api/v1/schema lists it.
type schemaView struct {
	Name          string         `json:"name"`
	DescriptionNL string         `json:"description_nl"`
	DescriptionEN string         `json:"description_en"`
	Columns       []schemaColumn `json:"columns"`
}

// schemaColumn is one column of an analyst view.
type schemaColumn struct {
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
	out := make([]schemaView, len(views))
	for i, v := range views {
		cols := make([]schemaColumn, len(v.Columns))
		for j, col := range v.Columns {
			cols[j] = schemaColumn{Name: col.Name, Type: col.Type, DescriptionNL: col.DescriptionNL, DescriptionEN: col.DescriptionEN}
		}
		out[i] = schemaView{Name: v.Name, DescriptionNL: v.DescriptionNL, DescriptionEN: v.DescriptionEN, Columns: cols}
	}
	return map[string]any{"schema": warehouse.AnalistSchemaName, "views": out}, nil
}
