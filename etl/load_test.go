package etl

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hetleerplein/leerplein/warehouse/tekst"
)

const verzuimHeader = "melding_id;bsn;geboortedatum;gemeente;onderwijssoort;verzuimsoort;meldingsdatum;startdatum;uren;brin"

// verzuimRow builds a valid absence report line; override fields by column index.
func verzuimRow(id string, bsn string, override map[int]string) string {
	f := []string{id, bsn, "01-01-2005", "Haarlem", "WVO", "RELATIEF", "01-10-2018", "24-09-2018", "12,5", "00AA"}
	for i, v := range override {
		f[i] = v
	}
	return strings.Join(f, ";")
}

// TestQuarantineReasons loads one bad row per rule through the real loader and checks
// what the quarantine stores — the line, the column, the masked value, the reason's code
// and parameters, the row's gemeente — and how the steward reads it (Dutch, from the
// catalogue); no raw BSN anywhere.
func TestQuarantineReasons(t *testing.T) {
	cases := []struct {
		name     string
		row      string
		column   string
		value    string
		code     tekst.Code
		params   []string
		gemeente string // the row's gemeente as stored ("" for none)
		nl       string
	}{
		{"bsn fails eleven test", verzuimRow("m1", badBSN(1), nil), "bsn", "", tekst.BSNElfproef, nil, "GM0392",
			"bsn haalt de elfproef niet"},
		{"bsn too short", verzuimRow("m1", "1234567", nil), "bsn", "", tekst.BSNLengte, nil, "GM0392",
			"bsn moet uit 8 of 9 cijfers bestaan"},
		{"bsn with letters", verzuimRow("m1", "12345678X", nil), "bsn", "", tekst.BSNLengte, nil, "GM0392",
			"bsn moet uit 8 of 9 cijfers bestaan"},
		{"bsn all zeros", verzuimRow("m1", "000000000", nil), "bsn", "", tekst.BSNElfproef, nil, "GM0392",
			"bsn haalt de elfproef niet"},
		{"bsn empty", verzuimRow("m1", "", nil), "bsn", "", tekst.BSNLeeg, nil, "GM0392",
			"bsn is leeg; elke rij moet een BSN hebben"},
		{"unknown verzuimsoort", verzuimRow("m1", testBSN(1), map[int]string{5: "RELATIV"}), "verzuimsoort", "RELATIV",
			tekst.CodeOnbekend, []string{"verzuimsoort", "RELATIV", "RELATIEF, LUXE, ABSOLUUT, SIGNAAL"}, "GM0392",
			"verzuimsoort 'RELATIV' is geen van de codes RELATIEF, LUXE, ABSOLUUT, SIGNAAL"},
		{"unknown gemeente name", verzuimRow("m1", testBSN(1), map[int]string{3: "Amsterdam"}), "gemeente", "Amsterdam",
			tekst.GemeenteOnbekend, []string{"gemeente", "Amsterdam"}, "",
			"gemeente 'Amsterdam' is geen gemeente van de regio; gebruik een CBS-code (GM0392, 0392) of een naam uit het regiobestand"},
		{"gemeente code outside region", verzuimRow("m1", testBSN(1), map[int]string{3: "363"}), "gemeente", "363",
			tekst.NietInRegio, []string{"gemeente", "363", "GM0363"}, "",
			"gemeente '363' is CBS-code GM0363, geen gemeente van de regio; controleer de code, de regio bestaat uit de gemeenten van het regiobestand"},
		{"impossible date", verzuimRow("m1", testBSN(1), map[int]string{6: "31-02-2019"}), "meldingsdatum", "31-02-2019",
			tekst.DatumOngeldig, []string{"meldingsdatum", "31-02-2019"}, "GM0392",
			"meldingsdatum '31-02-2019' is geen datum; schrijf dd-mm-jjjj, dd/mm/jjjj of jjjj-mm-dd"},
		{"two-digit year", verzuimRow("m1", testBSN(1), map[int]string{6: "01-10-18"}), "meldingsdatum", "01-10-18",
			tekst.DatumOngeldig, []string{"meldingsdatum", "01-10-18"}, "GM0392",
			"meldingsdatum '01-10-18' is geen datum; schrijf dd-mm-jjjj, dd/mm/jjjj of jjjj-mm-dd"},
		{"year out of range", verzuimRow("m1", testBSN(1), map[int]string{2: "01-01-1850"}), "geboortedatum", "01-01-1850",
			tekst.DatumBuitenBereik, []string{"geboortedatum", "01-01-1850"}, "GM0392",
			"geboortedatum '01-01-1850' ligt buiten 1900-2099"},
		{"thousands separator in hours", verzuimRow("m1", testBSN(1), map[int]string{8: "1.234,5"}), "uren", "1.234,5",
			tekst.GetalOngeldig, []string{"uren", "1.234,5"}, "GM0392",
			"uren '1.234,5' is geen getal (zoals 12,5 of 12.5, zonder scheidingsteken voor duizendtallen)"},
		{"hours too many", verzuimRow("m1", testBSN(1), map[int]string{8: "12000"}), "uren", "12000",
			tekst.GetalTeGroot, []string{"uren", "12000", "10000"}, "GM0392",
			"uren '12000' is 10.000 of meer; zo groot kan het niet zijn: controleer de kolom"},
		{"bad brin", verzuimRow("m1", testBSN(1), map[int]string{9: "AA00"}), "brin", "AA00",
			tekst.BRINOngeldig, []string{"brin", "AA00"}, "GM0392",
			"brin 'AA00' is geen BRIN-code: vier tekens, twee cijfers en dan twee letters of cijfers (zoals 00AA)"},
		{"a BSN in an id", verzuimRow("VM"+testBSN(3), testBSN(1), nil), "melding_id", "VM[bsn]",
			tekst.MogelijkBSN, []string{"melding_id"}, "GM0392",
			"melding_id bevat mogelijk een BSN (8 of 9 cijfers die de elfproef halen); geef de rij een kenmerk zonder BSN"},
		{"empty required text", verzuimRow("", testBSN(1), nil), "melding_id", "", tekst.VerplichtLeeg, []string{"melding_id"}, "GM0392",
			"melding_id is leeg; deze kolom is verplicht"},
		{"empty required date", verzuimRow("m1", testBSN(1), map[int]string{6: " "}), "meldingsdatum", "",
			tekst.VerplichtLeeg, []string{"meldingsdatum"}, "GM0392", "meldingsdatum is leeg; deze kolom is verplicht"},
		{"gemeente by name", verzuimRow("m1", testBSN(1), map[int]string{3: "heemstede", 5: "X"}), "verzuimsoort", "X",
			tekst.CodeOnbekend, []string{"verzuimsoort", "X", "RELATIEF, LUXE, ABSOLUUT, SIGNAAL"}, "GM0397",
			"verzuimsoort 'X' is geen van de codes RELATIEF, LUXE, ABSOLUUT, SIGNAAL"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			db := openTestDB(t)
			good := verzuimRow("ok", testBSN(2), nil)
			sum := load(t, db, map[string]string{"verzuimmeldingen_x.csv": csvLines(verzuimHeader, good, tc.row)})
			if got := sum.Files[0]; got.Status != StatusLoaded || got.Quarantined != 1 || got.New != 1 {
				t.Fatalf("file result = %+v, want loaded with 1 new and 1 quarantined", got)
			}
			q := quarantined(t, db)
			if len(q) != 1 {
				t.Fatalf("quarantine = %+v, want one record", q)
			}
			got := q[0]
			if got.line != 3 || got.column != tc.column || got.value != tc.value || got.gemeente != tc.gemeente {
				t.Errorf("quarantine = line %d, %s %q, gemeente %q; want line 3, %s %q, gemeente %q",
					got.line, got.column, got.value, got.gemeente, tc.column, tc.value, tc.gemeente)
			}
			if got.msg.Code != tc.code || !slices.Equal(got.msg.Params, tc.params) && len(got.msg.Params)+len(tc.params) > 0 {
				t.Errorf("reason = %s %q, want %s %q", got.msg.Code, got.msg.Params, tc.code, tc.params)
			}
			if nl := got.msg.NL(); nl != tc.nl {
				t.Errorf("in Dutch:\n got %q\nwant %q", nl, tc.nl)
			}
			if sql := queryStrings(t, db, "select reden from mart.quarantaine"); len(sql) != 1 || sql[0] != tc.nl {
				t.Errorf("mart.quarantaine says %q, want %q", sql, tc.nl)
			}
			assertNoBSN(t, db)
		})
	}
}

