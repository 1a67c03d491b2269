package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/hetleerplein/leerplein/warehouse"
	"github.com/hetleerplein/leerplein/warehouse/render"
)

const reportJaarverslagUsage = `usage: leerplein report jaarverslag --schooljaar JJJJ-JJJJ [--db PATH] [--format csv|xlsx] [--out FILE] [--openbaar [--drempel 5]]

Schrijft de tabellen 1 t/m 9 van het jaarverslag voor één schooljaar.

  --format csv   de machinevorm (schooljaar;tabel;rij;kolom;waarde;status), naar --out
                 of anders naar standaarduitvoer. Status is leeg bij een waarde, anders
                 geen_gegevens (de gegevens dekken het schooljaar niet) of
                 niet_van_toepassing (niet door het bureau te tellen), met waarde leeg
  --format xlsx  een werkmap met één blad per tabel ("geen gegevens" en "n.v.t." in de
                 cel, uitgelegd onder de tabel); naar --out, of naar standaarduitvoer als
                 die is omgeleid (naar een bestand of pipe), nooit naar een terminal
  --openbaar     voor publicatie: aantallen onder de drempel worden weggelaten ("<5"),
                 met aanvullende onderdrukking ("x") zodat ze niet uit de totalen terug
                 te rekenen zijn. In de CSV is de waarde dan leeg met status onderdrukt;
                 de CSV vraagt --out: de toelichting op de methode komt ernaast
                 (FILE zonder .csv + .toelichting.txt); de werkmap krijgt een blad
                 Toelichting. Zonder --openbaar: exacte aantallen.

Een schooljaar waarvoor geen enkele bron gegevens heeft, wordt geweigerd met de
schooljaren die de gegevens wel beslaan.

flags:
`

// cmdReportJaarverslag writes the annual report of one school year:
// `leerplein report jaarverslag --schooljaar 2018-2019 --format csv|xlsx [--out FILE]`.
func cmdReportJaarverslag(ctx context.Context, e env, args []string) error {
	return figureCommand{
		cmd:   "report jaarverslag",
		usage: reportJaarverslagUsage,
		path:  "/api/v1/reports/jaarverslag",
		build: func(ctx context.Context, db *warehouse.DB, schooljaar string, drempel int) (figureDoc, error) {
			return render.NewJaarverslag(ctx, db, schooljaar, drempel)
		},
	}.run(ctx, e, args)
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
