package api

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestMetrics scrapes /metrics after one API request and checks the series the data
// steward's monitoring relies on, with the values the ledger fixture implies.
func TestMetrics(t *testing.T) {
	w := ledgerWarehouse(t)
	_, ts := ledgerServer(t, w, &fakeJobs{})
	req, _ := http.NewRequest(http.MethodGet, ts.URL+"/api/v1/runs?limit=5", nil)
	res := w.do(t, req, "beheer")
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/v1/runs: got %d, want 200", res.StatusCode)
	}
	res, err := http.Get(ts.URL + "/metrics") // open: no token
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics: got %d, want 200", res.StatusCode)
	}
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	tests := []struct{ name, line string }{
		{"runs by status", `leerplein_etl_runs_total{status="ok"} 1`},
		{"running run", `leerplein_etl_runs_total{status="running"} 1`},
		{"files by status", `leerplein_etl_files_total{status="rejected"} 1`},
		{"unrecognised files", `leerplein_etl_files_total{status="unrecognised"} 1`},
		{"rows new by feed", `leerplein_etl_rows_total{feed="verzuimmeldingen",outcome="new"} 120`},
		{"rows replaced by feed", `leerplein_etl_rows_total{feed="verzuimmeldingen",outcome="replaced"} 3`},
		{"rows quarantined by feed", `leerplein_etl_rows_total{feed="leerlingen",outcome="quarantined"} 3`},
		{"quarantine by reason code", `leerplein_etl_quarantine_problems_total{column="gemeente",feed="verzuimmeldingen",reason="gemeente_onbekend"} 2`},
		{"quarantine of an old sentence by its class", `leerplein_etl_quarantine_problems_total{column="brin",feed="leerlingen",reason="brin '…' is not a BRIN number"} 1`},
		{"load duration count", `leerplein_etl_file_load_duration_seconds_count{feed="verzuimmeldingen"} 1`},
		{"load duration sum", `leerplein_etl_file_load_duration_seconds_sum{feed="verzuimmeldingen"} 90`},
		{"load duration bucket below", `leerplein_etl_file_load_duration_seconds_bucket{feed="verzuimmeldingen",le="60"} 0`},
		{"load duration bucket above", `leerplein_etl_file_load_duration_seconds_bucket{feed="verzuimmeldingen",le="120"} 1`},
		{"last success", `leerplein_etl_last_success_timestamp_seconds{feed="leerlingen"} 1.772175605e+09`},
		{"stale feed", `leerplein_etl_feed_stale{feed="maatregelen"} 1`},
		{"fresh feed", `leerplein_etl_feed_stale{feed="leerlingen"} 0`},
		{"ledger read", `leerplein_etl_ledger_scrape_error 0`},
		{"http by route template", `leerplein_http_request_duration_seconds_count{method="GET",route="/api/v1/runs",status="200"} 1`},
		{"go runtime", `go_goroutines `},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(text, "\n"+tt.line) {
				t.Errorf("/metrics lacks the line %q; it has:\n%s", tt.line, grepMetric(text, tt.line))
			}
		})
	}
	for _, bad := range []string{"Atlantis", "123456789", "?limit"} {
		if strings.Contains(text, bad) {
			t.Errorf("/metrics holds %q: a value or raw path leaked into a label", bad)
		}
	}
}

// grepMetric returns the lines of the metric family of line, for a readable failure.
func grepMetric(text, line string) string {
	name, _, _ := strings.Cut(line, "{")
	name, _, _ = strings.Cut(name, " ")
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, name) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
