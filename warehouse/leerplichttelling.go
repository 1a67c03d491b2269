package warehouse

import (
	"context"
	"database/sql"
	"fmt"

	sqlfiles "github.com/hetleerplein/leerplein/sql"
)

// RegioCode is the gebied of a figure for the region as a whole, beside the gemeenten'
// CBS codes.
const RegioCode = "regio"

// Gebied is an area a figure is given for: a gemeente, or the region (Code RegioCode).
type Gebied struct {
	Code string // GM0392 or "regio"
	Naam string // Haarlem
}

// LeerplichtIndicator is one indicator of the leerplichttelling, in the order the count
// is handed in.
type LeerplichtIndicator struct {
	Key   string // relatief_verzuim
	Label string // Dutch, as printed
	// PerOnderwijssoort marks the indicators from absence reports, given per school-type
	// group as well as for `alle`; the others are given for `alle` only.
	PerOnderwijssoort bool
}

// LeerplichtIndicatoren lists the indicators of definitions.md in their printed order.
func LeerplichtIndicatoren() []LeerplichtIndicator {
	return []LeerplichtIndicator{
		{"relatief_verzuim", "Relatief verzuim (incl. luxeverzuim): leerlingen met een melding", true},
		{"waarvan_herhaald", "waarvan twee of meer meldingen in het schooljaar", true},
		{"luxe_verzuim", "Luxeverzuim: leerlingen met een melding", true},
		{"langdurig_relatief_verzuim_1_september", "Langdurig relatief verzuim op 1 september", false},
		{"langdurig_relatief_verzuim_nieuw", "Langdurig relatief verzuim, nieuw na 1 september", false},
		{"langdurig_relatief_verzuim_langer_dan_3_maanden", "Langdurig relatief verzuim, langer dan 3 maanden", false},
		{"langdurig_relatief_verzuim_verhuisd", "Langdurig relatief verzuim, beëindigd wegens verhuizing", false},
		{"absoluut_verzuim", "Absoluut verzuim: jongeren niet ingeschreven", false},
		{"vrijstelling_3a", "Vrijstellingen art. 3a (vervangende leerplicht)", false},
		{"vrijstelling_3b", "Vrijstellingen art. 3b (vervangende leerplicht)", false},
		{"vrijstelling_5a", "Vrijstellingen art. 5 sub a (lichamelijke of psychische gronden)", false},
		{"vrijstelling_5b", "Vrijstellingen art. 5 sub b (bedenkingen tegen de richting)", false},
		{"vrijstelling_5c", "Vrijstellingen art. 5 sub c (school in het buitenland)", false},
		{"vrijstelling_15", "Vrijstellingen art. 15 (andere vorm van onderwijs)", false},
	}
}

// LeerplichtOnderwijssoorten lists the school-type groups of the count, `alle` last: the
// columns of the handed-in form. `alle` is the sum of the groups: every person counts
// in exactly one group per cell.
func LeerplichtOnderwijssoorten() []Line {
	groups := []Line{
		base("po", "Primair onderwijs"),
		base("vso", "Speciaal (voortgezet) onderwijs"),
		base("vo", "Voortgezet onderwijs en mbo"),
		base("onbekend", "Onbekend"),
		base("geen", "Niet ingeschreven"),
	}
	return append(groups, sum("alle", "Totaal", keys(groups)...))
}

// LeerplichtCell is one figure of the leerplichttelling in its machine form
// (schooljaar;gemeente;onderwijssoort;indicator;waarde).
type LeerplichtCell struct {
	Schooljaar     string
	Gemeente       string // CBS code, or RegioCode for the region
	Onderwijssoort string // po, vso, vo, onbekend, geen, alle
	Indicator      string
	Waarde         int64
}

// Leerplichttelling is the yearly count for DUO/OCW (artikel 25 Leerplichtwet).
type Leerplichttelling struct {
	Schooljaar string
	// Gebieden are the gemeenten counted, by CBS code, then the region.
	Gebieden []Gebied
	// Cells holds every cell, zeros included, by gebied (in the order of Gebieden), then
	// indicator, then school-type group (`alle` last).
	Cells []LeerplichtCell
}

