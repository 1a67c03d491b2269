package api

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// /metrics is open, like /healthz: the series carry counts, durations and feed names,
// never personal data, a gemeente figure or a token, and a Prometheus server should not
// need a warehouse token. Bind the server to loopback or a monitoring network if even
// load volumes are not for everyone.

// serverMetrics are the server's own Prometheus series and the registry they are in.
type serverMetrics struct {
	reg      *prometheus.Registry
	requests *prometheus.HistogramVec
}

// newServerMetrics registers the HTTP histogram and the ledger collector in reg (a new
// registry with the Go and process collectors when reg is nil). A registry shared by
// two servers keeps the first server's series.
func (s *Server) newServerMetrics(reg *prometheus.Registry) *serverMetrics {
	if reg == nil {
		reg = prometheus.NewRegistry()
		reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	}
	m := &serverMetrics{reg: reg}
	m.requests = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "leerplein_http_request_duration_seconds",
		Help:    "Time to answer an HTTP request, by route template, method and status.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}, []string{"route", "method", "status"})
	if err := reg.Register(m.requests); err != nil {
		var are prometheus.AlreadyRegisteredError
		if errors.As(err, &are) {
			if h, ok := are.ExistingCollector.(*prometheus.HistogramVec); ok {
				m.requests = h
			}
		} else {
			s.log.Error("register http metrics", "err", err)
		}
	}
	if s.db != nil {
		if err := reg.Register(&ledgerCollector{s: s}); err != nil {
			s.log.Warn("register ledger metrics", "err", err)
		}
	}
	return m
}

// observe is the middleware that times every request by its route template (never the
// raw path, which would give a series per KPI query).
func (m *serverMetrics) observe() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		route := c.FullPath()
		if route == "" {
			route = "unmatched"
		}
		m.requests.WithLabelValues(route, c.Request.Method, strconv.Itoa(c.Writer.Status())).Observe(time.Since(start).Seconds())
	}
}

// metricsHandler serves the registry in the Prometheus text format.
func (m *serverMetrics) metricsHandler() gin.HandlerFunc {
	return gin.WrapH(promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError}))
}

// Descriptions of the ledger series.
var (
	descRuns = prometheus.NewDesc("leerplein_etl_runs_total",
		"Loader runs recorded in the ledger, by status (ok, rejected, failed, skipped, running).", []string{"status"}, nil)
	descFiles = prometheus.NewDesc("leerplein_etl_files_total",
		"Files the loader looked at, by status (loaded, skipped, rejected, unrecognised, waiting).", []string{"status"}, nil)
	descRows = prometheus.NewDesc("leerplein_etl_rows_total",
		"Rows of loaded files, by feed and outcome (new, replaced, unchanged, quarantined).", []string{"feed", "outcome"}, nil)
	descQuarantine = prometheus.NewDesc("leerplein_etl_quarantine_problems_total",
		"Quarantined problems by feed, column and reason: its code in the message catalogue (a reason stored before the catalogue: its sentence with the values blanked).", []string{"feed", "column", "reason"}, nil)
	descDuration = prometheus.NewDesc("leerplein_etl_file_load_duration_seconds",
		"Time to load one file, by feed.", []string{"feed"}, nil)
	descLastLoad = prometheus.NewDesc("leerplein_etl_last_success_timestamp_seconds",
		"Unix time of the last successful load of a file of the feed.", []string{"feed"}, nil)
	descStale = prometheus.NewDesc("leerplein_etl_feed_stale",
		"1 when the feed has no successful load within its job's expect_every, else 0.", []string{"feed"}, nil)
	descScrapeError = prometheus.NewDesc("leerplein_etl_ledger_scrape_error",
		"1 when the ledger could not be read at this scrape.", nil, nil)
)

// loadBuckets are the load-duration histogram buckets, in seconds.
var loadBuckets = []float64{.1, .25, .5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600}

// ledgerCollector reads the load ledger at scrape time, so the series count every
// load of every process and survive restarts.
type ledgerCollector struct{ s *Server }

// Describe sends nothing: the collector is unchecked (its label values come from data).
func (l *ledgerCollector) Describe(chan<- *prometheus.Desc) {}

// Collect reads the ledger.
func (l *ledgerCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	st, err := l.s.db.LedgerStats(ctx)
	if err != nil {
		l.s.log.Error("metrics: read ledger", "err", err)
		ch <- prometheus.MustNewConstMetric(descScrapeError, prometheus.GaugeValue, 1)
		return
	}
	ch <- prometheus.MustNewConstMetric(descScrapeError, prometheus.GaugeValue, 0)
	for k, n := range st.RunsByStatus {
		ch <- prometheus.MustNewConstMetric(descRuns, prometheus.CounterValue, float64(n), k)
	}
	for k, n := range st.FilesByStatus {
		ch <- prometheus.MustNewConstMetric(descFiles, prometheus.CounterValue, float64(n), k)
	}
	for feed, outcomes := range st.RowsByFeed {
		for o, n := range outcomes {
			ch <- prometheus.MustNewConstMetric(descRows, prometheus.CounterValue, float64(n), feed, o)
		}
	}
	for _, q := range st.Quarantined {
		ch <- prometheus.MustNewConstMetric(descQuarantine, prometheus.CounterValue, float64(q.Count), q.Feed, q.Column, q.Reason)
	}
	for feed, secs := range st.LoadSeconds {
		ch <- constHistogram(descDuration, secs, feed)
	}
	for feed, at := range st.LastLoaded {
		ch <- prometheus.MustNewConstMetric(descLastLoad, prometheus.GaugeValue, float64(at.UnixMilli())/1000, feed)
	}
	if l.s.cfg.Jobs != nil {
		fs := feedState{last: st.LastLoaded, expect: map[string]time.Duration{}, now: l.s.now()}
		if full, err := l.s.feedState(ctx); err == nil {
			fs.expect = full.expect
		}
		for feed := range fs.expect {
			v := 0.0
			if fs.stale(feed) {
				v = 1
			}
			ch <- prometheus.MustNewConstMetric(descStale, prometheus.GaugeValue, v, feed)
		}
	}
}

// constHistogram builds a histogram of values with loadBuckets.
func constHistogram(desc *prometheus.Desc, values []float64, labels ...string) prometheus.Metric {
	buckets := make(map[float64]uint64, len(loadBuckets))
	sorted := slices.Clone(values)
	slices.Sort(sorted)
	var sum float64
	for _, v := range sorted {
		sum += v
	}
	for _, b := range loadBuckets {
		n, _ := slices.BinarySearch(sorted, b) // index of the first value ≥ b
		for n < len(sorted) && sorted[n] <= b {
			n++
		}
		buckets[b] = uint64(n)
	}
	return prometheus.MustNewConstHistogram(desc, uint64(len(values)), sum, buckets, labels...)
}
