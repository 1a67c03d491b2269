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
eigen pseudoniemsleutel in MAP/demo.key. MAP/demo.yaml is de configuratie waarmee
'leerplein serve --config' het dashboard toont en de demo-inbox als job 'demo' laadt. Alleen voor een demo: gebruik nooit het warehouse van de bureau-gegevens.`,
	examples: []string{"leerplein demo", "leerplein demo --data /tmp/leerplein-demo && leerplein serve --config /tmp/leerplein-demo/demo.yaml --demo-login"},
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
	names, err := demo.Generate(inbox, demo.PlanEnd())
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
	conf := filepath.Join(*data, demoConfigName)
	if err := os.WriteFile(conf, []byte(demoConfig), 0o600); err != nil {
		return fmt.Errorf("demo: configuratie schrijven: %w", err)
	}
	fmt.Fprintf(e.stdout, "demo: warehouse %s (pseudoniemsleutel in %s); bekijk het met: leerplein serve --config %s --demo-login\n",
		dbPath, filepath.Join(*data, "demo.key"), shellQuote(conf))
	return nil
}

// demoConfigName is the demo's configuration file in the data directory.
const demoConfigName = "demo.yaml"

// demoConfig serves the demo as the bureau would run: one job on the demo inbox, so the
// steward's page can take an upload and load it at once.
const demoConfig = `# The demo's configuration, written by 'leerplein demo' (see leerplein.example.yaml).
# Paths are relative to this file. Only for the demo: synthetic data, a key of its own.
warehouse: leerplein.duckdb
pseudo_key_file: demo.key
jobs:
  - name: demo
    schedule: "0 3 * * *"            # elke dag om 03:00
    inbox: demo-inbox
    expect_every: 744h               # 31 dagen
`

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
