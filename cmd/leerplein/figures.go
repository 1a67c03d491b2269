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
	cmd  string // "report jaarverslag", "export vsv"; its help is in commands()
	path string // the server's resource, when a running server holds the warehouse
	// build computes the figures; drempel 0: exact, else counts below it are hidden.
	build func(ctx context.Context, db *warehouse.DB, schooljaar string, drempel int) (figureDoc, error)
}

// run parses the flags and writes the figures: --format csv|xlsx to --out or standard
// output, and with --openbaar and csv the note beside it.
func (fc figureCommand) run(ctx context.Context, e env, args []string) error {
	cmd := fc.cmd
	fset := newFlagSet(cmd)
	dbPath := fset.String("db", warehouse.DefaultPath, "`PAD` het warehouse-bestand")
	schooljaar := fset.String("schooljaar", "", "`JJJJ-JJJJ` het schooljaar, bijvoorbeeld 2018-2019 (verplicht)")
	format := fset.String("format", "csv", "`VORM` csv of xlsx")
	out := fset.String("out", "", "`BESTAND` het bestand dat geschreven wordt; zonder --out: standaarduitvoer (xlsx alleen als die is omgeleid)")
	openbaar := fset.Bool("openbaar", false, "voor publicatie: kleine aantallen weggelaten (zie boven)")
	drempel := fset.Int("drempel", 5, "`N` met --openbaar: aantallen van 1 tot N worden weggelaten")
	via := addServerFlags(fset) // viaserver.go: when a running server holds the warehouse
	describeServerFlags(fset, "`BESTAND` het configuratiebestand: het warehouse (tenzij --db) en het adres van de server")
	if err := parseFlags(e, fset, args); err != nil {
		return err
	}
	drempelSet := false
	fset.Visit(func(f *flag.Flag) { drempelSet = drempelSet || f.Name == "drempel" })
	switch {
	case fset.NArg() > 0:
		return usageError{fmt.Sprintf("%s: onverwacht argument %q", cmd, fset.Arg(0))}
	case *schooljaar == "":
		return usageError{cmd + ": --schooljaar ontbreekt, bijvoorbeeld --schooljaar 2018-2019"}
	case *format != "csv" && *format != "xlsx":
		return usageError{fmt.Sprintf("%s: --format %q: kies csv of xlsx", cmd, *format)}
	case drempelSet && !*openbaar:
		return usageError{cmd + ": --drempel hoort bij --openbaar; zonder --openbaar zijn de cijfers exact"}
	case *openbaar && *drempel < 2:
		return usageError{fmt.Sprintf("%s: --drempel %d: kies 2 of meer", cmd, *drempel)}
	case *format == "xlsx" && *out == "" && isTerminal(e.stdout):
		return usageError{cmd + ": --format xlsx schrijft een werkmap, geen tekst: geef --out BESTAND of leid standaarduitvoer om (> bestand.xlsx)"}
	case *format == "csv" && *openbaar && *out == "":
		return usageError{cmd + ": --openbaar met --format csv vraagt --out BESTAND: de toelichting op de methode komt ernaast"}
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