// TestEveryLoaderReasonIsCatalogued checks that every reason code the loader's SQL and Go
// can produce (every tekst.Code constant named in the etl package's source) has a
// Dutch and an English text in the catalogue.
func TestEveryLoaderReasonIsCatalogued(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]bool{}
	ref := regexp.MustCompile(`tekst\.([A-Z][A-Za-z0-9]*)`)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ref.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = true
		}
	}
	// The constants by name: what the loader uses must be a catalogued code.
	codes := map[string]tekst.Code{}
	for _, e := range tekst.Entries() {
		codes[goName(string(e.Code))] = e.Code
	}
	notCodes := map[string]bool{"Code": true, "Message": true, "New": true}
	n := 0
	for name := range used {
		if notCodes[name] {
			continue
		}
		n++
		code, ok := codes[strings.ToLower(name)]
		if !ok {
			t.Errorf("tekst.%s is used by the loader but is no code of the catalogue", name)
			continue
		}
		e, _ := tekst.Lookup(code)
		if e.NL == "" || e.EN == "" {
			t.Errorf("%s: no Dutch or English text", code)
		}
	}
	if n < 50 {
		t.Errorf("the loader names %d codes; the scan of its source seems broken", n)
	}
}

// goName is a code as its Go constant is spelt, lower-cased: bsn_elfproef → bsnelfproef.
func goName(code string) string { return strings.ReplaceAll(code, "_", "") }

