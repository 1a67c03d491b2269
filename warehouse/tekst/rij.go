package tekst

// Reasons a row is quarantined (etl_quarantine.reason_code). Parameter 1 is the column
// as the feed names it and parameter 2 the offending value, where the text quotes them;
// the value of the bsn column is never a parameter.
const (
	VerplichtLeeg       Code = "verplicht_leeg"        // 1 column
	BSNLeeg             Code = "bsn_leeg"              //
	BSNLengte           Code = "bsn_lengte"            //
	BSNElfproef         Code = "bsn_elfproef"          //
	MogelijkBSN         Code = "mogelijk_bsn"          // 1 column
	BRINOngeldig        Code = "brin_ongeldig"         // 1 column, 2 value
	DatumOngeldig       Code = "datum_ongeldig"        // 1 column, 2 value
	DatumBuitenBereik   Code = "datum_buiten_bereik"   // 1 column, 2 value
	CodeOnbekend        Code = "code_onbekend"         // 1 column, 2 value, 3 the codes
	ArtikelOnbekend     Code = "artikel_onbekend"      // 1 column, 2 value
	GemeenteOnbekend    Code = "gemeente_onbekend"     // 1 column, 2 value
	NietInRegio         Code = "niet_in_regio"         // 1 column, 2 value, 3 its CBS code
	GetalOngeldig       Code = "getal_ongeldig"        // 1 column, 2 value
	GeheelGetalOngeldig Code = "geheel_getal_ongeldig" // 1 column, 2 value
	GetalTeGroot        Code = "getal_te_groot"        // 1 column, 2 value, 3 the bound
	JNOngeldig          Code = "jn_ongeldig"           // 1 column, 2 value
	SchooljaarOngeldig  Code = "schooljaar_ongeldig"   // 1 column, 2 value
	DatumVoor           Code = "datum_voor"            // 1 column, 2 its date, 3 the other column, 4 its date
	HALTAfdoening       Code = "halt_afdoening"        // 1 column, 2 value
	ResultaatVerplicht  Code = "resultaat_verplicht"   // 1 column, 2 the column that requires it
	VeldenAantal        Code = "velden_aantal"         // 1 line, 2 fields, 3 fields of the header
	Dubbel              Code = "dubbel"                // 1 the key ("melding_id 'm1'"), 2 the later line
	DubbelBSN           Code = "dubbel_bsn"            // 1 the rest of the key, 2 the later line
)

// Oud is the code of a reason stored as a sentence before the catalogue existed
// (migration 007): its one parameter is that sentence, as it was stored (BSN-masked).
const Oud Code = "oud"

