package api

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/time/rate"
)

// While a load runs, the API gives way to it. On a small machine readers that ask
// without pause would otherwise take half the CPU from the load (a 5M-row file took
// twice as long with 20 of them). So during a load the server admits API requests at
// Config.LoadRequestRate per second: a request beyond it waits its turn — none is
// refused — and at the default rate 20 readers wait about 50 ms each. Health checks,
// Prometheus and static assets are never paced.

// defaultLoadRequestRate is Config.LoadRequestRate's default: requests per second.
const defaultLoadRequestRate = 400

// pacer admits requests at a fixed rate while a load runs.
type pacer struct {
	loading func() bool
	limiter *rate.Limiter
	paced   prometheus.Counter
}

// newPacer builds the pacer of a server; nil when nothing paces (no scheduler, or a
// negative rate).
func (s *Server) newPacer() *pacer {
	if s.cfg.Jobs == nil || s.cfg.LoadRequestRate < 0 {
		return nil
	}
	p := &pacer{
		loading: s.cfg.Jobs.Loading,
		// A burst of a few requests lets a dashboard's page of tiles through at once.
		limiter: rate.NewLimiter(rate.Limit(s.cfg.LoadRequestRate), 8),
		paced: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "leerplein_http_requests_paced_total",
			Help: "API requests admitted through the pacer because a load was running.",
		}),
	}
	if err := s.prom.reg.Register(p.paced); err != nil {
		var are prometheus.AlreadyRegisteredError
		if errors.As(err, &are) {
			if c, ok := are.ExistingCollector.(prometheus.Counter); ok {
				p.paced = c
			}
		}
	}
	return p
}

// unpaced tells the paths that are never held back.
func unpaced(path string) bool {
	return path == "/healthz" || path == "/metrics" || strings.HasPrefix(path, "/assets/")
}

// middleware holds a request until the limiter admits it, while a load runs.
func (p *pacer) middleware() gin.HandlerFunc {
	return func(c *gin.Context) {
		if p.loading() && !unpaced(c.Request.URL.Path) {
			p.paced.Inc()
			if err := p.limiter.Wait(c.Request.Context()); err != nil {
				// The client went away, or its wait would outlast its deadline.
				c.AbortWithStatusJSON(http.StatusServiceUnavailable, errorBody{Error: "a load is running and the server is busy; try again shortly"})
				return
			}
		}
		c.Next()
	}
}
