package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// pgServingAddr is the wire's address as serve prints it.
var pgServingAddr = regexp.MustCompile(`PostgreSQL \(.*\) on (127\.0\.0\.1:[0-9]+)`)

// TestServePGWire runs `leerplein serve --config` with a pgwire: section: the real
// server (its sandbox workers are this test binary, as in production the binary
// itself) answers pgx with a token of role analist once its sandbox is built, and stops
// the wire with the server.
func TestServePGWire(t *testing.T) {
	dir := t.TempDir()
	config := filepath.Join(dir, "leerplein.yaml")
	body := "warehouse: w.duckdb\nlisten: 127.0.0.1:0\npgwire:\n  listen: 127.0.0.1:0\n"
	if err := os.WriteFile(config, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	out, _, err := runCmd(context.Background(), "", "token", "create", "--db", filepath.Join(dir, "w.duckdb"), "--role", "analist", "--name", "wire")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	token := lines[len(lines)-1]

	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--config", config}, func(string) string { return "" }, strings.NewReader(""), &stdout, &stderr)
	}()
	var addr string
	for deadline := time.Now().Add(20 * time.Second); addr == ""; time.Sleep(20 * time.Millisecond) {
		if m := pgServingAddr.FindStringSubmatch(stdout.String()); m != nil {
			addr = m[1]
		}
		if time.Now().After(deadline) {
			cancel()
			<-done
			t.Fatalf("serve printed no PostgreSQL address; stdout: %s stderr: %s", stdout.String(), stderr.String())
		}
	}
	dsn := fmt.Sprintf("postgres://wire:%s@%s/leerplein?sslmode=disable", token, addr)
	var n int64
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		conn, err := pgx.Connect(ctx, dsn)
		if err == nil {
			err = conn.QueryRow(ctx, "select count(*) from analist.gemeenten").Scan(&n)
			conn.Close(ctx)
		}
		if err == nil {
			break
		}
		var pe *pgconn.PgError
		if time.Now().After(deadline) || !(strings.Contains(err.Error(), "57P03") || errors.As(err, &pe) && pe.Code == "57P03") {
			cancel()
			<-done
			t.Fatalf("query over the wire: %v\nstderr: %s", err, stderr.String())
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("serve: %v", err)
	}
	if _, err := pgx.Connect(context.Background(), dsn); err == nil {
		t.Error("the wire still answers after the server stopped")
	}
}
