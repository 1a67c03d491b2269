package warehouse

import (
	"bytes"
	"fmt"
	"strings"
)

// AnalistSchemaName is the schema of the analyst views (sql/marts/90_analist.sql).
const AnalistSchemaName = "analist"

// View is one analyst view with its description in Dutch and English: the source of
// truth for docs/schema.md, the API's schema listing and the snapshot's comments.
type View struct {
	Name          string
	DescriptionNL string
	DescriptionEN string
	Columns       []Column
}

// Column is one column of an analyst view; Type is DuckDB's name for its type.
type Column struct {
	Name          string
	Type          string
	DescriptionNL string
	DescriptionEN string
}

// Columns shared by several views.
func persoonIDColumn() Column {
	return Column{"persoon_id", "VARCHAR",
		"Pseudoniem van de persoon: een HMAC-SHA-256 met geheime sleutel van het BSN, hexadecimaal. Hetzelfde BSN geeft altijd hetzelfde pseudoniem; het BSN zelf staat nergens in het warehouse.",
		"Pseudonym of the person: a keyed HMAC-SHA-256 of the BSN, in hex. The same BSN always gives the same pseudonym; the BSN itself is nowhere in the warehouse."}
}

func geboortedatumColumn() Column {
	return Column{"geboortedatum", "DATE", "Geboortedatum.", "Date of birth."}
}

func gemeentecodeColumn() Column {
	return Column{"gemeentecode", "VARCHAR", "CBS-code van de gemeente van inwoning zoals op de rij geleverd (GM0392).",
		"CBS code of the municipality of residence as delivered on the row (GM0392)."}
}

func subregioColumn() Column {
	return Column{"subregio", "VARCHAR", "Subregio van de gemeente volgens de regioconfiguratie (zk, ijmond).",
		"Sub-region of the municipality in the region configuration (zk, ijmond)."}
}

func schooljaarColumn(of string) Column {
	return Column{"schooljaar", "VARCHAR",
		"Schooljaar (1 augustus t/m 31 juli) waarin de " + of + " valt, als 2018-2019.",
		"School year (1 August to 31 July) the " + map[string]string{
			"peildatum": "reference date", "meldingsdatum": "report date", "datum": "date of the measure", "besluitdatum": "decision date",
		}[of] + " falls in, as 2018-2019."}
}

func bestandColumn() Column {
	return Column{"bestand", "VARCHAR", "Naam van het bestand waaruit de rij is geladen.", "Name of the file the row was loaded from."}
}

func onderwijssoortColumns(nl, en string) []Column {
	return []Column{
		{"onderwijssoort", "VARCHAR", nl + ": WPO, WEC, WVO, WEB, ONBEKEND of GEEN (niet ingeschreven).",
			en + ": WPO, WEC, WVO, WEB, ONBEKEND (unknown) or GEEN (not enrolled)."},
		{"onderwijssoort_groep", "VARCHAR", "Groep van de onderwijssoort in de leerplichttelling: po, vso, vo (WVO en WEB), onbekend, geen.",
			"Group of the school type in the leerplichttelling: po, vso, vo (WVO and WEB), onbekend, geen."},
	}
}

func leeftijdColumn(on, onEN string) Column {
	return Column{"leeftijd", "BIGINT", "Leeftijd in hele jaren op " + on + ".", "Age in whole years on " + onEN + "."}
}

