// Package api serves the warehouse over HTTP: the KPI API, the Grafana JSON datasource
// and the built-in dashboard, behind bearer tokens and session cookies.
package api

import (
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/hetleerplein/leerplein/warehouse"
)

// Config holds the server's settings; the zero value of a field means its default.
type Config struct {
	// SmallNumberThreshold: for the bestuur role, counts from 1 to SmallNumberThreshold−1
	// are suppressed, and percentages whose base is below it. Default 5.
	SmallNumberThreshold int
	// FreshnessInterval is how often the server looks for a newly committed load (one
	// cheap query); in-process loads call Invalidate. Default 1 s.
	FreshnessInterval time.Duration
	// MaxYears bounds the school years of one request (van … tot). Default 30.
	MaxYears int
	// MaxRows bounds the rows of one response (csv, rows, monthly). Default 10 000.
	MaxRows int
	// SessionIdle ends a dashboard session that has not been used this long. Default 2 h.
	SessionIdle time.Duration
	// SessionMaxAge ends a dashboard session this long after the login, used or not.
	// Default 12 h: a working day.
	SessionMaxAge time.Duration
	// CookieSecure says when the session cookie is marked Secure (sent over HTTPS only).
	// Default CookieSecureAuto.
	CookieSecure CookieSecurity
	// PublicURL is the address people use for the server, e.g.
	// https://leerplein.regio.nl. A state-changing browser request must come from the
	// Host it was sent to or from this origin, and an https URL makes the cookie Secure
	// (CookieSecureAuto). Set it when a proxy in front rewrites the Host header.
	PublicURL string
	// TrustedProxies are the reverse proxies (IP addresses or CIDR ranges) whose
	// X-Forwarded-For names the client (login throttling counts per client address) and
	// whose X-Forwarded-Proto: https makes the cookie Secure. Default none: the address
	// of the connection is the client, and such headers from anyone are ignored.
	TrustedProxies []netip.Prefix
	// KPIDay, when set, is the day the KPI figures are read for instead of today: a bench
	// or a test pins a day inside the data, so that a school year is in progress (its
	// year to date and forecast). Sessions and logs keep the real clock.
	KPIDay time.Time
	// Version is reported by /healthz.
	Version string
	// StaticBody, when set, is served at GET /bench/static behind the same middleware
	// as the API: the from-memory baseline of `leerplein bench-api`. Nil in production.
	StaticBody []byte
	// Jobs is the scheduler, adapted by cmd (the api does not import etl). Nil: no
	// jobs; /api/v1/jobs lists none and nothing is ever stale.
	Jobs Jobs
	// UploadMaxBytes bounds one uploaded file (POST /api/v1/jobs/{name}/files); a larger
	// one is refused with 413. Default DefaultUploadMaxBytes (1 GiB).
	UploadMaxBytes int64
	// UploadMaxFiles bounds the files of one upload. Default DefaultUploadMaxFiles (20).
	UploadMaxFiles int
	// BackupDir is the only directory (with those below it) POST /api/v1/backup writes
	// into. Default: backups beside the warehouse file.
	BackupDir string
	// LoadRequestRate is how many API requests per second the server admits while a
	// load runs (pace.go); more wait their turn. Default 400; negative: no pacing.
	LoadRequestRate float64
	// Metrics is the registry /metrics serves; the server adds its HTTP and ledger
	// series to it. Nil: a registry of its own with the Go and process collectors.
	Metrics *prometheus.Registry
	// SQLSnapshot is the analysts' snapshot the SQL sandbox (POST /api/v1/sql) opens,
	// rebuilt after every load. Default analist.duckdb beside the warehouse file; an
	// in-memory warehouse has none unless set, and then the SQL API answers 503.
	SQLSnapshot string
	// SQLTimeout cancels an analyst's query that runs longer. Default 30 s.
	SQLTimeout time.Duration
	// SQLMaxRows caps the rows of one SQL result (max_rows may ask fewer). Default 1 000 000.
	SQLMaxRows int
	// SQLMemoryLimit is the hard memory limit of the SQL sandbox's worker processes
	// together (DuckDB syntax), shared equally by SQLWorkers. Default 2GB.
	SQLMemoryLimit string
	// SQLWorkers is how many analyst queries run at once, each in a worker process of
	// its own; more wait up to SQLQueueWait, then get 429. Default 4.
	SQLWorkers int
	// SQLPerUser is how many queries one token or user may have running (including
	// sending the result); more get 429 at once. Default 2.
	SQLPerUser int
	// SQLQueueWait is how long a query waits for a free worker. Default 10 s.
	SQLQueueWait time.Duration
	// SQLMaxResultBytes caps one result (Arrow bytes); a larger one is cut like at the
	// row cap. Default 256 MiB.
	SQLMaxResultBytes int64
	// SQLWorkerCommand starts a worker process (program and arguments). Default: this
	// executable with the hidden argument sandbox-worker (warehouse.SandboxWorkerArg).
	SQLWorkerCommand []string
	// SQLRefreshDelay is how long after the last load the sandbox is rebuilt, so loads
	// in quick succession rebuild it once. Default 2 s.
	SQLRefreshDelay time.Duration
}

