package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/hetleerplein/leerplein/warehouse"
)

// TokenEnv holds the bearer token (role beheer) backup uses to reach a running server.
const TokenEnv = "LEERPLEIN_TOKEN"

const backupUsage = `usage: leerplein backup (--config FILE | --db PATH) --out DIR [--server URL]

Maakt een consistente kopie van het warehouse: DIR/leerplein.duckdb (een bestaande
kopie wordt nooit overschreven). Is het warehouse vrij, dan kopieert dit commando zelf;
houdt een draaiende server het vast, dan vraagt het de server de kopie te maken
(POST /api/v1/backup, token met rol beheer in $LEERPLEIN_TOKEN). DIR moet dan op de
machine van de server liggen, onder backup_dir uit de configuratie (standaard: backups/
naast het warehouse-bestand), en voor de server schrijfbaar zijn.

Terugzetten: stop de server, zet de kopie op de plaats van het warehouse-bestand
(en verwijder een eventueel <warehouse>.wal), start de server.

flags:
`

// cmdBackup copies the warehouse, directly or through the server that holds it.
func cmdBackup(ctx context.Context, e env, args []string) error {
	fset := flag.NewFlagSet("backup", flag.ContinueOnError)
	fset.SetOutput(e.stderr)
	fset.Usage = func() {
		fmt.Fprint(fset.Output(), backupUsage)
		fset.PrintDefaults()
	}
	configPath := fset.String("config", "", "configuration file (for the warehouse and the server's address)")
	dbPath := fset.String("db", "", "warehouse file (instead of --config)")
	out := fset.String("out", "", "directory for the copy (required)")
	server := fset.String("server", "", "URL of the running server (default: http://<listen> from --config)")
	if err := fset.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return usageError{err.Error()}
	}
	if *out == "" {
		return usageError{"backup: --out is required"}
	}
	if fset.NArg() > 0 {
		return usageError{fmt.Sprintf("backup: unexpected argument %q", fset.Arg(0))}
	}
	if *configPath != "" {
		cfg, err := loadConfig(*configPath)
		if err != nil {
			return err
		}
		if *dbPath == "" {
			*dbPath = cfg.warehouse
		}
		if *server == "" {
			*server = listenURL(cfg.listen)
		}
	}
	if *dbPath == "" {
		return usageError{"backup: give --config or --db"}
	}
	dir, err := filepath.Abs(*out)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if _, err := os.Stat(*dbPath); err != nil {
		return fmt.Errorf("backup: warehouse %s: %w", *dbPath, err)
	}
	db, err := warehouse.Open(ctx, *dbPath)
	switch {
	case errors.Is(err, warehouse.ErrLocked):
		via := &viaServer{server: *server}
		base, err := via.serverFor(e, err, "backup", args, "beheer")
		if err != nil {
			return err
		}
		path, err := backupViaServer(ctx, base, e.getenv(TokenEnv), dir)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "leerplein: backup written by the server to %s\n", path)
		return nil
	case err != nil:
		return err
	}
	defer db.Close()
	path, err := warehouse.Backup(ctx, db, dir)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "leerplein: backup written to %s\n", path)
	return nil
}

// backupViaServer asks the server that holds the warehouse to write the copy into dir.
func backupViaServer(ctx context.Context, server, token, dir string) (string, error) {
	if token == "" {
		return "", fmt.Errorf("backup: a running server holds the warehouse; set %s to a token with role beheer (leerplein token create --role beheer) so the server can make the copy", TokenEnv)
	}
	body, _ := json.Marshal(map[string]string{"out": dir})
	ctx, cancel := context.WithTimeout(ctx, 30*time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(server, "/")+"/api/v1/backup", bytes.NewReader(body))
	if err != nil {
		return "", fmt.Errorf("backup: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("backup: a running server holds the warehouse, but %s does not answer: %w", server, err)
	}
	defer resp.Body.Close()
	var answer struct {
		Path  string `json:"path"`
		Error string `json:"error"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&answer); err != nil && resp.StatusCode == http.StatusOK {
		return "", fmt.Errorf("backup: server answer: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("backup: the server answered %s: %s", resp.Status, answer.Error)
	}
	return answer.Path, nil
}
