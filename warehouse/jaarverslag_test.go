package warehouse_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hetleerplein/leerplein/etl"
	"github.com/hetleerplein/leerplein/warehouse"
)

// testKey is a synthetic pseudonym key, for tests only.
var testKey = []byte("jaarverslag-test-key-0123456789abcdef")

// TestJaarverslagCases runs every case under testdata/jaarverslag: the feed files of
// <case>/input are loaded with the real loader (with <case>/regio.csv as the region when
// present), and the cells listed in <case>/expected.csv must match. See
// testdata/jaarverslag/README.md; adding a case means adding files.
func TestJaarverslagCases(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("testdata", "jaarverslag", "*", "expected.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) == 0 {
		t.Fatal("no cases found under testdata/jaarverslag")
	}
	for _, expected := range dirs {
		dir := filepath.Dir(expected)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			db := loadCase(t, dir)
			today := caseToday(t, dir)
			want := readExpected(t, expected)
			got := map[string]map[string]warehouse.Cell{}
			refused := map[string]error{}
			for _, w := range want {
				if got[w.schooljaar] != nil || refused[w.schooljaar] != nil {
					continue
				}
				r, err := db.JaarverslagOn(context.Background(), w.schooljaar, today)
				if errors.Is(err, warehouse.ErrNotCovered) {
					refused[w.schooljaar] = err
					continue
				}
				if err != nil {
					t.Fatalf("Jaarverslag(%s): %v", w.schooljaar, err)
				}
				got[w.schooljaar] = map[string]warehouse.Cell{}
				for _, c := range r.Cells {
					k := cellName(c.Tabel, c.Rij, c.Kolom)
					if _, dup := got[w.schooljaar][k]; dup {
						t.Errorf("%s %s: cell given twice", w.schooljaar, k)
					}
					got[w.schooljaar][k] = c
				}
			}
			for _, w := range want {
				k := cellName(w.tabel, w.rij, w.kolom)
				if err := refused[w.schooljaar]; err != nil {
					if !w.refused {
						t.Errorf("%s:%d: %s refused (%v), want %s", expected, w.line, w.schooljaar, err, w.show())
					}
					continue
				}
				g, present := got[w.schooljaar][k]
				switch {
				case w.refused:
					t.Errorf("%s:%d: %s was not refused, want the school year refused (%s)", expected, w.line, w.schooljaar, w.why)
				case w.absent && present:
					t.Errorf("%s:%d: %s %s = %s, want the cell absent (%s)", expected, w.line, w.schooljaar, k, showCell(g.Waarde, g.Status), w.why)
				case !w.absent && !present:
					t.Errorf("%s:%d: %s %s is missing, want %s (%s)", expected, w.line, w.schooljaar, k, w.show(), w.why)
				case !w.absent && (g.Waarde != w.waarde || g.Status != w.status):
					t.Errorf("%s:%d: %s %s = %s, want %s (%s)", expected, w.line, w.schooljaar, k, showCell(g.Waarde, g.Status), w.show(), w.why)
				}
			}
		})
	}
}

func cellName(tabel, rij, kolom string) string { return tabel + " " + rij + "/" + kolom }

