package etl

import "strings"

// kind is how a feed column is parsed and checked.
type kind int

const (
	kText       kind = iota // trimmed text (an id): refused when it holds a possible BSN
	kBSN                    // 8 or 9 digits passing the eleven test; pseudonymised
	kDate                   // dd-mm-jjjj, d-m-jjjj, dd/mm/jjjj, jjjj-mm-dd
	kCode                   // closed code list, case-insensitive
	kArtikel                // exemption article, "5 sub a" → 5A
	kGemeente               // CBS code or municipality name of the region
	kDecimal                // decimal comma or point
	kCount                  // integer, Dutch thousands separators allowed (aggregate feeds)
	kJN                     // J/N
	kSchooljaar             // 2017-2018, 2017/2018, 2017-18
	kBRIN                   // a school's BRIN code: two digits and two letters or digits
)

// column is one column of a feed's input contract and the fact column it fills.
type column struct {
	name     string   // canonical (normalised) header name; also the fact column
	kind     kind     //
	required bool     // the header must have it and the value must not be empty
	codes    []string // kCode: the closed list, canonical upper case
	fallback string   // value stored when the cell is empty (kCode only)
	// below bounds a number (kDecimal, kCount): values must be smaller. It keeps a number
	// of eight or more digits, which could be a BSN, out of the warehouse.
	below int64
}

// feed is one export type: its name (the file name prefix), fact table and natural key.
type feed struct {
	name  string
	table string
	key   []string // natural key columns (canonical names; bsn is keyed by its pseudonym)
	cols  []column
}

// Bounds of the number columns. No absence report covers 10,000 hours (a school year
// has about 1,000) and no published count reaches ten million (the country has about
// 1.5 million pupils in VO and MBO together); a larger value is a mistake, or a BSN in
// the wrong column.
const (
	maxUren  = 10_000
	maxCount = 10_000_000
)

var (
	onderwijssoorten = []string{"WPO", "WEC", "WVO", "WEB", "ONBEKEND", "GEEN"}
	verzuimsoorten   = []string{"RELATIEF", "LUXE", "ABSOLUUT", "SIGNAAL"}
)