func TestAcceptedSpellings(t *testing.T) {
	cases := []struct {
		name  string
		col   int // column of verzuimRow to set
		input string
		query string // over fact_verzuimmelding
		want  string
	}{
		{"gemeente code with GM", 3, "GM0392", "select gemeentecode", "GM0392"},
		{"gemeente code four digits", 3, "0392", "select gemeentecode", "GM0392"},
		{"gemeente code three digits", 3, "392", "select gemeentecode", "GM0392"},
		{"gemeente lower-case GM", 3, "gm0377", "select gemeentecode", "GM0377"},
		{"gemeente name any case", 3, "  heemSTEDE ", "select gemeentecode", "GM0397"},
		{"gemeente long name", 3, "Haarlemmerliede en Spaarnwoude", "select gemeentecode", "GM0393"},
		{"date dd-mm-jjjj", 6, "01-10-2018", "select meldingsdatum::varchar", "2018-10-01"},
		{"date d-m-jjjj", 6, "1-9-2018", "select meldingsdatum::varchar", "2018-09-01"},
		{"date dd/mm/jjjj", 6, "01/10/2018", "select meldingsdatum::varchar", "2018-10-01"},
		{"date jjjj-mm-dd", 6, "2018-10-01", "select meldingsdatum::varchar", "2018-10-01"},
		{"code lower case with spaces", 5, "  luxe ", "select verzuimsoort", "LUXE"},
		{"decimal comma", 8, "12,5", "select uren::varchar", "12.50"},
		{"decimal point", 8, "7.25", "select uren::varchar", "7.25"},
		{"whole hours", 8, "8", "select uren::varchar", "8.00"},
		{"empty optional decimal", 8, "", "select coalesce(uren::varchar, 'NULL')", "NULL"},
		{"empty optional date", 7, "", "select coalesce(startdatum::varchar, 'NULL')", "NULL"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			db := openTestDB(t)
			sum := load(t, db, map[string]string{"verzuimmeldingen_x.csv": csvLines(verzuimHeader,
				verzuimRow("m1", testBSN(1), map[int]string{tc.col: tc.input}))})
			if f := sum.Files[0]; f.Status != StatusLoaded || f.New != 1 || f.Quarantined != 0 {
				t.Fatalf("file result = %+v; quarantine: %v", f, queryStrings(t, db, "select mart.reden_tekst(reason_code, reason_params) from etl_quarantine"))
			}
			if got := queryStrings(t, db, tc.query+" from fact_verzuimmelding"); len(got) != 1 || got[0] != tc.want {
				t.Errorf("%s = %v, want %s", tc.query, got, tc.want)
			}
		})
	}
}

