package warehouse

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/hetleerplein/leerplein/warehouse/tekst"
)

// Status says what a figure is when it is not a value (definitions.md, "Coverage"): a
// zero is a finding and must never stand for "we do not know" or "not ours to count".
// The empty Status is a value (a count of 0 included).
type Status string

// The statuses of a figure. sql/marts/04_figuur_status.sql decides the first two;
// StatusOnderdrukt is set where figures are published (small-number protection).
const (
	StatusWaarde            Status = ""
	StatusGeenGegevens      Status = "geen_gegevens"       // a feed the figure counts from does not cover the year
	StatusNietVanToepassing Status = "niet_van_toepassing" // not the bureau's to count: no such gemeente, or leerplicht run locally
	StatusOnderdrukt        Status = "onderdrukt"          // hidden by small-number protection
)

// IsValue reports whether the figure is a value.
func (s Status) IsValue() bool { return s == StatusWaarde }

// Label is how a spreadsheet shows a figure with this status in its cell (Dutch);
// empty for a value. A suppressed figure shows "<5" or "x", which the caller decides.
func (s Status) Label() string {
	switch s {
	case StatusGeenGegevens:
		return "geen gegevens"
	case StatusNietVanToepassing:
		return "n.v.t."
	case StatusOnderdrukt:
		return "x"
	}
	return ""
}

// AreaStatus combines the statuses of one figure for the gemeenten of an area (a
// sub-region, the region, a KPI filter) into the status of the figure over the area,
// which is the sum over the gemeenten for which it applies: niet_van_toepassing only when
// it applies to none, geen_gegevens when it applies to some and one of them has no data,
// otherwise a value. The same rule combines the parts of a total.
func AreaStatus(parts []Status) Status {
	applies, missing := false, false
	for _, s := range parts {
		switch s {
		case StatusNietVanToepassing:
		case StatusGeenGegevens:
			applies, missing = true, true
		default:
			applies = true
		}
	}
	switch {
	case !applies:
		return StatusNietVanToepassing
	case missing:
		return StatusGeenGegevens
	}
	return StatusWaarde
}

// Reasons a figure is not a value, as sql/marts/04_figuur_status.sql names them.
const (
	redenBestondNiet      = "bestond_niet"      // niet_van_toepassing: the gemeente did not exist during the year
	redenLeerplichtLokaal = "leerplicht_lokaal" // niet_van_toepassing: the gemeente runs leerplicht itself
	redenBronOntbreekt    = "bron_ontbreekt"    // geen_gegevens: a feed does not cover the year
)

// figureStatus is sql/marts/04_figuur_status.sql for one school year: per figure, the
// status of every gemeente (or of the region, for a figure without gemeenten).
type figureStatus struct {
	schooljaar string
	lopend     bool
	byFigure   map[string][]gemeenteStatus
}

// gemeenteStatus is the status of one figure for one gemeente ("" for the region).
type gemeenteStatus struct {
	gemeente, naam, subregio string
	subregioNaam             string
	status                   Status
	reden                    string
	ontbrekend               []string // geen_gegevens: the feeds that do not cover the year
}

// readFigureStatus reads the statuses of every figure in schooljaar, and whether the
// school year was in progress on today (lopend: today before 31 July of the year).
func readFigureStatus(ctx context.Context, q querier, schooljaar string, today time.Time) (figureStatus, error) {
	fs := figureStatus{schooljaar: schooljaar, byFigure: map[string][]gemeenteStatus{}}
	err := queryReportWith(ctx, q, "reports/figuur_status.sql", func(rows *sql.Rows) error {
		var g gemeenteStatus
		var figuur string
		var gemeente, naam, subregio, subregioNaam, status, reden, ontbrekend sql.NullString
		if err := rows.Scan(&figuur, &gemeente, &naam, &subregio, &subregioNaam, &status, &reden, &ontbrekend, &fs.lopend); err != nil {
			return err
		}
		g.gemeente, g.naam, g.subregio, g.subregioNaam = gemeente.String, naam.String, subregio.String, subregioNaam.String
		g.status, g.reden = Status(status.String), reden.String
		if ontbrekend.Valid {
			g.ontbrekend = strings.Split(ontbrekend.String, ", ")
		}
		fs.byFigure[figuur] = append(fs.byFigure[figuur], g)
		return nil
	}, sql.Named("schooljaar", schooljaar), sql.Named("vandaag", dateParam(today)))
	if err != nil {
		return figureStatus{}, fmt.Errorf("warehouse: figure status %s: %w", schooljaar, err)
	}
	return fs, nil
}

// area is the status of figuur over the gemeenten of subregio ("" for the whole region).
// An unknown figure is a programming error and panics.
func (fs figureStatus) area(figuur, subregio string) Status {
	rows, ok := fs.byFigure[figuur]
	if !ok {
		panic("warehouse: no status for figure " + figuur)
	}
	var parts []Status
	for _, g := range rows {
		if subregio == "" || g.subregio == subregio || g.gemeente == "" {
			parts = append(parts, g.status)
		}
	}
	return AreaStatus(parts)
}

// gemeente is the status of figuur for one gemeente.
func (fs figureStatus) gemeente(figuur, code string) Status {
	for _, g := range fs.byFigure[figuur] {
		if g.gemeente == code {
			return g.status
		}
	}
	panic("warehouse: no status for figure " + figuur + " in " + code)
}

// notCounted names, per reason (bestond_niet, leerplicht_lokaal), the gemeenten whose
// rows figuur does not count in the year, in order: a sub-region all of whose gemeenten
// are left out for the same reason is named as "IJmond (Beverwijk, Heemskerk en Velsen)".
func (fs figureStatus) notCounted(figuur string) map[string][]string {
	type key struct{ reden, subregio string }
	out := map[key][]string{}
	inSubregio := map[string]int{}
	naam := map[string]string{}
	for _, g := range fs.byFigure[figuur] {
		inSubregio[g.subregio]++
		naam[g.subregio] = g.subregioNaam
		if g.status == StatusNietVanToepassing {
			k := key{g.reden, g.subregio}
			out[k] = append(out[k], g.naam)
		}
	}
	byReden := map[string][]string{}
	for k, names := range out {
		sort.Strings(names)
		if len(names) == inSubregio[k.subregio] && len(names) > 1 {
			byReden[k.reden] = append(byReden[k.reden], naam[k.subregio]+" ("+tekst.Opsomming(names)+")")
			continue
		}
		byReden[k.reden] = append(byReden[k.reden], names...)
	}
	for _, names := range byReden {
		sort.Strings(names)
	}
	return byReden
}

// missingFeeds lists the feeds figuur lacks in the year (empty when it is covered).
func (fs figureStatus) missingFeeds(figuur string) []string {
	for _, g := range fs.byFigure[figuur] {
		if g.status == StatusGeenGegevens {
			return g.ontbrekend // decided for the whole region: the same in every row
		}
	}
	return nil
}

// dateParam passes a day to DuckDB as a date literal it casts: a time.Time would be a
// TIMESTAMP and carry the clock into a comparison of days.
func dateParam(t time.Time) string { return t.Format(time.DateOnly) }

// Today is the date of t in the Netherlands, at midnight UTC: the "today" a caller
// passes when it means now (a school year ends at midnight Dutch time, not UTC).
func Today(t time.Time) time.Time {
	if loc, err := time.LoadLocation("Europe/Amsterdam"); err == nil {
		t = t.In(loc)
	}
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}
