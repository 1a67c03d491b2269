package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/hetleerplein/leerplein/etl"
	"github.com/hetleerplein/leerplein/etl/demo"
	"github.com/hetleerplein/leerplein/warehouse"
)

var demoHelp = commandHelp{
	text: `Maakt tien schooljaren aan synthetische exports (verzonnen leerlingen, geen echte
BSN's) in MAP/demo-inbox en laadt ze met de echte lader in MAP/leerplein.duckdb, met een
eigen pseudoniemsleutel in MAP/demo.key. Daarna laat 'leerplein serve' het dashboard
zien. Alleen voor een demo: gebruik nooit het warehouse van de bureau-gegevens.`,
	examples: []string{"leerplein demo", "leerplein demo --data /tmp/leerplein-demo && leerplein serve --db /tmp/leerplein-demo/leerplein.duckdb --demo-login"},
}

// cmdDemo generates the synthetic exports and loads them through the real loader, so
// `make run` shows a warehouse with ten school years in it.
func cmdDemo(ctx context.Context, e env, args []string) error {
	fs := newFlagSet("demo")
	data := fs.String("data", "./data", "`MAP` de map voor het warehouse, de demosleutel en de demo-inbox")
	if err := parseFlags(e, fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("demo: onverwacht argument %q", fs.Arg(0))}
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
		return fmt.Errorf("demo: exports maken: %w", err)
	}
	fmt.Fprintf(e.stdout, "demo: %s met synthetische exports in %s\n", count(int64(len(names)), "bestand", "bestanden"), inbox)
	db, err := warehouse.Open(ctx, dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	progress, stopProgress := startProgress(e.stderr)
	sum, err := etl.Run(ctx, db, etl.Options{Inbox: inbox, Key: key, Job: "demo", Move: true,
		Logger: slog.New(slog.DiscardHandler), Progress: progress.stageFunc(), Rows: progress.rowsFunc()})
	stopProgress()
	printSummary(e.stdout, sum)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "demo: warehouse %s (pseudoniemsleutel in %s); bekijk het met: leerplein serve --db %s --demo-login\n",
		dbPath, filepath.Join(*data, "demo.key"), shellQuote(dbPath))
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
			return nil, fmt.Errorf("demo: sleutel schrijven: %w", err)
		}
		os.Remove(dbPath)
		os.Remove(dbPath + ".wal")
	} else if err != nil {
		return nil, fmt.Errorf("demo: sleutel lezen: %w", err)
	}
	return etl.ParseKey(string(b))
}