func TestPseudonymMatchesHMAC(t *testing.T) {
	db := openTestDB(t)
	nine := leadingZeroBSN(t)
	load(t, db, map[string]string{"verzuimmeldingen_x.csv": csvLines(verzuimHeader,
		verzuimRow("m9", nine, nil), verzuimRow("m8", nine[1:], nil))})
	got := queryStrings(t, db, "select persoon_id from fact_verzuimmelding order by melding_id")
	want := Pseudonym(testKey, nine)
	if len(got) != 2 || got[0] != want || got[1] != want {
		t.Errorf("pseudonyms = %v, want both %s (8 digits left-padded to 9)", got, want)
	}
}

// leadingZeroBSN returns a valid BSN whose first digit is 0, so it can be delivered as 8 digits.
func leadingZeroBSN(t *testing.T) string {
	for i := 1234567; i < 1234667; i++ {
		for d := '0'; d <= '9'; d++ {
			if b := fmt.Sprintf("0%07d%c", i, d); ValidBSN(b) {
				return b
			}
		}
	}
	t.Fatal("no BSN with a leading zero found")
	return ""
}

func TestArtikelSpellings(t *testing.T) {
	header := "vrijstelling_id;bsn;geboortedatum;gemeente;artikel;besluitdatum;ingangsdatum;einddatum"
	spellings := map[string]string{"5 sub a": "5A", "5a": "5A", "art. 5a": "5A", "Artikel 5 sub a": "5A",
		"3B": "3B", "11 g": "11G", "art 11 sub f": "11F", "15": "15", "5C": "5C"}
	lines := []string{header}
	var ids []string
	for in := range spellings {
		ids = append(ids, in)
	}
	slices.Sort(ids)
	for i, in := range ids {
		lines = append(lines, strings.Join([]string{in, testBSN(i), "01-01-2010", "Haarlem", in, "01-10-2018", "", ""}, ";"))
	}
	db := openTestDB(t)
	load(t, db, map[string]string{"vrijstellingen_x.csv": csvLines(lines...)})
	for _, in := range ids {
		got := queryStrings(t, db, "select artikel from fact_vrijstelling where vrijstelling_id = ?", in)
		if len(got) != 1 || got[0] != spellings[in] {
			t.Errorf("artikel %q stored as %v, want %s", in, got, spellings[in])
		}
	}
}

func TestHeaderNormalisationAndExtraColumns(t *testing.T) {
	db := openTestDB(t)
	header := "Melding ID; BSN ;Geboortedatum;GEMEENTE;Onderwijssoort;verzuimsoort;Meldingsdatum;Startdatum;uren;brin;Opmerking"
	sum := load(t, db, map[string]string{"Verzuimmeldingen_x.csv": csvLines(header, verzuimRow("m1", testBSN(1), nil)+";vrije tekst")})
	f := sum.Files[0]
	if f.Status != StatusLoaded || f.New != 1 {
		t.Fatalf("file = %+v", f)
	}
	if !slices.Equal(f.ExtraColumns, []string{"Opmerking"}) {
		t.Errorf("extra columns = %v, want [Opmerking]", f.ExtraColumns)
	}
}

