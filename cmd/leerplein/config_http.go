package main

import (
	"fmt"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/hetleerplein/leerplein/api"
)

// httpConfig is the part of leerplein.yaml about dashboard sessions and what the
// server believes of the HTTP in front of it.
type httpConfig struct {
	sessionIdle    time.Duration // 0: the server's default
	sessionMaxAge  time.Duration // 0: the server's default
	cookieSecure   api.CookieSecurity
	publicURL      string
	trustedProxies []netip.Prefix
}

// parseHTTPConfig checks the session_*, cookie_secure, public_url and trusted_proxies
// keys.
func parseHTTPConfig(fc fileConfig) (httpConfig, error) {
	var h httpConfig
	var err error
	if fc.SessionIdle != "" {
		if h.sessionIdle, err = parseDuration(fc.SessionIdle); err != nil {
			return h, fmt.Errorf("session_idle: %w", err)
		}
	}
	if fc.SessionMaxAge != "" {
		if h.sessionMaxAge, err = parseDuration(fc.SessionMaxAge); err != nil {
			return h, fmt.Errorf("session_max_age: %w", err)
		}
	}
	if h.sessionIdle > 0 && h.sessionMaxAge > 0 && h.sessionIdle > h.sessionMaxAge {
		return h, fmt.Errorf("session_idle (%s) is longer than session_max_age (%s): a session ends at its maximum age anyway", fc.SessionIdle, fc.SessionMaxAge)
	}
	if h.cookieSecure, err = api.ParseCookieSecurity(fc.CookieSecure); err != nil {
		return h, fmt.Errorf("cookie_secure: %w", err)
	}
	if fc.PublicURL != "" {
		u, err := url.Parse(fc.PublicURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return h, fmt.Errorf("public_url: %q is not an http(s) address like https://leerplein.regio.nl", fc.PublicURL)
		}
		h.publicURL = fc.PublicURL
	}
	for _, p := range fc.TrustedProxies {
		prefix, err := parsePrefix(p)
		if err != nil {
			return h, fmt.Errorf("trusted_proxies: %q is not an IP address or CIDR range (e.g. 127.0.0.1 or 10.0.0.0/24)", p)
		}
		h.trustedProxies = append(h.trustedProxies, prefix)
	}
	return h, nil
}

// parsePrefix reads an address (a range of one) or a CIDR range.
func parsePrefix(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		return p.Masked(), err
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// apply copies the settings into the server's configuration.
func (h httpConfig) apply(c *api.Config) {
	c.SessionIdle, c.SessionMaxAge = h.sessionIdle, h.sessionMaxAge
	c.CookieSecure, c.PublicURL, c.TrustedProxies = h.cookieSecure, h.publicURL, h.trustedProxies
}
