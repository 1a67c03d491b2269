package bsnmask_test

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/hetleerplein/leerplein/warehouse/bsnmask"
)

// TestHandler logs a BSN in every place a log line can carry text and checks that none
// reaches the output, while numbers stay as they are.
func TestHandler(t *testing.T) {
	for _, format := range []string{"text", "json"} {
		t.Run(format, func(t *testing.T) {
			var buf bytes.Buffer
			var h slog.Handler = slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})
			if format == "json" {
				h = slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})
			}
			log := slog.New(bsnmask.Handler(h))
			if again := bsnmask.Handler(log.Handler()); again != log.Handler() {
				t.Error("Handler wraps a masking handler a second time")
			}
			log = log.With("file", "leerlingen_123456782.csv").WithGroup("g")
			log.Info("file 1234.56.782 handled",
				"reason", "gemeente '123 456 782' is unknown",
				"error", fmt.Errorf("etl: %w", errors.New("value 123456782")),
				"columns", []string{"x", "111222333"},
				slog.Group("inner", "value", "12345672"),
				"rows", 123456782)
			out := buf.String()
			for _, raw := range []string{"123456782\"", "1234.56.782", "123 456 782", "111222333", "12345672", "123456782.csv", "value 123456782"} {
				if strings.Contains(out, raw) {
					t.Errorf("the log line holds %q:\n%s", raw, out)
				}
			}
			if !strings.Contains(out, "[bsn]") {
				t.Errorf("the log line has no [bsn]:\n%s", out)
			}
			if !strings.Contains(out, "rows=123456782") && !strings.Contains(out, `"rows":123456782`) {
				t.Errorf("a number was masked; want it kept:\n%s", out)
			}
		})
	}
}
