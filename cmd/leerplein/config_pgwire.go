package main

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/netip"

	"github.com/hetleerplein/leerplein/api/pgwire"
)

// pgwireFileConfig is the optional pgwire: section: the PostgreSQL wire endpoint over
// the SQL sandbox, for analysts' own tools (psql, DBeaver, Power BI, Grafana).
type pgwireFileConfig struct {
	Listen         string `yaml:"listen"`          // e.g. 127.0.0.1:5433; empty: off
	TLSCert        string `yaml:"tls_cert"`        // PEM certificate (chain)
	TLSKey         string `yaml:"tls_key"`         // PEM private key
	MaxConnections int    `yaml:"max_connections"` // default 64
}

// pgwireConfig is the checked pgwire: section.
type pgwireConfig struct {
	listen         string // "": no wire endpoint
	tlsCert        string
	tlsKey         string
	maxConnections int
}

// parsePGWireConfig checks the section: TLS needs both files, and a listen address
// other than loopback needs TLS (passwords and results would cross the network in
// plain text otherwise).
func parsePGWireConfig(fc pgwireFileConfig, abs func(string) string) (pgwireConfig, error) {
	c := pgwireConfig{listen: fc.Listen, tlsCert: abs(fc.TLSCert), tlsKey: abs(fc.TLSKey), maxConnections: fc.MaxConnections}
	if c.maxConnections < 0 {
		return c, errors.New("pgwire: max_connections must be positive (default 64)")
	}
	if (c.tlsCert == "") != (c.tlsKey == "") {
		return c, errors.New("pgwire: tls_cert and tls_key go together: give both, or neither")
	}
	if c.listen == "" {
		if c.tlsCert != "" {
			return c, errors.New("pgwire: tls_cert is set but listen is not: set listen (e.g. 0.0.0.0:5433) to serve PostgreSQL clients")
		}
		return c, nil
	}
	if err := checkPGWireListen(c.listen, c.tlsCert != ""); err != nil {
		return c, fmt.Errorf("pgwire: %w", err)
	}
	return c, nil
}

// checkPGWireListen refuses an address that is not host:port, and one off loopback
// without TLS.
func checkPGWireListen(listen string, hasTLS bool) error {
	host, _, err := net.SplitHostPort(listen)
	if err != nil {
		return fmt.Errorf("listen %q: give host:port, e.g. 127.0.0.1:5433", listen)
	}
	if hasTLS {
		return nil
	}
	if host == "localhost" {
		return nil
	}
	if a, err := netip.ParseAddr(host); err == nil && a.IsLoopback() {
		return nil
	}
	return fmt.Errorf("listen %s is not a loopback address: set tls_cert and tls_key, so passwords and results are encrypted", listen)
}

// wireConfig is the wire server's configuration: the TLS certificate read now, so a
// bad file stops the start rather than the first client.
func (c pgwireConfig) wireConfig() (pgwire.Config, error) {
	cfg := pgwire.Config{MaxConnections: c.maxConnections}
	if c.tlsCert != "" {
		cert, err := tls.LoadX509KeyPair(c.tlsCert, c.tlsKey)
		if err != nil {
			return cfg, fmt.Errorf("pgwire: tls_cert/tls_key: %w", err)
		}
		cfg.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	return cfg, nil
}
