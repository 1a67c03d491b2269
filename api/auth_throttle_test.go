package api

import (
	"fmt"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestThrottleRules walks the throttle's rules with an exact clock: free failures, a
// doubling delay, the cap, the soft cap of the name for a clean caller, success.
func TestThrottleRules(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	fail := func(t *testing.T, th *loginThrottle, name, addr string, at time.Time) {
		t.Helper()
		if _, wait, scope := th.admit(name, addr, at); wait != 0 {
			t.Fatalf("attempt %s from %s at %s: held %s by %s, want admitted", name, addr, at.Format(time.TimeOnly), wait, scope)
		}
	}
	// waitFor is how long an attempt is held; an attempt it admits counts as a failure.
	waitFor := func(th *loginThrottle, name, addr string, at time.Time) (time.Duration, string) {
		_, wait, scope := th.admit(name, addr, at)
		return wait, scope
	}

	t.Run("pair: three free, then 1 s doubling, capped at 5 minutes", func(t *testing.T) {
		th := newLoginThrottle()
		now := t0
		for range pairRule.free {
			fail(t, th, "jan", "192.0.2.1", now)
		}
		want := time.Second
		for i := 0; i < 12; i++ {
			if wait, scope := waitFor(th, "jan", "192.0.2.1", now); wait != want || scope != "pair" {
				t.Fatalf("after %d failures: held %s by %q, want %s by pair", pairRule.free+i, wait, scope, want)
			}
			now = now.Add(want)
			fail(t, th, "jan", "192.0.2.1", now)
			want = min(2*want, pairRule.max)
		}
		if want != 5*time.Minute {
			t.Errorf("the delay reached %s, want the cap of 5 minutes", want)
		}
		if wait, scope := waitFor(th, "jan", "192.0.2.2", now); wait == 0 || wait > nameSoftCap || scope != "name" {
			t.Errorf("the same name from a clean address: held %s by %q, want by name, at most %s", wait, scope, nameSoftCap)
		}
	})

	t.Run("failures are forgotten an hour after the last", func(t *testing.T) {
		th := newLoginThrottle()
		now := t0
		for n := 0; n < 20; {
			if _, wait, _ := th.admit("jan", "192.0.2.1", now); wait > 0 {
				now = now.Add(wait)
			} else {
				n++
			}
		}
		now = now.Add(throttleForget)
		for range pairRule.free {
			fail(t, th, "jan", "192.0.2.1", now)
		}
		if wait, _ := waitFor(th, "jan", "192.0.2.1", now); wait != time.Second {
			t.Errorf("an hour later, after the free failures again: held %s, want 1s", wait)
		}
	})

	t.Run("address: twenty names free, then held", func(t *testing.T) {
		th := newLoginThrottle()
		for i := range addrRule.free {
			fail(t, th, fmt.Sprintf("naam-%d", i), "192.0.2.9", t0)
		}
		if wait, scope := waitFor(th, "nog-een-naam", "192.0.2.9", t0); wait != time.Second || scope != "address" {
			t.Errorf("21st name from one address: held %s by %q, want 1s by address", wait, scope)
		}
	})

	t.Run("name: a botnet cannot lock a user at a clean address out for long", func(t *testing.T) {
		th := newLoginThrottle()
		now := t0
		// 500 addresses, two guesses each (within their pair's free failures): the name
		// collects 1000 failures, always as recent as the test clock.
		for i := range 500 {
			addr := fmt.Sprintf("203.0.%d.%d", i/250, i%250)
			for range 2 {
				if _, wait, _ := th.admit("wethouder", addr, now); wait > 0 {
					now = now.Add(wait) // the botnet waits its turn
					th.admit("wethouder", addr, now)
				}
			}
		}
		wait, scope := waitFor(th, "wethouder", "198.51.100.7", now)
		if wait > nameSoftCap || (wait > 0 && scope != "name") {
			t.Errorf("the real user at a clean address: held %s by %q, want at most %s", wait, scope, nameSoftCap)
		}
		if wait, _ := waitFor(th, "wethouder", "198.51.100.7", now.Add(nameSoftCap)); wait != 0 {
			t.Errorf("the real user %s later: held %s, want admitted", nameSoftCap, wait)
		}
	})

	t.Run("name: full delay for an address past its own free guesses", func(t *testing.T) {
		th := newLoginThrottle()
		now := t0
		attempt := func(addr string) {
			for {
				_, wait, _ := th.admit("wethouder", addr, now)
				if wait == 0 {
					return
				}
				now = now.Add(wait)
			}
		}
		for i := range 20 {
			attempt(fmt.Sprintf("203.0.113.%d", i))
		}
		for range pairRule.free {
			attempt("203.0.113.200")
		}
		if wait, scope := waitFor(th, "wethouder", "203.0.113.200", now); wait != nameRule.delay(20+pairRule.free) || scope != "name" {
			t.Errorf("the address past its free guesses: held %s by %q, want %s by name", wait, scope, nameRule.delay(20+pairRule.free))
		}
		if wait, _ := waitFor(th, "wethouder", "198.51.100.7", now); wait != nameSoftCap {
			t.Errorf("a clean address: held %s, want the soft cap %s", wait, nameSoftCap)
		}
	})

	t.Run("success clears the pair and is not counted", func(t *testing.T) {
		th := newLoginThrottle()
		for range pairRule.free - 1 {
			fail(t, th, "jan", "192.0.2.1", t0)
		}
		a, wait, _ := th.admit("jan", "192.0.2.1", t0)
		if wait != 0 {
			t.Fatalf("third attempt held %s", wait)
		}
		th.succeeded(a)
		if th.pair.len() != 0 || th.addr.get("192.0.2.1", t0).n != pairRule.free-1 || th.names.get("jan", t0).n != pairRule.free-1 {
			t.Errorf("after success: %d pairs, address %d, name %d failures; want 0 pairs and %d failures each",
				th.pair.len(), th.addr.get("192.0.2.1", t0).n, th.names.get("jan", t0).n, pairRule.free-1)
		}
	})

	t.Run("parallel guesses are counted before any password is checked", func(t *testing.T) {
		th := newLoginThrottle()
		var admitted sync.WaitGroup
		var mu sync.Mutex
		n := 0
		for range 50 {
			admitted.Add(1)
			go func() {
				defer admitted.Done()
				if _, wait, _ := th.admit("jan", "192.0.2.1", t0); wait == 0 {
					mu.Lock()
					n++
					mu.Unlock()
				}
			}()
		}
		admitted.Wait()
		if n != pairRule.free {
			t.Errorf("%d of 50 simultaneous guesses admitted, want %d", n, pairRule.free)
		}
	})

	t.Run("bounded memory: the oldest key goes", func(t *testing.T) {
		th := newLoginThrottle()
		for i := range 3 * maxThrottleEntries {
			th.admit("naam-"+strconv.Itoa(i), fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255), t0.Add(time.Duration(i)*time.Millisecond))
		}
		for _, tb := range []*failureTable{th.pair, th.addr, th.names} {
			if tb.len() > maxThrottleEntries || len(tb.index) != tb.len() {
				t.Errorf("table holds %d keys (index %d), want at most %d", tb.len(), len(tb.index), maxThrottleEntries)
			}
		}
		last := 3*maxThrottleEntries - 1
		if th.names.get("naam-0", t0).n != 0 || th.names.get("naam-"+strconv.Itoa(last), t0).n != 1 {
			t.Error("the table dropped a recent key, or kept the oldest")
		}
	})
}

