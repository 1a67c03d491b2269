package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/hetleerplein/leerplein/etl"
	"github.com/hetleerplein/leerplein/warehouse"
	"github.com/hetleerplein/leerplein/warehouse/bsnmask"
)

var etlRunHelp = commandHelp{
	usage: "--inbox MAP [opties]",
	text: `Elk bestand laadt in één transactie, helemaal of niet. Een geladen bestand gaat naar
processed/, een afgekeurd naar rejected/ met de reden ernaast (.reason.txt); regels die
een controle niet doorstaan komen in de quarantaine. Per bestand volgt een regel met
wat er gebeurde, aan het eind het totaal van de run. Een bestand dat nog geschreven
wordt (korter dan --stable-after geleden veranderd) blijft liggen voor een volgende run.

De pseudoniemsleutel komt uit $` + etl.KeyEnv + ` of --key-file. Houdt een
draaiende server het warehouse vast, dan laadt die de inbox, als de job met deze inbox
(token met rol beheer in $LEERPLEIN_TOKEN).

Afsluitstatus: 0 als alles geladen of overgeslagen is, 1 als een bestand afgekeurd is
of een fout de run stopte, 2 bij een verkeerde aanroep.`,
	examples: []string{
		"leerplein etl run --inbox ./inbox",
		"leerplein etl run --config /etc/leerplein.yaml --inbox /srv/leerplein/inbox",
	},
}

// cmdETLRun loads an inbox by hand: `leerplein etl run --db PATH --inbox DIR`.
func cmdETLRun(ctx context.Context, e env, args []string) error {
	fs := newFlagSet("etl run")
	dbPath := fs.String("db", warehouse.DefaultPath, "`PAD` het warehouse-bestand")
	inbox := fs.String("inbox", "", "`MAP` de map met de exports die geladen worden (verplicht)")
	regio := fs.String("regio", "", "`BESTAND` het regiobestand (gemeentecode;gemeente;subregio;…); standaard: de ingebouwde regio 25")
	keyFile := fs.String("key-file", "", "`BESTAND` het bestand met de pseudoniemsleutel; standaard: $"+etl.KeyEnv)
	verbose := fs.Bool("verbose", false, "log elke stap, met tijden, naar standaardfout (het log is Engels)")
	stableAfter := fs.Duration("stable-after", etl.DefaultStableAfter,
		"`DUUR` laat een bestand dat korter dan DUUR geleden veranderde liggen voor een volgende run: het wordt misschien nog geschreven (0s: niet wachten; via een server geldt stable_after van de job)")
	retentionDays := fs.Int("retention-days", int(etl.DefaultRetention/(24*time.Hour)),
		"`N` verwijder eerst de bestanden ouder dan N dagen uit processed/ en rejected/ (ze bevatten BSN's); standaard: retention_days uit --config, anders 30")
	via := addServerFlags(fs)
	describeServerFlags(fs, "`BESTAND` het configuratiebestand: warehouse (tenzij --db), regio, sleutelbestand, bewaartermijn, stable_after van de job met deze inbox en het adres van de server")
	if err := parseFlags(e, fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("etl run: onverwacht argument %q (de inbox geef je met --inbox)", fs.Arg(0))}
	}
	if *inbox == "" {
		return usageError{"etl run: --inbox ontbreekt: de map met de exports die geladen worden"}
	}
	if *stableAfter < 0 {
		return usageError{"etl run: --stable-after mag niet negatief zijn"}
	}
	if *retentionDays < 1 {
		return usageError{"etl run: --retention-days moet minstens 1 zijn"}
	}
	retention := time.Duration(*retentionDays) * 24 * time.Hour
	if err := via.resolve(fs, dbPath); err != nil {
		return err
	}
	if via.cfg != nil && !flagGiven(fs, "stable-after") {
		if j, ok := via.cfg.jobForInbox(*inbox); ok {
			*stableAfter = j.StableAfter
		}
	}
	if via.cfg != nil && !flagGiven(fs, "retention-days") {
		retention = via.cfg.retention
	}
	if via.cfg != nil && !flagGiven(fs, "regio") {
		*regio = via.cfg.region
	}
	if via.cfg != nil && !flagGiven(fs, "key-file") {
		*keyFile = via.cfg.pseudoKeyFile
	}
	// Through a running server neither key nor region is needed here.
	key, keyErr := loadKey(e, *keyFile)
	region, regionErr := loadRegion(*regio)
	setupErr := cmp.Or(keyErr, regionErr)
	if _, err := os.Stat(*dbPath); setupErr != nil && err != nil {
		return setupErr // no warehouse yet, so no server holds it
	}
	db, err := warehouse.Open(ctx, *dbPath)
	if errors.Is(err, warehouse.ErrLocked) {
		return via.etlRun(ctx, e, err, args, *inbox)
	}
	if err != nil {
		return err
	}
	defer db.Close()
	if setupErr != nil {
		return setupErr
	}
	if info, err := os.Stat(*inbox); err != nil {
		return fileError("de inbox", *inbox, err)
	} else if !info.IsDir() {
		return dutchError{msg: fmt.Sprintf("de inbox %s is geen map", *inbox)}
	}
	var progress *progressLine
	stopProgress := func() {}
	if !*verbose { // log lines and a line redrawn in place do not mix
		progress, stopProgress = startProgress(e.stderr)
	}
	sum, err := etl.Run(ctx, db, etl.Options{
		Inbox: *inbox, Key: key, Region: region, Job: "manual", Move: true, StableAfter: *stableAfter, Retention: retention,
		Logger:   cliLogger(e, *verbose),
		Progress: progress.stageFunc(),
		Rows:     progress.rowsFunc(),
	})
	stopProgress()
	printSummary(e.stdout, sum)
	if err != nil {
		return err
	}
	if n := sum.Rejected(); n > 0 {
		return exitError{1, fmt.Errorf("%s afgekeurd; de reden staat hierboven en in %s, naast elk bestand (.reason.txt)",
			count(int64(n), "bestand", "bestanden"), filepath.Join(*inbox, "rejected"))}
	}
	return nil
}

