package warehouse

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/hetleerplein/leerplein/warehouse/tekst"
)

// SeriesBreak marks the first school year of a KPI counted (partly) under a changed
// rule: the year that contains From, the day the new rule took effect. The year counts
// every row under the rule in force on its own date, so it mixes both rules; the note
// says not to compare it with earlier years as they are.
type SeriesBreak struct {
	SchoolYear     string
	From           time.Time // the first day of the new rule, UTC
	NoteNL, NoteEN string
}

// readBreaks reads the changes of the age rules (sql/metrics/reeksbreuken.sql, from
// mart.leeftijdsregels) per regel: the rule lives once, in the warehouse.
func readBreaks(ctx context.Context, q querier) (map[string][]SeriesBreak, error) {
	out := map[string][]SeriesBreak{}
	err := queryReportWith(ctx, q, "metrics/reeksbreuken.sql", func(rows *sql.Rows) error {
		var regel, omschrijving string
		var vanaf time.Time
		var jaar int
		var oudVan, nieuwVan sql.NullInt64
		var oudTot, nieuwTot int64
		if err := rows.Scan(&regel, &vanaf, &jaar, &oudVan, &oudTot, &nieuwVan, &nieuwTot, &omschrijving); err != nil {
			return err
		}
		out[regel] = append(out[regel], newSeriesBreak(vanaf, jaar, oudTot, nieuwTot, omschrijving))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("warehouse: series breaks: %w", err)
	}
	return out, nil
}

// newSeriesBreak writes the note of a rule change on day vanaf (in school year jaar)
// whose upper age went from oudTot to nieuwTot.
func newSeriesBreak(vanaf time.Time, jaar int, oudTot, nieuwTot int64, omschrijving string) SeriesBreak {
	vanaf = time.Date(vanaf.Year(), vanaf.Month(), vanaf.Day(), 0, 0, 0, 0, time.UTC)
	dag := tekst.Datum(vanaf)
	b := SeriesBreak{SchoolYear: fmt.Sprintf("%d-%d", jaar, jaar+1), From: vanaf}
	switch {
	case nieuwTot > oudTot:
		b.NoteNL = fmt.Sprintf("Vanaf %s tellen ook meldingen van %d t/m %d jaar mee: vergelijk niet zonder meer met eerdere jaren. %s", dag, oudTot+1, nieuwTot, omschrijving)
		b.NoteEN = fmt.Sprintf("From %s reports of ages %d to %d count as well: do not compare with earlier years as they are.", vanaf.Format("2 January 2006"), oudTot+1, nieuwTot)
	default:
		b.NoteNL = fmt.Sprintf("Vanaf %s telt een andere leeftijdsgrens: vergelijk niet zonder meer met eerdere jaren. %s", dag, omschrijving)
		b.NoteEN = fmt.Sprintf("From %s another age limit applies: do not compare with earlier years as they are.", vanaf.Format("2 January 2006"))
	}
	return b
}
