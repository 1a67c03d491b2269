package main

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
)

// TestLogHandlerMasksBSN: every command logs through logHandler, so a possible BSN in a
// message, an attribute or an error never reaches the log, whichever package logs it.
func TestLogHandlerMasksBSN(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(logHandler(&buf, slog.LevelDebug))
	log.Info("file 123456782.csv", "path", "/inbox/verzuim 123.456.782.csv", "err", errors.New("value 123 456 782"))
	got := buf.String()
	for _, raw := range []string{"123456782", "123.456.782", "123 456 782"} {
		if strings.Contains(got, raw) {
			t.Errorf("log line holds %q: %s", raw, got)
		}
	}
	if strings.Count(got, "[bsn]") != 3 {
		t.Errorf("log line = %s, want three [bsn]", got)
	}
}