// cliLogger logs to stderr when asked to; a command's summary goes to stdout anyway.
func cliLogger(e env, verbose bool) *slog.Logger {
	if !verbose {
		return slog.New(slog.DiscardHandler)
	}
	return slog.New(logHandler(e.stderr, slog.LevelDebug))
}

// logHandler writes JSON lines when w is not a terminal (systemd, a log file: machines
// read them) and text when a person watches a terminal. Every line of every command
// goes through bsnmask, so no log line can carry a possible BSN, whichever package
// wrote it (the scheduler, the API's request log, a driver error).
func logHandler(w io.Writer, level slog.Level) slog.Handler {
	opts := &slog.HandlerOptions{Level: level}
	if isTerminal(w) {
		return bsnmask.Handler(slog.NewTextHandler(w, opts))
	}
	return bsnmask.Handler(slog.NewJSONHandler(w, opts))
}

// loadKey reads the pseudonym key from a file or the environment. A key file that its
// owner's group or others may read or write is refused: with the key, pseudonyms can be
// traced back to BSNs.
func loadKey(e env, keyFile string) ([]byte, error) {
	if keyFile != "" {
		info, err := os.Stat(keyFile)
		if err != nil {
			return nil, fileError("het sleutelbestand", keyFile, err)
		}
		if perm := info.Mode().Perm(); perm&0o077 != 0 {
			return nil, fmt.Errorf("het sleutelbestand %s is ook toegankelijk voor anderen dan de eigenaar (rechten %04o); "+
				"de pseudoniemsleutel moet geheim blijven. Maak het alleen voor de eigenaar leesbaar met: chmod 600 %s",
				keyFile, perm, shellQuote(keyFile))
		}
		b, err := os.ReadFile(keyFile)
		if err != nil {
			return nil, fileError("het sleutelbestand", keyFile, err)
		}
		return parseKey(string(b))
	}
	return parseKey(e.getenv(etl.KeyEnv))
}

