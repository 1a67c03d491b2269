package warehouse

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// VSVCSVHeader is the header of the VSV export's machine form.
const VSVCSVHeader = "schooljaar;tabel;gebied;rij;kolom;waarde;status"

// vsvBronnen are the feeds the VSV export counts from.
var vsvBronnen = []string{BronVSVCijfers, BronRMCTrajecten}

// VSVExport gathers the early-school-leaving figures of a school year: the region's VSV
// figures beside the national ones (jaarverslag tabel7, regio and landelijk rows in
// turn) and the Doorstroompunt/RMC results (tabel9) per gemeente and for the region.
// Its machine form is schooljaar;tabel;gebied;rij;kolom;waarde;status with tabel, rij and
// kolom as in the jaarverslag, and gebied the gemeente's CBS code, `regio` or
// `landelijk`. A part without data is geen_gegevens (all of tabel7's rows when DUO
// delivered nothing for the year); a year neither feed covers is refused. It is made as
// of today (the real date); see VSVExportOn.
func (db *DB) VSVExport(ctx context.Context, schooljaar string) (Export, error) {
	return db.VSVExportOn(ctx, schooljaar, Today(time.Now()))
}

// VSVExportOn gathers the VSV export of a school year as it stands on today.
func (db *DB) VSVExportOn(ctx context.Context, schooljaar string, today time.Time) (Export, error) {
	if err := ValidateSchooljaar(schooljaar); err != nil {
		return Export{}, fmt.Errorf("warehouse: vsv export: %w", err)
	}
	tx, err := db.BeginTx(ctx, nil) // one snapshot for every query; read only
	if err != nil {
		return Export{}, fmt.Errorf("warehouse: vsv export: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	if err := checkSchooljaar(ctx, tx, schooljaar); err != nil {
		return Export{}, fmt.Errorf("warehouse: vsv export: %w", err)
	}
	if err := checkCovered(ctx, tx, "de vsv-export", schooljaar, vsvBronnen...); err != nil {
		return Export{}, fmt.Errorf("warehouse: vsv export: %w", err)
	}
	fs, err := readFigureStatus(ctx, tx, schooljaar, today)
	if err != nil {
		return Export{}, err
	}
	subregios, err := subregios(ctx, tx)
	if err != nil {
		return Export{}, err
	}
	var tabel7, tabel9 Table
	regels, err := jaarRegels(ctx, tx, schooljaar)
	if err != nil {
		return Export{}, err
	}
	for _, t := range JaarverslagLayout(subregios, regels) {
		switch t.Key {
		case "tabel7":
			tabel7 = t
		case "tabel9":
			tabel9 = t
		}
	}

	e := Export{
		Name:       "vsv",
		Title:      "Voortijdig schoolverlaten en Doorstroompunt",
		Schooljaar: schooljaar,
		Notes:      vsvNotes(),
		csv: csvForm{
			header: []string{"schooljaar", "tabel", "gebied", "rij", "kolom"},
			fields: func(t ExportTable, c ExportCell) ([]string, bool) {
				gebied := t.Gebied.Code
				if t.Tabel == "tabel7" {
					gebied = c.Rij[strings.LastIndexByte(c.Rij, '_')+1:] // vo_landelijk → landelijk
				}
				return []string{schooljaar, t.Tabel, gebied, c.Rij, c.Kolom}, true
			},
		},
	}

	// VSV: the delivered rows, region beside national per sector.
	base7, err := queryTable(ctx, tx, tabel7, schooljaar, today)
	if err != nil {
		return Export{}, err
	}
	vsv := ExportTable{
		Sheet: "Vsv", Tabel: "tabel7", Gebied: Gebied{Code: RegioCode, Naam: "Regio"},
		Title:    fmt.Sprintf("Nieuwe voortijdig schoolverlaters, schooljaar %s", schooljaar),
		Subtitle: "Regio tegenover landelijk (cijfers van DUO/OCW)",
		Cols:     tabel7.Cols,
		Note:     tabel7.Note,
		Remarks:  tabel7.remarks(fs, fs.lopend, today),
	}
	status7 := fs.area(FiguurVSV, "")
	for _, sector := range []string{"vo", "mbo", "vavo", "totaal"} {
		for _, gebied := range []string{"regio", "landelijk"} {
			key := sector + "_" + gebied
			if _, delivered := base7[cellKey{key, "deelnemers"}]; !delivered && status7.IsValue() {
				continue
			}
			line := Line{Key: key, Label: tabel7Label(tabel7, key)}
			if sector == "totaal" {
				line.Sum = []string{"vo_" + gebied, "mbo_" + gebied, "vavo_" + gebied} // for protection only
			}
			vsv.Rows = append(vsv.Rows, line)
			for _, c := range tabel7.Cols {
				vsv.Cells = append(vsv.Cells, ExportCell{Rij: key, Kolom: c.Key, Waarde: base7[cellKey{key, c.Key}], Status: status7})
			}
		}
	}
	e.Tables = append(e.Tables, vsv)

	// Doorstroompunt: tabel9 per gemeente, then the region as their sum.
	perGemeente := map[string]map[cellKey]Number{}
	err = queryReport(ctx, tx, "reports/vsv_export_doorstroompunt.sql", schooljaar, func(rows *sql.Rows) error {
		var gemeente, rij, kolom string
		var n int64
		if err := rows.Scan(&gemeente, &rij, &kolom, &n); err != nil {
			return err
		}
		if perGemeente[gemeente] == nil {
			perGemeente[gemeente] = map[cellKey]Number{}
		}
		perGemeente[gemeente][cellKey{rij, kolom}] = Count(n)
		return nil
	})
	if err != nil {
		return Export{}, fmt.Errorf("warehouse: vsv export: %w", err)
	}
	gemeenten, err := gemeentenInJaar(ctx, tx, schooljaar)
	if err != nil {
		return Export{}, fmt.Errorf("warehouse: vsv export: %w", err)
	}
	var gebieden []Gebied
	for _, g := range gemeenten {
		if g.Bestond {
			gebieden = append(gebieden, g.Gebied)
		} else if perGemeente[g.Code] != nil {
			return Export{}, fmt.Errorf("warehouse: vsv export: trajectories counted for %s, which did not exist in %s", g.Code, schooljaar)
		}
	}
	regio := map[cellKey]Number{}
	for _, cells := range perGemeente {
		for k, n := range cells {
			regio[k] = regio[k].Add(n)
		}
	}
	perGemeente[RegioCode] = regio
	gebieden = append(gebieden, Gebied{Code: RegioCode, Naam: "Regio"})
	rowKeys := map[string]bool{}
	for _, r := range tabel9.Rows {
		rowKeys[r.Key] = true
	}
	for _, g := range gebieden {
		for k := range perGemeente[g.Code] {
			if !rowKeys[k.rij] {
				return Export{}, fmt.Errorf("warehouse: vsv export: tabel9 of %s has row %q, which is not in the layout (a resultaat missing from dim_rmc_resultaat?)", g.Code, k.rij)
			}
		}
		tab := ExportTable{
			Sheet: g.Naam, Tabel: "tabel9", Gebied: g,
			Title:    fmt.Sprintf("Doorstroompunt/RMC: resultaten, schooljaar %s", schooljaar),
			Subtitle: fmt.Sprintf("Gemeente %s (%s)", g.Naam, g.Code),
			Rows:     tabel9.Rows, Cols: tabel9.Cols, Note: tabel9.Note,
		}
		status := fs.area(FiguurRMCTrajecten, "")
		if g.Code == RegioCode {
			tab.Sheet, tab.Subtitle = "Doorstroompunt regio", "Regio: alle gemeenten samen (tabel 9 van het jaarverslag)"
			tab.Remarks = tabel9.remarks(fs, fs.lopend, today)
		} else {
			status = fs.gemeente(FiguurRMCTrajecten, g.Code)
		}
		for _, c := range tabel9.fill(schooljaar, perGemeente[g.Code], func(Line, Line) Status { return status }) {
			tab.Cells = append(tab.Cells, ExportCell{Rij: c.Rij, Kolom: c.Kolom, Waarde: c.Waarde, Status: c.Status})
		}
		e.Tables = append(e.Tables, tab)
	}
	return e, nil
}

func tabel7Label(t Table, key string) string {
	for _, r := range t.Rows {
		if r.Key == key {
			return r.Label
		}
	}
	return key
}

// vsvNotes explains the VSV export (Dutch), after definitions.md.
func vsvNotes() []string {
	return []string{
		"Blad Vsv: de cijfers voortijdig schoolverlaten zoals DUO/OCW ze leverde (definitief waar beschikbaar), voor de regio en landelijk, per sector. " +
			"Een totaalregel die niet geleverd is, is de som van de geleverde sectoren. Vsv-percentage = 100 × nieuwe vsv'ers / deelnemers, afgerond op twee decimalen.",
		"Bladen per gemeente: de resultaten van het Doorstroompunt/RMC (tabel 9 van het jaarverslag) voor de trajecten van jongeren uit die gemeente die in het schooljaar liepen; " +
			"trajecten worden geteld, geen personen. Gemeld vóór het verslagjaar: melddatum vóór 1 augustus. " +
			"Een traject zonder einddatum tot en met 31 juli loopt nog (monitoring of nog in traject). Het blad Doorstroompunt regio is de som van de gemeenten.",
	}
}