func TestRejectedFiles(t *testing.T) {
	cases := []struct {
		name, file, body, reason string
	}{
		{"missing columns named", "verzuimmeldingen_a.csv",
			csvLines("melding_id;geboortedatum;gemeente;onderwijssoort;meldingsdatum", "m1;01-01-2005;Haarlem;WVO;01-10-2018"),
			"verplichte kolommen 'bsn', 'verzuimsoort' ontbreken; het bestand heeft: melding_id, geboortedatum, gemeente, onderwijssoort, meldingsdatum"},
		{"one missing column", "verzuimmeldingen_d.csv",
			csvLines("melding_id;geboortedatum;gemeente;onderwijssoort;meldingsdatum;verzuimsoort", "m1;01-01-2005;Haarlem;WVO;01-10-2018;LUXE"),
			"verplichte kolom 'bsn' ontbreekt; het bestand heeft: melding_id, geboortedatum, gemeente, onderwijssoort, meldingsdatum, verzuimsoort"},
		{"header only", "verzuimmeldingen_b.csv", csvLines(verzuimHeader), "het bestand heeft een kopregel maar geen gegevensregels"},
		{"unsupported type", "verzuimmeldingen_c.pdf", "%PDF-1.4", "bestandstype '.pdf' wordt niet gelezen; lever CSV, XLSX of Parquet"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			db := openTestDB(t)
			dir := writeInbox(t, map[string]string{tc.file: tc.body})
			sum := runInbox(t, db, dir)
			f := sum.Files[0]
			if f.Status != StatusRejected || f.Reason != tc.reason {
				t.Fatalf("file = %s %q, want rejected %q", f.Status, f.Reason, tc.reason)
			}
			if n := queryInt(t, db, "select count(*) from fact_verzuimmelding"); n != 0 {
				t.Errorf("%d rows loaded from a rejected file", n)
			}
			reason, err := os.ReadFile(filepath.Join(dir, "rejected", tc.file+".reason.txt"))
			if err != nil || strings.TrimSpace(string(reason)) != tc.reason {
				t.Errorf("rejected/%s.reason.txt = %q (%v)", tc.file, reason, err)
			}
			// The ledger holds the Dutch text, and the code and parameters that make it.
			ledger := queryStrings(t, db, "select reason || ' | ' || reason_code || ' | ' || mart.reden_tekst(reason_code, reason_params) from etl_file")
			if want := tc.reason + " | " + string(f.ReasonMsg.Code) + " | " + tc.reason; len(ledger) != 1 || ledger[0] != want {
				t.Errorf("ledger = %q, want %q", ledger, want)
			}
		})
	}
}

func TestEmptyFileRejected(t *testing.T) {
	db := openTestDB(t)
	sum := load(t, db, map[string]string{"verzuimmeldingen_a.csv": ""})
	if f := sum.Files[0]; f.Status != StatusRejected || f.Reason == "" {
		t.Fatalf("empty file = %s %q, want rejected with a reason", f.Status, f.Reason)
	}
}

func TestUnrecognisedFileLeftAlone(t *testing.T) {
	db := openTestDB(t)
	dir := writeInbox(t, map[string]string{"notities.csv": "a;b\n1;2\n", ".verzuimmeldingen.csv": "x", "verzuimmeldingen_x.csv.part": "x"})
	sum := runInbox(t, db, dir)
	if len(sum.Files) != 1 || sum.Files[0].Status != StatusUnrecognised {
		t.Fatalf("files = %+v, want one unrecognised (hidden and .part files are not picked up)", sum.Files)
	}
	for _, name := range []string{"notities.csv", ".verzuimmeldingen.csv", "verzuimmeldingen_x.csv.part"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("%s was moved: %v", name, err)
		}
	}
}

