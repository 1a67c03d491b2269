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

const reportJaarverslagUsage = `usage: leerplein report jaarverslag --schooljaar JJJJ-JJJJ [--db PATH] [--format csv|xlsx] [--out FILE]

Schrijft de tabellen 1 t/m 9 van het jaarverslag voor één schooljaar.

  --format csv   de machinevorm (schooljaar;tabel;rij;kolom;waarde), naar --out of
                 anders naar standaarduitvoer
  --format xlsx  een werkmap met één blad per tabel; naar --out, of naar
                 standaarduitvoer als die is omgeleid (naar een bestand of pipe),
                 nooit naar een terminal

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
	if err := fset.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return usageError{err.Error()}
	}
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
	if *format == "xlsx" && *out == "" && isTerminal(e.stdout) {
		return usageError{"report jaarverslag: --format xlsx writes a binary workbook: give --out FILE or redirect standard output"}
	}
	// Opening creates a missing file; a report must not make an empty warehouse.
	if _, err := os.Stat(*dbPath); errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("report jaarverslag: warehouse %s does not exist; load the feeds first with `leerplein etl run` or give --db", *dbPath)
	}

	db, err := warehouse.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	cells, err := db.Jaarverslag(ctx, *schooljaar)
	if err != nil {
		return err
	}
	write := func(w io.Writer) error { return render.WriteCSV(w, cells) }
	if *format == "xlsx" {
		subregios, err := db.Subregios(ctx)
		if err != nil {
			return err
		}
		layout := warehouse.JaarverslagLayout(subregios)
		write = func(w io.Writer) error { return render.WriteXLSX(w, layout, cells) }
	}
	if *out == "" {
		return write(e.stdout)
	}
	return writeFileAtomic(*out, write)
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
