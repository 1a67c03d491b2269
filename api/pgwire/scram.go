package pgwire

import (
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// SCRAM-SHA-256 (RFC 5802, RFC 7677) as PostgreSQL speaks it: the server keeps a
// verifier, never the password, and the password never crosses the wire.

// scramIterations is PostgreSQL's default iteration count (scram_iterations).
const scramIterations = 4096

// NewSCRAMVerifier derives a stored SCRAM-SHA-256 verifier from a password, in
// PostgreSQL's format: SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>.
// The password is used as given (no SASLprep): ASCII passwords, and API tokens, are
// the same either way.
func NewSCRAMVerifier(password string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("pgwire: scram salt: %w", err)
	}
	return scramVerifier(password, salt, scramIterations)
}

func scramVerifier(password string, salt []byte, iter int) (string, error) {
	salted, err := pbkdf2.Key(sha256.New, password, salt, iter, sha256.Size)
	if err != nil {
		return "", fmt.Errorf("pgwire: scram: %w", err)
	}
	clientKey := hmacSHA256(salted, "Client Key")
	stored := sha256.Sum256(clientKey)
	serverKey := hmacSHA256(salted, "Server Key")
	b64 := base64.StdEncoding.EncodeToString
	return fmt.Sprintf("SCRAM-SHA-256$%d:%s$%s:%s", iter, b64(salt), b64(stored[:]), b64(serverKey)), nil
}

func hmacSHA256(key []byte, msg string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(msg))
	return h.Sum(nil)
}

// scramSecret is a parsed verifier.
type scramSecret struct {
	iter                 int
	salt                 []byte
	storedKey, serverKey []byte
}

func parseSCRAMVerifier(v string) (scramSecret, error) {
	var s scramSecret
	bad := errors.New("pgwire: not a SCRAM-SHA-256 verifier")
	mech, rest, ok := strings.Cut(v, "$")
	if !ok || mech != "SCRAM-SHA-256" {
		return s, bad
	}
	params, keys, ok := strings.Cut(rest, "$")
	if !ok {
		return s, bad
	}
	it, salt, ok1 := strings.Cut(params, ":")
	stored, server, ok2 := strings.Cut(keys, ":")
	if !ok1 || !ok2 {
		return s, bad
	}
	var err error
	if s.iter, err = strconv.Atoi(it); err != nil || s.iter < 1 {
		return s, bad
	}
	dec := base64.StdEncoding.DecodeString
	if s.salt, err = dec(salt); err != nil {
		return s, bad
	}
	if s.storedKey, err = dec(stored); err != nil || len(s.storedKey) != sha256.Size {
		return s, bad
	}
	if s.serverKey, err = dec(server); err != nil || len(s.serverKey) != sha256.Size {
		return s, bad
	}
	return s, nil
}

// dummySCRAMSecret stands in for a name without a verifier: the exchange runs to the
// end and fails like a wrong password, so the answer does not tell which names exist.
func dummySCRAMSecret() scramSecret {
	b := make([]byte, 16+2*sha256.Size)
	rand.Read(b)
	return scramSecret{iter: scramIterations, salt: b[:16], storedKey: b[16:48], serverKey: b[48:]}
}

// scramServer is the server's side of one exchange.
type scramServer struct {
	secret          scramSecret
	clientFirstBare string
	serverFirst     string
	nonce           string
	gs2             string
}

// first reads the client-first-message and returns the server-first-message.
func (s *scramServer) first(clientFirst string) (string, error) {
	// gs2-header: "n,," (no channel binding) or "y,," (the client could, we did not
	// offer it); "p=…" asks for channel binding, which this server does not offer.
	parts := strings.SplitN(clientFirst, ",", 3)
	if len(parts) != 3 || (parts[0] != "n" && parts[0] != "y") {
		return "", errors.New("SCRAM: kanaalbinding wordt niet ondersteund of het bericht is onleesbaar")
	}
	s.gs2 = parts[0] + "," + parts[1] + ","
	s.clientFirstBare = parts[2]
	var clientNonce string
	for _, attr := range strings.Split(s.clientFirstBare, ",") {
		if v, ok := strings.CutPrefix(attr, "r="); ok {
			clientNonce = v
		}
	}
	if clientNonce == "" {
		return "", errors.New("SCRAM: het bericht van de client heeft geen nonce")
	}
	b := make([]byte, 18)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	s.nonce = clientNonce + base64.StdEncoding.EncodeToString(b)
	s.serverFirst = fmt.Sprintf("r=%s,s=%s,i=%d", s.nonce, base64.StdEncoding.EncodeToString(s.secret.salt), s.secret.iter)
	return s.serverFirst, nil
}

// final checks the client-final-message; ok false is a wrong password. It returns the
// server-final-message (the server's signature) for a right one.
func (s *scramServer) final(clientFinal string) (serverFinal string, ok bool, err error) {
	i := strings.LastIndex(clientFinal, ",p=")
	if i < 0 {
		return "", false, errors.New("SCRAM: het slotbericht van de client heeft geen bewijs")
	}
	withoutProof := clientFinal[:i]
	proof, err := base64.StdEncoding.DecodeString(clientFinal[i+3:])
	if err != nil || len(proof) != sha256.Size {
		return "", false, errors.New("SCRAM: het bewijs van de client is onleesbaar")
	}
	var binding, nonce string
	for _, attr := range strings.Split(withoutProof, ",") {
		if v, ok := strings.CutPrefix(attr, "c="); ok {
			binding = v
		} else if v, ok := strings.CutPrefix(attr, "r="); ok {
			nonce = v
		}
	}
	if binding != base64.StdEncoding.EncodeToString([]byte(s.gs2)) || nonce != s.nonce {
		return "", false, errors.New("SCRAM: het slotbericht past niet bij de uitwisseling")
	}
	authMessage := s.clientFirstBare + "," + s.serverFirst + "," + withoutProof
	sig := hmacSHA256(s.secret.storedKey, authMessage)
	clientKey := make([]byte, len(proof))
	for k := range proof {
		clientKey[k] = proof[k] ^ sig[k]
	}
	h := sha256.Sum256(clientKey)
	if subtle.ConstantTimeCompare(h[:], s.secret.storedKey) != 1 {
		return "", false, nil
	}
	return "v=" + base64.StdEncoding.EncodeToString(hmacSHA256(s.secret.serverKey, authMessage)), true, nil
}