func TestReplacementNewestWins(t *testing.T) {
	db := openTestDB(t)
	load(t, db, map[string]string{"verzuimmeldingen_1.csv": csvLines(verzuimHeader,
		verzuimRow("m1", testBSN(1), nil), verzuimRow("m2", testBSN(2), nil))})
	// One run, two files: the later name wins over the earlier one and over the warehouse.
	sum := load(t, db, map[string]string{
		"verzuimmeldingen_2.csv": csvLines(verzuimHeader, verzuimRow("m1", testBSN(1), map[int]string{5: "LUXE"})),
		"verzuimmeldingen_3.csv": csvLines(verzuimHeader, verzuimRow("m1", testBSN(1), map[int]string{5: "ABSOLUUT"}), verzuimRow("m3", testBSN(3), nil)),
	})
	if a, b := sum.Files[0], sum.Files[1]; a.Name != "verzuimmeldingen_2.csv" || a.Replaced != 1 || b.Replaced != 1 || b.New != 1 {
		t.Fatalf("files = %+v / %+v, want _2 then _3, each replacing m1", a, b)
	}
	got := queryStrings(t, db, "select melding_id || '=' || verzuimsoort from fact_verzuimmelding order by melding_id")
	if want := []string{"m1=ABSOLUUT", "m2=RELATIEF", "m3=RELATIEF"}; !slices.Equal(got, want) {
		t.Errorf("facts = %v, want %v", got, want)
	}
	lineage := queryStrings(t, db, `select e.file_name || ':' || f.line from fact_verzuimmelding f join etl_file e using (file_id) where melding_id = 'm1'`)
	if !slices.Equal(lineage, []string{"verzuimmeldingen_3.csv:2"}) {
		t.Errorf("lineage of m1 = %v, want verzuimmeldingen_3.csv:2", lineage)
	}
}

func TestDuplicateKeyWithinFile(t *testing.T) {
	db := openTestDB(t)
	sum := load(t, db, map[string]string{"verzuimmeldingen_1.csv": csvLines(verzuimHeader,
		verzuimRow("m1", testBSN(1), nil), verzuimRow("m2", testBSN(2), nil), verzuimRow("m1", testBSN(1), map[int]string{5: "LUXE"}))})
	if f := sum.Files[0]; f.New != 2 || f.Quarantined != 1 {
		t.Fatalf("file = %+v, want 2 new and 1 quarantined", f)
	}
	if got := queryStrings(t, db, "select verzuimsoort from fact_verzuimmelding where melding_id = 'm1'"); !slices.Equal(got, []string{"LUXE"}) {
		t.Errorf("m1 = %v, want the later line (LUXE)", got)
	}
	if got := queryStrings(t, db, "select line || ': ' || mart.reden_tekst(reason_code, reason_params) from etl_quarantine"); !slices.Equal(got, []string{"2: melding_id 'm1' komt ook voor op regel 4; die latere regel is geladen"}) {
		t.Errorf("quarantine = %v", got)
	}
}

// TestDuplicateKeyWithBSN quarantines an earlier line with the same peildatum and bsn
// as a later one: the reason names the rest of the key, never the BSN.
func TestDuplicateKeyWithBSN(t *testing.T) {
	db := openTestDB(t)
	header := "peildatum;bsn;geboortedatum;geslacht;gemeente;onderwijssoort"
	sum := load(t, db, map[string]string{"leerlingen_x.csv": csvLines(header,
		"01-10-2018;"+testBSN(1)+";01-01-2010;M;Haarlem;WPO", "01-10-2018;"+testBSN(2)+";01-01-2010;V;Haarlem;WPO",
		"01-10-2018;"+testBSN(1)+";01-01-2010;M;Velsen;WPO")})
	if f := sum.Files[0]; f.New != 2 || f.Quarantined != 1 {
		t.Fatalf("file = %+v, want 2 new and 1 quarantined", f)
	}
	q := quarantined(t, db)
	if len(q) != 1 || q[0].line != 2 || q[0].msg.Code != tekst.DubbelBSN || q[0].gemeente != "GM0392" ||
		q[0].msg.NL() != "hetzelfde bsn met peildatum '2018-10-01' komt ook voor op regel 4; die latere regel is geladen" {
		t.Errorf("quarantine = %+v", q)
	}
	assertNoBSN(t, db)
}

