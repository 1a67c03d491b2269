package api

import (
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/hetleerplein/leerplein/warehouse"
)

// curveAlias is the KPI id the curve's path also answers to: the KPI without its _pct.
const curveAlias = "thuiszitters_aanbod_binnen_3_maanden"

// curveTitleNL is the curve's title for the KPI page.
const curveTitleNL = "Tijd tot een aanbod: aandeel thuiszitters met een aanbod, per aantal dagen na de start"

// Small numbers on the curve, for the bestuur role (analist and beheer see it exact):
//
//   - no counts at all: n_episodes, censored, at_risk and events are null, as the base of
//     a percentage KPI is never shown;
//   - a school year's curve of 1 to threshold−1 episodes is suppressed whole (status
//     onderdrukt, no steps, no share at three months), as the KPI's percentage is;
//   - the tail of a curve where fewer than threshold episodes were still waiting is cut:
//     each step there is one or two youths' offer day.

// getCurve serves the time-to-offer curves of the homebound episodes (kpi_curve.go in
// the warehouse), per school year of start.
func (s *Server) getCurve(c *gin.Context) (any, error) {
	id := c.Param("id")
	if id != warehouse.OfferCurveKPI && id != curveAlias {
		return nil, fmt.Errorf("warehouse: kpi %q has no curve (only %s): %w", id, warehouse.OfferCurveKPI, warehouse.ErrNotFound)
	}
	f, err := parseCurveQuery(c.Request.URL.Query())
	if err != nil {
		return nil, err
	}
	gen, err := s.cache.current(c.Request.Context(), s.db, s.now())
	if err != nil {
		return nil, err
	}
	suppress := s.suppresses(c)
	key := strings.Join([]string{"curve", f.Subregio, f.Gemeente, f.Van, f.Tot, f.Soort, boolKey(suppress)}, "|")
	b, err := gen.body(key, func() (*body, error) {
		curves, err := gen.snap.OfferCurves(f)
		if err != nil {
			return nil, inDutch(err)
		}
		if n := len(curves.Curves); n > s.cfg.MaxYears {
			return nil, badParam("van", "de periode beslaat %d schooljaren, meer dan de %d toegestane; kies minder schooljaren met van en tot", n, s.cfg.MaxYears)
		}
		if suppress {
			curves = hideCurves(curves, s.cfg.SmallNumberThreshold)
		}
		return jsonBody(curvesOut(curves, !suppress))
	})
	if err != nil {
		return nil, err
	}
	return s.withStaleFeeds(c, warehouse.OfferCurveKPI, b) // jobs_stale.go
}

// parseCurveQuery reads the curve's query string; an unknown parameter is an error in
// Dutch, so a misspelt filter is not silently ignored.
func parseCurveQuery(q url.Values) (warehouse.CurveFilter, error) {
	names := make([]string, 0, len(q))
	for k := range q {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		switch k {
		case "subregio", "gemeente", "van", "tot", "soort":
		default:
			return warehouse.CurveFilter{}, badParam(k, "onbekende parameter; gebruik subregio, gemeente, van, tot of soort")
		}
		if len(q[k]) > 1 {
			return warehouse.CurveFilter{}, badParam(k, "meer dan eens opgegeven")
		}
	}
	return warehouse.CurveFilter{KPIFilter: warehouse.KPIFilter{
		Subregio: strings.TrimSpace(q.Get("subregio")),
		Gemeente: strings.TrimSpace(q.Get("gemeente")),
		Van:      strings.TrimSpace(q.Get("van")),
		Tot:      strings.TrimSpace(q.Get("tot")),
	}, Soort: q.Get("soort")}, nil
}

// inDutch gives a filter error the warehouse has a Dutch message for in Dutch.
func inDutch(err error) error {
	var we *warehouse.ParamError
	if errors.As(err, &we) && we.NL != "" {
		return &paramError{param: we.Param, msg: we.NL}
	}
	return err
}

