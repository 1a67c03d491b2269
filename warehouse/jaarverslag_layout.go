package warehouse

import "strings"

// Table is one table of the annual report as it is printed: its key (tabel1 …), Dutch
// title, and its rows and columns in print order. The layout is the single place where
// totals are defined: a line with Sum is computed from the lines it names, every
// other line comes from the table's query in sql/reports/.
type Table struct {
	Key   string
	Title string
	// Note is a footnote printed under the table, empty when there is none.
	Note string
	// Remarks explain the statuses of this year's cells and what the figures cover
	// (Dutch), printed under the Note; set by the report of a school year.
	Remarks []string
	// Figuur is the figure (sql/marts/03_figuren.sql) the table's cells count, unless a
	// line names its own: it decides whether a cell is a value, geen_gegevens or
	// niet_van_toepassing.
	Figuur string
	Rows   []Line
	Cols   []Line
}

// Line is a row or a column of a Table.
type Line struct {
	Key   string
	Label string
	// Sum names the lines (rows for a row, columns for a column) this line adds up;
	// empty for a line whose cells come from the query.
	Sum []string
	// Optional marks a row that appears only where its data was delivered (tabel7).
	Optional bool
	// Percent marks a column of percentages, formatted as such in a spreadsheet.
	Percent bool
	// Figuur is the figure a base line's cells count, when not the table's.
	Figuur string
	// Subregio is the sub-region a base line's cells cover; empty: the whole region.
	Subregio string
}

// IsTotal reports whether the line is a total or subtotal, which a printed report
// shows in bold. A total need not be a Sum (tabel5's `totaal` column also counts
// measures without an outcome; tabel1's `subtotaal_5_18` also counts geslacht X).
func (l Line) IsTotal() bool {
	return l.Key == "totaal" || strings.HasPrefix(l.Key, "totaal_") || strings.HasPrefix(l.Key, "subtotaal_")
}

// The figures of sql/marts/03_figuren.sql: what a cell counts, by task and feeds.
const (
	FiguurLeerlingenLeerplicht     = "leerlingen_leerplicht"
	FiguurLeerlingenDoorstroompunt = "leerlingen_doorstroompunt"
	FiguurVrijstellingen           = "vrijstellingen"
	FiguurVerzuimLeerplicht        = "verzuim_leerplicht"
	FiguurVerzuimDoorstroompunt    = "verzuim_doorstroompunt"
	FiguurMaatregelen              = "maatregelen"
	FiguurThuiszitters             = "thuiszitters"
	FiguurLangdurigVerzuim         = "langdurig_verzuim"
	FiguurAbsoluutVerzuim          = "absoluut_verzuim"
	FiguurRMCTrajecten             = "rmc_trajecten"
	FiguurVSV                      = "vsv"
)

// Subregio is a sub-region of the configured region, as dim_gemeente names it.
type Subregio struct {
	Code string // zk
	Naam string // Zuid-Kennemerland
}

// base is a line whose cells come from the query; sum is a line that adds up others.
func base(key, label string) Line { return Line{Key: key, Label: label} }
func sum(key, label string, parts ...string) Line {
	return Line{Key: key, Label: label, Sum: parts}
}

func keys(lines []Line) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = l.Key
	}
	return out
}

// schoolTypeCols are the columns of tabel1 and tabel3: by onderwijssoort, and totaal.
func schoolTypeCols() []Line {
	cols := []Line{
		base("wpo", "Primair onderwijs"),
		base("wec", "Speciaal onderwijs"),
		base("wvo", "Voortgezet onderwijs"),
		base("web", "Mbo"),
		base("onbekend", "Onbekend"),
		base("geen", "Niet ingeschreven"),
	}
	return append(cols, sum("totaal", "Totaal", keys(cols)...))
}

// verzuimRows are the rows of tabel4 and tabel5: by the report's verzuimsoort.
func verzuimRows() []Line {
	rows := []Line{
		base("relatief", "Relatief verzuim"),
		base("luxe", "Luxeverzuim"),
		base("absoluut", "Absoluut verzuim"),
	}
	return append(rows, sum("totaal", "Totaal", keys(rows)...))
}