// AnalistSchema describes every view of the schema `analist` and its columns, in the
// order of the migration.
func AnalistSchema() []View {
	return []View{
		{
			Name:          "gemeenten",
			DescriptionNL: "De gemeenten van de regio (regioconfiguratie) met hun subregio en geldigheid.",
			DescriptionEN: "The municipalities of the region (region configuration) with their sub-region and validity.",
			Columns: []Column{
				{"gemeentecode", "VARCHAR", "CBS-code (GM0392).", "CBS code (GM0392)."},
				{"naam", "VARCHAR", "Naam van de gemeente.", "Name of the municipality."},
				subregioColumn(),
				{"subregio_naam", "VARCHAR", "Naam van de subregio.", "Name of the sub-region."},
				{"leerplicht_regionaal", "BOOLEAN", "Waar: het bureau voert de leerplicht voor deze gemeente uit.", "True: the bureau runs compulsory-education enforcement for this municipality."},
				{"vanaf", "DATE", "Eerste dag dat de gemeente bestond; leeg: altijd.", "First day the municipality existed; empty: always."},
				{"tot", "DATE", "Laatste dag dat de gemeente bestond; leeg: bestaat nog.", "Last day the municipality existed; empty: still exists."},
			},
		},
		{
			Name:          "schooljaren",
			DescriptionNL: "Schooljaren met hun begin, einde en peildatum.",
			DescriptionEN: "School years with their start, end and reference date.",
			Columns: []Column{
				{"schooljaar", "VARCHAR", "Schooljaar, als 2018-2019.", "School year, as 2018-2019."},
				{"jaar", "INTEGER", "Het eerste kalenderjaar van het schooljaar (2018).", "The first calendar year of the school year (2018)."},
				{"begindatum", "DATE", "1 augustus.", "1 August."},
				{"einddatum", "DATE", "31 juli.", "31 July."},
				{"peildatum", "DATE", "Peildatum van de jaarlijkse telling: 1 oktober.", "Reference date of the annual count: 1 October."},
			},
		},
		{
			Name:          "codes",
			DescriptionNL: "Alle gesloten codelijsten in één overzicht: lijst, code, sleutel in de rapporttabellen en naam.",
			DescriptionEN: "Every closed code list in one view: list, code, key in the report tables and name.",
			Columns: []Column{
				{"lijst", "VARCHAR", "Naam van de codelijst (onderwijssoort, verzuimsoort, artikel, …).", "Name of the code list (onderwijssoort, verzuimsoort, artikel, …)."},
				{"code", "VARCHAR", "De code zoals in de feitentabellen (RELATIEF, 5A).", "The code as in the fact views (RELATIEF, 5A)."},
				{"sleutel", "VARCHAR", "Rij- of kolomsleutel in de rapporttabellen (relatief, art_5a).", "Row or column key in the report tables (relatief, art_5a)."},
				{"groep", "VARCHAR", "Groep: bij onderwijssoort de groep van de leerplichttelling, bij rmc_resultaat het subtotaal; anders leeg.",
					"Group: for onderwijssoort the leerplichttelling group, for rmc_resultaat the subtotal; empty otherwise."},
				{"naam", "VARCHAR", "Omschrijving.", "Description."},
			},
		},
		{
			Name:          "leerlingen",
			DescriptionNL: "Jongeren die op een peildatum in de regio woonden (BRP en inschrijving), één rij per persoon en peildatum.",
			DescriptionEN: "Youths living in the region on a reference date (population register and enrolment), one row per person and date.",
			Columns: append(append([]Column{
				{"peildatum", "DATE", "Peildatum van de levering (1 oktober voor de jaarlijkse telling).", "Reference date of the extract (1 October for the annual count)."},
				schooljaarColumn("peildatum"),
				persoonIDColumn(),
				geboortedatumColumn(),
				leeftijdColumn("de peildatum", "the reference date"),
				{"geslacht", "VARCHAR", "M, V of X (onbekend/anders).", "M, V or X (unknown/other)."},
				gemeentecodeColumn(),
				subregioColumn(),
			}, onderwijssoortColumns("Onderwijssoort", "School type")...),
				Column{"brin", "VARCHAR", "BRIN-code van de school, als ingeschreven.", "BRIN code of the school, when enrolled."},
				Column{"startkwalificatie", "BOOLEAN", "Heeft een startkwalificatie.", "Has a basic qualification."},
				bestandColumn(),
				Column{"telt_tabel1_5_18", "BOOLEAN",
					"Telt in de rijen 5 t/m 17 jaar van tabel 1: peildatum 1 oktober, leeftijd 5 t/m 17, in een gemeente waarvan het bureau de leerplicht uitvoert en die in het schooljaar bestond.",
					"Counted in tabel1's rows of 5 to 17: reference date 1 October, age 5 to 17, in a municipality whose compulsory education the bureau runs and that existed in the school year."},
				Column{"tabel1_rij_18plus", "VARCHAR",
					"Rij 18_23_<subregio> of 18_27_<subregio> van tabel 1 waarin de jongere telt (18 t/m 22 jaar op 1 oktober, vanaf 1 oktober 2026 18 t/m 26 jaar: zie leeftijdsregels); leeg als die niet telt.",
					"Row 18_23_<subregio> or 18_27_<subregio> of tabel1 the youth counts in (18 to 22 on 1 October, from 1 October 2026 18 to 26: see leeftijdsregels); empty when not counted."},
			),
		},
		{
			Name:          "verzuimmeldingen",
			DescriptionNL: "Verzuimmeldingen (DUO-verzuimloket en eigen meldingen), één rij per melding, met schooljaar, maand en leeftijd op de meldingsdatum.",
			DescriptionEN: "Absence reports (DUO and the bureau's own), one row per report, with school year, month and age on the report date.",
			Columns: append(append([]Column{
				{"melding_id", "VARCHAR", "Kenmerk van de melding.", "Identifier of the report."},
				persoonIDColumn(),
				geboortedatumColumn(),
				leeftijdColumn("de meldingsdatum", "the report date"),
				gemeentecodeColumn(),
				{"gemeente", "VARCHAR", "Naam van de gemeente.", "Name of the municipality."},
				subregioColumn(),
			}, onderwijssoortColumns("Onderwijssoort van herkomst", "School type of origin")...),
				Column{"verzuimsoort", "VARCHAR", "RELATIEF, LUXE, ABSOLUUT of SIGNAAL.", "RELATIEF, LUXE, ABSOLUUT or SIGNAAL."},
				Column{"meldingsdatum", "DATE", "Datum van de melding.", "Date of the report."},
				schooljaarColumn("meldingsdatum"),
				Column{"maand", "DATE", "Eerste dag van de maand van de meldingsdatum.", "First day of the month of the report date."},
				Column{"startdatum", "DATE", "Eerste verzuimdag.", "First day of absence."},
				Column{"uren", "DECIMAL(10,2)", "Gemelde verzuimuren.", "Hours of absence reported."},
				Column{"brin", "VARCHAR", "BRIN-code van de school.", "BRIN code of the school."},
				bestandColumn(),
				Column{"tabel3_rij", "VARCHAR",
					"Rij van tabel 3 waarin de melding telt (relatief, luxe, absoluut tot 18 jaar in gemeenten waarvan het bureau de leerplicht uitvoert; relatief_18plus_<subregio>); leeg als ze niet telt.",
					"Row of tabel3 the report counts in (relatief, luxe, absoluut under 18 in municipalities whose compulsory education the bureau runs; relatief_18plus_<subregio>); empty when not counted."},
			),
		},
		{
			Name:          "maatregelen",
			DescriptionNL: "Maatregelen op een melding, met persoon, gemeente en verzuimsoort van de melding (leeg zolang de melding niet binnen is).",
			DescriptionEN: "Measures taken on a report, with the report's person, municipality and kind of absence (empty while the report has not arrived).",
			Columns: []Column{
				{"maatregel_id", "VARCHAR", "Kenmerk van de maatregel.", "Identifier of the measure."},
				{"melding_id", "VARCHAR", "De melding waarop de maatregel is genomen.", "The report the measure was taken on."},
				{"datum", "DATE", "Datum van de maatregel.", "Date of the measure."},
				schooljaarColumn("datum"),
				{"maatregel", "VARCHAR", "GESPREK, WAARSCHUWING, DOORVERWIJZING, HALT of PV.", "GESPREK, WAARSCHUWING, DOORVERWIJZING, HALT or PV."},
				{"afdoening", "VARCHAR", "Afdoening van HALT of PV: LEERSTRAF, GELDBOETE, TAAKSTRAF, OVERIG; leeg zolang die loopt.",
					"Outcome of a HALT or PV: LEERSTRAF, GELDBOETE, TAAKSTRAF, OVERIG; empty while pending."},
				persoonIDColumn(),
				gemeentecodeColumn(),
				subregioColumn(),
				{"verzuimsoort", "VARCHAR", "Verzuimsoort van de melding.", "Kind of absence of the report."},
				{"meldingsdatum", "DATE", "Datum van de melding.", "Date of the report."},
				{"leeftijd_op_meldingsdatum", "BIGINT", "Leeftijd in hele jaren op de meldingsdatum.", "Age in whole years on the report date."},
				bestandColumn(),
				{"telt_tabel4", "BOOLEAN", "Telt in tabel 4 en 5: HALT of PV op een melding die in tabel 3 als leerplichtmelding telt.",
					"Counted in tabel4 and tabel5: HALT or PV on a report that tabel3 counts in the compulsory-education rows."},
			},
		},
		{
			Name:          "vrijstellingen",
			DescriptionNL: "Verleende vrijstellingen van de Leerplichtwet, in het schooljaar van de besluitdatum.",
			DescriptionEN: "Exemptions granted under the Leerplichtwet, in the school year of the decision date.",
			Columns: []Column{
				{"vrijstelling_id", "VARCHAR", "Kenmerk van de vrijstelling.", "Identifier of the exemption."},
				persoonIDColumn(),
				geboortedatumColumn(),
				leeftijdColumn("de besluitdatum", "the decision date"),
				gemeentecodeColumn(),
				subregioColumn(),
				{"artikel", "VARCHAR", "Artikel: 3A, 3B, 5A, 5B, 5C, 11F, 11G of 15.", "Article: 3A, 3B, 5A, 5B, 5C, 11F, 11G or 15."},
				{"besluitdatum", "DATE", "Datum van het besluit.", "Date of the decision."},
				schooljaarColumn("besluitdatum"),
				{"ingangsdatum", "DATE", "Ingangsdatum.", "Start date."},
				{"einddatum", "DATE", "Einddatum.", "End date."},
				bestandColumn(),
				{"telt_tabel2", "BOOLEAN", "Telt in tabel 2: 5 t/m 17 jaar op de besluitdatum, in een gemeente waarvan het bureau de leerplicht uitvoert.",
					"Counted in tabel2: 5 to 17 on the decision date, in a municipality whose compulsory education the bureau runs."},
			},
		},
		{
			Name:          "thuiszitters",
			DescriptionNL: "Thuiszitterepisodes, één rij per episode.",
			DescriptionEN: "Homebound episodes, one row per episode.",
			Columns: []Column{
				{"dossier_id", "VARCHAR", "Kenmerk van de episode.", "Identifier of the episode."},
				persoonIDColumn(),
				geboortedatumColumn(),
				gemeentecodeColumn(),
				subregioColumn(),
				{"soort", "VARCHAR", "ABSOLUUT of LANGDURIG_RELATIEF.", "ABSOLUUT or LANGDURIG_RELATIEF."},
				{"startdatum", "DATE", "Begin van de episode.", "Start of the episode."},
				{"einddatum", "DATE", "Einde; leeg zolang de episode loopt.", "End; empty while ongoing."},
				{"aanbod_datum", "DATE", "Datum van een passend aanbod.", "Date a suitable offer was made."},
				{"opgelost", "BOOLEAN", "Beëindigd doordat de jongere weer onderwijs of passende zorg heeft.", "Ended because the youth is back in education or suitable care."},
				{"reden_einde", "VARCHAR", "Reden van beëindiging: SCHOOL, ZORG, VRIJSTELLING, VERHUISD, 18_JAAR, OVERIG.", "Why it ended: SCHOOL, ZORG, VRIJSTELLING, VERHUISD, 18_JAAR, OVERIG."},
				bestandColumn(),
			},
		},
		{
			Name: "thuiszitters_per_schooljaar",
			DescriptionNL: "Thuiszitterepisodes per schooljaar waarin ze liepen (start uiterlijk 31 juli, einde leeg of vanaf 1 augustus): de invoer van tabel 6 en de thuiszitter-KPI's. " +
				"Een lopende episode staat erin tot het laatste schooljaar dat de levering bereikt.",
			DescriptionEN: "Homebound episodes per school year they were active in (start by 31 July, end empty or from 1 August): the input of tabel6 and the homebound KPIs. " +
				"An ongoing episode is listed up to the latest school year the feed reaches.",
			Columns: []Column{
				{"schooljaar", "VARCHAR", "Schooljaar waarin de episode liep.", "School year the episode was active in."},
				{"dossier_id", "VARCHAR", "Kenmerk van de episode.", "Identifier of the episode."},
				persoonIDColumn(),
				gemeentecodeColumn(),
				subregioColumn(),
				{"soort", "VARCHAR", "ABSOLUUT of LANGDURIG_RELATIEF.", "ABSOLUUT or LANGDURIG_RELATIEF."},
				{"startdatum", "DATE", "Begin van de episode.", "Start of the episode."},
				{"einddatum", "DATE", "Einde; leeg zolang de episode loopt.", "End; empty while ongoing."},
				leeftijdColumn("de startdatum of, als die eerder ligt, 1 augustus van het schooljaar (als in tabel 6)", "the start date or, when that is earlier, 1 August of the school year (as in tabel6)"),
				{"langer_dan_3_maanden", "BOOLEAN", "Langer dan drie kalendermaanden van startdatum tot einddatum of uiterlijk 31 juli.", "Longer than three calendar months from start to end or at most 31 July."},
				{"opgelost_in_jaar", "BOOLEAN", "Beëindigd in het schooljaar en opgelost.", "Ended in the school year and resolved."},
				{"gestart_in_jaar", "BOOLEAN", "Startdatum in het schooljaar.", "Start date in the school year."},
				{"aanbod_binnen_3_maanden", "BOOLEAN", "Aanbod gedaan niet later dan drie maanden na de startdatum.", "Offer made no later than three months after the start date."},
				{"telt_tabel6", "BOOLEAN", "Telt in tabel 6 en de thuiszitter-KPI's: 5 t/m 17 jaar (bij de start of op 1 augustus), gemeente bestond in het schooljaar.",
					"Counted in tabel6 and the homebound KPIs: 5 to 17 (at the start or on 1 August), municipality existed in the school year."},
			},
		},
		{
			Name:          "rmc_trajecten",
			DescriptionNL: "Trajecten van het Doorstroompunt (voorheen RMC), één rij per traject.",
			DescriptionEN: "Doorstroompunt (formerly RMC) trajectories, one row per trajectory.",
			Columns: []Column{
				{"traject_id", "VARCHAR", "Kenmerk van het traject.", "Identifier of the trajectory."},
				persoonIDColumn(),
				geboortedatumColumn(),
				gemeentecodeColumn(),
				subregioColumn(),
				{"melddatum", "DATE", "Datum waarop de jongere bekend werd als voortijdig schoolverlater.", "Date the youth became known as an early school leaver."},
				{"startdatum", "DATE", "Begin van het traject.", "Start of the trajectory."},
				{"einddatum", "DATE", "Einde; leeg zolang het traject loopt.", "End; empty while running."},
				{"resultaat", "VARCHAR", "Resultaat bij het einde (SCHOLING, WERK, …).", "Result at the end (SCHOLING, WERK, …)."},
				{"trajectsoort", "VARCHAR", "REGULIER of MONITORING.", "REGULIER or MONITORING."},
				{"specialisatie", "VARCHAR", "Specialisatie (WET, JOBCOACH, …), of leeg.", "Specialisation (WET, JOBCOACH, …), or empty."},
				bestandColumn(),
			},
		},
		{
			Name: "rmc_trajecten_per_schooljaar",
			DescriptionNL: "Trajecten per schooljaar waarin ze liepen, met hun rij en kolom in tabel 9 (tabel 8 telt ze allemaal). " +
				"Een lopend traject staat erin tot het laatste schooljaar dat de levering bereikt.",
			DescriptionEN: "Trajectories per school year they were active in, with their row and column in tabel9 (tabel8 counts them all). " +
				"A running trajectory is listed up to the latest school year the feed reaches.",
			Columns: []Column{
				{"schooljaar", "VARCHAR", "Schooljaar waarin het traject liep.", "School year the trajectory was active in."},
				{"traject_id", "VARCHAR", "Kenmerk van het traject.", "Identifier of the trajectory."},
				persoonIDColumn(),
				gemeentecodeColumn(),
				subregioColumn(),
				{"melddatum", "DATE", "Datum waarop de jongere bekend werd.", "Date the youth became known."},
				{"startdatum", "DATE", "Begin van het traject.", "Start of the trajectory."},
				{"einddatum", "DATE", "Einde; leeg zolang het traject loopt.", "End; empty while running."},
				{"resultaat", "VARCHAR", "Resultaat bij het einde.", "Result at the end."},
				{"trajectsoort", "VARCHAR", "REGULIER of MONITORING.", "REGULIER or MONITORING."},
				{"tabel9_rij", "VARCHAR", "Rij in tabel 9: het resultaat als het traject uiterlijk 31 juli eindigde, anders monitoring of in_traject.",
					"Row in tabel9: the result when the trajectory ended by 31 July, else monitoring or in_traject."},
				{"tabel9_kolom", "VARCHAR", "Kolom in tabel 9: voor_verslagjaar (gemeld vóór 1 augustus) of nieuw.", "Column in tabel9: voor_verslagjaar (known before 1 August) or nieuw."},
				{"telt_tabel8", "BOOLEAN", "Telt in tabel 8 en 9: een gemeente die in het schooljaar bestond.", "Counted in tabel8 and tabel9: a municipality that existed in the school year."},
			},
		},
		{
			Name:          "vsv_cijfers",
			DescriptionNL: "Cijfers voortijdig schoolverlaten van DUO/OCW zoals geladen (definitief waar geleverd), met het vsv-percentage als in tabel 7.",
			DescriptionEN: "DUO/OCW early-school-leaving figures as loaded (final where delivered), with the percentage as in tabel7.",
			Columns: []Column{
				{"schooljaar", "VARCHAR", "Schooljaar van de cijfers.", "School year of the figures."},
				{"gebied", "VARCHAR", "REGIO of LANDELIJK.", "REGIO or LANDELIJK (national)."},
				{"sector", "VARCHAR", "VO, MBO, VAVO of TOTAAL.", "VO, MBO, VAVO or TOTAAL."},
				{"deelnemers", "BIGINT", "Aantal deelnemers.", "Number of participants."},
				{"vsvers", "BIGINT", "Aantal nieuwe voortijdig schoolverlaters.", "Number of new early school leavers."},
				{"vsv_pct", "DECIMAL(9,2)", "100 × vsvers / deelnemers, half van nul af afgerond op 2 decimalen.", "100 × vsvers / deelnemers, rounded half away from zero to 2 decimals."},
				{"status", "VARCHAR", "VOORLOPIG of DEFINITIEF.", "VOORLOPIG (provisional) or DEFINITIEF (final)."},
				bestandColumn(),
			},
		},
		{
			Name: "dekking",
			DescriptionNL: "Welke schooljaren elke bron dekt: een bron dekt een schooljaar als er ten minste één rij met de teldatum in dat schooljaar is geladen " +
				"(leerlingen: peildatum 1 oktober; thuiszitters en trajecten: start- of einddatum). Een cijfer uit een bron die het jaar niet dekt is 'geen gegevens', geen 0.",
			DescriptionEN: "Which school years each feed covers: a feed covers a school year when at least one row with its counting date in that year was loaded " +
				"(leerlingen: reference date 1 October; thuiszitters and trajectories: start or end date). A figure from a feed that does not cover the year is 'no data', not 0.",
			Columns: []Column{
				{"bron", "VARCHAR", "De bron: leerlingen, verzuimmeldingen, maatregelen, vrijstellingen, thuiszitters, rmc_trajecten of vsv_cijfers.",
					"The feed: leerlingen, verzuimmeldingen, maatregelen, vrijstellingen, thuiszitters, rmc_trajecten or vsv_cijfers."},
				{"schooljaar", "VARCHAR", "Een schooljaar dat de bron dekt.", "A school year the feed covers."},
				{"eerste_datum", "DATE", "Eerste teldatum in het schooljaar; leeg bij vsv_cijfers.", "First counting date in the school year; empty for vsv_cijfers."},
				{"laatste_datum", "DATE", "Laatste teldatum in het schooljaar (bij een lopend schooljaar: hoe ver de gegevens reiken); leeg bij vsv_cijfers.",
					"Last counting date in the school year (for a year in progress: how far the data goes); empty for vsv_cijfers."},
			},
		},
		{
			Name: "figuur_status",
			DescriptionNL: "Wat elk cijfer is per schooljaar en gemeente: een waarde (status leeg), geen_gegevens (een bron dekt het jaar niet) of niet_van_toepassing " +
				"(de gemeente bestond niet, of het cijfer hoort bij de leerplicht en de gemeente voert die zelf uit). Een cijfer over meerdere gemeenten is de som over die waarvoor het geldt.",
			DescriptionEN: "What every figure is per school year and municipality: a value (status empty), geen_gegevens (a feed does not cover the year) or niet_van_toepassing " +
				"(the municipality did not exist, or the figure belongs to compulsory education, which the municipality runs itself). A figure over several municipalities is the sum over those it applies to.",
			Columns: []Column{
				{"figuur", "VARCHAR", "Het cijfer: leerlingen_leerplicht, verzuim_leerplicht, verzuim_doorstroompunt, vrijstellingen, maatregelen, thuiszitters, rmc_trajecten, vsv, ….",
					"The figure: leerlingen_leerplicht, verzuim_leerplicht, verzuim_doorstroompunt, vrijstellingen, maatregelen, thuiszitters, rmc_trajecten, vsv, …."},
				{"taak", "VARCHAR", "leerplicht (alleen gemeenten waarvan het bureau de leerplicht uitvoert) of regionaal (iedere gemeente).",
					"leerplicht (only municipalities whose compulsory education the bureau runs) or regionaal (every municipality)."},
				{"schooljaar", "VARCHAR", "Schooljaar (alleen jaren die een bron dekt).", "School year (only years some feed covers)."},
				{"gemeentecode", "VARCHAR", "CBS-code; leeg bij een cijfer zonder gemeente (vsv).", "CBS code; empty for a figure without municipality (vsv)."},
				{"status", "VARCHAR", "Leeg (een waarde), geen_gegevens of niet_van_toepassing.", "Empty (a value), geen_gegevens or niet_van_toepassing."},
				{"reden", "VARCHAR", "bestond_niet, leerplicht_lokaal of bron_ontbreekt; leeg bij een waarde.", "bestond_niet, leerplicht_lokaal or bron_ontbreekt; empty for a value."},
				{"ontbrekende_bronnen", "VARCHAR", "Bij bron_ontbreekt: de bronnen die het jaar niet dekken.", "With bron_ontbreekt: the feeds that do not cover the year."},
			},
		},
		{
			Name: "leeftijdsregels",
			DescriptionNL: "De leeftijdsregels met de data waarop ze gelden (beide inclusief). Een cijfer gebruikt de regel die geldt op zijn teldatum " +
				"(de peildatum voor tabel 1, de meldingsdatum voor tabel 3).",
			DescriptionEN: "The age rules with the dates they are in force (both inclusive). A figure uses the rule in force on its counting date " +
				"(the reference date for tabel1, the report date for tabel3).",
			Columns: []Column{
				{"regel", "VARCHAR", "leerplicht, minderjarig of doorstroompunt.", "leerplicht, minderjarig or doorstroompunt."},
				{"sleutel", "VARCHAR", "De leeftijdsband in de rijsleutels van het jaarverslag (5_18, 18_23, 18_27).", "The age band in the report's row keys (5_18, 18_23, 18_27)."},
				{"leeftijd_van", "INTEGER", "Laagste leeftijd (hele jaren); leeg: geen ondergrens.", "Lowest age (whole years); empty: no lower bound."},
				{"leeftijd_tot", "INTEGER", "Hoogste leeftijd (hele jaren), inclusief.", "Highest age (whole years), inclusive."},
				{"geldig_vanaf", "DATE", "Eerste dag waarop de regel geldt.", "First day the rule is in force."},
				{"geldig_tot", "DATE", "Laatste dag waarop de regel geldt.", "Last day the rule is in force."},
				{"omschrijving", "VARCHAR", "Omschrijving.", "Description."},
			},
		},
	}
}

