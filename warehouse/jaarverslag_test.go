package warehouse_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
			want := readExpected(t, expected)
			got := map[string]map[string]warehouse.Number{}
			for _, w := range want {
				if got[w.schooljaar] != nil {
					continue
				}
				cells, err := db.Jaarverslag(context.Background(), w.schooljaar)
				if err != nil {
					t.Fatalf("Jaarverslag(%s): %v", w.schooljaar, err)
				}
				got[w.schooljaar] = map[string]warehouse.Number{}
				for _, c := range cells {
					k := cellName(c.Tabel, c.Rij, c.Kolom)
					if _, dup := got[w.schooljaar][k]; dup {
						t.Errorf("%s %s: cell given twice", w.schooljaar, k)
					}
					got[w.schooljaar][k] = c.Waarde
				}
			}
			for _, w := range want {
				k := cellName(w.tabel, w.rij, w.kolom)
				g, present := got[w.schooljaar][k]
				switch {
				case w.absent && present:
					t.Errorf("%s:%d: %s %s = %s, want the cell absent (%s)", expected, w.line, w.schooljaar, k, g, w.why)
				case !w.absent && !present:
					t.Errorf("%s:%d: %s %s is missing, want %s (%s)", expected, w.line, w.schooljaar, k, w.waarde, w.why)
				case !w.absent && g != w.waarde:
					t.Errorf("%s:%d: %s %s = %s, want %s (%s)", expected, w.line, w.schooljaar, k, g, w.waarde, w.why)
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
	rows, err := db.QueryContext(ctx, `select file_name, line, column_name, reason from etl_quarantine order by file_name, line`)
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
	absent                        bool // waarde "-": the cell must not be in the report
	why                           string
}

// readExpected reads expected.csv: the machine form schooljaar;tabel;rij;kolom;waarde,
// with an optional sixth column `toelichting` saying why the value is what it is.
func readExpected(t *testing.T, path string) []expectedCell {
	t.Helper()
	var out []expectedCell
	for _, r := range readMachineForm(t, path, "schooljaar;tabel;rij;kolom;waarde") {
		c := expectedCell{line: r.line, schooljaar: r.key[0], tabel: r.key[1], rij: r.key[2], kolom: r.key[3], absent: r.absent, why: r.why}
		if !r.absent {
			var err error
			if c.waarde, err = warehouse.ParseNumber(r.value); err != nil {
				t.Fatalf("%s:%d: %v", path, r.line, err)
			}
		}
		out = append(out, c)
	}
	return out
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
// value ("-" when the cell must be absent) and an optional toelichting.
type machineRow struct {
	line   int
	key    [4]string
	value  string
	absent bool
	why    string
}

// readMachineForm reads an expected.csv whose first five header columns are header.
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
	if got := strings.Join(head[:min(5, len(head))], ";"); got != header {
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
		if len(rec) < 5 {
			t.Fatalf("%s:%d: %d fields, want at least 5", path, line, len(rec))
		}
		row := machineRow{line: line, key: [4]string{rec[0], rec[1], rec[2], rec[3]}, value: rec[4], absent: rec[4] == "-"}
		if len(rec) > 5 {
			row.why = rec[5]
		}
		out = append(out, row)
	}
	if len(out) == 0 {
		t.Fatalf("%s: no cells to check", path)
	}
	return out
}

// TestJaarverslagComplete checks that a loaded region with no facts gives every cell of
// the layout, in print order, as 0 — and no tabel7 rows, as nothing was delivered.
func TestJaarverslagComplete(t *testing.T) {
	ctx := context.Background()
	db := openEmpty(t)
	loadRegion(t, db)
	cells, err := db.Jaarverslag(ctx, "2018-2019")
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
	for _, tab := range warehouse.JaarverslagLayout(subregios) {
		for _, r := range tab.Rows {
			if r.Optional {
				continue
			}
			for _, c := range tab.Cols {
				want = append(want, "2018-2019;"+tab.Key+";"+r.Key+";"+c.Key+";0")
			}
		}
	}
	var got []string
	for _, c := range cells {
		got = append(got, strings.Join([]string{c.Schooljaar, c.Tabel, c.Rij, c.Kolom, c.Waarde.String()}, ";"))
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("cells of an empty warehouse:\ngot  %d cells:\n%s\nwant %d cells:\n%s", len(got), strings.Join(got, "\n"), len(want), strings.Join(want, "\n"))
	}
	// 7 rows × 7 columns in tabel1, and so on: a count that changes when the layout does.
	if len(cells) != 49+8+42+12+20+15+0+1+45 {
		t.Errorf("got %d cells, want %d", len(cells), 49+8+42+12+20+15+0+1+45)
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
	for _, tab := range warehouse.JaarverslagLayout([]warehouse.Subregio{{Code: "noord", Naam: "Noord"}}) {
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
