package tekst

// Reasons the loader gives for a whole file (etl_file.reason_code): why it was rejected,
// skipped, not recognised or left waiting in the inbox. Sizes are parameters already
// written for people ("1,5 MB"); counts, lines and rows are whole numbers, which the
// templates format.
const (
	// The file and its header.
	Bestandstype       Code = "bestandstype"        // 1 the extension
	KolomDubbel        Code = "kolom_dubbel"        // 1 column
	KolommenOntbreken  Code = "kolommen_ontbreken"  // 1 how many, 2 the columns, 3 the header as delivered
	GeenGegevens       Code = "geen_gegevens"       //
	VeldenRegels       Code = "velden_regels"       // 1 rows, 2 of records, 3 header fields, 4 first line, 5 its fields
	RijenTelling       Code = "rijen_telling"       // 1 rows DuckDB read, 2 records in the file
	BestandOnleesbaar  Code = "bestand_onleesbaar"  // 1 the error
	BestandLeeg        Code = "bestand_leeg"        //
	KopRegel1Leeg      Code = "kop_regel1_leeg"     //
	KopZonderNamen     Code = "kop_zonder_namen"    //
	AlleenLegeRegels   Code = "alleen_lege_regels"  //
	KopTeLang          Code = "kop_te_lang"         // 1 bytes
	KopAanhalingsteken Code = "kop_aanhalingsteken" //

	// A file that is no CSV text.
	CSVZip    Code = "csv_zip"    //
	CSVXLS    Code = "csv_xls"    //
	CSVUTF16  Code = "csv_utf16"  //
	CSVPDF    Code = "csv_pdf"    //
	CSVGzip   Code = "csv_gzip"   //
	CSVBinair Code = "csv_binair" // 1 the byte

	// CSV records.
	AanhalingstekenOpen Code = "aanhalingsteken_open" // 1 line
	LosseCR             Code = "losse_cr"             // 1 line
	RegelTeLang         Code = "regel_te_lang"        // 1 line, 2 the limit

	// XLSX workbooks.
	XLSXNietTeOpenen      Code = "xlsx_niet_te_openen"      // 1 the error
	XLSXXLS               Code = "xlsx_xls"                 //
	XLSXGeenWerkboek      Code = "xlsx_geen_werkboek"       //
	XLSXGeenWerkbladen    Code = "xlsx_geen_werkbladen"     //
	WerkbladLeeg          Code = "werkblad_leeg"            // 1 sheet
	XLSXGeenKop           Code = "xlsx_geen_kop"            //
	XLSXOnleesbaar        Code = "xlsx_onleesbaar"          // 1 the error
	XLSXOnderdelen        Code = "xlsx_onderdelen"          // 1 parts, 2 the limit
	XLSXWerkbladGroot     Code = "xlsx_werkblad_groot"      // 1 part, 2 size, 3 the limit
	XLSXGedeeldGroot      Code = "xlsx_gedeeld_groot"       // 1 part, 2 size, 3 the limit
	XLSXCompressie        Code = "xlsx_compressie"          // 1 part, 2 packed, 3 unpacked, 4 the ratio
	XLSXTotaalGroot       Code = "xlsx_totaal_groot"        // 1 the limit
	XLSXOverigGroot       Code = "xlsx_overig_groot"        // 1 the limit
	XLSXCompressiemethode Code = "xlsx_compressiemethode"   // 1 part, 2 the method
	XLSXGroterDanOpgave   Code = "xlsx_groter_dan_opgave"   // 1 part
	XLSXUTF16             Code = "xlsx_utf16"               // 1 part
	XLSXBeschadigd        Code = "xlsx_beschadigd"          // 1 part
	XLSXXMLOngeldig       Code = "xlsx_xml_ongeldig"        // 1 part
	XLSXOpmaakElementen   Code = "xlsx_opmaak_elementen"    // 1 the limit
	XLSXTeDiep            Code = "xlsx_te_diep"             // 1 part, 2 levels
	XLSXCelDelen          Code = "xlsx_cel_delen"           // 1 part, 2 the limit
	XLSXGedeeldOpbouw     Code = "xlsx_gedeeld_opbouw"      // 1 level
	XLSXGedeeldAantal     Code = "xlsx_gedeeld_aantal"      // 1 the limit
	XLSXRijCellen         Code = "xlsx_rij_cellen"          // 1 row, 2 the limit
	XLSXWerkbladTekst     Code = "xlsx_werkblad_tekst"      // 1 part, 2 the limit
	XLSXRijTekst          Code = "xlsx_rij_tekst"           // 1 row, 2 the limit
	XLSXTagLang           Code = "xlsx_tag_lang"            // 1 part, 2 the limit
	XLSXDoctype           Code = "xlsx_doctype"             // 1 part
	XLSXCommentaarLang    Code = "xlsx_commentaar_lang"     // 1 part, 2 the limit
	XLSXGedeeldeTekstLang Code = "xlsx_gedeelde_tekst_lang" // 1 its number, 2 the limit
	XLSXCelLang           Code = "xlsx_cel_lang"            // 1 cell, 2 row, 3 the limit
	XLSXTekstLang         Code = "xlsx_tekst_lang"          // 1 part, 2 the limit

	// Parquet files.
	ParquetOnleesbaar    Code = "parquet_onleesbaar"     // 1 the error
	ParquetMetadata      Code = "parquet_metadata"       // 1 size, 2 the limit
	ParquetKolommen      Code = "parquet_kolommen"       // 1 columns, 2 the limit
	ParquetRijgroep      Code = "parquet_rijgroep"       // 1 row group, 2 size, 3 the limit
	ParquetKolomRijgroep Code = "parquet_kolom_rijgroep" // 1 column, 2 row group, 3 size, 4 the limit
	ParquetSamengesteld  Code = "parquet_samengesteld"   // 1 column, 2 type
	ParquetRijTekst      Code = "parquet_rij_tekst"      // 1 row, 2 size, 3 the limit
	ParquetVerhouding    Code = "parquet_verhouding"     // 1 text size, 2 the ratio, 3 file size

	// Files that are not rejected but not loaded either.
	ZelfdeBestand         Code = "zelfde_bestand"          // 1 the file loaded before, 2 its run
	NietHerkend           Code = "niet_herkend"            // 1 the feeds
	NogNietStabiel        Code = "nog_niet_stabiel"        // 1 since when, 2 how long it must stay unchanged
	VeranderdTijdensRun   Code = "veranderd_tijdens_run"   //
	VeranderdTijdensLaden Code = "veranderd_tijdens_laden" //
	VeranderdNaLaden      Code = "veranderd_na_laden"      //
)