// parseKey is etl.ParseKey with the missing key explained in Dutch: it is the first
// thing a new steward meets.
func parseKey(raw string) ([]byte, error) {
	key, err := etl.ParseKey(raw)
	if errors.Is(err, etl.ErrNoKey) {
		return nil, dutchError{err: err, msg: "de pseudoniemsleutel ontbreekt: zet " + etl.KeyEnv + " of geef --key-file BESTAND " +
			"(met --config: pseudo_key_file). De lader vervangt elk BSN door een pseudoniem met die geheime sleutel. " +
			"Maak hem één keer, bijvoorbeeld met `openssl rand -hex 32`, bewaar hem buiten het warehouse " +
			"(een wachtwoordkluis of een bestand dat alleen de lader mag lezen) en gebruik bij elke lading dezelfde"}
	}
	return key, err
}

func loadRegion(path string) (etl.Region, error) {
	if path == "" {
		return etl.DefaultRegion(), nil
	}
	return etl.LoadRegion(path)
}

// printSummary writes, in Dutch, one line per file removed past its retention, one per
// file looked at, and a closing total. A run that an error stopped before it started
// (no run id: a missing key, an unreadable inbox) gets no total: there is no run to sum
// up, and the error says why.
func printSummary(w io.Writer, sum etl.Summary) {
	days := int64(sum.Retention / (24 * time.Hour))
	for _, name := range sum.Removed {
		writeFileLine(w, "removed", bsnmask.Mask(name), "ouder dan de bewaartermijn van "+count(days, "dag", "dagen"))
	}
	var loaded, rows, quarantined int64
	for _, f := range sum.Files {
		var what string
		switch f.Status {
		case etl.StatusLoaded:
			loaded++
			rows += f.New + f.Replaced
			quarantined += f.Quarantined
			what = loadedCounts(f.Read, f.New, f.Replaced, f.Unchanged, f.Quarantined)
			if len(f.ExtraColumns) > 0 {
				what += "; genegeerde kolommen: " + strings.Join(f.ExtraColumns, ", ")
			}
			if f.Reason != "" { // loaded, but left in the inbox
				what += "; " + f.Reason
			}
		default:
			what = f.Reason
		}
		writeFileLine(w, f.Status, f.Name, what)
	}
	if sum.RunID != 0 {
		writeRunTotal(w, sum.RunID, len(sum.Files), loaded, int64(sum.Rejected()), rows, quarantined)
	}
}

// statusWords are the Dutch words for a file's status in etl run's summary, each at most
// twelve characters so the names line up.
var statusWords = map[string]string{
	etl.StatusLoaded:       "geladen",
	etl.StatusSkipped:      "overgeslagen",
	etl.StatusRejected:     "afgekeurd",
	etl.StatusUnrecognised: "niet herkend",
	etl.StatusWaiting:      "wacht",
	"removed":              "verwijderd",
}

// writeFileLine writes one file's line of a run summary: its status in Dutch, its name
// and what happened. The summary of a run through the server uses it too.
func writeFileLine(w io.Writer, status, name, what string) {
	word, ok := statusWords[status]
	if !ok {
		word = status
	}
	fmt.Fprintf(w, "%-12s %s: %s\n", word, name, what)
}

// loadedCounts says what a loaded file's rows became: "16 regels: 8 nieuw, 8 vervangen,
// 0 in quarantaine".
func loadedCounts(read, fresh, replaced, unchanged, quarantined int64) string {
	s := fmt.Sprintf("%s: %s nieuw, %s vervangen, %s in quarantaine",
		count(read, "regel", "regels"), dutchNumber(fresh), dutchNumber(replaced), dutchNumber(quarantined))
	if unchanged > 0 {
		s += ", " + count(unchanged, "voorlopige regel", "voorlopige regels") + " niet geladen (de definitieve cijfers staan er al)"
	}
	return s
}

// writeRunTotal writes a run summary's closing line: "run 1: 71 bestanden, 70 geladen,
// 0 afgekeurd; 586.158 regels geschreven, 6 in quarantaine".
func writeRunTotal(w io.Writer, runID int64, files int, loaded, rejected, rows, quarantined int64) {
	fmt.Fprintf(w, "run %d: %s, %s geladen, %s afgekeurd; %s geschreven, %s in quarantaine\n",
		runID, count(int64(files), "bestand", "bestanden"), dutchNumber(loaded), dutchNumber(rejected),
		count(rows, "regel", "regels"), dutchNumber(quarantined))
}
