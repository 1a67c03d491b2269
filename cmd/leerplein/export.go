package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/hetleerplein/leerplein/warehouse"
)

const exportFiguresUsage = `usage: leerplein export %s --schooljaar JJJJ-JJJJ [--db PATH | --config FILE] [--format csv|xlsx] [--out FILE] [--openbaar [--drempel 5]] [--server URL]

%s

  --format csv   de machinevorm (%s), naar --out of anders naar
                 standaarduitvoer
  --format xlsx  een werkmap met één blad per tabel en een blad Toelichting; naar --out,
                 of naar standaarduitvoer als die is omgeleid, nooit naar een terminal
  --openbaar     voor publicatie: aantallen onder de drempel worden weggelaten ("<5"),
                 met aanvullende onderdrukking zodat ze niet uit de totalen terug te
                 rekenen zijn. In de CSV is de waarde dan leeg met status onderdrukt;
                 de CSV vraagt --out: de toelichting op de methode komt ernaast (FILE
                 zonder .csv + .toelichting.txt). Zonder --openbaar: exacte aantallen
                 (voor DUO/OCW). Een cel zonder gegevens heeft status geen_gegevens.
  --server URL   houdt een draaiende server het warehouse vast, dan maakt die de uitvoer
                 (token met rol analist in $LEERPLEIN_TOKEN); standaard het adres uit
                 --config

flags:
`

const exportSnapshotUsage = `usage: leerplein export snapshot --out FILE.duckdb [--db PATH]

Schrijft een los DuckDB-bestand met de analistenviews als tabellen (gepseudonimiseerd;
geen laadadministratie, tokens, gebruikers of audit), te openen in DuckDB, DBeaver, R of
Python: select * from verzuimmeldingen. Een bestaand bestand wordt vervangen.
Zie docs/schema.md voor de tabellen en kolommen.

flags:
`

// exportKind is one of the figure exports: how to build it from the warehouse.
type exportKind struct {
	name      string
	about     string
	csvHeader string
}

// cmdExportLeerplichttelling writes the yearly count for DUO/OCW:
// `leerplein export leerplichttelling --schooljaar 2018-2019 --format xlsx|csv`.
func cmdExportLeerplichttelling(ctx context.Context, e env, args []string) error {
	return exportFigures(ctx, e, args, exportKind{
		name:      "leerplichttelling",
		about:     "Schrijft de leerplichttelling (artikel 25 Leerplichtwet) voor DUO/OCW: per gemeente waarvan\nhet bureau de leerplicht uitvoert en per onderwijssoort elke indicator, met nullen; de werkmap\nook met een regiototaal. De andere gemeenten staan in de toelichting.",
		csvHeader: warehouse.LeerplichtCSVHeader,
	})
}

// cmdExportVSV writes the early-school-leaving figures and the Doorstroompunt results
// per gemeente: `leerplein export vsv --schooljaar 2018-2019 --format xlsx|csv`.
func cmdExportVSV(ctx context.Context, e env, args []string) error {
	return exportFigures(ctx, e, args, exportKind{
		name:      "vsv",
		about:     "Schrijft de vsv-cijfers van de regio naast de landelijke (tabel 7) en de resultaten van\nhet Doorstroompunt (tabel 9) per gemeente en voor de regio.",
		csvHeader: warehouse.VSVCSVHeader,
	})
}

// exportFigures runs `leerplein export NAME` for a figure export.
func exportFigures(ctx context.Context, e env, args []string, kind exportKind) error {
	return figureCommand{
		cmd:   "export " + kind.name,
		usage: fmt.Sprintf(exportFiguresUsage, kind.name, kind.about, kind.csvHeader),
		path:  "/api/v1/exports/" + kind.name,
		build: func(ctx context.Context, db *warehouse.DB, schooljaar string, drempel int) (figureDoc, error) {
			export, err := db.FigureExport(ctx, kind.name, schooljaar)
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
	fset := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fset.SetOutput(e.stderr)
	fset.Usage = func() {
		fmt.Fprint(fset.Output(), exportSnapshotUsage)
		fset.PrintDefaults()
	}
	dbPath := fset.String("db", warehouse.DefaultPath, "warehouse file")
	out := fset.String("out", "", "the DuckDB file to write (required)")
	if err := fset.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return usageError{err.Error()}
	}
	switch {
	case fset.NArg() > 0:
		return usageError{fmt.Sprintf("%s: unexpected argument %q", cmd, fset.Arg(0))}
	case *out == "":
		return usageError{cmd + ": --out FILE.duckdb is required"}
	}
	db, err := openExisting(ctx, cmd, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Snapshot(ctx, *out); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "snapshot: %s (%d tables; see docs/schema.md)\n", *out, len(warehouse.AnalistSchema()))
	return nil
}

// openExisting opens a warehouse that must exist already: opening creates a missing
// file, and an export must not make an empty warehouse.
func openExisting(ctx context.Context, cmd, path string) (*warehouse.DB, error) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: warehouse %s does not exist; load the feeds first with `leerplein etl run` or give --db", cmd, path)
	}
	return warehouse.Open(ctx, path)
}