// feeds returns the seven feeds of feeds.md. It is a function, not a variable, so no
// package state can be changed by a caller.
func feeds() []feed {
	return []feed{
		{name: "leerlingen", table: "fact_leerling", key: []string{"peildatum", "bsn"}, cols: []column{
			{name: "peildatum", kind: kDate, required: true},
			{name: "bsn", kind: kBSN, required: true},
			{name: "geboortedatum", kind: kDate, required: true},
			{name: "geslacht", kind: kCode, required: true, codes: []string{"M", "V", "X"}},
			{name: "gemeente", kind: kGemeente, required: true},
			{name: "onderwijssoort", kind: kCode, required: true, codes: onderwijssoorten},
			{name: "brin", kind: kBRIN},
			{name: "startkwalificatie", kind: kJN},
		}},
		{name: "verzuimmeldingen", table: "fact_verzuimmelding", key: []string{"melding_id"}, cols: []column{
			{name: "melding_id", kind: kText, required: true},
			{name: "bsn", kind: kBSN, required: true},
			{name: "geboortedatum", kind: kDate, required: true},
			{name: "gemeente", kind: kGemeente, required: true},
			{name: "onderwijssoort", kind: kCode, required: true, codes: onderwijssoorten},
			{name: "verzuimsoort", kind: kCode, required: true, codes: verzuimsoorten},
			{name: "meldingsdatum", kind: kDate, required: true},
			{name: "startdatum", kind: kDate},
			{name: "uren", kind: kDecimal, below: maxUren},
			{name: "brin", kind: kBRIN},
		}},
		{name: "maatregelen", table: "fact_maatregel", key: []string{"maatregel_id"}, cols: []column{
			{name: "maatregel_id", kind: kText, required: true},
			{name: "melding_id", kind: kText, required: true},
			{name: "datum", kind: kDate, required: true},
			{name: "maatregel", kind: kCode, required: true, codes: []string{"GESPREK", "WAARSCHUWING", "DOORVERWIJZING", "HALT", "PV"}},
			{name: "afdoening", kind: kCode, codes: []string{"LEERSTRAF", "GELDBOETE", "TAAKSTRAF", "OVERIG"}},
		}},
		{name: "vrijstellingen", table: "fact_vrijstelling", key: []string{"vrijstelling_id"}, cols: []column{
			{name: "vrijstelling_id", kind: kText, required: true},
			{name: "bsn", kind: kBSN, required: true},
			{name: "geboortedatum", kind: kDate, required: true},
			{name: "gemeente", kind: kGemeente, required: true},
			{name: "artikel", kind: kArtikel, required: true, codes: []string{"3A", "3B", "5A", "5B", "5C", "11F", "11G", "15"}},
			{name: "besluitdatum", kind: kDate, required: true},
			{name: "ingangsdatum", kind: kDate},
			{name: "einddatum", kind: kDate},
		}},
		{name: "thuiszitters", table: "fact_thuiszitter", key: []string{"dossier_id"}, cols: []column{
			{name: "dossier_id", kind: kText, required: true},
			{name: "bsn", kind: kBSN, required: true},
			{name: "geboortedatum", kind: kDate, required: true},
			{name: "gemeente", kind: kGemeente, required: true},
			{name: "soort", kind: kCode, required: true, codes: []string{"ABSOLUUT", "LANGDURIG_RELATIEF"}},
			{name: "startdatum", kind: kDate, required: true},
			{name: "einddatum", kind: kDate},
			{name: "aanbod_datum", kind: kDate},
			{name: "opgelost", kind: kJN},
			{name: "reden_einde", kind: kCode, codes: []string{"SCHOOL", "ZORG", "VRIJSTELLING", "VERHUISD", "18_JAAR", "OVERIG"}},
		}},
		{name: "rmc_trajecten", table: "fact_rmc_traject", key: []string{"traject_id"}, cols: []column{
			{name: "traject_id", kind: kText, required: true},
			{name: "bsn", kind: kBSN, required: true},
			{name: "geboortedatum", kind: kDate, required: true},
			{name: "gemeente", kind: kGemeente, required: true},
			{name: "melddatum", kind: kDate, required: true},
			{name: "startdatum", kind: kDate, required: true},
			{name: "einddatum", kind: kDate},
			{name: "resultaat", kind: kCode, codes: []string{"SCHOLING", "WERK_SCHOLING", "STAGE_WET", "OPVANG", "WERK", "NIET_HERPLAATST", "GEEN_RMC", "OVERIG"}},
			{name: "trajectsoort", kind: kCode, codes: []string{"REGULIER", "MONITORING"}, fallback: "REGULIER"},
			{name: "specialisatie", kind: kCode, codes: []string{"WET", "JOBCOACH", "HUISBEZOEK", "JIKP", "SCHULDEN", "INBURGERING", "PWET"}},
		}},
		{name: "vsv_cijfers", table: "fact_vsv", key: []string{"schooljaar", "gebied", "sector"}, cols: []column{
			{name: "schooljaar", kind: kSchooljaar, required: true},
			{name: "gebied", kind: kCode, required: true, codes: []string{"REGIO", "LANDELIJK"}},
			{name: "sector", kind: kCode, required: true, codes: []string{"VO", "MBO", "VAVO", "TOTAAL"}},
			{name: "deelnemers", kind: kCount, required: true, below: maxCount},
			{name: "vsvers", kind: kCount, required: true, below: maxCount},
			{name: "status", kind: kCode, codes: []string{"VOORLOPIG", "DEFINITIEF"}, fallback: "DEFINITIEF"},
		}},
	}
}

// recognise returns the feed a file belongs to: the feed whose name the file name starts
// with, case-insensitively; the longest such name wins.
func recognise(fileName string) (feed, bool) {
	lower := strings.ToLower(fileName)
	var best feed
	found := false
	for _, f := range feeds() {
		if strings.HasPrefix(lower, f.name) && (!found || len(f.name) > len(best.name)) {
			best, found = f, true
		}
	}
	return best, found
}

// factColumn is the fact table column a feed column lands in.
func factColumn(c column) string {
	switch c.kind {
	case kBSN:
		return "persoon_id"
	case kGemeente:
		return "gemeentecode"
	}
	return c.name
}
