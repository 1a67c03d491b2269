package api

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"mime"
	"path"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/hetleerplein/leerplein/warehouse"
)

// webFS holds the built-in dashboard: the page template and its assets. Everything is
// in the binary, so the dashboard works on a machine without internet access.
//
//go:embed webassets
var webFS embed.FS

// webPageName and kpiPageName are the page templates and partialName their shared
// part; every other file of webassets/ is served under /assets/.
const (
	webPageName = "index.html"
	kpiPageName = "kpi.html"
	partialName = "kop.html" // the header and filters both pages share
)

var (
	webPage = template.Must(template.ParseFS(webFS, "webassets/"+webPageName, "webassets/"+partialName))
	kpiPage = template.Must(template.ParseFS(webFS, "webassets/"+kpiPageName, "webassets/"+partialName))
)

// webVersion is computed once from the embedded assets, which never change at run time.
var webVersion = webAssetVersion()

// webView is what the page template shows before the script fetches the figures.
type webView struct {
	Role         string
	Version      string
	AssetVersion string // changes when the assets change, so browsers fetch them anew
	Subregios    []webOption
	Gemeenten    []webOption // the gemeenten of the latest school year
	// Voormalig are the gemeenten that did not exist in the latest school year: still
	// reachable, for the school years of their own existence (Van … Tot).
	Voormalig []webOption
	KPI       *kpiView // the KPI of a detail page (/kpi/{id})
}

// kpiView is what a KPI's detail page states about the KPI before the figures arrive.
type kpiView struct {
	ID, TitleNL, DescriptionNL, TargetNL string
	Query, SQL                           string // the metric's file under sql/ and its text
	HasTarget                            bool   // false: a context figure, whose target text says so
}

type webOption struct {
	Code, Naam, Subregio string
	Van, Tot             string // school years; empty: not limited
	Periode              string // "t/m 2018-2019", for the option's label
}

// webCSP keeps the page to its own assets: no inline script, nothing from elsewhere.
const webCSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// webIndex serves the dashboard page with the filter choices of the current load.
func (s *Server) webIndex(c *gin.Context) (any, error) {
	snap, err := s.snapshot(c)
	if err != nil {
		return nil, err
	}
	return renderPage(c, webPage, s.pageView(c, snap))
}

// pageView is what every dashboard page shows before its script fetches the figures:
// who is logged in and the filter choices of the current load.
func (s *Server) pageView(c *gin.Context, snap *warehouse.KPISnapshot) webView {
	v := webView{Role: callerRole(c).String(), Version: s.cfg.Version, AssetVersion: webVersion}
	for _, sr := range snap.Subregios {
		v.Subregios = append(v.Subregios, webOption{Code: sr.Code, Naam: sr.Naam})
	}
	v.Gemeenten, v.Voormalig = gemeenteChoices(snap)
	return v
}

// renderPage answers a dashboard page: its own assets only, never cached by others.
func renderPage(c *gin.Context, page *template.Template, v webView) (any, error) {
	var buf bytes.Buffer
	if err := page.Execute(&buf, v); err != nil {
		return nil, fmt.Errorf("api: render page %s: %w", page.Name(), err)
	}
	c.Header("Content-Security-Policy", webCSP)
	c.Header("X-Content-Type-Options", "nosniff")
	c.Header("Referrer-Policy", "same-origin")
	return &body{contentType: "text/html; charset=utf-8", data: buf.Bytes(), private: true}, nil
}

