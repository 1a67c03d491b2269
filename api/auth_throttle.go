package api

import (
	"container/list"
	"net/netip"
	"sync"
	"time"
)

// Login throttling. Every failed login counts against three keys, each with its own
// rule: the (name, address) pair, the address and the name. A key with more failures
// than its rule admits freely must wait, after its last failure, a delay that doubles
// with every further failure up to the rule's cap; meanwhile the login form answers 429
// without checking the password (no bcrypt work for a throttled guess).
//
//   - pair: strict, the usual case of one person or one script guessing one name.
//   - address: broader, a script trying many names from one address.
//   - name: all addresses together, a botnet guessing one name. So that an attacker
//     cannot lock a real user out, a caller whose own pair is still within its free
//     failures (the user at their usual desk, a typo or two) is held by the name at
//     most nameSoftCap: keeping a name locked takes a fresh address every nameSoftCap,
//     and even then the user waits seconds, not minutes.
//
// Failures are forgotten throttleForget after a key's last one; a successful login
// clears its pair. Each table holds at most maxThrottleEntries keys, dropping the one
// whose last failure is oldest, so memory stays bounded whatever names and addresses an
// attacker sends.
type loginThrottle struct {
	mu                sync.Mutex
	pair, addr, names *failureTable
}

// throttleRule is when a key must wait: after free failures, base doubling per further
// failure, at most max.
type throttleRule struct {
	free int
	base time.Duration
	max  time.Duration
}

var (
	pairRule = throttleRule{free: 3, base: time.Second, max: 5 * time.Minute}
	addrRule = throttleRule{free: 20, base: time.Second, max: 5 * time.Minute}
	nameRule = throttleRule{free: 10, base: time.Second, max: 5 * time.Minute}
)

const (
	// nameSoftCap is the longest the name key holds a caller whose pair is clean.
	nameSoftCap = 30 * time.Second
	// throttleForget is how long after its last failure a key starts afresh.
	throttleForget = time.Hour
	// maxThrottleEntries bounds each of the three tables.
	maxThrottleEntries = 10000
)

// delay is how long after the last of n failures the next attempt must wait.
func (r throttleRule) delay(n int) time.Duration {
	if n < r.free {
		return 0
	}
	d := r.base
	for i := r.free; i < n && d < r.max; i++ {
		d *= 2
	}
	return min(d, r.max)
}

func newLoginThrottle() *loginThrottle {
	return &loginThrottle{
		pair:  newFailureTable(maxThrottleEntries),
		addr:  newFailureTable(maxThrottleEntries),
		names: newFailureTable(maxThrottleEntries),
	}
}

// attempt is an admitted login attempt, counted as a failure until undone.
type attempt struct{ pairKey, addr, name string }

// admit says whether name may be tried from addr at now. When it may (wait 0), the
// attempt is counted as a failure at once, so parallel guesses are counted before any
// password is checked; the caller undoes that with succeeded or abandoned. When it may
// not, wait is how long to wait and scope which key holds it ("pair", "address",
// "name"); nothing is counted.
func (t *loginThrottle) admit(name, addr string, now time.Time) (a attempt, wait time.Duration, scope string) {
	a = attempt{pairKey: name + "\x00" + addr, addr: addr, name: name}
	t.mu.Lock()
	defer t.mu.Unlock()
	p, ad, nm := t.pair.get(a.pairKey, now), t.addr.get(addr, now), t.names.get(name, now)
	nameCap := nameRule.max
	if p.n < pairRule.free {
		nameCap = nameSoftCap
	}
	for _, k := range [...]struct {
		scope string
		last  time.Time
		delay time.Duration
	}{
		{"pair", p.last, pairRule.delay(p.n)},
		{"address", ad.last, addrRule.delay(ad.n)},
		{"name", nm.last, min(nameRule.delay(nm.n), nameCap)},
	} {
		// The longest wait, so the caller is not told to come back too soon.
		if w := k.last.Add(k.delay).Sub(now); k.delay > 0 && w > wait {
			wait, scope = w, k.scope
		}
	}
	if wait > 0 {
		return a, wait, scope
	}
	t.pair.add(a.pairKey, now)
	t.addr.add(addr, now)
	t.names.add(name, now)
	return a, 0, ""
}

// succeeded undoes the attempt's count and clears its pair: the right password.
func (t *loginThrottle) succeeded(a attempt) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.pair.remove(a.pairKey)
	t.addr.undo(a.addr)
	t.names.undo(a.name)
}

// abandoned undoes the attempt's count: no answer on the password was given (an
// internal error).
func (t *loginThrottle) abandoned(a attempt) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.pair.undo(a.pairKey)
	t.addr.undo(a.addr)
	t.names.undo(a.name)
}

// throttleAddr is the key of a client address: the address itself for IPv4, its /64
// for IPv6 (one subscriber commonly holds a whole /64).
func throttleAddr(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	a = a.Unmap()
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}

// failures is one key's count and the time of its last failure.
type failures struct {
	key  string
	n    int
	last time.Time
}

// failureTable is a bounded map of keys to failures, ordered by last failure: the
// front is the most recent, the back the first to go when the table is full.
type failureTable struct {
	max   int
	order *list.List // of *failures
	index map[string]*list.Element
}

func newFailureTable(max int) *failureTable {
	return &failureTable{max: max, order: list.New(), index: make(map[string]*list.Element)}
}

// get returns key's failures at now; a key whose last failure is older than
// throttleForget has none.
func (t *failureTable) get(key string, now time.Time) failures {
	e, ok := t.index[key]
	if !ok {
		return failures{key: key}
	}
	f := e.Value.(*failures)
	if now.Sub(f.last) >= throttleForget {
		t.remove(key)
		return failures{key: key}
	}
	return *f
}

// add counts a failure of key at now, making room by dropping the oldest key.
func (t *failureTable) add(key string, now time.Time) {
	if e, ok := t.index[key]; ok {
		f := e.Value.(*failures)
		if now.Sub(f.last) >= throttleForget {
			f.n = 0
		}
		f.n++
		f.last = now
		t.order.MoveToFront(e)
		return
	}
	for t.order.Len() >= t.max {
		oldest := t.order.Back()
		delete(t.index, oldest.Value.(*failures).key)
		t.order.Remove(oldest)
	}
	t.index[key] = t.order.PushFront(&failures{key: key, n: 1, last: now})
}

// undo takes one failure of key back.
func (t *failureTable) undo(key string) {
	if e, ok := t.index[key]; ok {
		f := e.Value.(*failures)
		if f.n--; f.n <= 0 {
			t.remove(key)
		}
	}
}

func (t *failureTable) remove(key string) {
	if e, ok := t.index[key]; ok {
		delete(t.index, key)
		t.order.Remove(e)
	}
}

// len is the number of keys held.
func (t *failureTable) len() int { return t.order.Len() }
