package api

import (
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/hetleerplein/leerplein/warehouse"
)

// kpiSeries is a KPI series as the caller's role may see it: exact for analist and
// beheer, small numbers suppressed for bestuur (by the load's one suppression pattern,
// suppress_pattern.go). It is computed once per load and filter from the in-memory
// snapshot, so it costs no query. The caller may modify the
// result (it is a copy).
func (s *Server) kpiSeries(c *gin.Context, id string, f warehouse.KPIFilter) (warehouse.KPISeries, error) {
	gen, err := s.cache.current(c.Request.Context(), s.db, s.now())
	if err != nil {
		return warehouse.KPISeries{}, err
	}
	return s.seriesFrom(gen, id, f, s.suppresses(c))
}

func (s *Server) seriesFrom(gen *generation, id string, f warehouse.KPIFilter, suppress bool) (warehouse.KPISeries, error) {
	v, err := gen.value(valueKey("series", id, f, suppress), func() (any, error) {
		series, err := gen.snap.Series(id, f)
		if err != nil {
			return nil, err
		}
		if err := s.checkYears(len(series.Points)); err != nil {
			return nil, err
		}
		if suppress {
			pat, err := gen.suppression(s.db, s.cfg.SmallNumberThreshold)
			if err != nil {
				return nil, err
			}
			series = pat.series(series)
		}
		return series, nil
	})
	if err != nil {
		return warehouse.KPISeries{}, err
	}
	series := v.(warehouse.KPISeries)
	series.Points = slices.Clone(series.Points)
	if series.Baseline != nil {
		b := *series.Baseline
		series.Baseline = &b
	}
	series.InProgress = cloneInProgress(series.InProgress)
	return series, nil
}

// monthlyAbsence is verzuim_meldingen_maand as the caller's role may see it, with a
// `totaal` per month (complementary suppression keeps the parts safe). The caller may
// modify the result (it is a copy).
func (s *Server) monthlyAbsence(c *gin.Context, f warehouse.KPIFilter) ([]warehouse.MonthPoint, warehouse.LoadState, error) {
	gen, err := s.cache.current(c.Request.Context(), s.db, s.now())
	if err != nil {
		return nil, warehouse.LoadState{}, err
	}
	points, err := s.monthsFrom(gen, f, s.suppresses(c))
	return points, gen.snap.State, err
}

func (s *Server) monthsFrom(gen *generation, f warehouse.KPIFilter, suppress bool) ([]warehouse.MonthPoint, error) {
	v, err := gen.value(valueKey("months", warehouse.MonthlyID, f, suppress), func() (any, error) {
		rf, err := gen.snap.ResolveFilter(f, true)
		if err != nil {
			return nil, err
		}
		points, err := gen.snap.MonthlyAbsence(rf)
		if err != nil {
			return nil, err
		}
		if err := s.checkYears((len(points) + 35) / 36); err != nil {
			return nil, err
		}
		points = withMonthTotals(points)
		if len(points) > s.cfg.MaxRows {
			return nil, badParam("van", "the range gives %d rows, more than the %d allowed; choose fewer school years with van and tot", len(points), s.cfg.MaxRows)
		}
		if suppress {
			pat, err := gen.suppression(s.db, s.cfg.SmallNumberThreshold)
			if err != nil {
				return nil, err
			}
			points = pat.months(points, rf)
		}
		return points, nil
	})
	if err != nil {
		return nil, err
	}
	return slices.Clone(v.([]warehouse.MonthPoint)), nil
}

func valueKey(kind, id string, f warehouse.KPIFilter, suppress bool) string {
	return strings.Join([]string{kind, id, f.Subregio, f.Gemeente, f.Van, f.Tot, boolKey(suppress)}, "|")
}

// snapshot is the KPI snapshot of the current load (gemeenten, sub-regions and school
// years, for filters and Grafana variables).
func (s *Server) snapshot(c *gin.Context) (*warehouse.KPISnapshot, error) {
	gen, err := s.cache.current(c.Request.Context(), s.db, s.now())
	if err != nil {
		return nil, err
	}
	return gen.snap, nil
}

// suppresses reports whether the caller sees small numbers suppressed.
func (s *Server) suppresses(c *gin.Context) bool { return callerRole(c) < roleAnalist }

// checkYears is the range guard: a series may span at most MaxYears school years.
func (s *Server) checkYears(n int) error {
	if n > s.cfg.MaxYears {
		return badParam("van", "the range spans %d school years, more than the %d allowed; narrow it with van and tot", n, s.cfg.MaxYears)
	}
	return nil
}

// kpiQuery is a parsed /api/v1/kpis/{id} query string.
type kpiQuery struct {
	filter  warehouse.KPIFilter
	format  string // json, csv, rows
	decimal string // comma, point (csv only)
}