// Leerplichttelling counts the indicators of the leerplichttelling for a school year
// per gemeente (of residence on the row counted) and for the region, with zeros for
// every gemeente that existed during the year (sql/reports/leerplichttelling*.sql).
func (db *DB) Leerplichttelling(ctx context.Context, schooljaar string) (Leerplichttelling, error) {
	if err := ValidateSchooljaar(schooljaar); err != nil {
		return Leerplichttelling{}, fmt.Errorf("warehouse: leerplichttelling: %w", err)
	}
	tx, err := db.BeginTx(ctx, nil) // one snapshot for both queries; read only
	if err != nil {
		return Leerplichttelling{}, fmt.Errorf("warehouse: leerplichttelling: %w", err)
	}
	defer func() { _ = tx.Rollback() }() // read only: nothing to undo
	if err := checkSchooljaar(ctx, tx, schooljaar); err != nil {
		return Leerplichttelling{}, fmt.Errorf("warehouse: leerplichttelling: %w", err)
	}

	type key struct{ gebied, soort, indicator string }
	counts := map[key]int64{}
	indicators := LeerplichtIndicatoren()
	perSoort := map[string]bool{}
	for _, ind := range indicators {
		perSoort[ind.Key] = ind.PerOnderwijssoort
	}
	soorten := LeerplichtOnderwijssoorten()
	knownSoort := map[string]bool{}
	for _, s := range soorten {
		knownSoort[s.Key] = true
	}
	err = queryReport(ctx, tx, "reports/leerplichttelling.sql", schooljaar, func(rows *sql.Rows) error {
		var k key
		var n int64
		if err := rows.Scan(&k.gebied, &k.soort, &k.indicator, &n); err != nil {
			return err
		}
		ps, known := perSoort[k.indicator]
		if !known || !knownSoort[k.soort] || (!ps && k.soort != "alle") {
			return fmt.Errorf("the query gives cell (%s, %s, %s), which is not a cell of the count (a school type missing from dim_onderwijssoort?)", k.gebied, k.soort, k.indicator)
		}
		if _, dup := counts[k]; dup {
			return fmt.Errorf("the query gives cell (%s, %s, %s) twice", k.gebied, k.soort, k.indicator)
		}
		counts[k] = n
		return nil
	})
	if err != nil {
		return Leerplichttelling{}, fmt.Errorf("warehouse: leerplichttelling: %w", err)
	}
	counted := map[string]bool{}
	for k := range counts {
		counted[k.gebied] = true
	}
	var gebieden []Gebied
	err = queryReport(ctx, tx, "reports/leerplichttelling_gemeenten.sql", schooljaar, func(rows *sql.Rows) error {
		var g Gebied
		var bestond bool
		if err := rows.Scan(&g.Code, &g.Naam, &bestond); err != nil {
			return err
		}
		if bestond || counted[g.Code] {
			gebieden = append(gebieden, g)
		}
		return nil
	})
	if err != nil {
		return Leerplichttelling{}, fmt.Errorf("warehouse: leerplichttelling: %w", err)
	}
	if len(gebieden) == 0 {
		return Leerplichttelling{}, fmt.Errorf("warehouse: leerplichttelling: %w", ErrNoRegion)
	}
	gebieden = append(gebieden, Gebied{Code: RegioCode, Naam: "Regio"})

	out := Leerplichttelling{Schooljaar: schooljaar, Gebieden: gebieden}
	for _, g := range gebieden {
		for _, ind := range indicators {
			for _, s := range soorten {
				if !ind.PerOnderwijssoort && s.Key != "alle" {
					continue
				}
				out.Cells = append(out.Cells, LeerplichtCell{
					Schooljaar: schooljaar, Gemeente: g.Code, Onderwijssoort: s.Key,
					Indicator: ind.Key, Waarde: counts[key{g.Code, s.Key, ind.Key}],
				})
			}
		}
	}
	return out, nil
}

// checkSchooljaar checks that the warehouse knows the school year and holds a region.
func checkSchooljaar(ctx context.Context, q querier, schooljaar string) error {
	rows, err := q.QueryContext(ctx, `
		select (select count(*) from dim_schooljaar where schooljaar = ?),
		       (select count(*) from dim_gemeente)`, schooljaar)
	if err != nil {
		return fmt.Errorf("look up school year: %w", err)
	}
	defer rows.Close()
	var known, gemeenten int
	if rows.Next() {
		if err := rows.Scan(&known, &gemeenten); err != nil {
			return fmt.Errorf("look up school year: %w", err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("look up school year: %w", err)
	}
	if known == 0 {
		return fmt.Errorf("%w %q: outside the school years the warehouse knows", ErrInvalidSchooljaar, schooljaar)
	}
	if gemeenten == 0 {
		return ErrNoRegion
	}
	return nil
}

// queryReport runs an embedded report query with the $schooljaar parameter and hands
// every row to scan.
func queryReport(ctx context.Context, q querier, name, schooljaar string, scan func(*sql.Rows) error) error {
	body, err := sqlfiles.FS.ReadFile(name)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	rows, err := q.QueryContext(ctx, string(body), sql.Named("schooljaar", schooljaar))
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}
