package etl

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// KeyEnv is the environment variable that holds the pseudonym key.
const KeyEnv = "LEERPLEIN_PSEUDO_KEY"

// minKeyLen keeps guessable keys out: with a short key, pseudonyms of the small BSN space
// could be reversed by brute force.
const minKeyLen = 32

// ErrNoKey is returned when no pseudonym key is configured.
var ErrNoKey = errors.New(KeyEnv + " is not set: the loader needs a secret key to pseudonymise BSNs. " +
	"Create one once, e.g. `export " + KeyEnv + "=$(openssl rand -hex 32)`, keep it outside the warehouse " +
	"(a password manager or a file readable only by the loader) and use the same key for every load")

// ParseKey checks a pseudonym key as given in the environment or a key file.
func ParseKey(raw string) ([]byte, error) {
	k := strings.TrimSpace(raw)
	if k == "" {
		return nil, ErrNoKey
	}
	if len(k) < minKeyLen {
		return nil, fmt.Errorf("the pseudonym key is %d characters long; use at least %d (e.g. `openssl rand -hex 32`)", len(k), minKeyLen)
	}
	return []byte(k), nil
}

// hmacPads returns the inner and outer padded keys of HMAC-SHA-256, so DuckDB can compute
// the pseudonym in SQL as sha256(opad || sha256(ipad || bsn)) — vectorised over millions of
// rows — with the key passed as a query parameter, never written into SQL text or a table.
func hmacPads(key []byte) (ipad, opad []byte) {
	const block = 64
	if len(key) > block {
		sum := sha256.Sum256(key)
		key = sum[:]
	}
	ipad = make([]byte, block)
	opad = make([]byte, block)
	copy(ipad, key)
	copy(opad, key)
	for i := range block {
		ipad[i] ^= 0x36
		opad[i] ^= 0x5c
	}
	return ipad, opad
}

// Pseudonym is the keyed pseudonym of a (normalised, 9-digit) BSN, as stored in persoon_id.
func Pseudonym(key []byte, bsn string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(bsn))
	return hex.EncodeToString(m.Sum(nil))
}

// keyFingerprint identifies a key without revealing it, so the warehouse can refuse a load
// under a different key (which would silently split every person in two).
func keyFingerprint(key []byte) string {
	return Pseudonym(key, "leerplein key fingerprint")[:16]
}

// ValidBSN reports whether s is a BSN that passes the eleven test (8 digits are left-padded).
func ValidBSN(s string) bool {
	if len(s) == 8 {
		s = "0" + s
	}
	if len(s) != 9 {
		return false
	}
	sum, zero := 0, true
	for i := range 9 {
		d := int(s[i] - '0')
		if d < 0 || d > 9 {
			return false
		}
		if d != 0 {
			zero = false
		}
		w := 9 - i
		if i == 8 {
			w = -1
		}
		sum += w * d
	}
	return !zero && sum%11 == 0
}
