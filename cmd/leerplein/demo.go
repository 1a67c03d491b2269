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
	"time"

	"github.com/hetleerplein/leerplein/etl"
	"github.com/hetleerplein/leerplein/etl/demo"
	"github.com/hetleerplein/leerplein/warehouse"
)

var demoHelp = commandHelp{
	text: `Maakt synthetische exports (verzonnen leerlingen, geen echte BSN's) van elk
schooljaar vanaf 2015-2016 tot en met gisteren, of tot en met de dag van --until, in
MAP/demo-inbox en laadt ze met de echte lader in MAP/leerplein.duckdb, met een eigen
pseudoniemsleutel in MAP/demo.key. Het lopende schooljaar staat er tot en met die dag
in, met zijn prognose. Dezelfde dag geeft altijd dezelfde bestanden; --until 2025-07-31
geeft de tien schooljaren waarmee de demo begon. MAP/demo.yaml is de configuratie waarmee
'leerplein serve --config' het dashboard toont en de demo-inbox als job 'demo' laadt. Alleen voor een demo: gebruik nooit het warehouse van de bureau-gegevens.`,
	examples: []string{"leerplein demo", "leerplein demo --until 2025-07-31",
		"leerplein demo --data /tmp/leerplein-demo && leerplein serve --config /tmp/leerplein-demo/demo.yaml --demo-login"},
}

// cmdDemo generates the synthetic exports and loads them through the real loader, so
// `make run` shows a warehouse with every school year up to yesterday in it, the last
// one in progress.
func cmdDemo(ctx context.Context, e env, args []string) error {
	fs := newFlagSet("demo")
	data := fs.String("data", "./data", "`MAP` de map voor het warehouse, de demosleutel en de demo-inbox")
	untilFlag := fs.String("until", "", "`JJJJ-MM-DD` de laatste dag met gegevens (standaard: gisteren)")
	if err := parseFlags(e, fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("demo: onverwacht argument %q", fs.Arg(0))}
	}
	until, err := demoUntil(*untilFlag, time.Now())
	if err != nil {
		return err
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
	names, err := demo.Generate(inbox, until)
	if err != nil {
		return fmt.Errorf("demo: exports maken: %w", err)
	}
	fmt.Fprintf(e.stdout, "demo: %s met synthetische exports tot en met %s in %s\n",
		count(int64(len(names)), "bestand", "bestanden"), until.Format(time.DateOnly), inbox)
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

// demoUntil is the day the demo's data run through: --until (flag, "" when not given)
// or, by default, the day before now in the Netherlands, so that the demo shows the
// school year in progress as a real export made today would. It refuses, in Dutch, a
// day that is not a date, that comes before the demo's first whole school year, that is
// not yet over on now, or that lies past the demo's plan. now is passed in so that tests
// do not depend on the clock.
func demoUntil(flag string, now time.Time) (time.Time, error) {
	yesterday := warehouse.Today(now).AddDate(0, 0, -1)
	first, last := demo.EarliestUntil(), demo.LatestUntil()
	if flag == "" {
		if yesterday.After(last) {
			return time.Time{}, usageError{fmt.Sprintf("demo: de demo heeft gegevens tot en met %s; kies met --until een dag van %s tot en met %s",
				last.Format(time.DateOnly), first.Format(time.DateOnly), last.Format(time.DateOnly))}
		}
		return yesterday, nil
	}
	d, err := time.Parse(time.DateOnly, flag)
	switch {
	case err != nil:
		return time.Time{}, usageError{fmt.Sprintf("demo: --until %q is geen datum; schrijf JJJJ-MM-DD, bijvoorbeeld 2025-07-31", flag)}
	case d.Before(first):
		return time.Time{}, usageError{fmt.Sprintf("demo: --until %s is te vroeg: de demo begint met schooljaar 2015-2016 en loopt tot op zijn vroegst %s",
			d.Format(time.DateOnly), first.Format(time.DateOnly))}
	case d.After(last):
		return time.Time{}, usageError{fmt.Sprintf("demo: --until %s is te laat: de demo heeft gegevens tot en met %s",
			d.Format(time.DateOnly), last.Format(time.DateOnly))}
	case d.After(yesterday):
		return time.Time{}, usageError{fmt.Sprintf("demo: --until %s is nog niet voorbij: een export bevat niets van vandaag of later; kies gisteren (%s) of eerder",
			d.Format(time.DateOnly), yesterday.Format(time.DateOnly))}
	}
	return d, nil
}

// demoConfigName is the demo's configuration file in the data directory.
const demoConfigName = "demo.yaml"

// demoConfig serves the demo as the bureau would run: one job on the demo inbox, so the
// steward's page can take an upload and load it at once.
const demoConfig = `# The demo's configuration, written by 'leerplein demo' (see leerplein.example.yaml).
# Paths are relative to this file. Only for the demo: synthetic data, a key of its own.
warehouse: leerplein.duckdb
pseudo_key_file: demo.key
pgwire:
  listen: 127.0.0.1:5433             # psql, DBeaver, Power BI, Grafana (loopback: no TLS needed)
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
