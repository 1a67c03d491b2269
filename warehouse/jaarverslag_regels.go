package warehouse

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/hetleerplein/leerplein/warehouse/tekst"
)

// Leeftijdsregel is one row of the Doorstroompunt age rule in mart.leeftijdsregels
// (sql/marts/00_regels.sql): the band's key in the report rows, its ages (both
// inclusive) and the days it is in force (both inclusive).
type Leeftijdsregel struct {
	Sleutel      string // 18_23, 18_27
	Van, Tot     int    // 18, 22
	GeldigVanaf  time.Time
	GeldigTot    time.Time
	Omschrijving string // Dutch, for a note
	// NaWijziging: the rule took over from an earlier one, so a report that counts by
	// it says so.
	NaWijziging bool
}

// label is the band as a report row names it: "18 t/m 22 jaar".
func (r Leeftijdsregel) label() string { return fmt.Sprintf("%d t/m %d jaar", r.Van, r.Tot) }

// JaarRegels are the Doorstroompunt age rules a school year's report counts by: the one
// in force on the peildatum (tabel1's rows) and every one in force on some day of the
// year, in date order (tabel3 counts each report by the rule of its meldingsdatum).
type JaarRegels struct {
	Peildatum Leeftijdsregel
	InJaar    []Leeftijdsregel
}

// JaarverslagRegels reads the rules of school year schooljaar from the warehouse.
func (db *DB) JaarverslagRegels(ctx context.Context, schooljaar string) (JaarRegels, error) {
	return jaarRegels(ctx, db, schooljaar)
}

func jaarRegels(ctx context.Context, q querier, schooljaar string) (JaarRegels, error) {
	var out JaarRegels
	found := false
	err := queryReport(ctx, q, "reports/jaarverslag_regels.sql", schooljaar, func(rows *sql.Rows) error {
		var r Leeftijdsregel
		var opPeildatum bool
		if err := rows.Scan(&r.Sleutel, &r.Van, &r.Tot, &r.GeldigVanaf, &r.GeldigTot, &r.Omschrijving, &opPeildatum, &r.NaWijziging); err != nil {
			return err
		}
		out.InJaar = append(out.InJaar, r)
		if opPeildatum {
			out.Peildatum, found = r, true
		}
		return nil
	})
	if err != nil {
		return JaarRegels{}, fmt.Errorf("warehouse: jaarverslag rules: %w", err)
	}
	if !found {
		return JaarRegels{}, fmt.Errorf("warehouse: jaarverslag rules: no Doorstroompunt age rule in force on the peildatum of %s", schooljaar)
	}
	return out, nil
}

// tabel1Note is tabel1's note on the rule, when the rule in force on the peildatum
// took over from an earlier one (a report before the change is printed as it was).
func (jr JaarRegels) tabel1Note() string {
	if !jr.Peildatum.NaWijziging {
		return ""
	}
	return fmt.Sprintf("De rijen van 18 jaar en ouder tellen %s op de peildatum, de leeftijdsregel die sinds %s geldt: %s",
		jr.Peildatum.label(), tekst.Datum(jr.Peildatum.GeldigVanaf), jr.Peildatum.Omschrijving)
}

// tabel3Note is tabel3's note on the rule when more than one was in force in the year,
// or the one in force took over from an earlier one: which ages count when.
func (jr JaarRegels) tabel3Note() string {
	switch {
	case len(jr.InJaar) == 1 && !jr.InJaar[0].NaWijziging:
		return ""
	case len(jr.InJaar) == 1:
		r := jr.InJaar[0]
		return fmt.Sprintf("Relatief verzuim van 18 jaar en ouder telt meldingen van %s, de leeftijdsregel die sinds %s geldt: %s",
			r.label(), tekst.Datum(r.GeldigVanaf), r.Omschrijving)
	}
	parts := make([]string, len(jr.InJaar))
	for i, r := range jr.InJaar {
		switch i {
		case 0:
			parts[i] = fmt.Sprintf("tot en met %s van %s", tekst.Datum(r.GeldigTot), r.label())
		case len(jr.InJaar) - 1:
			parts[i] = fmt.Sprintf("vanaf %s van %s", tekst.Datum(r.GeldigVanaf), r.label())
		default:
			parts[i] = fmt.Sprintf("van %s tot en met %s van %s", tekst.Datum(r.GeldigVanaf), tekst.Datum(r.GeldigTot), r.label())
		}
	}
	last := jr.InJaar[len(jr.InJaar)-1]
	return fmt.Sprintf("Dit schooljaar gelden %d leeftijdsregels: relatief verzuim van 18 jaar en ouder telt elke melding naar de regel van haar meldingsdatum, %s. %s Vergelijk dit jaar daarom niet zonder meer met eerdere jaren.",
		len(jr.InJaar), strings.Join(parts, ", "), last.Omschrijving)
}

// tabel3Label is the age part of tabel3's 18+ rows: the band of the one rule, or "18
// jaar en ouder" in a year with more than one.
func (jr JaarRegels) tabel3Label() string {
	if len(jr.InJaar) == 1 {
		return jr.InJaar[0].label()
	}
	return fmt.Sprintf("%d jaar en ouder", jr.InJaar[0].Van)
}