func TestSameBytesSkipped(t *testing.T) {
	db := openTestDB(t)
	body := csvLines(verzuimHeader, verzuimRow("m1", testBSN(1), nil))
	load(t, db, map[string]string{"verzuimmeldingen_1.csv": body})
	sum := load(t, db, map[string]string{"verzuimmeldingen_1_opnieuw.csv": body})
	if f := sum.Files[0]; f.Status != StatusSkipped || f.Reason != "dezelfde bytes als verzuimmeldingen_1.csv, geladen in run 1" {
		t.Fatalf("second delivery = %s %q, want skipped", f.Status, f.Reason)
	}
	if n := queryInt(t, db, "select count(*) from fact_verzuimmelding"); n != 1 {
		t.Errorf("%d rows, want 1", n)
	}
}

func TestVSVStatusRules(t *testing.T) {
	header := "schooljaar;gebied;sector;deelnemers;vsvers;status"
	db := openTestDB(t)
	load(t, db, map[string]string{"vsv_cijfers_1.csv": csvLines(header,
		"2017/2018;REGIO;VO;22.000;90;VOORLOPIG", "2017-18;landelijk;vo;946.195;4796;definitief")})
	sum := load(t, db, map[string]string{"vsv_cijfers_2.csv": csvLines(header,
		"2017-2018;REGIO;VO;22.122;97;DEFINITIEF", "2017-2018;LANDELIJK;VO;1;1;VOORLOPIG", "2018-2019;REGIO;MBO;6812;426;")})
	f := sum.Files[0]
	if f.Replaced != 1 || f.Unchanged != 1 || f.New != 1 {
		t.Fatalf("file = %+v, want 1 replaced (definitive over provisional), 1 unchanged, 1 new", f)
	}
	got := queryStrings(t, db, "select schooljaar || ' ' || gebied || ' ' || sector || ' ' || deelnemers || ' ' || vsvers || ' ' || status from fact_vsv order by all")
	want := []string{"2017-2018 LANDELIJK VO 946195 4796 DEFINITIEF", "2017-2018 REGIO VO 22122 97 DEFINITIEF", "2018-2019 REGIO MBO 6812 426 DEFINITIEF"}
	if !slices.Equal(got, want) {
		t.Errorf("fact_vsv = %v, want %v", got, want)
	}
}

func TestVSVBadValues(t *testing.T) {
	header := "schooljaar;gebied;sector;deelnemers;vsvers"
	db := openTestDB(t)
	load(t, db, map[string]string{"vsv_cijfers_1.csv": csvLines(header,
		"2017-2019;REGIO;VO;1;1", "2017-2018;REGIO;HBO;1;1", "2017-2018;REGIO;VO;12,5;1", "2017-2018;REGIO;MBO;1.23;1")})
	got := queryStrings(t, db, "select mart.reden_tekst(reason_code, reason_params) from etl_quarantine order by line")
	want := []string{
		"schooljaar '2017-2019' is geen schooljaar zoals 2017-2018",
		"sector 'HBO' is geen van de codes VO, MBO, VAVO, TOTAAL",
		"deelnemers '12,5' is geen geheel getal (zoals 1234 of 1.234)",
		"deelnemers '1.23' is geen geheel getal (zoals 1234 of 1.234)",
	}
	if !slices.Equal(got, want) {
		t.Errorf("reasons = %q, want %q", got, want)
	}
}

func TestMaatregelRules(t *testing.T) {
	header := "maatregel_id;melding_id;datum;maatregel;afdoening"
	db := openTestDB(t)
	load(t, db, map[string]string{"maatregelen_1.csv": csvLines(header,
		"a1;m-later;01-11-2018;HALT;", "a2;m1;01-11-2018;HALT;geldboete", "a3;m1;01-11-2018;PV;", "a4;m1;01-11-2018;pv;Taakstraf")})
	got := queryStrings(t, db, "select maatregel_id || '=' || maatregel || '/' || coalesce(afdoening, '-') from fact_maatregel order by 1")
	if want := []string{"a1=HALT/LEERSTRAF", "a3=PV/-", "a4=PV/TAAKSTRAF"}; !slices.Equal(got, want) {
		t.Errorf("measures = %v, want %v (a measure may arrive before its report)", got, want)
	}
	if got := queryStrings(t, db, "select mart.reden_tekst(reason_code, reason_params) from etl_quarantine"); !slices.Equal(got, []string{"afdoening 'GELDBOETE' kan niet bij HALT: een HALT-verwijzing is altijd een LEERSTRAF"}) {
		t.Errorf("quarantine = %v", got)
	}
}

