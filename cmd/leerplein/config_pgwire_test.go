package main

import (
	"strings"
	"testing"
)

// TestPGWireConfig checks the pgwire: section: off by default, TLS needs both files,
// and a listen address off loopback needs TLS.
func TestPGWireConfig(t *testing.T) {
	cases := []struct {
		name, yaml, err, listen string
	}{
		{"off", "", "", ""},
		{"loopback", "pgwire:\n  listen: 127.0.0.1:5433\n", "", "127.0.0.1:5433"},
		{"localhost", "pgwire:\n  listen: localhost:5433\n", "", "localhost:5433"},
		{"ipv6 loopback", "pgwire:\n  listen: '[::1]:5433'\n", "", "[::1]:5433"},
		{"all addresses without TLS", "pgwire:\n  listen: 0.0.0.0:5433\n", "not a loopback address", ""},
		{"a LAN address without TLS", "pgwire:\n  listen: 10.1.2.3:5433\n", "set tls_cert and tls_key", ""},
		{"all addresses with TLS", "pgwire:\n  listen: 0.0.0.0:5433\n  tls_cert: c.pem\n  tls_key: k.pem\n", "", "0.0.0.0:5433"},
		{"a certificate without a key", "pgwire:\n  listen: 127.0.0.1:5433\n  tls_cert: c.pem\n", "go together", ""},
		{"no port", "pgwire:\n  listen: 127.0.0.1\n", "host:port", ""},
		{"unknown key", "pgwire:\n  listen: 127.0.0.1:5433\n  tls: yes\n", "tls", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := parseConfig([]byte("warehouse: w.duckdb\n"+c.yaml), "/srv")
			switch {
			case c.err == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
				t.Fatalf("got %v, want an error mentioning %q", err, c.err)
			case c.err == "" && cfg.pgwire.listen != c.listen:
				t.Errorf("listen %q, want %q", cfg.pgwire.listen, c.listen)
			}
		})
	}
}