// AnalistSchemaMarkdown renders the analyst schema as docs/schema.md.
func AnalistSchemaMarkdown() []byte {
	var b bytes.Buffer
	b.WriteString("# The analyst schema (`analist`)\n\n")
	b.WriteString("<!-- Generated from warehouse/analist.go by `go test ./warehouse -run TestSchemaDoc -update`; do not edit. -->\n\n")
	b.WriteString("Analysts query these views: through the SQL sandbox, or in the standalone DuckDB file written by\n")
	b.WriteString("`leerplein export snapshot` (tables of the same names in the file's default schema). Person-level rows\n")
	b.WriteString("carry only the pseudonym `persoon_id`; the only lineage shown is the file name (`bestand`).\n")
	b.WriteString("The views are defined in `sql/marts/90_analist.sql`, over the models (the counting rules) in `sql/marts/`.\n\n")
	b.WriteString("Deze views zijn voor analisten: via de SQL-sandbox, of in het DuckDB-bestand van\n")
	b.WriteString("`leerplein export snapshot`. Rijen over personen dragen alleen het pseudoniem `persoon_id`.\n\n")
	for _, v := range AnalistSchema() {
		b.WriteString("- [`" + AnalistSchemaName + "." + v.Name + "`](#" + v.Name + ")\n")
	}
	for _, v := range AnalistSchema() {
		fmt.Fprintf(&b, "\n## %s\n\n", v.Name)
		fmt.Fprintf(&b, "%s\n\n*%s*\n\n", v.DescriptionEN, v.DescriptionNL)
		b.WriteString("| column | type | description | omschrijving |\n|---|---|---|---|\n")
		for _, c := range v.Columns {
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", c.Name, c.Type, mdCell(c.DescriptionEN), mdCell(c.DescriptionNL))
		}
	}
	return b.Bytes()
}

// mdCell escapes text for a Markdown table cell.
func mdCell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