// JaarverslagLayout lays out tables 1 to 9 of a school year for the given sub-regions
// (in print order) and the year's Doorstroompunt age rules: rows and columns keyed by
// sub-region use their codes; tabel1's 18+ rows are keyed and labelled by the band in
// force on the peildatum (18_23_zk, 18_27_zk), tabel3's by the bands of the year.
func JaarverslagLayout(subregios []Subregio, regels JaarRegels) []Table {
	band := regels.Peildatum
	var rows18, rows18plus, cols6 []Line
	for _, s := range subregios {
		rows18 = append(rows18, Line{Key: band.Sleutel + "_" + s.Code, Label: band.label() + ", " + s.Naam,
			Figuur: FiguurLeerlingenDoorstroompunt, Subregio: s.Code})
		rows18plus = append(rows18plus, Line{Key: "relatief_18plus_" + s.Code, Label: "Relatief verzuim " + regels.tabel3Label() + ", " + s.Naam,
			Figuur: FiguurVerzuimDoorstroompunt, Subregio: s.Code})
		cols6 = append(cols6, Line{Key: s.Code, Label: s.Naam, Subregio: s.Code})
	}
	withFiguur := func(l Line, figuur string) Line { l.Figuur = figuur; return l }

	tabel1Rows := []Line{
		withFiguur(base("jongens_5_18", "Jongens 5 t/m 17 jaar"), FiguurLeerlingenLeerplicht),
		withFiguur(base("meisjes_5_18", "Meisjes 5 t/m 17 jaar"), FiguurLeerlingenLeerplicht),
		withFiguur(base("subtotaal_5_18", "Subtotaal 5 t/m 17 jaar"), FiguurLeerlingenLeerplicht),
	}
	tabel1Rows = append(tabel1Rows, rows18...)
	tabel1Rows = append(tabel1Rows,
		sum("subtotaal_"+band.Sleutel, "Subtotaal "+band.label(), keys(rows18)...),
		sum("totaal", "Totaal", "subtotaal_5_18", "subtotaal_"+band.Sleutel))

	tabel2Rows := []Line{
		base("art_3a_3b", "Art. 3a en 3b: vervangende leerplicht"),
		base("art_5a", "Art. 5 sub a: lichamelijke of psychische gronden"),
		base("art_5b", "Art. 5 sub b: bedenkingen tegen de richting"),
		base("art_5c", "Art. 5 sub c: ingeschreven op een school in het buitenland"),
		base("art_11f", "Art. 11 sub f: beroep van de ouders"),
		base("art_11g", "Art. 11 sub g: gewichtige omstandigheden"),
		base("art_15", "Art. 15: andere vorm van onderwijs"),
	}
	tabel2Rows = append(tabel2Rows, sum("totaal", "Totaal", keys(tabel2Rows)...))

	tabel3Rows := []Line{
		withFiguur(base("relatief", "Relatief verzuim, tot 18 jaar"), FiguurVerzuimLeerplicht),
		withFiguur(base("luxe", "Luxeverzuim, tot 18 jaar"), FiguurVerzuimLeerplicht),
		withFiguur(base("absoluut", "Absoluut verzuim, tot 18 jaar"), FiguurVerzuimLeerplicht),
	}
	tabel3Rows = append(tabel3Rows, rows18plus...)
	tabel3Rows = append(tabel3Rows, sum("totaal", "Totaal", keys(tabel3Rows)...))

	tabel4Cols := []Line{base("halt", "Halt-verwijzing"), base("pv", "Proces-verbaal")}
	tabel4Cols = append(tabel4Cols, sum("totaal", "Totaal", keys(tabel4Cols)...))

	tabel6Cols := append(cols6, sum("totaal", "Totaal", keys(cols6)...))

	var tabel7Rows []Line
	for _, g := range []struct{ key, naam string }{{"regio", "regio"}, {"landelijk", "landelijk"}} {
		for _, s := range []struct{ key, naam string }{
			{"vo", "Voortgezet onderwijs"}, {"mbo", "Mbo"}, {"vavo", "Vavo"}, {"totaal", "Totaal"},
		} {
			tabel7Rows = append(tabel7Rows, Line{Key: s.key + "_" + g.key, Label: s.naam + ", " + g.naam, Optional: true})
		}
	}

	tabel9Rows := []Line{
		base("scholing", "Scholing"),
		base("werk_scholing", "Werk met scholing"),
		base("stage_wet", "Stage of werkervaringstraject"),
		base("opvang", "Opvang of zorg"),
		sum("subtotaal_scholing", "Subtotaal scholing", "scholing", "werk_scholing", "stage_wet", "opvang"),
		base("werk", "Werk"),
		base("niet_herplaatst", "Niet herplaatst"),
		sum("subtotaal_niet_scholing", "Subtotaal zonder scholing", "werk", "niet_herplaatst"),
		base("geen_rmc", "Geen RMC-doelgroep"),
		base("overig", "Overig"),
		sum("subtotaal_overig", "Subtotaal overig", "geen_rmc", "overig"),
		base("monitoring", "Monitoring pro/vso"),
		base("in_traject", "Nog in traject"),
		sum("subtotaal_monitoring", "Subtotaal lopend", "monitoring", "in_traject"),
		sum("totaal", "Totaal", "subtotaal_scholing", "subtotaal_niet_scholing", "subtotaal_overig", "subtotaal_monitoring"),
	}
	tabel9Cols := []Line{base("voor_verslagjaar", "Gemeld vóór verslagjaar"), base("nieuw", "Nieuw in verslagjaar")}
	tabel9Cols = append(tabel9Cols, sum("totaal", "Totaal", keys(tabel9Cols)...))

	return []Table{
		{
			Key: "tabel1", Title: "Jongeren naar onderwijssoort op de peildatum (1 oktober)",
			Note: joinNote("Leeftijd op de peildatum. Het subtotaal 5 t/m 17 jaar telt ook jongeren van wie het geslacht onbekend is.", regels.tabel1Note()),
			Rows: tabel1Rows, Cols: schoolTypeCols(),
		},
		{
			Key: "tabel2", Title: "Verleende vrijstellingen", Figuur: FiguurVrijstellingen,
			Note: "Naar besluitdatum; leeftijd 5 t/m 17 jaar op de besluitdatum.",
			Rows: tabel2Rows, Cols: []Line{base("aantal", "Aantal")},
		},
		{
			Key: "tabel3", Title: "Meldingen ongeoorloofd verzuim",
			Note: joinNote("Naar meldingsdatum; leeftijd op de meldingsdatum. Signaalverzuim telt niet mee.", regels.tabel3Note()),
			Rows: tabel3Rows, Cols: schoolTypeCols(),
		},
		{
			Key: "tabel4", Title: "Halt-verwijzingen en processen-verbaal", Figuur: FiguurMaatregelen,
			Note: "Naar datum van de maatregel; alleen meldingen van jongeren onder 18 jaar.",
			Rows: verzuimRows(), Cols: tabel4Cols,
		},
		{
			Key: "tabel5", Title: "Halt-verwijzingen en processen-verbaal naar afdoening", Figuur: FiguurMaatregelen,
			Note: "Het totaal telt ook maatregelen waarvan de afdoening nog niet bekend is.",
			Rows: verzuimRows(),
			Cols: []Line{
				base("leerstraf", "Leerstraf"),
				base("geldboete", "Geldboete"),
				base("taakstraf", "Taakstraf"),
				base("overig", "Overig (hulpverlening of sepot)"),
				base("totaal", "Totaal"),
			},
		},
		{
			Key: "tabel6", Title: "Thuiszitters", Figuur: FiguurThuiszitters,
			Note: "Episodes die in het schooljaar liepen; leeftijd 5 t/m 17 jaar bij de start of op 1 augustus.",
			Rows: []Line{
				base("thuiszitters", "Thuiszitters"),
				base("absoluut", "waarvan absoluut verzuim"),
				base("langdurig_relatief", "waarvan langdurig relatief verzuim"),
				base("langer_dan_3_maanden", "Langer dan 3 maanden thuis"),
				base("opgelost", "Opgelost"),
			},
			Cols: tabel6Cols,
		},
		{
			Key: "tabel7", Title: "Nieuwe voortijdig schoolverlaters", Figuur: FiguurVSV,
			Note: "Cijfers van DUO/OCW; alleen geleverde regels. Vsv-percentage = 100 × vsv'ers / deelnemers.",
			Rows: tabel7Rows,
			Cols: []Line{
				base("deelnemers", "Deelnemers"),
				base("vsvers", "Nieuwe vsv'ers"),
				{Key: "vsv_pct", Label: "Vsv-percentage", Percent: true},
			},
		},
		{
			Key: "tabel8", Title: "Doorstroompunt/RMC: jongeren in een traject", Figuur: FiguurRMCTrajecten,
			Rows: []Line{base("rmc_ers", "RMC'ers")},
			Cols: []Line{base("aantal", "Aantal")},
		},
		{
			Key: "tabel9", Title: "Doorstroompunt/RMC: resultaten", Figuur: FiguurRMCTrajecten,
			Note: "Trajecten die in het schooljaar liepen; zonder einddatum tot en met 31 juli loopt een traject nog (monitoring of nog in traject).",
			Rows: tabel9Rows, Cols: tabel9Cols,
		},
	}
}

// joinNote adds a sentence to a table's note.
func joinNote(note, more string) string {
	if more == "" {
		return note
	}
	return note + " " + more
}
