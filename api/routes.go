package api

import "github.com/gin-gonic/gin"

// route is one entry of the route table: who may call it and what answers.
type route struct {
	method, path string
	access       access
	handler      gin.HandlerFunc
}

// access says who may call a route: anyone, or callers with at least a role. A browser
// route sends an unauthenticated caller to the login page instead of answering 401.
type access struct {
	min     role // roleNone: open to anyone
	browser bool
}

var (
	open       = access{}
	anyRole    = access{min: roleBestuur}
	anyRoleWeb = access{min: roleBestuur, browser: true}
	analistUp  = access{min: roleAnalist} // analist and beheer
	beheerOnly = access{min: roleBeheer}
)

// routes is every route of the server, in one list.
func (s *Server) routes() []route {
	r := []route{
		{"GET", "/healthz", open, s.handle(s.healthz)},

		// KPI API (kpi.go); the monthly series is served as /api/v1/kpis/verzuim_meldingen_maand.
		{"GET", "/api/v1/kpis", anyRole, s.handle(s.listKPIs)},
		{"GET", "/api/v1/kpis/:id", anyRole, s.handle(s.getKPI)},
		{"GET", "/api/v1/kpis/:id/curve", anyRole, s.handle(s.getCurve)}, // kpi_curve.go: time to an offer
		{"GET", "/api/v1/openapi.json", open, s.handle(s.openAPI)},
		{"GET", "/api/v1/loads", beheerOnly, s.handle(s.listLoads)},

		// Analysts' SQL sandbox (sql.go), its schema (schema.go) and audit (audit.go).
		{"POST", "/api/v1/sql", analistUp, s.handle(s.postSQL)},
		{"GET", "/api/v1/schema", anyRole, s.handle(s.getSchema)},
		{"GET", "/api/v1/audit", beheerOnly, s.handle(s.listAudit)},

		// The data steward's resources (jobs.go, runs.go) and Prometheus (metrics.go).
		{"GET", "/api/v1/jobs", beheerOnly, s.handle(s.listJobs)},
		{"POST", "/api/v1/jobs/:name/run", beheerOnly, s.handle(s.runJob)},
		{"POST", "/api/v1/jobs/:name/files", beheerOnly, s.handle(s.uploadFiles)},    // upload.go
		{"GET", "/api/v1/jobs/:name/rejected", beheerOnly, s.handle(s.listRejected)}, // rejected.go
		{"POST", "/api/v1/jobs/:name/rejected/:file/reload", beheerOnly, s.handle(s.reloadFile)},
		{"GET", "/api/v1/runs", beheerOnly, s.handle(s.listRuns)},
		{"GET", "/api/v1/runs/:id", beheerOnly, s.handle(s.getRun)},
		{"GET", "/api/v1/quarantine", beheerOnly, s.handle(s.listQuarantine)},
		{"POST", "/api/v1/backup", beheerOnly, s.handle(s.backup)},

		// People and access while the server runs (people_api.go), and their audit (people_audit.go).
		{"GET", "/api/v1/users", beheerOnly, s.handle(s.listUsers)},
		{"POST", "/api/v1/users", beheerOnly, s.handle(s.createUser)},
		{"PATCH", "/api/v1/users/:name", beheerOnly, s.handle(s.patchUser)},
		{"DELETE", "/api/v1/users/:name", beheerOnly, s.handle(s.deleteUser)},
		{"GET", "/api/v1/tokens", beheerOnly, s.handle(s.listTokens)},
		{"POST", "/api/v1/tokens", beheerOnly, s.handle(s.createToken)},
		{"DELETE", "/api/v1/tokens/:id", beheerOnly, s.handle(s.revokeToken)},
		{"GET", "/api/v1/audit/access", beheerOnly, s.handle(s.listAccessAudit)},

		// Reports and exports as the CLI writes them (reports.go), for when the server holds the warehouse.
		{"GET", "/api/v1/reports/jaarverslag", analistUp, s.handle(s.getJaarverslag)},
		{"GET", "/api/v1/exports/:name", analistUp, s.handle(s.getExport)},
		{"GET", "/metrics", open, s.prom.metricsHandler()},

		// Grafana JSON datasource (grafana.go).
		{"GET", "/grafana/", anyRole, s.handle(s.grafanaRoot)},
		{"POST", "/grafana/metrics", anyRole, s.handle(s.grafanaMetrics)},
		{"POST", "/grafana/metric-payload-options", anyRole, s.handle(s.grafanaMetricPayloadOptions)},
		{"POST", "/grafana/query", anyRole, s.handle(s.grafanaQuery)},
		{"POST", "/grafana/variable", anyRole, s.handle(s.grafanaVariable)},
		{"POST", "/grafana/tag-keys", anyRole, s.handle(s.grafanaTagKeys)},
		{"POST", "/grafana/tag-values", anyRole, s.handle(s.grafanaTagValues)},

		// Login for the built-in dashboard (auth_login.go).
		{"GET", "/login", open, s.handle(s.loginPage)},
		{"POST", "/login", open, s.handle(s.login)},
		{"POST", "/logout", open, s.handle(s.logout)},

		// The built-in dashboard (web.go): the page needs a login, its assets hold no data.
		{"GET", "/", anyRoleWeb, s.handle(s.webIndex)},
		{"GET", "/assets/*path", open, s.handle(s.webAssets)},
		{"GET", "/beheer", anyRoleWeb, s.handle(s.stewardPage)},
		{"GET", "/jaarverslag", anyRoleWeb, s.handle(s.jaarverslagPage)}, // jaarverslag_page.go: the printable report
		{"GET", "/kpi/:id", anyRoleWeb, s.handle(s.webKPI)},              // a KPI's detail page (web.go)
	}
	if s.cfg.StaticBody != nil {
		// The baseline of `leerplein bench-api`: the same bytes from memory, behind the
		// same middleware and authentication as the API.
		r = append(r, route{"GET", "/bench/static", anyRole, s.handle(s.benchStatic)})
	}
	return r
}