// Reasons a run failed (etl_run.reason_code).
const (
	RunGestopt       Code = "run_gestopt"
	RunMislukt       Code = "run_mislukt"
	RunMisluktVooraf Code = "run_mislukt_vooraf"
	RunAfgebroken    Code = "run_afgebroken"
)

// Endings the texts about large files and workbooks share.
const (
	tooBigNL = "splits het bestand of lever het als CSV"
	tooBigEN = "split the file or deliver it as CSV"
	saveNL   = "sla het bestand opnieuw op vanuit Excel"
	saveEN   = "save the file again from Excel"
)

// bestandEntries are the texts about whole files and runs.
func bestandEntries() []Entry {
	f := func(code Code, nl, en string) Entry { return Entry{Code: code, Kind: KindBestand, NL: nl, EN: en} }
	run := func(code Code, nl, en string) Entry { return Entry{Code: code, Kind: KindRun, NL: nl, EN: en} }
	return []Entry{
		f(Bestandstype,
			"bestandstype '{1}' wordt niet gelezen; lever CSV, XLSX of Parquet",
			"file type '{1}' is not supported; deliver CSV, XLSX or Parquet"),
		f(KolomDubbel,
			"kolom '{1}' staat twee keer in de kopregel",
			"column '{1}' appears twice in the header"),
		f(KolommenOntbreken,
			"verplichte {1:kies:kolom:kolommen} {2} {1:kies:ontbreekt:ontbreken}; het bestand heeft: {3}",
			"required {1:kies:column:columns} {2} {1:kies:is:are} missing; the file has: {3}"),
		f(GeenGegevens,
			"het bestand heeft een kopregel maar geen gegevensregels",
			"the file has a header but no data rows"),
		f(VeldenRegels,
			"{1:getal} van de {2:getal:regel:regels} {1:kies:heeft:hebben} een ander aantal velden dan de kopregel ({3:getal}), de eerste is regel {4:getal} met {5:getal:veld:velden}; controleer het scheidingsteken en de aanhalingstekens",
			"{1:getal} of {2:getal} rows have a different number of fields than the header ({3:getal}), the first on line {4:getal} with {5:getal}; check the separator and the quoting"),
		f(RijenTelling,
			"DuckDB las {1:getal:rij:rijen} waar het bestand {2:getal:record:records} heeft; de aanhalingstekens of regeleinden van het bestand kloppen niet — "+saveNL,
			"DuckDB read {1:getal} rows where the file has {2:getal} records; the file's quoting or line ends are inconsistent — "+saveEN),
		f(BestandOnleesbaar,
			"het bestand kan niet worden gelezen: {1}",
			"cannot read the file: {1}"),
		f(BestandLeeg,
			"het bestand is leeg",
			"the file is empty"),
		f(KopRegel1Leeg,
			"geen kopregel: regel 1 is leeg; de kolomnamen moeten op regel 1 staan",
			"no header row: line 1 is empty; the column names must be on line 1"),
		f(KopZonderNamen,
			"geen kopregel: regel 1 heeft geen kolomnamen",
			"no header row: line 1 has no column names"),
		f(AlleenLegeRegels,
			"geen kopregel: het bestand heeft alleen lege regels",
			"no header row: the file has only empty lines"),
		f(KopTeLang,
			"geen CSV-bestand: de kopregel is langer dan {1:getal} bytes (een aanhalingsteken dat niet gesloten wordt?)",
			"not a CSV file: the header row is longer than {1:getal} bytes (a quote that is never closed?)"),
		f(KopAanhalingsteken,
			`geen CSV-bestand: de kopregel heeft een aanhalingsteken (") dat niet gesloten wordt`,
			`not a CSV file: the header row has a quote (") that is never closed`),

		f(CSVZip,
			"geen CSV-bestand: het is een zip-archief, waarschijnlijk een Excel-werkboek; geef het de extensie .xlsx of exporteer het als CSV",
			"not a CSV file: it is a zip archive, probably an Excel workbook; save it with the .xlsx extension or export it as CSV"),
		f(CSVXLS,
			"geen CSV-bestand: het is een Excel 97-2003-werkboek (.xls) of een werkboek met een wachtwoord; exporteer het als CSV of sla het op als .xlsx zonder wachtwoord",
			"not a CSV file: it is an Excel 97-2003 workbook (.xls) or a password-protected workbook; export it as CSV or save it as .xlsx without a password"),
		f(CSVUTF16,
			`geen CSV-bestand: het is UTF-16-tekst (in Excel "Unicode-tekst"); sla het op als "CSV UTF-8" of "CSV (gescheiden door lijstscheidingsteken)"`,
			`not a CSV file: it is UTF-16 text (Excel's "Unicode text"); save it as "CSV UTF-8" or "CSV (semicolon delimited)"`),
		f(CSVPDF,
			"geen CSV-bestand: het is een PDF-document",
			"not a CSV file: it is a PDF document"),
		f(CSVGzip,
			"geen CSV-bestand: het is een gzip-archief; pak het eerst uit",
			"not a CSV file: it is a gzip archive; unpack it first"),
		f(CSVBinair,
			"geen CSV-bestand: het bevat binaire gegevens (een NUL-byte op byte {1:getal})",
			"not a CSV file: it contains binary data (a NUL byte at byte {1:getal})"),

		f(AanhalingstekenOpen,
			`het aanhalingsteken (") dat op regel {1:getal} opent, wordt nooit gesloten, zodat de rest van het bestand als één waarde gelezen zou worden`,
			`the quote (") opened on line {1:getal} is never closed, so the rest of the file would be read as one value`),
		f(LosseCR,
			"regel {1:getal} eindigt op een losse regelterugloop (CR) in een bestand met CR LF als regeleinde, wat DuckDB verkeerd leest; "+saveNL,
			"line {1:getal} ends in a lone carriage return (CR) in a file with CR LF line ends, which DuckDB misreads; "+saveEN),
		f(RegelTeLang,
			`regel {1:getal} is langer dan {2}, de limiet per regel; controleer of elk aanhalingsteken (") gesloten wordt en of het bestand regeleinden heeft, of lever lange teksten niet mee`,
			`line {1:getal} is longer than {2}, the limit per line; check that every quote (") is closed and that the file has line ends, or leave long texts out`),

		f(XLSXNietTeOpenen,
			"geen XLSX-bestand: het werkboek kan niet worden geopend ({1}); sla het opnieuw op vanuit Excel als .xlsx",
			"not an XLSX file: the workbook cannot be opened ({1}); save it again from Excel as .xlsx"),
		f(XLSXXLS,
			"geen XLSX-bestand: het is een Excel 97-2003-werkboek (.xls) of een werkboek met een wachtwoord; sla het op als .xlsx zonder wachtwoord",
			"not an XLSX file: it is an Excel 97-2003 workbook (.xls) or a password-protected workbook; save it as .xlsx without a password"),
		f(XLSXGeenWerkboek,
			"geen XLSX-bestand: het is geen Excel-werkboek (is het een CSV-export, geef het dan de extensie .csv)",
			"not an XLSX file: it is not an Excel workbook (if it is a CSV export, give it the .csv extension)"),
		f(XLSXGeenWerkbladen,
			"het werkboek heeft geen werkbladen",
			"the workbook has no sheets"),
		f(WerkbladLeeg,
			"geen kopregel: werkblad '{1}' is leeg",
			"no header row: sheet '{1}' is empty"),
		f(XLSXGeenKop,
			"het eerste werkblad heeft geen kopregel",
			"the first sheet has no header row"),
		f(XLSXOnleesbaar,
			"het XLSX-bestand kan niet worden gelezen: {1}",
			"cannot read XLSX: {1}"),
		f(XLSXOnderdelen,
			"het werkboek bestaat uit {1:getal} onderdelen (limiet {2:getal}); sla het opnieuw op vanuit Excel of lever CSV",
			"the workbook has {1:getal} parts (limit {2:getal}); save it again from Excel or deliver CSV"),
		f(XLSXWerkbladGroot,
			"het werkblad {1} is uitgepakt {2}, groter dan de limiet van {3}; "+tooBigNL,
			"the sheet {1} unpacks to {2}, more than the limit of {3}; "+tooBigEN),
		f(XLSXGedeeldGroot,
			"de gedeelde teksten van het werkboek ({1}) zijn uitgepakt {2}, groter dan de limiet van {3}; "+tooBigNL,
			"the workbook's shared strings ({1}) unpack to {2}, more than the limit of {3}; "+tooBigEN),
		f(XLSXCompressie,
			"het onderdeel {1} van het werkboek is {2} ingepakt maar {3} uitgepakt, meer dan {4:getal} keer zo groot (limiet); zo'n bestand maakt Excel niet — "+tooBigNL,
			"the workbook part {1} is {2} packed but {3} unpacked, more than {4:getal} times as large (limit); Excel does not make such files — "+tooBigEN),
		f(XLSXTotaalGroot,
			"het werkboek is uitgepakt groter dan {1} (limiet); "+tooBigNL,
			"the workbook unpacks to more than {1} (limit); "+tooBigEN),
		f(XLSXOverigGroot,
			"het werkboek bevat naast de werkbladen meer dan {1} aan andere onderdelen (opmaak, afbeeldingen, kleine werkbladen; limiet {1}); verwijder afbeeldingen en overige werkbladen, of lever CSV",
			"besides its sheets the workbook holds more than {1} of other parts (styles, pictures, small sheets; limit {1}); remove pictures and other sheets, or deliver CSV"),
		f(XLSXCompressiemethode,
			"het onderdeel {1} van het werkboek kan niet worden uitgepakt (compressiemethode {2}); "+saveNL,
			"the workbook part {1} cannot be unpacked (compression method {2}); "+saveEN),
		f(XLSXGroterDanOpgave,
			"het onderdeel {1} van het werkboek is groter dan de zip-inhoudsopgave zegt; het bestand is beschadigd of gemanipuleerd — sla het opnieuw op vanuit Excel",
			"the workbook part {1} is larger than the zip directory says; the file is damaged or tampered with — save it again from Excel"),
		f(XLSXUTF16,
			"het onderdeel {1} van het werkboek is in UTF-16 geschreven, wat Excel niet doet; "+saveNL,
			"the workbook part {1} is written in UTF-16, which Excel does not do; "+saveEN),
		f(XLSXBeschadigd,
			"het onderdeel {1} van het werkboek kan niet worden uitgepakt: het is beschadigd, of groter dan de zip-inhoudsopgave zegt; "+saveNL,
			"the workbook part {1} cannot be unpacked: it is damaged, or larger than the zip directory says; "+saveEN),
		f(XLSXXMLOngeldig,
			"het onderdeel {1} van het werkboek is geen geldige XML (meer dan één hoofdelement); "+saveNL,
			"the workbook part {1} is not valid XML (more than one root element); "+saveEN),
		f(XLSXOpmaakElementen,
			"de opmaak en overige onderdelen van het werkboek bevatten meer dan {1:getal} XML-elementen (limiet); zo'n bestand maakt Excel niet — sla het opnieuw op zonder opmaak, of lever CSV",
			"the workbook's styles and other parts hold more than {1:getal} XML elements (limit); Excel does not make such files — save it again without styles, or deliver CSV"),
		f(XLSXTeDiep,
			"het onderdeel {1} van het werkboek is dieper dan {2:getal} niveaus genest; zo'n bestand maakt Excel niet — "+saveNL,
			"the workbook part {1} is nested deeper than {2:getal} levels; Excel does not make such files — "+saveEN),
		f(XLSXCelDelen,
			"een cel of gedeelde tekst in het onderdeel {1} van het werkboek bestaat uit meer dan {2:getal} delen; "+saveNL,
			"a cell or shared string in the workbook part {1} has more than {2:getal} pieces; "+saveEN),
		f(XLSXGedeeldOpbouw,
			"de gedeelde teksten van het werkboek hebben een opbouw die Excel niet schrijft (een tekst op niveau {1:getal}); "+saveNL,
			"the workbook's shared strings have a structure Excel does not write (a text at level {1:getal}); "+saveEN),
		f(XLSXGedeeldAantal,
			"het werkboek heeft meer dan {1:getal} gedeelde teksten (limiet); "+tooBigNL,
			"the workbook has more than {1:getal} shared strings (limit); "+tooBigEN),
		f(XLSXRijCellen,
			"rij {1:getal} van het werkblad heeft meer dan {2:getal} cellen, meer dan Excel toestaat; "+saveNL,
			"row {1:getal} of the sheet has more than {2:getal} cells, more than Excel allows; "+saveEN),
		f(XLSXWerkbladTekst,
			"de tekst in het werkblad {1} is uitgepakt groter dan {2} (limiet); "+tooBigNL,
			"the text in the sheet {1} unpacks to more than {2} (limit); "+tooBigEN),
		f(XLSXRijTekst,
			"rij {1:getal} van het werkblad bevat meer dan {2} tekst (limiet per rij); "+tooBigNL,
			"row {1:getal} of the sheet holds more than {2} of text (limit per row); "+tooBigEN),
		f(XLSXTagLang,
			"het onderdeel {1} van het werkboek heeft een XML-tag van meer dan {2}; zo'n bestand maakt Excel niet — "+saveNL,
			"the workbook part {1} has an XML tag of more than {2}; Excel does not make such files — "+saveEN),
		f(XLSXDoctype,
			"het onderdeel {1} van het werkboek bevat een DOCTYPE- of andere declaratie die Excel niet schrijft; "+saveNL,
			"the workbook part {1} holds a DOCTYPE or other declaration Excel does not write; "+saveEN),
		f(XLSXCommentaarLang,
			"het onderdeel {1} van het werkboek heeft een XML-commentaar of -instructie van meer dan {2}; "+saveNL,
			"the workbook part {1} has an XML comment or instruction of more than {2}; "+saveEN),
		f(XLSXGedeeldeTekstLang,
			"gedeelde tekst nr. {1:getal} van het werkboek is langer dan {2:getal} tekens, de limiet voor een cel (ook die van Excel); "+tooBigNL,
			"shared string no. {1:getal} of the workbook is longer than {2:getal} characters, the limit for a cell (Excel's too); "+tooBigEN),
		f(XLSXCelLang,
			"cel {1} op rij {2:getal} bevat meer dan {3:getal} tekens, de limiet voor een cel (ook die van Excel); "+tooBigNL,
			"cell {1} on row {2:getal} holds more than {3:getal} characters, the limit for a cell (Excel's too); "+tooBigEN),
		f(XLSXTekstLang,
			"het onderdeel {1} van het werkboek bevat een tekst van meer dan {2:getal} tekens; sla het bestand opnieuw op vanuit Excel of lever CSV",
			"the workbook part {1} holds a text of more than {2:getal} characters; save the file again from Excel or deliver CSV"),

		f(ParquetOnleesbaar,
			"het Parquet-bestand kan niet worden gelezen: {1}",
			"cannot read Parquet: {1}"),
		f(ParquetMetadata,
			"de metadata van het Parquet-bestand is {1} groot (limiet {2}); schrijf het met minder kolommen of rijgroepen, of lever CSV",
			"the Parquet file's metadata is {1} (limit {2}); write it with fewer columns or row groups, or deliver CSV"),
		f(ParquetKolommen,
			"het Parquet-bestand heeft {1:getal} kolommen (limiet {2:getal}); lever alleen de kolommen van de feed",
			"the Parquet file has {1:getal} columns (limit {2:getal}); deliver only the feed's columns"),
		f(ParquetRijgroep,
			"rijgroep {1:getal} van het Parquet-bestand is uitgepakt {2} (limiet {3}); schrijf het met kleinere rijgroepen (row group size) of lever CSV",
			"row group {1:getal} of the Parquet file unpacks to {2} (limit {3}); write it with smaller row groups or deliver CSV"),
		f(ParquetKolomRijgroep,
			`kolom "{1}" is in rijgroep {2:getal} van het Parquet-bestand uitgepakt {3} (limiet {4} per kolom per rijgroep); schrijf het met kleinere rijgroepen (row group size) of lever CSV`,
			`column "{1}" unpacks to {3} in row group {2:getal} of the Parquet file (limit {4} per column per row group); write it with smaller row groups or deliver CSV`),
		f(ParquetSamengesteld,
			`kolom "{1}" van het Parquet-bestand heeft het samengestelde type {2}; lever enkelvoudige kolommen (tekst, getal, datum)`,
			`column "{1}" of the Parquet file has the nested type {2}; deliver plain columns (text, number, date)`),
		f(ParquetRijTekst,
			"rij {1:getal} van het Parquet-bestand bevat {2} tekst (limiet {3} per rij); lever lange teksten niet mee",
			"row {1:getal} of the Parquet file holds {2} of text (limit {3} per row); leave long texts out"),
		f(ParquetVerhouding,
			"de tekst in het Parquet-bestand is uitgepakt {1}, meer dan {2:getal} keer het bestand zelf ({3}); zo'n verhouding heeft een gewone export niet — lever CSV",
			"the text in the Parquet file unpacks to {1}, more than {2:getal} times the file itself ({3}); an ordinary export has no such ratio — deliver CSV"),

		f(ZelfdeBestand,
			"dezelfde bytes als {1}, geladen in run {2}",
			"same bytes as {1}, loaded in run {2}"),
		f(NietHerkend,
			"de bestandsnaam begint niet met de naam van een bron ({1}); het bestand blijft in de inbox",
			"file name does not start with a feed name ({1}); left in the inbox"),
		f(NogNietStabiel,
			"nog niet stabiel: {1} geleden gewijzigd; het wordt geladen zodra het {2} ongewijzigd is (volgende run)",
			"not yet stable: changed {1} ago; it loads once it has been unchanged for {2} (next run)"),
		f(VeranderdTijdensRun,
			"nog niet stabiel: het bestand veranderde terwijl de run bezig was; de volgende run probeert het opnieuw",
			"not yet stable: the file changed while the run was busy; the next run tries again"),
		f(VeranderdTijdensLaden,
			"het bestand veranderde tijdens het laden (wordt het nog geschreven?); er is niets van geladen, het blijft in de inbox voor de volgende run",
			"the file changed during its load (is it still being written?); nothing of it was loaded, it stays in the inbox for the next run"),
		f(VeranderdNaLaden,
			"het bestand veranderde na het laden; het blijft in de inbox en de volgende run leest het opnieuw",
			"the file changed after its load; it stays in the inbox and the next run reads it again"),

		run(RunGestopt,
			"gestopt: het proces werd gestopt tijdens de run (bijvoorbeeld de server die stopte); het bestand dat toen laadde is teruggedraaid en ligt nog in de inbox voor de volgende run",
			"stopped: the process was stopped during the run (the server stopping, say); the file loading then was rolled back and is still in the inbox for the next run"),
		run(RunMislukt,
			"mislukt door een fout van het systeem of het warehouse (het log zegt welke); het bestand dat toen laadde is teruggedraaid en ligt nog in de inbox voor de volgende run",
			"failed on an error of the system or the warehouse (the log says which); the file loading then was rolled back and is still in the inbox for the next run"),
		run(RunMisluktVooraf,
			"mislukt voordat er een bestand geladen werd (het log van de server zegt waarom, bijvoorbeeld een andere pseudoniemsleutel)",
			"failed before any file was loaded (the server's log says why, a different pseudonym key, say)"),
		run(RunAfgebroken,
			"afgebroken: het proces dat deze run uitvoerde stopte onverwacht (bijvoorbeeld kill -9, een crash of stroomuitval); het bestand dat toen laadde is teruggedraaid en ligt nog in de inbox voor de volgende run",
			"interrupted: the process running this run ended unexpectedly (kill -9, a crash or a power cut, say); the file loading then was rolled back and is still in the inbox for the next run"),
	}
}

// entries is the whole catalogue: built once, never changed.
var entries = append(rijEntries(), bestandEntries()...)
