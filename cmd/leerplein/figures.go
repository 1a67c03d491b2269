package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/hetleerplein/leerplein/warehouse"
)

// figureDoc is what a figure command writes: exact, or protected for publication with
// a note on the method.
type figureDoc interface {
	WriteCSV(io.Writer) error
	WriteXLSX(io.Writer) error
	WriteToelichting(io.Writer) error
}

// figureCommand is a command that writes the figures of one school year:
// `report jaarverslag` and `export leerplichttelling|vsv`. They share their flags, their
// checks, the way through a running server and the files they write.
type figureCommand struct {
	cmd   string // "report jaarverslag", "export vsv"
	usage string // printed before the flags
	path  string // the server's resource, when a running server holds the warehouse
	// build computes the figures; drempel 0: exact, else counts below it are hidden.
	build func(ctx context.Context, db *warehouse.DB, schooljaar string, drempel int) (figureDoc, error)
}

// run parses the flags and writes the figures: --format csv|xlsx to --out or standard
// output, and with --openbaar and csv the note beside it.
func (fc figureCommand) run(ctx context.Context, e env, args []string) error {
	cmd := fc.cmd
	fset := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fset.SetOutput(e.stderr)
	fset.Usage = func() {
		fmt.Fprint(fset.Output(), fc.usage)
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
	switch {
	case fset.NArg() > 0:
		return usageError{fmt.Sprintf("%s: unexpected argument %q", cmd, fset.Arg(0))}
	case *schooljaar == "":
		return usageError{cmd + ": --schooljaar is required, e.g. --schooljaar 2018-2019"}
	case *format != "csv" && *format != "xlsx":
		return usageError{fmt.Sprintf("%s: --format %q: use csv or xlsx", cmd, *format)}
	case drempelSet && !*openbaar:
		return usageError{cmd + ": --drempel applies to --openbaar only; without it the figures are exact"}
	case *openbaar && *drempel < 2:
		return usageError{fmt.Sprintf("%s: --drempel %d: use 2 or more", cmd, *drempel)}
	case *format == "xlsx" && *out == "" && isTerminal(e.stdout):
		return usageError{cmd + ": --format xlsx writes a binary workbook: give --out FILE or redirect standard output"}
	case *format == "csv" && *openbaar && *out == "":
		return usageError{cmd + ": --openbaar with --format csv needs --out FILE: the note on the method is written beside it"}
	}
	if err := warehouse.ValidateSchooljaar(*schooljaar); err != nil {
		return usageError{cmd + ": --schooljaar: " + err.Error()}
	}
	if err := via.resolve(fset, dbPath); err != nil {
		return err
	}
	db, err := openExisting(ctx, cmd, *dbPath)
	if errors.Is(err, warehouse.ErrLocked) {
		return via.figuresViaServer(ctx, e, err, cmd, args, fc.path,
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
	doc, err := fc.build(ctx, db, *schooljaar, d)
	if err != nil {
		return err
	}
	write := doc.WriteCSV
	if *format == "xlsx" {
		write = doc.WriteXLSX
	}
	if *out == "" {
		return write(e.stdout)
	}
	if err := writeFileAtomic(*out, write); err != nil {
		return err
	}
	if *format == "csv" && *openbaar {
		// The note on the method goes beside a protected CSV.
		return writeFileAtomic(toelichtingPath(*out), doc.WriteToelichting)
	}
	return nil
}
