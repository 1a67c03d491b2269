package api

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"net"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/hetleerplein/leerplein/api/pgwire"
	"github.com/hetleerplein/leerplein/warehouse"
)

// selfSignedTLS is a throwaway certificate for 127.0.0.1.
func selfSignedTLS(t *testing.T) *tls.Config {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "leerplein-test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
}

// TestPGWireLogins logs dashboard users in over the wire: with TLS the password is sent
// (and a SCRAM verifier kept for later), without TLS only SCRAM works, a disabled or
// bestuur user is refused after the right password, wrong passwords are throttled per
// name and address, and failures are in the audit without the password.
func TestPGWireLogins(t *testing.T) {
	w := loadDemo(t)
	ctx := context.Background()
	ws := startWire(t, Config{}, pgwire.Config{TLS: selfSignedTLS(t)})
	const pass = "wire-wachtwoord-2026"
	if err := SetUser(ctx, w.db, "wire-analiste", "analist", pass, true); err != nil {
		t.Fatal(err)
	}
	// As if the user predates the wire: no SCRAM verifier.
	if _, err := w.db.ExecContext(ctx, `delete from auth_scram where subject = 'user:wire-analiste'`); err != nil {
		t.Fatal(err)
	}
	dsn := func(user, password, sslmode string) string {
		return fmt.Sprintf("postgres://%s:%s@%s/leerplein?sslmode=%s&connect_timeout=10", user, url.QueryEscape(password), ws.addr, sslmode)
	}
	login := func(user, password, sslmode string) error {
		conn, err := pgx.Connect(ctx, dsn(user, password, sslmode))
		if err != nil {
			return err
		}
		defer conn.Close(ctx)
		var n int
		return conn.QueryRow(ctx, "select count(*) from gemeenten").Scan(&n)
	}
	if err := login("wire-analiste", pass, "disable"); pgCode(err) != "28P01" {
		t.Errorf("SCRAM without a verifier: %v, want 28P01", err)
	}
	if err := login("wire-analiste", pass, "require"); err != nil {
		t.Fatalf("password over TLS: %v", err)
	}
	if err := login("wire-analiste", pass, "disable"); err != nil {
		t.Errorf("SCRAM after a TLS login stored the verifier: %v", err)
	}
	if err := login("wire-analiste", pass+"x", "require"); pgCode(err) != "28P01" {
		t.Errorf("wrong password over TLS: %v, want 28P01", err)
	}
	if err := login("test-analist", ws.w.tokens["analist"], "require"); err != nil {
		t.Errorf("a token over TLS: %v", err)
	}
	if err := login(w.user, w.pass, "require"); pgCode(err) != "28000" || !strings.Contains(err.Error(), "bestuur") {
		t.Errorf("bestuur user: %v, want 28000 naming the role", err)
	}
	if _, err := UpdateUser(ctx, w.db, CLIActor("test"), "wire-analiste", UserChange{Disabled: ptr(true)}, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := login("wire-analiste", pass, "require"); pgCode(err) != "28000" || !strings.Contains(err.Error(), "uitgeschakeld") {
		t.Errorf("disabled user: %v, want 28000 uitgeschakeld", err)
	}

	// Guessing: three free failures per name and address, then a wait.
	guess := "wire-gok-wachtwoord"
	var last error
	for range 5 {
		last = login("wire-analiste", guess, "disable")
	}
	if pgCode(last) != "28000" || !strings.Contains(last.Error(), "Te veel mislukte pogingen") {
		t.Errorf("after 5 wrong passwords: %v, want 28000 Te veel mislukte pogingen", last)
	}
	entries, err := w.db.SQLAudit(ctx, warehouse.AuditFilter{Limit: 1000, Status: warehouse.AuditRefused})
	if err != nil {
		t.Fatal(err)
	}
	failed := 0
	for _, e := range entries {
		if strings.Contains(e.Message, "PostgreSQL-login mislukt") && e.Who == "wire-analiste" {
			failed++
		}
		if strings.Contains(e.Message+e.Query+e.Who, guess) || strings.Contains(e.Message+e.Query+e.Who, pass) {
			t.Errorf("audit entry holds a password: %+v", e)
		}
	}
	if failed < 3 {
		t.Errorf("%d failed wire logins of wire-analiste in the audit, want at least 3", failed)
	}
}

func ptr[T any](v T) *T { return &v }