func (c Config) withDefaults() Config {
	if c.SmallNumberThreshold <= 0 {
		c.SmallNumberThreshold = 5
	}
	if c.FreshnessInterval <= 0 {
		c.FreshnessInterval = time.Second
	}
	if c.MaxYears <= 0 {
		c.MaxYears = 30
	}
	if c.MaxRows <= 0 {
		c.MaxRows = 10000
	}
	if c.LoadRequestRate == 0 {
		c.LoadRequestRate = defaultLoadRequestRate
	}
	if c.SessionIdle <= 0 {
		c.SessionIdle = 2 * time.Hour
	}
	if c.SessionMaxAge <= 0 {
		c.SessionMaxAge = 12 * time.Hour
	}
	if c.SQLTimeout <= 0 {
		c.SQLTimeout = 30 * time.Second
	}
	if c.SQLMaxRows <= 0 {
		c.SQLMaxRows = 1_000_000
	}
	if c.SQLPerUser <= 0 {
		c.SQLPerUser = 2
	}
	if c.UploadMaxBytes <= 0 {
		c.UploadMaxBytes = DefaultUploadMaxBytes
	}
	if c.UploadMaxFiles <= 0 {
		c.UploadMaxFiles = DefaultUploadMaxFiles
	}
	if c.SQLRefreshDelay <= 0 {
		c.SQLRefreshDelay = 2 * time.Second
	}
	return c
}

// Server is the HTTP server of one warehouse. Build it with New; it is safe for
// concurrent use.
type Server struct {
	db     *warehouse.DB
	cfg    Config
	log    *slog.Logger
	cache  *cache
	auth   *authStore
	engine *gin.Engine
	now    func() time.Time
	stale  staleCache     // stale feeds for KPI responses (jobs.go)
	prom   *serverMetrics // /metrics (metrics.go)
	// sandbox runs analysts' SQL (sql.go); nil without a snapshot path.
	sandbox *warehouse.Publisher
	// throttle holds failed logins per name and address (auth_throttle.go).
	throttle *loginThrottle
	// sqlRunning counts each caller's running SQL queries (sql_limit.go).
	sqlRunning *perUser
}

// New builds the server for db. It reads nothing yet: credentials and data are loaded
// on first use, so a server on an empty warehouse starts.
func New(db *warehouse.DB, cfg Config, logger *slog.Logger) *Server {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{db: db, cfg: cfg.withDefaults(), log: logger, now: time.Now}
	s.cache = newCache(s.cfg.FreshnessInterval, s.cfg.KPIDay)
	s.auth = newAuthStore(db, s.cfg.SessionIdle, s.cfg.SessionMaxAge)
	s.throttle = newLoginThrottle()
	s.prom = s.newServerMetrics(s.cfg.Metrics)
	s.sandbox = s.newSandbox()
	s.sqlRunning = newPerUser(s.cfg.SQLPerUser)
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	// Believe X-Forwarded-For only from the configured proxies (gin's default: anyone).
	proxies := make([]string, len(s.cfg.TrustedProxies))
	for i, p := range s.cfg.TrustedProxies {
		proxies[i] = p.String()
	}
	if err := e.SetTrustedProxies(proxies); err != nil {
		_ = e.SetTrustedProxies(nil) // cannot happen (netip.Prefix values parse); trust none
	}
	e.Use(gin.CustomRecoveryWithWriter(nil, s.recovered), s.requestLogger(), s.prom.observe(), s.crossSiteGuard())
	if p := s.newPacer(); p != nil {
		e.Use(p.middleware())
	}
	e.HandleMethodNotAllowed = true
	for _, r := range s.routes() {
		e.Handle(r.method, r.path, append(s.guard(r.access), r.handler)...)
	}
	e.NoRoute(s.handle(s.notFound))
	e.NoMethod(s.handle(func(*gin.Context) (any, error) { return nil, errMethod }))
	s.engine = e
	return s
}

// Handler is the server's http.Handler, for http.Server or httptest.
func (s *Server) Handler() http.Handler { return s.engine }

// Invalidate drops every cached result at once; an in-process load calls it after it
// commits (other loads are noticed within FreshnessInterval).
func (s *Server) Invalidate() { s.cache.invalidate() }

// requestLogger logs one line per request: method, path, status, duration and role,
// never a token or a query value that could identify a person.
func (s *Server) requestLogger() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		level := slog.LevelDebug
		if c.Writer.Status() >= 500 {
			level = slog.LevelError
		} else if c.Writer.Status() >= 400 {
			level = slog.LevelInfo
		}
		if !s.log.Enabled(c.Request.Context(), level) {
			return // a busy server logs its 200s only at debug level
		}
		s.log.Log(c.Request.Context(), level, "request",
			"method", c.Request.Method, "path", c.FullPath(), "status", c.Writer.Status(),
			"duration_ms", float64(time.Since(start).Microseconds())/1000, "role", callerRole(c).String())
	}
}

// recovered answers 500 for a handler that panicked, and logs it.
func (s *Server) recovered(c *gin.Context, err any) {
	s.log.Error("panic in handler", "method", c.Request.Method, "path", c.FullPath(), "panic", err)
	writeError(c, http.StatusInternalServerError, "internal error", "")
}
