package main

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/hetleerplein/leerplein/api"
)

// TestConfigHTTP reads the session, cookie and proxy keys and refuses mistakes.
func TestConfigHTTP(t *testing.T) {
	const wh = "warehouse: w.duckdb\n"
	c, err := parseConfig([]byte(wh+`session_idle: 30m
session_max_age: 8h
cookie_secure: "true"
public_url: https://leerplein.regio.example
trusted_proxies: [127.0.0.1, "10.1.0.0/16", "::1"]
`), "/etc")
	if err != nil {
		t.Fatal(err)
	}
	want := httpConfig{sessionIdle: 30 * time.Minute, sessionMaxAge: 8 * time.Hour, cookieSecure: api.CookieSecureAlways,
		publicURL: "https://leerplein.regio.example", trustedProxies: []netip.Prefix{
			netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("10.1.0.0/16"), netip.MustParsePrefix("::1/128")}}
	if got := c.http; got.sessionIdle != want.sessionIdle || got.sessionMaxAge != want.sessionMaxAge ||
		got.cookieSecure != want.cookieSecure || got.publicURL != want.publicURL || len(got.trustedProxies) != 3 ||
		got.trustedProxies[0] != want.trustedProxies[0] || got.trustedProxies[1] != want.trustedProxies[1] || got.trustedProxies[2] != want.trustedProxies[2] {
		t.Errorf("got %+v, want %+v", got, want)
	}
	for yaml, want := range map[string]api.CookieSecurity{"true": api.CookieSecureAlways, "false": api.CookieSecureNever, "auto": api.CookieSecureAuto} {
		if c, err := parseConfig([]byte(wh+"cookie_secure: "+yaml+"\n"), "/etc"); err != nil || c.http.cookieSecure != want {
			t.Errorf("cookie_secure: %s (unquoted): %v, %v; want %v", yaml, c.http.cookieSecure, err, want)
		}
	}
	if c, err := parseConfig([]byte(wh), "/etc"); err != nil || c.http.cookieSecure != api.CookieSecureAuto || c.http.sessionIdle != 0 {
		t.Errorf("defaults: %+v, %v; want auto and the server's session defaults", c.http, err)
	}
	for _, tc := range []struct{ yaml, want string }{
		{"session_idle: 8u\n", "session_idle"},
		{"session_max_age: -1h\n", "session_max_age"},
		{"session_idle: 9h\nsession_max_age: 8h\n", "longer than session_max_age"},
		{"cookie_secure: ja\n", "cookie_secure"},
		{"public_url: leerplein.regio.example\n", "public_url"},
		{"trusted_proxies: [proxy.regio.example]\n", "trusted_proxies"},
	} {
		if _, err := parseConfig([]byte(wh+tc.yaml), "/etc"); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want one naming %s", tc.yaml, err, tc.want)
		}
	}
}
