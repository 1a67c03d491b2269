package api

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/hetleerplein/leerplein/warehouse"
	"github.com/hetleerplein/leerplein/warehouse/render"
	"github.com/hetleerplein/leerplein/warehouse/tekst"
)

// jaarverslagPageSource is the printable annual report (/jaarverslag). It lives beside,
// not in, webassets/, so it is not served as a raw asset; its script and style are.
//
//go:embed jaarverslag_page.html
var jaarverslagPageSource string

var jaarverslagTemplate = template.Must(template.New("jaarverslag").Parse(jaarverslagPageSource))

// jaarverslagView is what the report page template shows: the report, or a message
// in its place (Melding) when there is none to show.
type jaarverslagView struct {
	Role, Version, AssetVersion string
	Schooljaar                  string
	Jaren                       []string // the school years with data, for the choice
	Melding                     string   // Dutch; set when there is no report to show
	Tables                      []render.PageTable
	Toelichting                 []string // a protected report's note on the method
	Drempel                     int      // 0: exact figures
	Lopend                      bool
	Datum                       string // the day the report stands on, in Dutch
}

// jaarverslagPage serves /jaarverslag?schooljaar=2018-2019: tables 1 to 9 with their
// notes and the KPI charts up to that year, laid out to print on A4. Analysts and the
// steward see exact figures; bestuur sees the report protected as for publication (what
// GET /api/v1/reports/jaarverslag?openbaar=true&drempel=<the server's threshold>
// gives), the charts as the KPI API gives them to bestuur. Without schooljaar it shows
// the last finished school year with data. A malformed or unknown school year answers
// 400, a year without data a message: both pages in Dutch.
func (s *Server) jaarverslagPage(c *gin.Context) (any, error) {
	ctx := c.Request.Context()
	v := jaarverslagView{Role: callerRole(c).String(), Version: s.cfg.Version, AssetVersion: webVersion}
	jaren, err := s.db.JaarverslagJaren(ctx)
	if err != nil {
		return nil, err
	}
	v.Jaren = jaren
	if err := onlyParams(c, "schooljaar"); err != nil {
		return v.page(http.StatusBadRequest, "Deze pagina kent alleen de keuze schooljaar, bijvoorbeeld /jaarverslag?schooljaar=2018-2019.")
	}
	today := warehouse.Today(s.now())
	sj := c.Query("schooljaar")
	if sj == "" {
		if sj = lastFinished(jaren, today); sj == "" {
			return v.page(http.StatusOK, "Er zijn nog geen gegevens geladen, dus er is nog geen jaarverslag. Zodra de bestanden zijn aangeleverd en geladen, staat het hier.")
		}
	}
	if err := warehouse.ValidateSchooljaar(sj); err != nil {
		return v.page(http.StatusBadRequest, fmt.Sprintf("Schooljaar %q bestaat niet. Schrijf een schooljaar als twee opeenvolgende jaren, bijvoorbeeld 2018-2019.", sj))
	}
	v.Schooljaar = sj
	drempel := 0 // exact
	if callerRole(c) < roleAnalist {
		drempel = max(s.cfg.SmallNumberThreshold, 2)
	}
	report, err := render.NewJaarverslagOn(ctx, s.db, sj, drempel, today)
	switch {
	case errors.Is(err, warehouse.ErrNotCovered):
		return v.page(http.StatusOK, fmt.Sprintf("Voor schooljaar %s zijn er geen gegevens: geen van de aangeleverde bestanden gaat over dat schooljaar, dus er is geen jaarverslag. %s", sj, jarenZin(jaren)))
	case errors.Is(err, warehouse.ErrInvalidSchooljaar):
		return v.page(http.StatusBadRequest, fmt.Sprintf("Schooljaar %s valt buiten de schooljaren die het datawarehouse kent. %s", sj, jarenZin(jaren)))
	case errors.Is(err, warehouse.ErrNoRegion):
		return v.page(http.StatusOK, "Er zijn nog geen gegevens geladen, dus er is nog geen jaarverslag.")
	case err != nil:
		return nil, err
	}
	if drempel > 0 {
		dash, err := s.dashboardReport(c, sj, drempel)
		if err != nil {
			return nil, err
		}
		if dash != nil {
			report = dash
		}
	}
	v.Tables = report.Page()
	v.Toelichting = report.Toelichting()
	v.Drempel = report.Drempel()
	v.Lopend = report.Lopend()
	v.Datum = tekst.Datum(report.Vandaag())
	return v.page(http.StatusOK, "")
}

// dashboardReport is the annual report of sj as bestuur sees it on the dashboard:
// protected by the same pattern as the KPIs (suppress_pattern.go), so that the page and
// the KPIs never show what the other hides, counted in the load that pattern protects.
// Nil for a year the KPIs do not count.
func (s *Server) dashboardReport(c *gin.Context, sj string, drempel int) (*render.Jaarverslag, error) {
	gen, err := s.cache.current(c.Request.Context(), s.db, s.now())
	if err != nil {
		return nil, err
	}
	pat, err := gen.suppression(s.db, s.cfg.SmallNumberThreshold)
	if err != nil {
		return nil, err
	}
	r, ok := gen.report(sj)
	if !ok {
		return nil, nil // a year without KPI figures: the report's own protection is all there is
	}
	cells := warehouse.ProtectJaarverslagWith(r.Cells, r.Layout, func(k [3]string) warehouse.Suppression {
		if st, ok := pat.cells[reportKey(sj, k)]; ok {
			return st
		}
		return warehouse.SuppressedSmall // a count outside the pattern (none is expected) is not shown
	})
	note := append(warehouse.JaarverslagToelichting(sj, drempel),
		"Op het dashboard is de bescherming van dit jaarverslag dezelfde als die van de KPI-grafieken en -tabellen: een aantal dat op de ene plek is weggelaten, is ook op de andere weggelaten, en ook uit beide samen is het niet terug te rekenen.")
	return render.NewJaarverslagProtected(r, cells, drempel, note)
}

// page renders the view with status; melding, when set, takes the report's place.
func (v jaarverslagView) page(status int, melding string) (*body, error) {
	v.Melding = melding
	return htmlPage(jaarverslagTemplate, v, status)
}

// htmlPage renders a page of the dashboard with its security headers.
func htmlPage(t *template.Template, v any, status int) (*body, error) {
	var buf bytes.Buffer
	if err := t.Execute(&buf, v); err != nil {
		return nil, fmt.Errorf("api: render page %s: %w", t.Name(), err)
	}
	return &body{contentType: "text/html; charset=utf-8", data: buf.Bytes(), private: true, status: status,
		header: map[string]string{"Content-Security-Policy": webCSP, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"}}, nil
}

// lastFinished is the last school year of jaren that was over on today, or the last
// one when none was; "" for none.
func lastFinished(jaren []string, today time.Time) string {
	for i := len(jaren) - 1; i >= 0; i-- {
		if end, err := time.Parse(time.DateOnly, jaren[i][5:]+"-07-31"); err == nil && today.After(end) {
			return jaren[i]
		}
	}
	if len(jaren) > 0 {
		return jaren[len(jaren)-1]
	}
	return ""
}

// jarenZin says which school years have a report, in Dutch.
func jarenZin(jaren []string) string {
	switch len(jaren) {
	case 0:
		return "Er zijn nog geen gegevens geladen."
	case 1:
		return "Er is alleen een jaarverslag van schooljaar " + jaren[0] + "."
	}
	return fmt.Sprintf("Er zijn jaarverslagen van de schooljaren %s t/m %s.", jaren[0], jaren[len(jaren)-1])
}
