package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
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

var backupHelp = commandHelp{
	usage: "(--config BESTAND | --db PAD) --out MAP [--server URL]",
	text: `De kopie komt in MAP/leerplein.duckdb (een bestaande kopie wordt nooit overschreven).
Is het warehouse vrij, dan kopieert dit commando zelf; houdt een draaiende server het
vast, dan vraagt het de server de kopie te maken (POST /api/v1/backup, token met rol
beheer in $LEERPLEIN_TOKEN). MAP moet dan op de
machine van de server liggen, onder backup_dir uit de configuratie (standaard: backups/
naast het warehouse-bestand), en voor de server schrijfbaar zijn.

Terugzetten: stop de server, zet de kopie op de plaats van het warehouse-bestand
(en verwijder een eventueel <warehouse>.wal), start de server.`,
	examples: []string{
		"leerplein backup --config /etc/leerplein.yaml --out /srv/leerplein/backups/2024-06-30",
		"leerplein backup --db ./data/leerplein.duckdb --out ./kopie",
	},
}

// cmdBackup copies the warehouse, directly or through the server that holds it.
func cmdBackup(ctx context.Context, e env, args []string) error {
	fset := newFlagSet("backup")
	configPath := fset.String("config", "", "`BESTAND` het configuratiebestand: het warehouse en het adres van de server")
	dbPath := fset.String("db", "", "`PAD` het warehouse-bestand (in plaats van --config)")
	out := fset.String("out", "", "`MAP` de map voor de kopie (verplicht)")
	server := fset.String("server", "", "`URL` de draaiende server; standaard: http://<listen> uit --config")
	if err := parseFlags(e, fset, args); err != nil {
		return err
	}
	if *out == "" {
		return usageError{"backup: --out ontbreekt: de map voor de kopie"}
	}
	if fset.NArg() > 0 {
		return usageError{fmt.Sprintf("backup: onverwacht argument %q", fset.Arg(0))}
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
		return usageError{"backup: geef --config of --db: welk warehouse gekopieerd wordt"}
	}
	dir, err := filepath.Abs(*out)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if _, err := os.Stat(*dbPath); err != nil {
		return fileError("backup: het warehouse", *dbPath, err)
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
	fmt.Fprintf(e.stdout, "leerplein: kopie gemaakt: %s\n", path)
	return nil
}

// backupViaServer asks the server that holds the warehouse to write the copy into dir.
// Its messages are still English, like the rest of the way through a server
// (viaserver.go), whose tests pin them.
func backupViaServer(ctx context.Context, server, token, dir string) (string, error) {
	if token == "" {
		return "", fmt.Errorf("backup: een draaiende server houdt het warehouse vast; zet in %s een token met rol beheer (op /beheer, of leerplein token create --role beheer), dan maakt de server de kopie", TokenEnv)
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
		return "", fmt.Errorf("backup: een draaiende server houdt het warehouse vast, maar %s antwoordt niet: %w", server, err)
	}
	defer resp.Body.Close()
	var answer struct {
		Path  string `json:"path"`
		Error string `json:"error"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&answer); err != nil && resp.StatusCode == http.StatusOK {
		return "", fmt.Errorf("backup: het antwoord van de server: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("backup: de server antwoordde %s: %s", resp.Status, answer.Error)
	}
	return answer.Path, nil
}
