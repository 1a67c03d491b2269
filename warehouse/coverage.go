package warehouse

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/hetleerplein/leerplein/warehouse/tekst"
)

// The feeds (bronnen) as sql/marts/02_dekking.sql names them.
const (
	BronLeerlingen       = "leerlingen"
	BronVerzuimmeldingen = "verzuimmeldingen"
	BronMaatregelen      = "maatregelen"
	BronVrijstellingen   = "vrijstellingen"
	BronThuiszitters     = "thuiszitters"
	BronRMCTrajecten     = "rmc_trajecten"
	BronVSVCijfers       = "vsv_cijfers"
)

// bronOmschrijving says in Dutch what of a feed covers a school year, for a note that
// explains "geen gegevens".
func bronOmschrijving(bron, schooljaar string) string {
	switch bron {
	case BronLeerlingen:
		return "geen leerlingenbestand met peildatum 1 oktober " + schooljaar[:4]
	case BronVerzuimmeldingen:
		return "geen verzuimmeldingen met een meldingsdatum in het schooljaar"
	case BronMaatregelen:
		return "geen maatregelen met een datum in het schooljaar"
	case BronVrijstellingen:
		return "geen vrijstellingen met een besluitdatum in het schooljaar"
	case BronThuiszitters:
		return "geen thuiszittersepisodes die in het schooljaar begonnen of eindigden"
	case BronRMCTrajecten:
		return "geen Doorstroompunt/RMC-trajecten die in het schooljaar begonnen of eindigden"
	case BronVSVCijfers:
		return "geen vsv-cijfers van DUO/OCW voor het schooljaar"
	}
	return "geen " + bron
}

// Dekking is one school year a feed covers (sql/marts/02_dekking.sql): at least one
// loaded row of the feed has its counting date in the year.
type Dekking struct {
	Bron       string
	Schooljaar string
	// EersteDatum and LaatsteDatum are the first and last counting date seen in the
	// year; nil for vsv_cijfers, which has no date.
	EersteDatum, LaatsteDatum *time.Time
}

// Dekking lists the school years each feed covers, by feed and school year.
func (db *DB) Dekking(ctx context.Context) ([]Dekking, error) {
	return readDekking(ctx, db)
}

func readDekking(ctx context.Context, q querier) ([]Dekking, error) {
	rows, err := q.QueryContext(ctx, `
		select bron, schooljaar, eerste_datum, laatste_datum
		from mart.dekking
		order by bron, schooljaar`)
	if err != nil {
		return nil, fmt.Errorf("warehouse: coverage: %w", err)
	}
	defer rows.Close()
	var out []Dekking
	for rows.Next() {
		var d Dekking
		var eerste, laatste sql.NullTime
		if err := rows.Scan(&d.Bron, &d.Schooljaar, &eerste, &laatste); err != nil {
			return nil, fmt.Errorf("warehouse: coverage: %w", err)
		}
		if eerste.Valid {
			d.EersteDatum = ptr(eerste.Time.UTC())
		}
		if laatste.Valid {
			d.LaatsteDatum = ptr(laatste.Time.UTC())
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("warehouse: coverage: %w", err)
	}
	return out, nil
}

// ErrNotCovered is matched (errors.Is) by the error of a report or export asked for a
// school year that none of its feeds covers.
var ErrNotCovered = errors.New("school year not covered by the data")

// NotCoveredError refuses a report or export for a school year that none of the feeds it
// counts from covers: every figure would be "geen gegevens". Its message (Dutch, for the
// user) says which school years the data does cover.
type NotCoveredError struct {
	Wat        string   // what was asked, Dutch: "het jaarverslag", "de leerplichttelling"
	Schooljaar string   // the year asked for
	Gedekt     []string // the school years the feeds cover, in order
}

// Error says in Dutch that the year has no data and which years do.
func (e *NotCoveredError) Error() string {
	msg := fmt.Sprintf("schooljaar %s: geen gegevens voor %s in dit schooljaar (geen van de bronnen heeft een rij met een teldatum in het schooljaar)", e.Schooljaar, e.Wat)
	if len(e.Gedekt) == 0 {
		return msg + "; er zijn nog geen gegevens geladen"
	}
	return msg + "; de gegevens beslaan " + jarenBereik(e.Gedekt)
}

// Is makes errors.Is(err, ErrNotCovered) true, and errors.Is(err, ErrInvalidSchooljaar):
// a school year without data is not one the caller can ask for.
func (e *NotCoveredError) Is(target error) bool {
	return target == ErrNotCovered || target == ErrInvalidSchooljaar
}

// jarenBereik writes school years as Dutch ranges: "schooljaar 2018-2019", "de
// schooljaren 2015-2016 t/m 2018-2019 en 2020-2021".
func jarenBereik(jaren []string) string {
	sorted := append([]string(nil), jaren...)
	sort.Strings(sorted)
	first := func(s string) int { n, _ := strconv.Atoi(s[:4]); return n }
	var parts []string
	for i := 0; i < len(sorted); {
		j := i
		for j+1 < len(sorted) && first(sorted[j+1]) == first(sorted[j])+1 {
			j++
		}
		if j == i {
			parts = append(parts, sorted[i])
		} else {
			parts = append(parts, sorted[i]+" t/m "+sorted[j])
		}
		i = j + 1
	}
	if len(sorted) == 1 {
		return "schooljaar " + sorted[0]
	}
	return "de schooljaren " + tekst.Opsomming(parts)
}

// checkCovered refuses schooljaar when none of bronnen covers it, with the years they do.
func checkCovered(ctx context.Context, q querier, wat, schooljaar string, bronnen ...string) error {
	dekking, err := readDekking(ctx, q)
	if err != nil {
		return err
	}
	want := map[string]bool{}
	for _, b := range bronnen {
		want[b] = true
	}
	seen := map[string]bool{}
	var gedekt []string
	for _, d := range dekking {
		if !want[d.Bron] || seen[d.Schooljaar] {
			continue
		}
		if d.Schooljaar == schooljaar {
			return nil
		}
		seen[d.Schooljaar] = true
		gedekt = append(gedekt, d.Schooljaar)
	}
	sort.Strings(gedekt)
	return &NotCoveredError{Wat: wat, Schooljaar: schooljaar, Gedekt: gedekt}
}
