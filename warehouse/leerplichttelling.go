package warehouse

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

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

// leerplichtFiguur is the figure (sql/marts/03_figuren.sql) an indicator counts: its
// feeds decide whether it has data in a school year.
func leerplichtFiguur(indicator string) string {
	switch {
	case indicator == "absoluut_verzuim":
		return FiguurAbsoluutVerzuim
	case strings.HasPrefix(indicator, "langdurig_"):
		return FiguurLangdurigVerzuim
	case strings.HasPrefix(indicator, "vrijstelling_"):
		return FiguurVrijstellingen
	}
	return FiguurVerzuimLeerplicht
}

// leerplichtBronnen are the feeds the leerplichttelling counts from.
var leerplichtBronnen = []string{BronVerzuimmeldingen, BronThuiszitters, BronVrijstellingen}

// LeerplichtCell is one figure of the leerplichttelling in its machine form
// (schooljaar;gemeente;onderwijssoort;indicator;waarde;status).
type LeerplichtCell struct {
	Schooljaar     string
	Gemeente       string // CBS code, or RegioCode for the region
	Onderwijssoort string // po, vso, vo, onbekend, geen, alle
	Indicator      string
	Waarde         int64  // zero when Status is not a value
	Status         Status // geen_gegevens when the indicator's feed does not cover the year
}

// Weggelaten is a gemeente of the region configuration left out of the count, and why.
type Weggelaten struct {
	Gebied
	// Reden is bestond_niet (it did not exist during the school year) or
	// leerplicht_lokaal (it runs leerplicht itself and files its own count).
	Reden string
}

// Leerplichttelling is the yearly count for DUO/OCW (artikel 25 Leerplichtwet).
type Leerplichttelling struct {
	Schooljaar string
	// Gebieden are the gemeenten counted, by CBS code, then the region.
	Gebieden []Gebied
	// Weggelaten are the gemeenten of the region configuration not counted.
	Weggelaten []Weggelaten
	// Cells holds every cell, zeros included, by gebied (in the order of Gebieden), then
	// indicator, then school-type group (`alle` last).
	Cells []LeerplichtCell
	// Lopend is true when the school year was still in progress on the day of the count.
	Lopend bool
}

// Leerplichttelling counts the leerplichttelling of a school year as of today (the
// real date); see LeerplichttellingOn.
func (db *DB) Leerplichttelling(ctx context.Context, schooljaar string) (Leerplichttelling, error) {
	return db.LeerplichttellingOn(ctx, schooljaar, Today(time.Now()))
}