// loadCase opens an in-memory warehouse and loads <dir>/input with the real loader. A
// case's input is meant to load cleanly: a rejected file or a quarantined row fails it.
func loadCase(t *testing.T, dir string) *warehouse.DB {
	t.Helper()
	ctx := context.Background()
	db, err := warehouse.Open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	opts := etl.Options{Inbox: filepath.Join(dir, "input"), Key: testKey, Job: "test"}
	if _, err := os.Stat(filepath.Join(dir, "regio.csv")); err == nil {
		if opts.Region, err = etl.LoadRegion(filepath.Join(dir, "regio.csv")); err != nil {
			t.Fatal(err)
		}
	}
	sum, err := etl.Run(ctx, db, opts)
	if err != nil {
		t.Fatalf("etl.Run: %v", err)
	}
	for _, f := range sum.Files {
		if f.Status != etl.StatusLoaded || f.Quarantined > 0 {
			t.Errorf("input %s: status %s (%s), %d rows quarantined", f.Name, f.Status, f.Reason, f.Quarantined)
		}
	}
	rows, err := db.QueryContext(ctx, `select bestand, regel, kolom, reden from mart.quarantaine order by bestand, regel`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var file, column, reason string
		var line int64
		if err := rows.Scan(&file, &line, &column, &reason); err != nil {
			t.Fatal(err)
		}
		t.Errorf("input %s:%d: column %s quarantined: %s", file, line, column, reason)
	}
	if t.Failed() {
		t.FailNow()
	}
	return db
}

// expectedCell is one line of expected.csv.
type expectedCell struct {
	line                          int
	schooljaar, tabel, rij, kolom string
	waarde                        warehouse.Number
	status                        warehouse.Status
	absent                        bool // waarde "-": the cell must not be in the report
	refused                       bool // waarde "-" and status "geweigerd": the school year is refused
	why                           string
}

func (c expectedCell) show() string {
	if c.refused {
		return "the school year refused"
	}
	return showCell(c.waarde, c.status)
}

// showCell writes a cell's value or status for a message.
func showCell(n warehouse.Number, st warehouse.Status) string {
	if st.IsValue() {
		return n.String()
	}
	return string(st)
}

// readExpected reads expected.csv: the machine form schooljaar;tabel;rij;kolom;waarde;status,
// with an optional seventh column `toelichting` saying why the value is what it is.
func readExpected(t *testing.T, path string) []expectedCell {
	t.Helper()
	var out []expectedCell
	for _, r := range readMachineForm(t, path, "schooljaar;tabel;rij;kolom;waarde;status") {
		c := expectedCell{line: r.line, schooljaar: r.key[0], tabel: r.key[1], rij: r.key[2], kolom: r.key[3],
			absent: r.absent, refused: r.refused, status: r.status, why: r.why}
		if !r.absent && !r.refused && r.status.IsValue() {
			var err error
			if c.waarde, err = warehouse.ParseNumber(r.value); err != nil {
				t.Fatalf("%s:%d: %v", path, r.line, err)
			}
		}
		out = append(out, c)
	}
	return out
}

// defaultToday is the "today" of a case without vandaag.txt: far after every school year
// a case holds, so none is in progress. No test depends on the real date.
var defaultToday = time.Date(2099, time.December, 31, 0, 0, 0, 0, time.UTC)

// caseToday is the date a case's report is made on: <dir>/vandaag.txt (YYYY-MM-DD) when
// present, else defaultToday.
func caseToday(t *testing.T, dir string) time.Time {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "vandaag.txt"))
	if errors.Is(err, fs.ErrNotExist) {
		return defaultToday
	}
	if err != nil {
		t.Fatal(err)
	}
	d, err := time.Parse(time.DateOnly, strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatalf("%s/vandaag.txt: %v", dir, err)
	}
	return d
}

