package etl

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"
	"github.com/xuri/excelize/v2"

	"github.com/hetleerplein/leerplein/warehouse/bsnmask"
)

// eightDigitBSN returns the n-th synthetic 8-digit BSN (read as 0 and the eight digits).
func eightDigitBSN(n int) string {
	for i := 10_000_000 + n*101; ; i++ {
		s := fmt.Sprint(i)
		if ValidBSN(s) {
			return s
		}
	}
}

// bsnSpellings writes a BSN the ways a person or a system could, in a cell meant for
// something else.
func bsnSpellings(n int) []string {
	b := testBSN(1000 + n)
	return []string{
		b,
		eightDigitBSN(n),
		"0" + b,
		b[:4] + "." + b[4:6] + "." + b[6:], // as on an identity card
		b[:3] + " " + b[3:6] + " " + b[6:],
		b[:3] + "\u00a0" + b[3:6] + "\u00a0" + b[6:],
		b[:3] + "-" + b[3:6] + "-" + b[6:],
		b[:3] + "." + b[3:6] + "." + b[6:], // Dutch thousands
		b[:3] + "," + b[3:6] + "," + b[6:], // English thousands
		b[:7] + "." + b[7:],                // a decimal number
		b[:7] + "," + b[7:],                // a Dutch one
		"BSN " + b,
		"x" + b + "y",
	}
}

// validCell is a value column c accepts, for row r of a file.
func validCell(c column, r int) string {
	switch c.kind {
	case kText:
		return fmt.Sprintf("id-%d", r)
	case kBSN:
		return testBSN(r)
	case kDate:
		if c.name == "geboortedatum" {
			return "01-01-2005"
		}
		return "01-10-2018"
	case kCode:
		return c.codes[0]
	case kArtikel:
		return "5a"
	case kGemeente:
		return "Haarlem"
	case kDecimal:
		return "12,5"
	case kCount:
		return "100"
	case kJN:
		return "J"
	case kSchooljaar:
		return "2018-2019"
	case kBRIN:
		return "00aa"
	}
	panic(c.name)
}

