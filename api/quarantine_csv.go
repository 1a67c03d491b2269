package api

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/hetleerplein/leerplein/warehouse"
)

// quarantineCSVMax caps the rows of a quarantine download: more than a spreadsheet
// shows comfortably, and a bounded answer. A larger quarantine ends with a line that
// says so; run= or feed= narrows it.
const quarantineCSVMax = 100_000

// quarantineCSV writes every quarantined problem of f as a ';'-separated CSV with a
// Dutch header, for a spreadsheet. Its values come from the delivered files, so every
// text is neutralised (warehouse.SafeCellText): a value that starts like a formula
// cannot run as one.
func (s *Server) quarantineCSV(c *gin.Context, f warehouse.QuarantineFilter) (any, error) {
	rows, total, err := s.db.QuarantineRows(c.Request.Context(), f, quarantineCSVMax)
	if err != nil {
		return nil, err
	}
	file := "quarantaine"
	if f.RunID != 0 {
		file += fmt.Sprintf("_run%d", f.RunID)
	}
	if f.Feed != "" {
		file += "_" + sanitizeFileName(f.Feed)
	}
	return download(c, file, "csv", func(w io.Writer) error {
		cw := csv.NewWriter(w)
		cw.Comma = ';'
		safe := func(fields ...string) []string {
			for i, v := range fields {
				fields[i] = warehouse.SafeCellText(v)
			}
			return fields
		}
		if err := cw.Write([]string{"bestand", "regel", "blad", "kolom", "waarde", "reden"}); err != nil {
			return err
		}
		for _, r := range rows {
			value := ""
			if r.Value != nil {
				value = *r.Value
			}
			if err := cw.Write(safe(r.FileName, strconv.FormatInt(r.Line, 10), r.Sheet, r.Column, value, r.Reason)); err != nil {
				return err
			}
		}
		if total > int64(len(rows)) {
			note := fmt.Sprintf("afgekapt: de eerste %d van %d problemen; vraag minder op met run= of feed=", len(rows), total)
			if err := cw.Write([]string{"", "", "", "", "", note}); err != nil {
				return err
			}
		}
		cw.Flush()
		return cw.Error()
	})
}

// sanitizeFileName keeps letters, digits, '_' and '-' of a name for a download's file name.
func sanitizeFileName(s string) string {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_', r == '-':
			out = append(out, r)
		}
	}
	return string(out)
}