// openEmpty opens an in-memory warehouse, closed when the test ends.
func openEmpty(t *testing.T) *warehouse.DB {
	t.Helper()
	db, err := warehouse.Open(context.Background(), ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// loadRegion runs the loader over an empty inbox: the warehouse gets the region
// configuration and no facts.
func loadRegion(t *testing.T, db *warehouse.DB) {
	t.Helper()
	if _, err := etl.Run(context.Background(), db, etl.Options{Inbox: t.TempDir(), Key: testKey, Job: "test"}); err != nil {
		t.Fatal(err)
	}
}

// machineRow is one line of an expected.csv in a machine form: four key columns, the
// value ("-" when the cell must be absent), the status (with value "-", status
// "geweigerd" means the whole school year is refused) and an optional toelichting.
type machineRow struct {
	line    int
	key     [4]string
	value   string
	status  warehouse.Status
	absent  bool
	refused bool
	why     string
}

// readMachineForm reads an expected.csv whose first six header columns are header.
func readMachineForm(t *testing.T, path, header string) []machineRow {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma = ';'
	r.FieldsPerRecord = -1
	head, err := r.Read()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if got := strings.Join(head[:min(6, len(head))], ";"); got != header {
		t.Fatalf("%s: header %q, want %s[;toelichting]", path, got, header)
	}
	var out []machineRow
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		line, _ := r.FieldPos(0)
		if len(rec) < 6 {
			t.Fatalf("%s:%d: %d fields, want at least 6", path, line, len(rec))
		}
		row := machineRow{line: line, key: [4]string{rec[0], rec[1], rec[2], rec[3]}, value: rec[4], status: warehouse.Status(rec[5])}
		switch {
		case rec[4] == "-" && rec[5] == "geweigerd":
			row.refused, row.status = true, ""
		case rec[4] == "-":
			row.absent = true
		case row.status != "" && rec[4] != "":
			t.Fatalf("%s:%d: status %s with waarde %q: a cell that is not a value has an empty waarde", path, line, rec[5], rec[4])
		}
		switch row.status {
		case "", warehouse.StatusGeenGegevens, warehouse.StatusNietVanToepassing:
		default:
			t.Fatalf("%s:%d: status %q: use geen_gegevens or niet_van_toepassing (empty for a value)", path, line, rec[5])
		}
		if len(rec) > 6 {
			row.why = rec[6]
		}
		out = append(out, row)
	}
	if len(out) == 0 {
		t.Fatalf("%s: no cells to check", path)
	}
	return out
}

// loadInbox loads the given files (name → content) with the real loader into db, over
// the built-in region; every file must load cleanly.
func loadInbox(t *testing.T, db *warehouse.DB, files map[string]string) {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sum, err := etl.Run(context.Background(), db, etl.Options{Inbox: dir, Key: testKey, Job: "test"})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range sum.Files {
		if f.Status != etl.StatusLoaded || f.Quarantined > 0 {
			t.Fatalf("%s: status %s (%s), %d rows quarantined", f.Name, f.Status, f.Reason, f.Quarantined)
		}
	}
}

// oneExemption is a vrijstellingen file with one exemption (art. 5a, Haarlem, a
// 10-year-old) decided on each of the given dates.
func oneExemption(dates ...string) map[string]string {
	body := "vrijstelling_id;bsn;geboortedatum;gemeente;artikel;besluitdatum;ingangsdatum;einddatum\n"
	bsns := []string{"123459060", "123459072", "123459084"}
	for i, d := range dates {
		body += fmt.Sprintf("C%d;%s;2008-06-06;GM0392;5A;%s;;\n", i, bsns[i], d)
	}
	return map[string]string{"vrijstellingen_complete.csv": body}
}

// TestJaarverslagComplete checks that the report of a year that only the exemptions
// cover has every cell of the layout, in print order: tabel2's values (zeros included)
// and every other cell geen_gegevens, tabel7 with all its rows as nothing was delivered.
func TestJaarverslagComplete(t *testing.T) {
	ctx := context.Background()
	db := openEmpty(t)
	loadInbox(t, db, oneExemption("2019-03-01"))
	r, err := db.JaarverslagOn(ctx, "2018-2019", defaultToday)
	if err != nil {
		t.Fatal(err)
	}
	subregios, err := db.Subregios(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fmt.Sprint(subregios), "[{zk Zuid-Kennemerland} {ijmond IJmond}]"; got != want {
		t.Errorf("Subregios = %s, want %s", got, want)
	}
	var want []string
	for _, tab := range warehouse.JaarverslagLayout(subregios, regelsVoor2026) {
		for _, row := range tab.Rows {
			for _, c := range tab.Cols {
				cell := ";;geen_gegevens"
				if tab.Key == "tabel2" {
					cell = ";0;"
					if row.Key == "art_5a" || row.Key == "totaal" {
						cell = ";1;"
					}
				}
				want = append(want, "2018-2019;"+tab.Key+";"+row.Key+";"+c.Key+cell)
			}
		}
	}
	var got []string
	for _, c := range r.Cells {
		got = append(got, strings.Join([]string{c.Schooljaar, c.Tabel, c.Rij, c.Kolom, showValue(c), string(c.Status)}, ";"))
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("cells:\ngot  %d cells:\n%s\nwant %d cells:\n%s", len(got), strings.Join(got, "\n"), len(want), strings.Join(want, "\n"))
	}
	// 7 rows × 7 columns in tabel1, and so on: a count that changes when the layout does.
	if n := 49 + 8 + 42 + 12 + 20 + 15 + 24 + 1 + 45; len(r.Cells) != n {
		t.Errorf("got %d cells, want %d", len(r.Cells), n)
	}
	for _, tab := range r.Layout {
		remarks := strings.Join(tab.Remarks, " ")
		if tab.Key != "tabel2" && !strings.Contains(remarks, "Geen gegevens: het warehouse bevat geen") {
			t.Errorf("%s: remarks %q do not explain \"geen gegevens\"", tab.Key, remarks)
		}
	}
	if r.Lopend {
		t.Errorf("2018-2019 on %s is lopend, want complete", defaultToday.Format(time.DateOnly))
	}
}

// showValue is a cell's waarde as the machine form writes it: empty for a status.
func showValue(c warehouse.Cell) string {
	if !c.Status.IsValue() {
		return ""
	}
	return c.Waarde.String()
}

// TestJaarverslagNotCovered checks that a school year no feed covers is refused, with a
// Dutch message that says which years the data covers.
func TestJaarverslagNotCovered(t *testing.T) {
	ctx := context.Background()
	db := openEmpty(t)
	loadRegion(t, db)
	_, err := db.JaarverslagOn(ctx, "2018-2019", defaultToday)
	if !errors.Is(err, warehouse.ErrNotCovered) || !errors.Is(err, warehouse.ErrInvalidSchooljaar) || !strings.Contains(err.Error(), "er zijn nog geen gegevens geladen") {
		t.Errorf("report of an empty warehouse: err = %v, want ErrNotCovered saying nothing was loaded", err)
	}
	loadInbox(t, db, oneExemption("2016-08-01", "2017-07-31", "2019-07-31"))
	for _, tc := range []struct{ schooljaar, msg string }{
		{"2017-2018", "de gegevens beslaan de schooljaren 2016-2017 en 2018-2019"},
		{"2030-2031", "de gegevens beslaan de schooljaren 2016-2017 en 2018-2019"},
		{"2015-2016", "schooljaar 2015-2016: geen gegevens voor het jaarverslag"},
	} {
		_, err := db.JaarverslagOn(ctx, tc.schooljaar, defaultToday)
		if !errors.Is(err, warehouse.ErrNotCovered) || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("Jaarverslag(%s): err = %v, want ErrNotCovered with %q", tc.schooljaar, err, tc.msg)
		}
	}
	for _, sj := range []string{"2016-2017", "2018-2019"} {
		if _, err := db.JaarverslagOn(ctx, sj, defaultToday); err != nil {
			t.Errorf("Jaarverslag(%s), covered by an exemption on its first or last day: %v", sj, err)
		}
	}
}

// TestJaarverslagErrors checks the errors a caller can act on.
func TestJaarverslagErrors(t *testing.T) {
	ctx := context.Background()
	db := openEmpty(t)
	if _, err := db.Jaarverslag(ctx, "2018-2019"); !errors.Is(err, warehouse.ErrNoRegion) {
		t.Errorf("Jaarverslag before any load: err = %v, want ErrNoRegion", err)
	}
	loadRegion(t, db)
	for _, sj := range []string{"", "2018", "2018/2019", "2018-19", "2018-2020", "2019-2018", " 2018-2019", "1800-1801"} {
		t.Run(sj, func(t *testing.T) {
			if _, err := db.Jaarverslag(ctx, sj); !errors.Is(err, warehouse.ErrInvalidSchooljaar) {
				t.Errorf("Jaarverslag(%q): err = %v, want ErrInvalidSchooljaar", sj, err)
			}
		})
	}
}

// TestNumber checks the plain-number form of report values.
func TestNumber(t *testing.T) {
	for _, tc := range []struct{ in, out string }{
		{"0", "0"}, {"12", "12"}, {"12.00", "12"}, {"0.44", "0.44"}, {"46.50", "46.5"},
		{"46.5", "46.5"}, {"0.05", "0.05"}, {"-1.25", "-1.25"}, {"1351362", "1351362"},
	} {
		n, err := warehouse.ParseNumber(tc.in)
		if err != nil {
			t.Errorf("ParseNumber(%q): %v", tc.in, err)
			continue
		}
		if got := n.String(); got != tc.out {
			t.Errorf("ParseNumber(%q).String() = %q, want %q", tc.in, got, tc.out)
		}
	}
	for _, bad := range []string{"", "-", "1,5", "1.", ".5", "1.234", "1e3", "12 ", "0x1"} {
		if _, err := warehouse.ParseNumber(bad); err == nil {
			t.Errorf("ParseNumber(%q): no error, want one", bad)
		}
	}
	if b, err := json.Marshal(map[string]warehouse.Number{"a": warehouse.Count(12), "b": mustParse(t, "0.44")}); err != nil || string(b) != `{"a":12,"b":0.44}` {
		t.Errorf("json.Marshal = %s, %v; want {\"a\":12,\"b\":0.44}", b, err)
	}
	if got := warehouse.Count(3).Add(warehouse.Count(4)); got != warehouse.Count(7) || !got.IsInteger() || got.Float64() != 7 {
		t.Errorf("Count(3).Add(Count(4)) = %v, want 7", got)
	}
}

func mustParse(t *testing.T, s string) warehouse.Number {
	t.Helper()
	n, err := warehouse.ParseNumber(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestJaarverslagLayoutSums checks that every total names lines that exist in its table,
// so no total silently adds up nothing.
func TestJaarverslagLayoutSums(t *testing.T) {
	for _, tab := range warehouse.JaarverslagLayout([]warehouse.Subregio{{Code: "noord", Naam: "Noord"}}, regelsVoor2026) {
		for _, lines := range [][]warehouse.Line{tab.Rows, tab.Cols} {
			have := map[string]bool{}
			for _, l := range lines {
				if have[l.Key] {
					t.Errorf("%s: line %s appears twice", tab.Key, l.Key)
				}
				have[l.Key] = true
			}
			for _, l := range lines {
				for _, part := range l.Sum {
					if !have[part] || part == l.Key {
						t.Errorf("%s: %s sums %q, which is not another line of the table", tab.Key, l.Key, part)
					}
				}
			}
		}
	}
}

// regelsVoor2026 are the Doorstroompunt age rules of a report year before the law of
// 2026, as mart.leeftijdsregels holds them, for the tests that lay a report out
// without a warehouse (TestJaarverslagRegels checks them against the warehouse).
var regelsVoor2026 = func() warehouse.JaarRegels {
	r := warehouse.Leeftijdsregel{Sleutel: "18_23", Van: 18, Tot: 22,
		GeldigVanaf: time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC), GeldigTot: time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC),
		Omschrijving: "Doelgroep van het Doorstroompunt/RMC: 18 t/m 22 jaar."}
	return warehouse.JaarRegels{Peildatum: r, InJaar: []warehouse.Leeftijdsregel{r}}
}()