// TestThrottleAddr groups IPv6 clients by /64 and treats an IPv4-mapped address as IPv4.
func TestThrottleAddr(t *testing.T) {
	for in, want := range map[string]string{
		"192.0.2.7":                "192.0.2.7",
		"::ffff:192.0.2.7":         "192.0.2.7",
		"2001:db8:1:2:3:4:5:6":     "2001:db8:1:2::/64",
		"2001:db8:1:2:ffff::1":     "2001:db8:1:2::/64",
		"geen-adres":               "geen-adres",
		"2001:db8:1:3::1":          "2001:db8:1:3::/64",
		"fe80::1":                  "fe80::/64",
		"0000:0000::ffff:10.0.0.1": "10.0.0.1",
	} {
		if got := throttleAddr(in); got != want {
			t.Errorf("throttleAddr(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestLoginThrottledOverHTTP guesses through the real login form: after the free
// failures a 429 with Retry-After and a Dutch message, also for the right password
// (a throttled guess is not checked), and in again once the wait is over. A client
// address is taken from X-Forwarded-For only from a trusted proxy.
func TestLoginThrottledOverHTTP(t *testing.T) {
	t.Run("per name and address", func(t *testing.T) {
		f := newAuthFixture(t, Config{})
		for i := range pairRule.free {
			// A spoofed X-Forwarded-For from an untrusted client changes nothing.
			res, _ := f.postLogin("beheerder", "fout-wachtwoord-123", map[string]string{"X-Forwarded-For": fmt.Sprintf("198.51.100.%d", i)})
			if res.StatusCode != http.StatusUnauthorized {
				t.Fatalf("wrong password %d: status %d, want 401", i+1, res.StatusCode)
			}
		}
		res, body := f.postLogin("beheerder", fixtureUsers["beheerder"].pass, map[string]string{"X-Forwarded-For": "198.51.100.99"})
		if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") != "1" ||
			!strings.Contains(body, "Te veel mislukte pogingen; probeer het over 1 seconde opnieuw.") {
			t.Fatalf("right password after %d failures: status %d, Retry-After %q; want 429, 1 and the Dutch message: %.400s",
				pairRule.free, res.StatusCode, res.Header.Get("Retry-After"), body)
		}
		if got := res.Header.Get("Content-Security-Policy"); got != webCSP {
			t.Errorf("the 429 page: CSP %q, want the dashboard's", got)
		}
		f.clock.advance(time.Second)
		f.login("beheerder")
		if !strings.Contains(f.logs.String(), "login throttled") {
			t.Error("the throttled attempt is not logged")
		}
	})
	t.Run("minutes, and a clean address behind a trusted proxy", func(t *testing.T) {
		f := newAuthFixture(t, Config{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}})
		attacker := map[string]string{"X-Forwarded-For": "203.0.113.5"}
		for failures := 0; failures < 10; {
			res, body := f.postLogin("wethouder", "fout-wachtwoord-123", attacker)
			switch res.StatusCode {
			case http.StatusTooManyRequests:
				secs, _ := strconv.Atoi(res.Header.Get("Retry-After"))
				f.clock.advance(time.Duration(secs) * time.Second)
			case http.StatusUnauthorized:
				failures++
			default:
				t.Fatalf("guess: status %d: %.300s", res.StatusCode, body)
			}
		}
		res, body := f.postLogin("wethouder", "fout-wachtwoord-123", attacker)
		secs, _ := strconv.Atoi(res.Header.Get("Retry-After"))
		if res.StatusCode != http.StatusTooManyRequests || secs <= 60 || secs > 300 || !strings.Contains(body, "minuten opnieuw") {
			t.Errorf("the attacker after 10 failures: status %d, Retry-After %ds; want 429 for a few minutes", res.StatusCode, secs)
		}
		// The real user, at another address, gets in at once or within the soft cap.
		user := map[string]string{"X-Forwarded-For": "198.51.100.7"}
		res, _ = f.postLogin("wethouder", fixtureUsers["wethouder"].pass, user)
		if res.StatusCode == http.StatusTooManyRequests {
			secs, _ := strconv.Atoi(res.Header.Get("Retry-After"))
			if secs > int(nameSoftCap/time.Second) {
				t.Fatalf("the real user at a clean address: held %ds, want at most %s", secs, nameSoftCap)
			}
			f.clock.advance(time.Duration(secs) * time.Second)
			res, _ = f.postLogin("wethouder", fixtureUsers["wethouder"].pass, user)
		}
		if res.StatusCode != http.StatusSeeOther {
			t.Errorf("the real user at a clean address: status %d, want 303", res.StatusCode)
		}
	})
}