// LeerplichttellingOn counts the indicators of the leerplichttelling for a school year
// as it stands on today, per gemeente (of residence on the row counted) and for the
// region, with zeros for every gemeente that existed during the year and whose
// leerplicht the bureau runs (sql/reports/leerplichttelling.sql); the other gemeenten
// are left out (Weggelaten) and their rows are not counted. An indicator whose feed does
// not cover the year is geen_gegevens; a year that none of the feeds covers is refused
// (NotCoveredError).
func (db *DB) LeerplichttellingOn(ctx context.Context, schooljaar string, today time.Time) (Leerplichttelling, error) {
	if err := ValidateSchooljaar(schooljaar); err != nil {
		return Leerplichttelling{}, fmt.Errorf("warehouse: leerplichttelling: %w", err)
	}
	tx, err := db.BeginTx(ctx, nil) // one snapshot for every query; read only
	if err != nil {
		return Leerplichttelling{}, fmt.Errorf("warehouse: leerplichttelling: %w", err)
	}
	defer func() { _ = tx.Rollback() }() // read only: nothing to undo
	if err := checkSchooljaar(ctx, tx, schooljaar); err != nil {
		return Leerplichttelling{}, fmt.Errorf("warehouse: leerplichttelling: %w", err)
	}
	if err := checkCovered(ctx, tx, "de leerplichttelling", schooljaar, leerplichtBronnen...); err != nil {
		return Leerplichttelling{}, fmt.Errorf("warehouse: leerplichttelling: %w", err)
	}
	fs, err := readFigureStatus(ctx, tx, schooljaar, today)
	if err != nil {
		return Leerplichttelling{}, err
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
	err = queryReportWith(ctx, tx, "reports/leerplichttelling.sql", func(rows *sql.Rows) error {
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
	}, sql.Named("schooljaar", schooljaar), todayArg(today))
	if err != nil {
		return Leerplichttelling{}, fmt.Errorf("warehouse: leerplichttelling: %w", err)
	}
	gemeenten, err := gemeentenInJaar(ctx, tx, schooljaar)
	if err != nil {
		return Leerplichttelling{}, fmt.Errorf("warehouse: leerplichttelling: %w", err)
	}
	out := Leerplichttelling{Schooljaar: schooljaar, Lopend: fs.lopend}
	for _, g := range gemeenten {
		switch {
		case g.TeltLeerplicht:
			out.Gebieden = append(out.Gebieden, g.Gebied)
		case !g.Bestond:
			out.Weggelaten = append(out.Weggelaten, Weggelaten{Gebied: g.Gebied, Reden: redenBestondNiet})
		default:
			out.Weggelaten = append(out.Weggelaten, Weggelaten{Gebied: g.Gebied, Reden: redenLeerplichtLokaal})
		}
	}
	for k := range counts {
		if k.gebied != RegioCode && !slices.ContainsFunc(out.Gebieden, func(g Gebied) bool { return g.Code == k.gebied }) {
			return Leerplichttelling{}, fmt.Errorf("warehouse: leerplichttelling: the query counted %s, which is not counted in %s", k.gebied, schooljaar)
		}
	}
	out.Gebieden = append(out.Gebieden, Gebied{Code: RegioCode, Naam: "Regio"})

	for _, g := range out.Gebieden {
		for _, ind := range indicators {
			status := fs.area(leerplichtFiguur(ind.Key), "")
			if g.Code != RegioCode {
				status = fs.gemeente(leerplichtFiguur(ind.Key), g.Code)
			}
			for _, s := range soorten {
				if !ind.PerOnderwijssoort && s.Key != "alle" {
					continue
				}
				c := LeerplichtCell{Schooljaar: schooljaar, Gemeente: g.Code, Onderwijssoort: s.Key, Indicator: ind.Key, Status: status}
				if status.IsValue() {
					c.Waarde = counts[key{g.Code, s.Key, ind.Key}]
				}
				out.Cells = append(out.Cells, c)
			}
		}
	}
	return out, nil
}

// GemeenteJaar is a gemeente of the region configuration in one school year
// (sql/marts/01_gemeente_jaar.sql).
type GemeenteJaar struct {
	Gebied
	Subregio string
	// Bestond: the gemeente existed during the school year.
	Bestond bool
	// TeltLeerplicht: its rows count in the leerplicht task (it existed and the bureau
	// runs its leerplicht).
	TeltLeerplicht bool
}

// gemeentenInJaar lists the gemeenten of the region configuration in a school year, by
// CBS code; ErrNoRegion when there are none.
func gemeentenInJaar(ctx context.Context, q querier, schooljaar string) ([]GemeenteJaar, error) {
	rows, err := q.QueryContext(ctx, `
		select gemeentecode, naam, subregio, bestond, telt_leerplicht
		from mart.gemeente_jaar
		where schooljaar = ?
		order by gemeentecode`, schooljaar)
	if err != nil {
		return nil, fmt.Errorf("gemeenten: %w", err)
	}
	defer rows.Close()
	var out []GemeenteJaar
	for rows.Next() {
		var g GemeenteJaar
		if err := rows.Scan(&g.Code, &g.Naam, &g.Subregio, &g.Bestond, &g.TeltLeerplicht); err != nil {
			return nil, fmt.Errorf("gemeenten: %w", err)
		}
		out = append(out, g)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("gemeenten: %w", err)
	}
	if len(out) == 0 {
		return nil, ErrNoRegion
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
	return queryReportWith(ctx, q, name, scan, sql.Named("schooljaar", schooljaar))
}

// queryReportWith runs an embedded query with the given arguments and hands every row
// to scan.
func queryReportWith(ctx context.Context, q querier, name string, scan func(*sql.Rows) error, args ...any) error {
	body, err := sqlfiles.FS.ReadFile(name)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	rows, err := q.QueryContext(ctx, string(body), args...)
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