func TestRMCRules(t *testing.T) {
	header := "traject_id;bsn;geboortedatum;gemeente;melddatum;startdatum;einddatum;resultaat;trajectsoort;specialisatie"
	db := openTestDB(t)
	load(t, db, map[string]string{"rmc_trajecten_1.csv": csvLines(header,
		"t1;"+testBSN(1)+";01-01-2000;Velsen;01-09-2018;01-10-2018;;;;",
		"t2;"+testBSN(2)+";01-01-2000;Velsen;01-09-2018;01-10-2018;01-03-2019;;;",
		"t3;"+testBSN(3)+";01-01-2000;Velsen;01-09-2018;01-10-2018;01-09-2018;WERK;;",
		"t4;"+testBSN(4)+";01-01-2000;Velsen;01-09-2018;01-10-2018;01-03-2019;werk;monitoring;jikp")})
	got := queryStrings(t, db, "select traject_id || ':' || trajectsoort || ':' || coalesce(resultaat, '-') || ':' || coalesce(specialisatie, '-') from fact_rmc_traject order by 1")
	if want := []string{"t1:REGULIER:-:-", "t4:MONITORING:WERK:JIKP"}; !slices.Equal(got, want) {
		t.Errorf("trajectories = %v, want %v", got, want)
	}
	reasons := queryStrings(t, db, "select line || ' ' || column_name || ': ' || mart.reden_tekst(reason_code, reason_params) from etl_quarantine order by line")
	want := []string{"3 resultaat: resultaat is verplicht als einddatum is ingevuld", "4 einddatum: einddatum 01-09-2018 ligt voor startdatum 01-10-2018"}
	if !slices.Equal(reasons, want) {
		t.Errorf("quarantine = %q, want %q", reasons, want)
	}
}

func TestNoRawBSNAnywhere(t *testing.T) {
	db := openTestDB(t)
	bsns := []string{testBSN(1), testBSN(2), badBSN(3)}
	load(t, db, map[string]string{"verzuimmeldingen_1.csv": csvLines(verzuimHeader,
		verzuimRow("m1", bsns[0], nil), verzuimRow("m2", bsns[1], map[int]string{5: "XX"}), verzuimRow("m3", bsns[2], nil),
		verzuimRow("m1", bsns[0], nil))})
	tables := queryStrings(t, db, "select table_name from information_schema.tables where table_schema = 'main'")
	for _, table := range tables {
		rows, err := db.Query("select * from " + table)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for i, v := range vals {
				s, _ := v.(string)
				for _, b := range bsns {
					if strings.Contains(s, b) || strings.Contains(s, b[1:]) {
						t.Errorf("table %s column %s holds a raw BSN", table, cols[i])
					}
				}
			}
		}
		rows.Close()
	}
}

func TestKeyRequiredAndStable(t *testing.T) {
	db := openTestDB(t)
	dir := writeInbox(t, map[string]string{"verzuimmeldingen_1.csv": csvLines(verzuimHeader, verzuimRow("m1", testBSN(1), nil))})
	if _, err := Run(context.Background(), db, Options{Inbox: dir}); !errors.Is(err, ErrNoKey) {
		t.Errorf("without key: err = %v, want ErrNoKey", err)
	}
	if _, err := ParseKey("short"); err == nil {
		t.Error("a 5-character key was accepted")
	}
	runInbox(t, db, dir)
	other := []byte("another-key-0123456789abcdef0123456789")
	_, err := Run(context.Background(), db, Options{Inbox: dir, Key: other})
	if err == nil || !strings.Contains(err.Error(), "differs from the one this warehouse was loaded with") {
		t.Errorf("other key: err = %v, want a refusal", err)
	}
}