// rijEntries are the texts of the quarantine.
func rijEntries() []Entry {
	rij := func(code Code, titel, nl, en string) Entry {
		return Entry{Code: code, Kind: KindRij, Titel: titel, NL: nl, EN: en}
	}
	return []Entry{
		rij(VerplichtLeeg, "Verplichte waarde ontbreekt",
			"{1} is leeg; deze kolom is verplicht",
			"{1} is empty; the column is required"),
		rij(BSNLeeg, "BSN ontbreekt",
			"bsn is leeg; elke rij moet een BSN hebben",
			"bsn is empty"),
		rij(BSNLengte, "BSN heeft geen 8 of 9 cijfers",
			"bsn moet uit 8 of 9 cijfers bestaan",
			"bsn must have 8 or 9 digits"),
		rij(BSNElfproef, "BSN haalt de elfproef niet",
			"bsn haalt de elfproef niet",
			"bsn fails the eleven test"),
		rij(MogelijkBSN, "Kenmerk bevat mogelijk een BSN",
			"{1} bevat mogelijk een BSN (8 of 9 cijfers die de elfproef halen); geef de rij een kenmerk zonder BSN",
			"{1} may hold a BSN (8 or 9 digits that pass the eleven test); give the row an id without a BSN"),
		rij(BRINOngeldig, "Geen BRIN-code",
			"{1} '{2}' is geen BRIN-code: vier tekens, twee cijfers en dan twee letters of cijfers (zoals 00AA)",
			"{1} '{2}' is not a BRIN code: four characters, two digits and then two letters or digits (like 00AA)"),
		rij(DatumOngeldig, "Geen datum",
			"{1} '{2}' is geen datum; schrijf dd-mm-jjjj, dd/mm/jjjj of jjjj-mm-dd",
			"{1} '{2}' is not a date; use dd-mm-yyyy, dd/mm/yyyy or yyyy-mm-dd"),
		rij(DatumBuitenBereik, "Datum buiten 1900-2099",
			"{1} '{2}' ligt buiten 1900-2099",
			"{1} '{2}' is outside 1900-2099"),
		rij(CodeOnbekend, "Onbekende code",
			"{1} '{2}' is geen van de codes {3}",
			"{1} '{2}' is not one of {3}"),
		rij(ArtikelOnbekend, "Onbekend artikel",
			"{1} '{2}' is geen van de artikelen 3a, 3b, 5a, 5b, 5c, 11f, 11g en 15 (ook geschreven als '5 sub a' of 'art. 5a')",
			"{1} '{2}' is not one of 3a, 3b, 5a, 5b, 5c, 11f, 11g, 15 (also written as '5 sub a' or 'art. 5a')"),
		rij(GemeenteOnbekend, "Onbekende gemeente",
			"{1} '{2}' is geen gemeente van de regio; gebruik een CBS-code (GM0392, 0392) of een naam uit het regiobestand",
			"{1} '{2}' is not a municipality of the region; use a CBS code (GM0392, 0392) or a name from the region file"),
		rij(NietInRegio, "Gemeente buiten de regio",
			"{1} '{2}' is CBS-code {3}, geen gemeente van de regio; controleer de code, de regio bestaat uit de gemeenten van het regiobestand",
			"{1} '{2}' is CBS code {3}, not a municipality of the region; check the code against the region file"),
		rij(GetalOngeldig, "Geen getal",
			"{1} '{2}' is geen getal (zoals 12,5 of 12.5, zonder scheidingsteken voor duizendtallen)",
			"{1} '{2}' is not a number (like 12,5 or 12.5, no thousands separators)"),
		rij(GeheelGetalOngeldig, "Geen geheel getal",
			"{1} '{2}' is geen geheel getal (zoals 1234 of 1.234)",
			"{1} '{2}' is not a whole number (like 1234 or 1.234)"),
		rij(GetalTeGroot, "Getal te groot",
			"{1} '{2}' is {3:getal} of meer; zo groot kan het niet zijn: controleer de kolom",
			"{1} '{2}' is {3:getal} or more, which cannot be right: check the column"),
		rij(JNOngeldig, "Geen J of N",
			"{1} '{2}' is geen J of N",
			"{1} '{2}' is not J or N"),
		rij(SchooljaarOngeldig, "Geen schooljaar",
			"{1} '{2}' is geen schooljaar zoals 2017-2018",
			"{1} '{2}' is not a school year like 2017-2018"),
		rij(DatumVoor, "Einddatum voor begindatum",
			"{1} {2} ligt voor {3} {4}",
			"{1} {2} is before {3} {4}"),
		rij(HALTAfdoening, "Afdoening past niet bij HALT",
			"{1} '{2}' kan niet bij HALT: een HALT-verwijzing is altijd een LEERSTRAF",
			"{1} '{2}' is not possible for HALT: a HALT referral is always a LEERSTRAF"),
		rij(ResultaatVerplicht, "Resultaat ontbreekt bij een einddatum",
			"{1} is verplicht als {2} is ingevuld",
			"{1} is required when {2} is set"),
		rij(VeldenAantal, "Verkeerd aantal velden",
			"regel {1:getal} heeft {2:getal:veld:velden} waar de kop er {3:getal} heeft; controleer de scheidingstekens en aanhalingstekens op die regel",
			"line {1:getal} has {2:getal:field:fields} where the header has {3:getal}; check the separators and quotes on that line"),
		rij(Dubbel, "Dubbele sleutel in het bestand",
			"{1} komt ook voor op regel {2:getal}; die latere regel is geladen",
			"{1} appears again on line {2:getal}; that later line is loaded"),
		rij(DubbelBSN, "Dubbele sleutel in het bestand",
			"hetzelfde bsn met {1} komt ook voor op regel {2:getal}; die latere regel is geladen",
			"this bsn and {1} appears again on line {2:getal}; that later line is loaded"),
		{Code: Oud, Kind: KindOud, Titel: "Reden van vóór de redencodes", NL: "{1}", EN: "{1}"},
	}
}