// hideCurves is c as the bestuur role sees it (see the top of this file). It returns a
// copy; counts are dropped when the JSON is written.
func hideCurves(c warehouse.OfferCurves, threshold int) warehouse.OfferCurves {
	out := c
	out.Curves = make([]warehouse.OfferCurve, len(c.Curves))
	for i, cv := range c.Curves {
		if isSmall(float64(cv.Episodes), threshold) {
			cv.Suppressed, cv.At3Months, cv.Steps = true, nil, []warehouse.CurveStep{}
		} else {
			steps := []warehouse.CurveStep{}
			for _, st := range cv.Steps {
				if st.AtRisk < threshold {
					break // at-risk only falls
				}
				steps = append(steps, st)
			}
			cv.Steps = steps
		}
		out.Curves[i] = cv
	}
	return out
}

// The JSON of the curve; api/openapi.json describes it as OfferCurves.
type curvesJSON struct {
	ID          string          `json:"id"`
	Unit        string          `json:"unit"`
	TitleNL     string          `json:"title_nl"`
	NoteNL      string          `json:"note_nl"`
	Filter      curveFilterJSON `json:"filter"`
	Through     *string         `json:"through"`
	CountsShown bool            `json:"counts_shown"`
	Curves      []curveJSON     `json:"curves"`
	DataAsOf    *time.Time      `json:"data_as_of"`
	Coverage    *coverageJSON   `json:"coverage"`
}

type curveFilterJSON struct {
	filterJSON
	Soort *string `json:"soort"`
}

type curveJSON struct {
	SchoolYear string     `json:"school_year"`
	Status     *string    `json:"status"`
	Suppressed bool       `json:"suppressed"`
	Lopend     bool       `json:"lopend"`
	Episodes   *int       `json:"n_episodes"`
	Censored   *int       `json:"censored"`
	At3Months  *float64   `json:"share_at_3_months"`
	Steps      []stepJSON `json:"steps"`
}

type stepJSON struct {
	Day          int     `json:"day"`
	AtRisk       *int    `json:"at_risk"`
	Events       *int    `json:"events"`
	ShareOffered float64 `json:"share_offered"`
	Low          float64 `json:"low"`
	High         float64 `json:"high"`
}

// curvesOut writes the curves; counts only when the caller may see them.
func curvesOut(c warehouse.OfferCurves, counts bool) curvesJSON {
	count := func(n int) *int {
		if !counts {
			return nil
		}
		return &n
	}
	out := curvesJSON{ID: warehouse.OfferCurveKPI, Unit: warehouse.UnitPercent, TitleNL: curveTitleNL, NoteNL: c.NoteNL,
		Filter: curveFilterJSON{filterJSON: filterOut(c.Filter.KPIFilter)}, Through: dateOrNil(c.Through),
		CountsShown: counts, Curves: make([]curveJSON, 0, len(c.Curves)), DataAsOf: timeOrNil(c.DataAsOf),
		Coverage: coverageOut(c.Coverage)}
	if c.Filter.Soort != "" {
		v := c.Filter.Soort
		out.Filter.Soort = &v
	}
	for _, cv := range c.Curves {
		at3, st := shown(cv.At3Months, cv.Suppressed, cv.Status)
		j := curveJSON{SchoolYear: cv.SchoolYear, Status: st, Suppressed: cv.Suppressed, Lopend: cv.Lopend,
			At3Months: at3, Steps: make([]stepJSON, 0, len(cv.Steps))}
		if cv.Status.IsValue() && !cv.Suppressed {
			j.Episodes, j.Censored = count(cv.Episodes), count(cv.Censored)
			for _, s := range cv.Steps {
				j.Steps = append(j.Steps, stepJSON{Day: s.Day, AtRisk: count(s.AtRisk), Events: count(s.Events),
					ShareOffered: s.Offered, Low: s.Low, High: s.High})
			}
		}
		out.Curves = append(out.Curves, j)
	}
	return out
}
