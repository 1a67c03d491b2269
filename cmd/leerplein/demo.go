package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/hetleerplein/leerplein/etl"
	"github.com/hetleerplein/leerplein/etl/demo"
	"github.com/hetleerplein/leerplein/warehouse"
)

// cmdDemo generates the synthetic exports and loads them through the real loader, so
// `make run` shows a warehouse with ten school years in it.
func cmdDemo(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	data := fs.String("data", "./data", "data directory: warehouse, demo key and demo inbox")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	dbPath := filepath.Join(*data, "leerplein.duckdb")
	key, err := demoKey(*data, dbPath)
	if err != nil {
		return err
	}
	inbox := filepath.Join(*data, "demo-inbox")
	if err := os.RemoveAll(inbox); err != nil {
		return err
	}
	names, err := demo.Generate(inbox)
	if err != nil {
		return fmt.Errorf("demo: generate: %w", err)
	}
	fmt.Fprintf(e.stdout, "demo: %d synthetic export files in %s\n", len(names), inbox)
	db, err := warehouse.Open(ctx, dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	sum, err := etl.Run(ctx, db, etl.Options{Inbox: inbox, Key: key, Job: "demo", Move: true,
		Logger: slog.New(slog.DiscardHandler), Progress: newProgress(e.stderr)})
	printSummary(e.stdout, sum)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "demo: warehouse %s (pseudonym key in %s)\n", dbPath, filepath.Join(*data, "demo.key"))
	return nil
}

// demoKey returns the demo's pseudonym key, generating it (mode 0600) on first use. A
// warehouse loaded under a lost key is demo data only, so it is started afresh.
func demoKey(data, dbPath string) ([]byte, error) {
	path := filepath.Join(data, "demo.key")
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(data, 0o700); err != nil {
			return nil, err
		}
		raw := make([]byte, 32)
		if _, err := rand.Read(raw); err != nil {
			return nil, err
		}
		b = []byte(hex.EncodeToString(raw))
		if err := os.WriteFile(path, b, 0o600); err != nil {
			return nil, fmt.Errorf("demo: write key: %w", err)
		}
		os.Remove(dbPath)
		os.Remove(dbPath + ".wal")
	} else if err != nil {
		return nil, fmt.Errorf("demo: read key: %w", err)
	}
	return etl.ParseKey(string(b))
}
