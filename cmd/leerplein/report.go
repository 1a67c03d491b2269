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

var reportJaarverslagHelp = commandHelp{
	usage: "--schooljaar JJJJ-JJJJ [opties]",
	text: `De tabellen 1 t/m 9, in een van twee vormen (--format):

  csv   de machinevorm (schooljaar;tabel;rij;kolom;waarde;status). Status is
        leeg bij een waarde, anders geen_gegevens (de gegevens dekken het
        schooljaar niet) of niet_van_toepassing (niet door het bureau te
        tellen), met de waarde leeg.
  xlsx  een werkmap met één blad per tabel ("geen gegevens" en "n.v.t." in de
        cel, uitgelegd onder de tabel); nooit naar een terminal.

Met --openbaar, voor publicatie, worden aantallen onder de drempel weggelaten ("<5"),
met aanvullende onderdrukking ("x") zodat ze niet uit de totalen terug te rekenen zijn.
In de CSV is de waarde dan leeg met status onderdrukt, en de CSV vraagt --out: de
toelichting op de methode komt ernaast (BESTAND zonder .csv + .toelichting.txt); de
werkmap krijgt een blad Toelichting. Zonder --openbaar: exacte aantallen.

Een schooljaar waarvoor geen enkele bron gegevens heeft, wordt geweigerd met de
schooljaren die de gegevens wel beslaan. Houdt een draaiende server het warehouse vast,
dan maakt die het jaarverslag (token met rol analist in $LEERPLEIN_TOKEN).`,
	examples: []string{
		"leerplein report jaarverslag --schooljaar 2023-2024 > jaarverslag.csv",
		"leerplein report jaarverslag --schooljaar 2023-2024 --format xlsx --out jaarverslag.xlsx",
		"leerplein report jaarverslag --schooljaar 2023-2024 --openbaar --format xlsx --out openbaar.xlsx",
	},
}

// cmdReportJaarverslag writes the annual report of one school year:
// `leerplein report jaarverslag --schooljaar 2018-2019 --format csv|xlsx [--out FILE]`.
func cmdReportJaarverslag(ctx context.Context, e env, args []string) error {
	return figureCommand{
		cmd:  "report jaarverslag",
		path: "/api/v1/reports/jaarverslag",
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
		return fmt.Errorf("%s kan niet geschreven worden: %w", path, err)
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
		return fmt.Errorf("%s kan niet geschreven worden: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("%s kan niet geschreven worden: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("%s kan niet geschreven worden: %w", path, err)
	}
	return nil
}
