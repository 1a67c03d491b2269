package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/hetleerplein/leerplein/warehouse"
)

// kpiFeeds maps each KPI (warehouse.KPICatalogue ids and the monthly series) to the
// feeds its query reads (sql/metrics/*.sql): when one of them is stale, so is the KPI.
// A test keeps it in step with the catalogue.
func kpiFeeds(id string) []string {
	switch id {
	case "verzuim_meldingen", warehouse.MonthlyID:
		return []string{"verzuimmeldingen"}
	case "thuiszitters", "thuiszitters_langer_dan_3_maanden", "thuiszitters_aanbod_binnen_3_maanden_pct":
		return []string{"thuiszitters"}
	case "vsv_nieuw", "vsv_pct_vo", "vsv_pct_mbo":
		return []string{"vsv_cijfers"}
	case "rmc_ers", "rmc_herplaatst_pct", "jikp", "onderwijs_of_werk_pct":
		return []string{"rmc_trajecten"}
	case "vrijstellingen":
		return []string{"vrijstellingen"}
	case "halt_pv":
		return []string{"maatregelen", "verzuimmeldingen"}
	}
	return nil
}

// withStaleFeeds marks a KPI response whose feeds are stale: an X-Stale-Feeds header
// for every format, and "stale_feeds" in a JSON object. The cached body stays as it is
// (staleness changes with the clock, not with the load); the marked copy gets its own
// ETag so a client never keeps an unmarked copy for a stale answer.
func (s *Server) withStaleFeeds(c *gin.Context, id string, b *body) (*body, error) {
	stale, err := s.staleFeeds(c.Request.Context())
	if err != nil {
		// The figures are fine; only their freshness is unknown: answer, and log.
		s.log.Warn("kpi: read staleness", "path", c.FullPath(), "err", err)
		return b, nil
	}
	if len(stale) == 0 {
		return b, nil
	}
	var feeds []string
	for _, f := range kpiFeeds(id) {
		if slices.Contains(stale, f) {
			feeds = append(feeds, f)
		}
	}
	if len(feeds) == 0 {
		return b, nil
	}
	c.Header("X-Stale-Feeds", strings.Join(feeds, ","))
	out := *b
	if strings.HasPrefix(b.contentType, "application/json") {
		data := bytes.TrimRight(b.data, " \n")
		if len(data) > 1 && data[0] == '{' && data[len(data)-1] == '}' {
			list, err := json.Marshal(feeds)
			if err != nil {
				return nil, err
			}
			sep := ","
			if bytes.Equal(bytes.TrimSpace(data[1:len(data)-1]), nil) {
				sep = ""
			}
			out.data = slices.Concat(data[:len(data)-1], []byte(sep+`"stale_feeds":`), list, []byte("}"))
		}
	}
	if b.etag != "" {
		sum := sha256.Sum256([]byte(strings.Join(feeds, ",")))
		out.etag = strings.TrimSuffix(b.etag, `"`) + "-s" + hex.EncodeToString(sum[:4]) + `"`
	}
	return &out, nil
}
