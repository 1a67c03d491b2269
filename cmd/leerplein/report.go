package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/hetleerplein/leerplein/warehouse"
	"github.com/hetleerplein/leerplein/warehouse/render"
)

const reportJaarverslagUsage = `usage: leerplein report jaarverslag --schooljaar JJJJ-JJJJ [--db PATH] [--format csv|xlsx] [--out FILE] [--openbaar [--drempel 5]]

Schrijft de tabellen 1 t/m 9 van het jaarverslag voor één schooljaar.

  --format csv   de machinevorm (schooljaar;tabel;rij;kolom;waarde), naar --out of
                 anders naar standaarduitvoer
  --format xlsx  een werkmap met één blad per tabel; naar --out, of naar
                 standaarduitvoer als die is omgeleid (naar een bestand of pipe),
                 nooit naar een terminal
  --openbaar     voor publicatie: aantallen onder de drempel worden weggelaten ("<5"),
                 met aanvullende onderdrukking ("x") zodat ze niet uit de totalen terug
                 te rekenen zijn. De CSV krijgt dan een kolom onderdrukt (0/1, waarde
                 leeg als 1) en vraagt --out: de toelichting op de methode komt ernaast
                 (FILE zonder .csv + .toelichting.txt); de werkmap krijgt een blad
                 Toelichting. Zonder --openbaar: exacte aantallen.

flags:
`

// cmdReportJaarverslag writes the annual report of one school year:
// `leerplein report jaarverslag --schooljaar 2018-2019 --format csv|xlsx [--out FILE]`.
func cmdReportJaarverslag(ctx context.Context, e env, args []string) error {
	fset := flag.NewFlagSet("report jaarverslag", flag.ContinueOnError)
	fset.SetOutput(e.stderr)
	fset.Usage = func() {
		fmt.Fprint(fset.Output(), reportJaarverslagUsage)
		fset.PrintDefaults()
	}
	dbPath := fset.String("db", warehouse.DefaultPath, "warehouse file")
	schooljaar := fset.String("schooljaar", "", "school year, e.g. 2018-2019 (required)")
	format := fset.String("format", "csv", "csv or xlsx")
	out := fset.String("out", "", "output file (csv: default standard output; xlsx: required unless standard output is redirected)")
	openbaar := fset.Bool("openbaar", false, "protect small numbers for publication")
	drempel := fset.Int("drempel", 5, "with --openbaar: counts from 1 to drempel-1 are hidden")
	via := addServerFlags(fset) // viaserver.go: when a running server holds the warehouse
	if err := fset.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return usageError{err.Error()}
	}
	drempelSet := false
	fset.Visit(func(f *flag.Flag) { drempelSet = drempelSet || f.Name == "drempel" })
	if fset.NArg() > 0 {
		return usageError{fmt.Sprintf("report jaarverslag: unexpected argument %q", fset.Arg(0))}
	}
	if *schooljaar == "" {
		return usageError{"report jaarverslag: --schooljaar is required, e.g. --schooljaar 2018-2019"}
	}
	if err := warehouse.ValidateSchooljaar(*schooljaar); err != nil {
		return usageError{"report jaarverslag: --schooljaar: " + err.Error()}
	}
	if *format != "csv" && *format != "xlsx" {
		return usageError{fmt.Sprintf("report jaarverslag: --format %q: use csv or xlsx", *format)}
	}
	if drempelSet && !*openbaar {
		return usageError{"report jaarverslag: --drempel applies to --openbaar only; without it the figures are exact"}
	}
	if *openbaar && *drempel < 2 {
		return usageError{fmt.Sprintf("report jaarverslag: --drempel %d: use 2 or more", *drempel)}
	}
	if *format == "xlsx" && *out == "" && isTerminal(e.stdout) {
		return usageError{"report jaarverslag: --format xlsx writes a binary workbook: give --out FILE or redirect standard output"}
	}
	if *format == "csv" && *openbaar && *out == "" {
		return usageError{"report jaarverslag: --openbaar with --format csv needs --out FILE: the note on the method is written beside it"}
	}
	if err := via.resolve(fset, dbPath); err != nil {
		return err
	}
	// Opening creates a missing file; a report must not make an empty warehouse.
	if _, err := os.Stat(*dbPath); errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("report jaarverslag: warehouse %s does not exist; load the feeds first with `leerplein etl run` or give --db", *dbPath)
	}

	db, err := warehouse.Open(ctx, *dbPath)
	if errors.Is(err, warehouse.ErrLocked) {
		return via.figuresViaServer(ctx, e, err, "report jaarverslag", args, "/api/v1/reports/jaarverslag",
			figureQuery(*schooljaar, *format, *openbaar, *drempel), *out)
	}
	if err != nil {
		return err
	}
	defer db.Close()
	d := 0 // exact
	if *openbaar {
		d = *drempel
	}
	report, err := render.NewJaarverslag(ctx, db, *schooljaar, d)
	if err != nil {
		return err
	}
	write := report.WriteCSV
	if *format == "xlsx" {
		write = report.WriteXLSX
	}
	if *out == "" {
		return write(e.stdout)
	}
	if err := writeFileAtomic(*out, write); err != nil {
		return err
	}
	if *format == "csv" && *openbaar {
		// The note on the method goes beside a protected CSV.
		return writeFileAtomic(toelichtingPath(*out), report.WriteToelichting)
	}
	return nil
}

// isTerminal reports whether w is a character device (a terminal), where a binary
// workbook would only garble the screen.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// writeFileAtomic writes to a temporary file beside path and renames it into place, so
// a failed or interrupted run never leaves half a report under the real name.
func writeFileAtomic(path string, write func(io.Writer) error) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("report jaarverslag: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := write(tmp); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("report jaarverslag: %w", err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("report jaarverslag: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("report jaarverslag: %w", err)
	}
	return nil
}