// webKPI serves a KPI's detail page (/kpi/{id}): what it counts, the SQL that counts
// it, and the page's places for the figures, which the script fills with the filter
// choices of the dashboard. An unknown KPI is a page that says so.
func (s *Server) webKPI(c *gin.Context) (any, error) {
	if err := onlyParams(c, "subregio", "gemeente"); err != nil {
		return nil, err
	}
	def, err := warehouse.LookupKPI(c.Param("id"))
	if err != nil {
		return nil, err
	}
	text, err := warehouse.KPIQueryText(def.ID)
	if err != nil {
		return nil, err
	}
	snap, err := s.snapshot(c)
	if err != nil {
		return nil, err
	}
	v := s.pageView(c, snap)
	v.KPI = &kpiView{ID: def.ID, TitleNL: def.TitleNL, DescriptionNL: def.DescriptionNL, TargetNL: def.Target.TextNL,
		Query: def.Query, SQL: text, HasTarget: def.Target.Kind != warehouse.TargetNone}
	return renderPage(c, kpiPage, v)
}

// gemeenteChoices splits the region's gemeenten into those of the latest school year,
// offered as current choices, and those that did not exist then (merged away, or not
// yet formed), with the school years of their existence: still reachable for those.
func gemeenteChoices(snap *warehouse.KPISnapshot) (current, former []webOption) {
	latest := ""
	if len(snap.Years) > 0 {
		latest = snap.Years[len(snap.Years)-1]
	}
	for _, g := range snap.Gemeenten {
		o := webOption{Code: g.Code, Naam: g.Naam, Subregio: g.Subregio}
		if latest == "" || existsIn(g, latest) {
			current = append(current, o)
			continue
		}
		if g.Vanaf != nil {
			o.Van = schoolYearOf(*g.Vanaf)
		}
		if g.Tot != nil {
			o.Tot = schoolYearOf(*g.Tot)
		}
		switch {
		case o.Van != "" && o.Tot != "":
			o.Periode = o.Van + " t/m " + o.Tot
		case o.Tot != "":
			o.Periode = "t/m " + o.Tot
		default:
			o.Periode = "vanaf " + o.Van
		}
		former = append(former, o)
	}
	return current, former
}

// existsIn reports whether gemeente g existed during (part of) school year y.
func existsIn(g warehouse.Gemeente, y string) bool {
	begin, _ := time.Parse(time.DateOnly, y[:4]+"-08-01")
	end, _ := time.Parse(time.DateOnly, y[5:]+"-07-31")
	return (g.Vanaf == nil || !g.Vanaf.After(end)) && (g.Tot == nil || !g.Tot.Before(begin))
}

// schoolYearOf is the school year a day falls in: 1 August to 31 July.
func schoolYearOf(t time.Time) string {
	y := t.Year()
	if t.Month() < time.August {
		y--
	}
	return fmt.Sprintf("%d-%d", y, y+1)
}

// webAssets serves the dashboard's CSS, script and icon. They hold no data, so they
// are open and cacheable; the ETag is their hash.
func (s *Server) webAssets(c *gin.Context) (any, error) {
	name := strings.TrimPrefix(path.Clean("/"+c.Param("path")), "/")
	if name == "" || name == webPageName || name == kpiPageName || name == partialName || strings.Contains(name, "/") {
		return nil, errNotFound
	}
	data, err := webFS.ReadFile("webassets/" + name)
	if err != nil {
		return nil, errNotFound
	}
	ctype := mime.TypeByExtension(path.Ext(name))
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	if strings.HasPrefix(ctype, "text/") && !strings.Contains(ctype, "charset") {
		ctype += "; charset=utf-8"
	}
	sum := sha256.Sum256(data)
	c.Header("Cache-Control", "public, max-age=3600")
	c.Header("X-Content-Type-Options", "nosniff")
	return &body{contentType: ctype, data: data, etag: `"` + hex.EncodeToString(sum[:12]) + `"`}, nil
}

// webAssetVersion is a short hash over every asset, for cache-busting URLs.
func webAssetVersion() string {
	h := sha256.New()
	entries, _ := webFS.ReadDir("webassets")
	for _, e := range entries {
		data, _ := webFS.ReadFile("webassets/" + e.Name())
		h.Write([]byte(e.Name()))
		h.Write(data)
	}
	return hex.EncodeToString(h.Sum(nil))[:10]
}
