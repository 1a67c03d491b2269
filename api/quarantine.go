package api

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/hetleerplein/leerplein/warehouse"
	"github.com/hetleerplein/leerplein/warehouse/tekst"
)

// Bounds of the quarantine resource. A download holds more rows than a spreadsheet shows
// comfortably and stays a bounded answer; a larger quarantine says so in the file, and
// run=, feed=, gemeente= or reden= narrows it.
const (
	quarantineDownloadMax = 100_000
	quarantineJSONMax     = 1_000
)

// The JSON of /api/v1/quarantine; api/openapi.json describes the same.

type quarantineJSON struct {
	Filter          quarantineFilterJSON  `json:"filter"`
	Runs            []int64               `json:"runs"`
	Problems        int64                 `json:"problems"`
	QuarantinedRows int64                 `json:"quarantined_rows"`
	Totals          []quarantineTotalJSON `json:"totals"`
	Groups          []quarantineGroupJSON `json:"groups"`
	Rows            []quarantineRowJSON   `json:"rows"`
	Truncated       bool                  `json:"truncated"`
	Note            string                `json:"note,omitempty"` // Dutch: that rows were cut, and how to narrow
	Choices         quarantineChoicesJSON `json:"choices"`
}

type quarantineFilterJSON struct {
	Run          *int64  `json:"run"`
	Feed         *string `json:"feed"`
	Gemeente     *string `json:"gemeente"`
	GemeenteNaam *string `json:"gemeente_naam"`
	Reden        *string `json:"reden"`
}

type quarantineTotalJSON struct {
	ReasonCode string `json:"reason_code"`
	Reason     string `json:"reason"` // the code's title in Dutch
	Problems   int64  `json:"problems"`
	Rows       int64  `json:"rows"`
}

type quarantineGroupJSON struct {
	Feed       string              `json:"feed"`
	Column     string              `json:"column"`
	ReasonCode string              `json:"reason_code"`
	Reason     string              `json:"reason"`
	Problems   int64               `json:"problems"`
	Rows       int64               `json:"rows"`
	Examples   []quarantineRowJSON `json:"examples"`
}

type quarantineRowJSON struct {
	RunID        int64    `json:"run_id"`
	Feed         string   `json:"feed"`
	FileName     string   `json:"file_name"`
	Line         int64    `json:"line"`
	Sheet        *string  `json:"sheet"`
	Column       string   `json:"column"`
	Value        *string  `json:"value"`
	ReasonCode   string   `json:"reason_code"`
	ReasonParams []string `json:"reason_params"`
	Reason       string   `json:"reason"` // in Dutch
	Gemeente     *string  `json:"gemeente"`
}

// quarantineChoicesJSON are the values each filter parameter can take over the whole
// quarantine, named after the parameter: what a page offers to choose from.
type quarantineChoicesJSON struct {
	Feed     []quarantineChoiceJSON `json:"feed"`
	Gemeente []quarantineChoiceJSON `json:"gemeente"`
	Reden    []quarantineChoiceJSON `json:"reden"`
}

type quarantineChoiceJSON struct {
	Value string `json:"value"`
	Label string `json:"label"` // in Dutch
}

func choicesJSON(in []warehouse.QuarantineChoice) []quarantineChoiceJSON {
	out := make([]quarantineChoiceJSON, len(in))
	for i, c := range in {
		out[i] = quarantineChoiceJSON{Value: c.Value, Label: c.Label}
	}
	return out
}

func toQuarantineRowJSON(r warehouse.QuarantineRow) quarantineRowJSON {
	out := quarantineRowJSON{RunID: r.RunID, Feed: r.Feed, FileName: r.FileName, Line: r.Line, Sheet: strPtr(r.Sheet),
		Column: r.Column, Value: r.Value, ReasonCode: string(r.Reason.Code), ReasonParams: r.Reason.Params,
		Reason: r.ReasonNL(), Gemeente: strPtr(r.Gemeente)}
	if out.ReasonParams == nil {
		out.ReasonParams = []string{}
	}
	if strings.EqualFold(r.Column, "bsn") {
		out.Value = nil // never a BSN, whatever the ledger holds
	}
	return out
}