// parseKPIQuery reads and checks the query string; an unknown parameter is an error,
// so a misspelt filter is not silently ignored.
func parseKPIQuery(q url.Values) (kpiQuery, error) {
	names := make([]string, 0, len(q))
	for k := range q {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		switch k {
		case "subregio", "gemeente", "van", "tot", "format", "decimal":
		default:
			return kpiQuery{}, badParam(k, "unknown parameter; use subregio, gemeente, van, tot, format or decimal")
		}
		if len(q[k]) > 1 {
			return kpiQuery{}, badParam(k, "given more than once")
		}
	}
	kq := kpiQuery{
		filter: warehouse.KPIFilter{
			Subregio: strings.TrimSpace(q.Get("subregio")),
			Gemeente: strings.TrimSpace(q.Get("gemeente")),
			Van:      strings.TrimSpace(q.Get("van")),
			Tot:      strings.TrimSpace(q.Get("tot")),
		},
		format:  q.Get("format"),
		decimal: q.Get("decimal"),
	}
	switch kq.format {
	case "":
		kq.format = "json"
	case "json", "csv", "rows":
	default:
		return kpiQuery{}, badParam("format", "unknown format %q; use json, csv or rows", kq.format)
	}
	switch {
	case kq.decimal != "" && kq.format != "csv":
		return kpiQuery{}, badParam("decimal", "applies to format=csv only")
	case kq.decimal == "":
		kq.decimal = "comma"
	case kq.decimal != "comma" && kq.decimal != "point":
		return kpiQuery{}, badParam("decimal", "unknown value %q; use comma (the default) or point", kq.decimal)
	}
	return kq, nil
}

// cacheKey names a response: the same key under the same load gives the same bytes.
func (kq kpiQuery) cacheKey(id string, suppressed bool) string {
	f := kq.filter
	return strings.Join([]string{id, f.Subregio, f.Gemeente, f.Van, f.Tot, kq.format, kq.decimal, boolKey(suppressed)}, "|")
}

func boolKey(b bool) string {
	if b {
		return "s"
	}
	return "x"
}

// listKPIs serves the catalogue.
func (s *Server) listKPIs(c *gin.Context) (any, error) {
	if len(c.Request.URL.Query()) > 0 {
		for k := range c.Request.URL.Query() {
			return nil, badParam(k, "the catalogue takes no parameters")
		}
	}
	gen, err := s.cache.current(c.Request.Context(), s.db, s.now())
	if err != nil {
		return nil, err
	}
	return gen.body("catalogue", func() (*body, error) {
		out := catalogueJSON{DataAsOf: timeOrNil(gen.snap.State.DataAsOf), MonthlySeries: monthlyCatalogue()}
		for _, d := range warehouse.KPICatalogue() {
			out.KPIs = append(out.KPIs, defJSON(d, gen.snap.SeriesBreaksOf(d)))
		}
		return jsonBody(out)
	})
}

// getKPI serves one series (or the monthly series) in JSON, CSV or flat rows.
func (s *Server) getKPI(c *gin.Context) (any, error) {
	id := c.Param("id")
	kq, err := parseKPIQuery(c.Request.URL.Query())
	if err != nil {
		return nil, err
	}
	if id != warehouse.MonthlyID {
		if _, err := warehouse.LookupKPI(id); err != nil {
			return nil, err
		}
	}
	gen, err := s.cache.current(c.Request.Context(), s.db, s.now())
	if err != nil {
		return nil, err
	}
	suppress := s.suppresses(c)
	b, err := gen.body(kq.cacheKey(id, suppress), func() (*body, error) {
		if id == warehouse.MonthlyID {
			f, err := gen.snap.ResolveFilter(kq.filter, true)
			if err != nil {
				return nil, err
			}
			points, err := s.monthsFrom(gen, f, suppress)
			if err != nil {
				return nil, err
			}
			return renderMonthly(points, gen.snap.State, f, kq)
		}
		series, err := s.seriesFrom(gen, id, kq.filter, suppress)
		if err != nil {
			return nil, err
		}
		return renderSeries(series, kq)
	})
	if err != nil {
		return nil, err
	}
	return s.withStaleFeeds(c, id, b) // jobs_stale.go
}

// healthz is open: it says the process is up and whether the warehouse answers.
func (s *Server) healthz(c *gin.Context) (any, error) {
	if err := s.db.PingContext(c.Request.Context()); err != nil {
		return nil, err
	}
	return map[string]string{"status": "ok", "version": s.cfg.Version}, nil
}

// benchStatic answers Config.StaticBody from memory: the baseline of the bench.
func (s *Server) benchStatic(c *gin.Context) (any, error) {
	return &body{contentType: "application/json; charset=utf-8", data: s.cfg.StaticBody}, nil
}

func timeOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}
