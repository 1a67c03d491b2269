package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/hetleerplein/leerplein/warehouse"
)

// exportFiguresText is the help of a figure export after its own first paragraph: the
// formats, --openbaar and the way through a server. %s is the CSV's header.
const exportFiguresText = `

In een van twee vormen (--format):

  csv   de machinevorm, met de kolommen
        %s.
        Een cel zonder gegevens heeft status geen_gegevens, met de waarde leeg.
  xlsx  een werkmap met één blad per tabel en een blad Toelichting; nooit naar
        een terminal.

Met --openbaar, voor publicatie, worden aantallen onder de drempel weggelaten ("<5"),
met aanvullende onderdrukking zodat ze niet uit de totalen terug te rekenen zijn. In de
CSV is de waarde dan leeg met status onderdrukt, en de CSV vraagt --out: de toelichting
op de methode komt ernaast (BESTAND zonder .csv + .toelichting.txt). Zonder --openbaar:
exacte aantallen (voor DUO/OCW).

Houdt een draaiende server het warehouse vast, dan maakt die de uitvoer (token met rol
analist in $LEERPLEIN_TOKEN).`

var exportLeerplichttellingHelp = commandHelp{
	usage: "--schooljaar JJJJ-JJJJ [opties]",
	text: `De telling van artikel 25 Leerplichtwet: per gemeente waarvan het bureau de
leerplicht uitvoert en per onderwijssoort elke indicator, met nullen; de werkmap ook
met een regiototaal. De andere gemeenten staan in de toelichting.` +
		fmt.Sprintf(exportFiguresText, warehouse.LeerplichtCSVHeader),
	examples: []string{
		"leerplein export leerplichttelling --schooljaar 2023-2024 --format xlsx --out telling.xlsx",
		"leerplein export leerplichttelling --schooljaar 2023-2024 --openbaar --out telling.csv",
	},
}

var exportVSVHelp = commandHelp{
	usage: "--schooljaar JJJJ-JJJJ [opties]",
	text: `De vsv-cijfers van de regio naast de landelijke (tabel 7) en de resultaten van het
Doorstroompunt (tabel 9), per gemeente en voor de regio.` +
		fmt.Sprintf(exportFiguresText, warehouse.VSVCSVHeader),
	examples: []string{
		"leerplein export vsv --schooljaar 2023-2024 > vsv.csv",
		"leerplein export vsv --schooljaar 2023-2024 --format xlsx --out vsv.xlsx",
	},
}

var exportSnapshotHelp = commandHelp{
	usage: "--out BESTAND.duckdb [--db PAD]",
	text: `Een los DuckDB-bestand met de analistenviews als tabellen (gepseudonimiseerd;
geen laadadministratie, tokens, gebruikers of audit), te openen in DuckDB, DBeaver, R of
Python: select * from verzuimmeldingen. Een bestaand bestand wordt vervangen.
Zie docs/schema.md voor de tabellen en kolommen.`,
	examples: []string{"leerplein export snapshot --out analist.duckdb"},
}

// cmdExportLeerplichttelling writes the yearly count for DUO/OCW:
// `leerplein export leerplichttelling --schooljaar 2018-2019 --format xlsx|csv`.
func cmdExportLeerplichttelling(ctx context.Context, e env, args []string) error {
	return exportFigures(ctx, e, args, "leerplichttelling")
}

// cmdExportVSV writes the early-school-leaving figures and the Doorstroompunt results
// per gemeente: `leerplein export vsv --schooljaar 2018-2019 --format xlsx|csv`.
func cmdExportVSV(ctx context.Context, e env, args []string) error {
	return exportFigures(ctx, e, args, "vsv")
}

// exportFigures runs `leerplein export NAME` for a figure export.
func exportFigures(ctx context.Context, e env, args []string, name string) error {
	return figureCommand{
		cmd:  "export " + name,
		path: "/api/v1/exports/" + name,
		build: func(ctx context.Context, db *warehouse.DB, schooljaar string, drempel int) (figureDoc, error) {
			export, err := db.FigureExport(ctx, name, schooljaar)
			if err != nil {
				return nil, err
			}
			if drempel > 0 {
				if err := export.Protect(drempel); err != nil {
					return nil, err
				}
			}
			return export, nil
		},
	}.run(ctx, e, args)
}

// toelichtingPath is the file beside a CSV that holds its explanation:
// telling.csv → telling.toelichting.txt.
func toelichtingPath(csvPath string) string {
	return strings.TrimSuffix(csvPath, filepath.Ext(csvPath)) + ".toelichting.txt"
}

// cmdExportSnapshot writes the analyst views to a standalone DuckDB file:
// `leerplein export snapshot --out FILE.duckdb`.
func cmdExportSnapshot(ctx context.Context, e env, args []string) error {
	const cmd = "export snapshot"
	fset := newFlagSet(cmd)
	dbPath := fset.String("db", warehouse.DefaultPath, "`PAD` het warehouse-bestand")
	out := fset.String("out", "", "`BESTAND` het DuckDB-bestand dat geschreven wordt (verplicht)")
	if err := parseFlags(e, fset, args); err != nil {
		return err
	}
	switch {
	case fset.NArg() > 0:
		return usageError{fmt.Sprintf("%s: onverwacht argument %q", cmd, fset.Arg(0))}
	case *out == "":
		return usageError{cmd + ": --out BESTAND.duckdb ontbreekt"}
	}
	db, err := openExisting(ctx, cmd, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Snapshot(ctx, *out); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "snapshot: %s geschreven (%s; zie docs/schema.md)\n", *out, count(int64(len(warehouse.AnalistSchema())), "tabel", "tabellen"))
	return nil
}

// openExisting opens a warehouse that must exist already: opening creates a missing
// file, and an export must not make an empty warehouse.
func openExisting(ctx context.Context, cmd, path string) (*warehouse.DB, error) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, dutchError{msg: fmt.Sprintf("%s: het warehouse %s bestaat niet; laad eerst de bronnen met 'leerplein etl run', of geef --db", cmd, path)}
	}
	return warehouse.Open(ctx, path)
}