// listQuarantine serves the quarantine (beheer only), narrowed by run, feed, gemeente
// and reden (a reason code). As JSON: the totals per reason and the runs they cover, the
// problems grouped by feed, column and reason with a few examples each, and the first
// problems one by one. With format=csv or format=xlsx: a download of every problem (up
// to quarantineDownloadMax) for the sender to fix the source. The bsn column's value is
// never shown.
func (s *Server) listQuarantine(c *gin.Context) (any, error) {
	if err := onlyParams(c, "run", "feed", "gemeente", "reden", "format"); err != nil {
		return nil, err
	}
	format := c.Query("format")
	switch format {
	case "", "json", "csv", "xlsx":
	default:
		return nil, badParam("format", "onbekend formaat %q; kies json, csv of xlsx", format)
	}
	ctx := c.Request.Context()
	f, naam, err := s.db.ParseQuarantineFilter(ctx, warehouse.QuarantineFilterText{
		Run: c.Query("run"), Feed: c.Query("feed"), Gemeente: c.Query("gemeente"), Reason: c.Query("reden")})
	if err != nil {
		return nil, err
	}
	totals, err := s.db.QuarantineTotals(ctx, f)
	if err != nil {
		return nil, err
	}
	switch format {
	case "csv", "xlsx":
		d := warehouse.QuarantineDownload{Filter: f, GemeenteNaam: naam, Totals: totals,
			Limit: quarantineDownloadMax, Made: s.now()}
		return s.quarantineDownload(c, d, format)
	}
	out := quarantineJSON{Filter: quarantineFilter(f, naam), Runs: totals.Runs, Problems: totals.Problems,
		QuarantinedRows: totals.Rows, Totals: []quarantineTotalJSON{}, Groups: []quarantineGroupJSON{}, Rows: []quarantineRowJSON{}}
	for _, t := range totals.ByReason {
		out.Totals = append(out.Totals, quarantineTotalJSON{ReasonCode: string(t.Code), Reason: tekst.Titel(t.Code),
			Problems: t.Problems, Rows: t.Rows})
	}
	choices, err := s.db.QuarantineChoices(ctx)
	if err != nil {
		return nil, err
	}
	out.Choices = quarantineChoicesJSON{Feed: choicesJSON(choices.Feeds), Gemeente: choicesJSON(choices.Gemeenten),
		Reden: choicesJSON(choices.Reasons)}
	groups, err := s.db.Quarantine(ctx, f, quarantineExample)
	if err != nil {
		return nil, err
	}
	for _, g := range groups {
		gj := quarantineGroupJSON{Feed: g.Feed, Column: g.Column, ReasonCode: string(g.ReasonCode), Reason: g.Reason,
			Problems: g.Problems, Rows: g.Rows, Examples: make([]quarantineRowJSON, 0, len(g.Examples))}
		for _, e := range g.Examples {
			gj.Examples = append(gj.Examples, toQuarantineRowJSON(e))
		}
		out.Groups = append(out.Groups, gj)
	}
	if _, err := s.db.EachQuarantineRow(ctx, f, quarantineJSONMax, func(r warehouse.QuarantineRow) error {
		out.Rows = append(out.Rows, toQuarantineRowJSON(r))
		return nil
	}); err != nil {
		return nil, err
	}
	if totals.Problems > int64(len(out.Rows)) {
		out.Truncated = true
		out.Note = fmt.Sprintf("rows bevat de eerste %s van %s; download alles met format=csv of format=xlsx (tot %s), of vraag minder op met run, feed, gemeente of reden",
			tekst.Getal(int64(len(out.Rows))), tekst.Aantal(totals.Problems, "probleem", "problemen"), tekst.Getal(quarantineDownloadMax))
	}
	return out, nil
}

func quarantineFilter(f warehouse.QuarantineFilter, naam string) quarantineFilterJSON {
	out := quarantineFilterJSON{Feed: strPtr(f.Feed), Gemeente: strPtr(f.Gemeente), GemeenteNaam: strPtr(naam),
		Reden: strPtr(string(f.Reason))}
	if f.RunID != 0 {
		out.Run = &f.RunID
	}
	return out
}

// quarantineDownload answers the quarantine as an attachment: CSV streamed row by row
// from the warehouse, XLSX built first (rows on disk beyond a few megabytes) and then
// sent. Until the first byte is sent a failure is an ordinary error answer; after it,
// the transfer breaks off and the log says why.
func (s *Server) quarantineDownload(c *gin.Context, d warehouse.QuarantineDownload, format string) (any, error) {
	runs := make([]string, len(d.Totals.Runs))
	for i, r := range d.Totals.Runs {
		runs[i] = strconv.FormatInt(r, 10)
	}
	h := c.Writer.Header()
	setHeaders := func(contentType, ext string) {
		h.Set("Content-Type", contentType)
		h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.%s"`, d.FileName(), ext))
		h.Set("Cache-Control", "private, no-cache")
		h.Set("X-Leerplein-Runs", strings.Join(runs, ","))
		h.Set("X-Leerplein-Truncated", strconv.FormatBool(d.Truncated()))
	}
	clearHeaders := func() {
		for _, k := range []string{"Content-Disposition", "Cache-Control", "X-Leerplein-Runs", "X-Leerplein-Truncated"} {
			h.Del(k)
		}
	}
	if format == "xlsx" {
		wb, err := s.db.QuarantineXLSX(c.Request.Context(), d)
		if err != nil {
			return nil, err
		}
		defer wb.Close()
		setHeaders(contentXLSX, "xlsx")
		if _, err := wb.WriteTo(c.Writer); err != nil {
			if !c.Writer.Written() {
				clearHeaders()
				return nil, err
			}
			s.log.Error("quarantine download broken off", "format", format, "err", err)
		}
		return noBody, nil
	}
	setHeaders(contentCSV, "csv")
	if err := s.db.WriteQuarantineCSV(c.Request.Context(), c.Writer, d); err != nil {
		if !c.Writer.Written() {
			clearHeaders()
			return nil, err
		}
		s.log.Error("quarantine download broken off", "format", format, "err", err)
	}
	return noBody, nil
}