// TestNoBSNStored delivers a BSN, in every spelling of bsnSpellings, in every column of
// every feed other than bsn — and in a file name, a sheet name, a header and a rejected
// file's header — and then reads every column of every table and view of the warehouse,
// of the analysts' snapshot, the rejection files and the log: none may hold a BSN of
// the input, nor anything that could be one.
func TestNoBSNStored(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t)
	dir := t.TempDir()
	write := func(name, body string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	input := map[string]bool{} // every BSN of the input, digits only
	wantQuarantined := map[string]int64{}
	for fi, f := range feeds() {
		var header []string
		for _, c := range f.cols {
			header = append(header, c.name)
		}
		extra := "opmerking " + testBSN(900+fi)
		input[testBSN(900+fi)] = true
		header = append(header, extra)
		lines := []string{strings.Join(header, ";")}
		row := func(override int, value string) {
			r := len(lines)
			var cells []string
			for ci, c := range f.cols {
				v := validCell(c, r)
				if c.kind == kBSN {
					input[v] = true
				}
				if ci == override {
					v = value
				}
				cells = append(cells, v)
			}
			lines = append(lines, strings.Join(append(cells, testBSN(900+fi)), ";"))
		}
		row(-1, "")
		for ci, c := range f.cols {
			if c.kind == kBSN {
				continue
			}
			for _, s := range bsnSpellings(fi*100 + ci*10) {
				input[strings.Map(keepDigits, s)] = true
				row(ci, s)
				wantQuarantined[f.name]++
			}
		}
		name := f.name + "_bsn.csv"
		if f.name == "leerlingen" {
			name = "leerlingen_" + testBSN(950) + ".csv" // a BSN in the file name
			input[testBSN(950)] = true
		}
		write(name, csvLines(lines...))
	}
	// An XLSX file with a BSN as its sheet name and in a cell.
	x := excelize.NewFile()
	sheet := "Blad " + testBSN(951)
	input[testBSN(951)] = true
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		t.Fatal(err)
	}
	for i, r := range [][]any{
		{"melding_id", "bsn", "geboortedatum", "gemeente", "onderwijssoort", "verzuimsoort", "meldingsdatum"},
		{"x1", testBSN(952), "01-01-2005", "Haarlem", "WVO", "RELATIEF", "01-10-2018"},
		{"x2", testBSN(953), "01-01-2005", testBSN(954), "WVO", "RELATIEF", "01-10-2018"},
	} {
		if err := x.SetSheetRow(sheet, fmt.Sprintf("A%d", i+1), &r); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range []int{952, 953, 954} {
		input[testBSN(n)] = true
	}
	if err := x.SaveAs(filepath.Join(dir, "verzuimmeldingen_blad.xlsx")); err != nil {
		t.Fatal(err)
	}
	x.Close()
	// Rejected whole: a header without its required columns, which the reason quotes.
	write("thuiszitters_kop.csv", csvLines("kolom "+testBSN(955)+";bsn", "a;"+testBSN(956)))
	// Not recognised, with a BSN in its name.
	write("onbekend_"+testBSN(957)+".csv", "a;b\r\n1;2\r\n")
	for _, n := range []int{955, 956, 957} {
		input[testBSN(n)] = true
	}

	var logBuf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logBuf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	sum, err := Run(ctx, db, Options{Inbox: dir, Key: testKey, Move: true, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}

	// Every BSN put where it does not belong is refused, and the good row loads.
	for _, r := range sum.Files {
		shown := r
		shown.Duration = 0 // its digits are random
		checkNoBSN(t, "the run summary", fmt.Sprintf("%+v", shown), input)
		switch {
		case r.Feed == "" || r.Format == "xlsx" || r.Name == "thuiszitters_kop.csv":
		case r.Status != StatusLoaded || r.New != 1 || r.Quarantined != wantQuarantined[r.Feed]:
			t.Errorf("%s: %s, %d new, %d quarantined; want loaded, 1 new, %d quarantined", r.Name, r.Status, r.New, r.Quarantined, wantQuarantined[r.Feed])
		}
	}
	if n := queryInt(t, db, "select count(*) from etl_file where status = 'rejected'"); n != 1 {
		t.Errorf("%d files rejected, want 1 (thuiszitters_kop.csv)", n)
	}
	if n := queryInt(t, db, "select count(*) from etl_quarantine where file_name = 'verzuimmeldingen_blad.xlsx' and sheet = 'Blad [bsn]' and value = '[bsn]'"); n != 1 {
		t.Errorf("the XLSX file's quarantine: %d rows with its masked sheet and value, want 1", n)
	}

	scanDB(t, ctx, db.DB, "warehouse", input)
	snap := filepath.Join(t.TempDir(), "analist.duckdb")
	if err := db.Snapshot(ctx, snap); err != nil {
		t.Fatal(err)
	}
	sdb, err := sql.Open("duckdb", snap+"?access_mode=read_only")
	if err != nil {
		t.Fatal(err)
	}
	defer sdb.Close()
	scanDB(t, ctx, sdb, "snapshot", input)

	reasons, _ := filepath.Glob(filepath.Join(dir, "rejected", "*.reason.txt"))
	if len(reasons) != 1 {
		t.Errorf("%d .reason.txt files, want 1", len(reasons))
	}
	for _, p := range reasons {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		checkNoBSN(t, filepath.Base(p), string(b), input)
		if !strings.Contains(string(b), "[bsn]") {
			t.Errorf("%s does not quote the header (masked): %s", filepath.Base(p), b)
		}
	}
	if logBuf.Len() == 0 {
		t.Fatal("the run logged nothing; the log check would check nothing")
	}
	for i, line := range strings.Split(logBuf.String(), "\n") {
		checkNoBSN(t, fmt.Sprintf("log line %d", i+1), line, input)
	}
}

func keepDigits(r rune) rune {
	if r >= '0' && r <= '9' {
		return r
	}
	return -1
}

// checkNoBSN fails when text holds a BSN of the input (its digits, whatever stands
// between them) or anything else that could be a BSN.
func checkNoBSN(t *testing.T, where, text string, input map[string]bool) {
	t.Helper()
	digits := strings.Map(keepDigits, text)
	for b := range input {
		if strings.Contains(digits, b) {
			t.Errorf("%s holds the input BSN %s: %q", where, bsnmask.Mask(b), bsnmask.Mask(text))
			return
		}
	}
	if !hexHash.MatchString(text) && bsnmask.Contains(text) {
		t.Errorf("%s holds a possible BSN: %q", where, bsnmask.Mask(text))
	}
}

// hexHash is a pseudonym, a file's SHA-256 or a key fingerprint: its digits run between
// letters at random and can form a number that passes the eleven test; it is checked for
// the input's BSNs only.
var hexHash = regexp.MustCompile(`^[0-9a-f]{16,64}$`)

// scanDB reads every column of every table and view of db as text and checks it.
// Timestamps are left out: the system writes them, and their fractions of a second are
// digits at random.
func scanDB(t *testing.T, ctx context.Context, db *sql.DB, what string, input map[string]bool) {
	t.Helper()
	rows, err := db.QueryContext(ctx, `select table_schema, table_name, column_name, data_type from information_schema.columns
		where table_catalog = current_database() and table_schema not in ('information_schema', 'pg_catalog')
		order by all`)
	if err != nil {
		t.Fatal(err)
	}
	type col struct{ schema, table, name, typ string }
	var cols []col
	for rows.Next() {
		var c col
		if err := rows.Scan(&c.schema, &c.table, &c.name, &c.typ); err != nil {
			t.Fatal(err)
		}
		cols = append(cols, c)
	}
	rows.Close()
	tables := map[string]bool{}
	values := 0
	for _, c := range cols {
		tables[c.schema+"."+c.table] = true
		if strings.HasPrefix(c.typ, "TIMESTAMP") {
			continue
		}
		q := fmt.Sprintf(`select distinct %s::varchar from %s.%s where %s is not null`,
			ident(c.name), ident(c.schema), ident(c.table), ident(c.name))
		vs, err := db.QueryContext(ctx, q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		for vs.Next() {
			var v string
			if err := vs.Scan(&v); err != nil {
				t.Fatal(err)
			}
			values++
			checkNoBSN(t, fmt.Sprintf("%s %s.%s.%s", what, c.schema, c.table, c.name), v, input)
		}
		vs.Close()
	}
	if len(tables) < 8 || values < 100 {
		t.Errorf("%s: scanned %d tables and %d values; the scan checks too little", what, len(tables), values)
	}
	t.Logf("%s: scanned %d columns of %d tables and views, %d distinct values", what, len(cols), len(tables), values)
}

// TestRejectionReasonNoPath rejects files whose reason quotes DuckDB's error, which
// names the file by its path: the reason, the ledger and the .reason.txt name the file
// by its base name, and no path of the server shows.
func TestRejectionReasonNoPath(t *testing.T) {
	db := openTestDB(t)
	dir := writeInbox(t, map[string]string{
		"leerlingen_kapot.parquet": "PAR1 this is not parquet",
		"leerlingen_leeg.csv":      csvLines("peildatum;bsn;geboortedatum;geslacht;gemeente;onderwijssoort"),
	})
	sum := runInbox(t, db, dir)
	var rejected int
	for _, f := range sum.Files {
		if f.Status != StatusRejected {
			continue
		}
		rejected++
		texts := map[string]string{"result": f.Reason}
		texts["ledger"] = queryStrings(t, db, "select reason from etl_file where file_name = ?", f.Name)[0]
		b, err := os.ReadFile(filepath.Join(dir, "rejected", f.Name+".reason.txt"))
		if err != nil {
			t.Fatal(err)
		}
		texts[".reason.txt"] = string(b)
		for where, text := range texts {
			if strings.Contains(text, dir) || strings.Contains(text, os.TempDir()) || regexp.MustCompile(`(^|[\s"'=(])/\w`).MatchString(text) {
				t.Errorf("%s: the %s reason shows a path: %q", f.Name, where, text)
			}
		}
		if f.Name == "leerlingen_kapot.parquet" && !strings.Contains(f.Reason, "leerlingen_kapot.parquet") {
			t.Errorf("the reason does not name the file: %q", f.Reason)
		}
	}
	if rejected != 2 {
		t.Fatalf("%d files rejected, want 2: %+v", rejected, sum.Files)
	}
}

func TestStewardReason(t *testing.T) {
	in := inboxFile{name: "leerlingen_1.csv", path: "/srv/leerplein/inbox/leerlingen_1.csv"}
	for _, tc := range []struct{ in, want string }{
		{`cannot read Parquet: IO Error: No magic bytes found at end of file '/srv/leerplein/inbox/leerlingen_1.csv'`,
			`cannot read Parquet: IO Error: No magic bytes found at end of file 'leerlingen_1.csv'`},
		{`Error when sniffing file "` + os.TempDir() + `/leerplein-123.csv"`, `Error when sniffing file "leerlingen_1.csv"`},
		{`Could not read /var/lib/leerplein/tmp/x.tmp: full`, `Could not read x.tmp: full`},
		{"cannot read Parquet: No magic bytes found at end of file '/srv/leerplein/inbox/leerlingen_1.csv'\n\nLINE 1: describe select * from read_parquet('/srv/leerplein/inbox/leer...\n     ^",
			"cannot read Parquet: No magic bytes found at end of file 'leerlingen_1.csv'"},
		{`use dd-mm-jjjj, dd/mm/jjjj or 2017/2018`, `use dd-mm-jjjj, dd/mm/jjjj or 2017/2018`},
		{`required column 'bsn' is missing; the file has: kolom 1234.56.782`, `required column 'bsn' is missing; the file has: kolom [bsn]`},
	} {
		if got := stewardReason(tc.in, in); got != tc.want {
			t.Errorf("stewardReason(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestFreeTextRules checks the rules that keep a BSN out of free text and numbers: brin
// is a BRIN code, an id holds no possible BSN, uren and counts stay below their bounds.
func TestFreeTextRules(t *testing.T) {
	cases := []struct {
		name, row, column, reason, value string
		stored                           string // the fact's brin or melding_id when loaded
	}{
		{"brin upper-cased", verzuimRow("m1", testBSN(1), map[int]string{9: " 30rm "}), "", "", "", "30RM"},
		{"brin with digits", verzuimRow("m1", testBSN(1), map[int]string{9: "0012"}), "", "", "", "0012"},
		{"brin too long", verzuimRow("m1", testBSN(1), map[int]string{9: "00AA01"}), "brin",
			"brin '00AA01' is geen BRIN-code: vier tekens, twee cijfers en dan twee letters of cijfers (zoals 00AA)", "00AA01", ""},
		{"brin letters first", verzuimRow("m1", testBSN(1), map[int]string{9: "AA00"}), "brin",
			"brin 'AA00' is geen BRIN-code: vier tekens, twee cijfers en dan twee letters of cijfers (zoals 00AA)", "AA00", ""},
		{"brin holding a BSN", verzuimRow("m1", testBSN(1), map[int]string{9: "BSN " + testBSN(7)}), "brin",
			"brin 'BSN [bsn]' is geen BRIN-code: vier tekens, twee cijfers en dan twee letters of cijfers (zoals 00AA)", "BSN [bsn]", ""},
		{"id holding a BSN", verzuimRow("VM"+testBSN(7), testBSN(1), nil), "melding_id",
			"melding_id bevat mogelijk een BSN (8 of 9 cijfers die de elfproef halen); geef de rij een kenmerk zonder BSN", "VM[bsn]", ""},
		{"id with a dotted BSN", verzuimRow(testBSN(7)[:4]+"."+testBSN(7)[4:6]+"."+testBSN(7)[6:], testBSN(1), nil), "melding_id",
			"melding_id bevat mogelijk een BSN (8 of 9 cijfers die de elfproef halen); geef de rij een kenmerk zonder BSN", "[bsn]", ""},
		{"id with a zero-padded number", verzuimRow("M000012345", testBSN(1), nil), "", "", "", "M000012345"},
		{"id with a school year", verzuimRow("TZ2016-2017", testBSN(1), nil), "", "", "", "TZ2016-2017"},
		{"uren at the bound", verzuimRow("m1", testBSN(1), map[int]string{8: "9999,99"}), "", "", "", "9999.99"},
		{"uren from the bound", verzuimRow("m1", testBSN(1), map[int]string{8: "10000"}), "uren",
			"uren '10000' is 10.000 of meer; zo groot kan het niet zijn: controleer de kolom", "10000", ""},
		{"uren holding a BSN", verzuimRow("m1", testBSN(1), map[int]string{8: testBSN(7)[:7] + "," + testBSN(7)[7:]}), "uren",
			"uren '[bsn]' is 10.000 of meer; zo groot kan het niet zijn: controleer de kolom", "[bsn]", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			db := openTestDB(t)
			sum := load(t, db, map[string]string{"verzuimmeldingen_x.csv": csvLines(verzuimHeader, tc.row)})
			got := queryStrings(t, db, `select column_name || ' | ' || mart.reden_tekst(reason_code, reason_params) || ' | ' || coalesce(value, '') from etl_quarantine`)
			if tc.column == "" {
				if len(got) > 0 || sum.Files[0].New != 1 {
					t.Fatalf("quarantine %q, %d new; want the row loaded", got, sum.Files[0].New)
				}
				fact := queryStrings(t, db, `select melding_id || ' ' || brin || ' ' || uren from fact_verzuimmelding`)
				if len(fact) != 1 || !slices.Contains(strings.Fields(fact[0]), tc.stored) {
					t.Errorf("fact %q, want it to hold %q", fact, tc.stored)
				}
				return
			}
			want := tc.column + " | " + tc.reason + " | " + tc.value
			if len(got) != 1 || got[0] != want {
				t.Errorf("quarantine = %q, want %q", got, want)
			}
		})
	}
}

// TestCountBound keeps an aggregate count of eight digits or more out.
func TestCountBound(t *testing.T) {
	db := openTestDB(t)
	sum := load(t, db, map[string]string{"vsv_cijfers_x.csv": csvLines("schooljaar;gebied;sector;deelnemers;vsvers",
		"2018-2019;REGIO;VO;9.999.999;12", "2018-2019;REGIO;MBO;10.000.000;12")})
	if f := sum.Files[0]; f.New != 1 || f.Quarantined != 1 {
		t.Fatalf("file = %+v", f)
	}
	got := queryStrings(t, db, `select mart.reden_tekst(reason_code, reason_params) from etl_quarantine`)
	if want := "deelnemers '10.000.000' is 10.000.000 of meer; zo groot kan het niet zijn: controleer de kolom"; len(got) != 1 || got[0] != want {
		t.Errorf("quarantine = %q, want %q", got, want)
	}
}
