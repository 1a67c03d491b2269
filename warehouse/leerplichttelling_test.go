package warehouse_test

import (
	"context"
	"errors"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/hetleerplein/leerplein/warehouse"
)

// TestLeerplichttellingCases runs every case under testdata/leerplichttelling with the
// jaarverslag harness (loadCase): the feed files of <case>/input are loaded with the
// real loader and the cells listed in <case>/expected.csv must match. See
// testdata/leerplichttelling/README.md.
func TestLeerplichttellingCases(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "leerplichttelling", "*", "expected.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no cases found under testdata/leerplichttelling")
	}
	for _, expected := range files {
		dir := filepath.Dir(expected)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			db := loadCase(t, dir)
			want := readLeerplichtExpected(t, expected)
			got := map[string]map[string]int64{}
			for _, w := range want {
				if got[w.schooljaar] != nil {
					continue
				}
				telling, err := db.Leerplichttelling(context.Background(), w.schooljaar)
				if err != nil {
					t.Fatalf("Leerplichttelling(%s): %v", w.schooljaar, err)
				}
				got[w.schooljaar] = map[string]int64{}
				for _, c := range telling.Cells {
					k := c.Gemeente + " " + c.Onderwijssoort + " " + c.Indicator
					if _, dup := got[w.schooljaar][k]; dup {
						t.Errorf("%s %s: cell given twice", w.schooljaar, k)
					}
					got[w.schooljaar][k] = c.Waarde
				}
			}
			for _, w := range want {
				k := w.gemeente + " " + w.onderwijssoort + " " + w.indicator
				g, present := got[w.schooljaar][k]
				switch {
				case w.absent && present:
					t.Errorf("%s:%d: %s %s = %d, want the cell absent (%s)", expected, w.line, w.schooljaar, k, g, w.why)
				case !w.absent && !present:
					t.Errorf("%s:%d: %s %s is missing, want %d (%s)", expected, w.line, w.schooljaar, k, w.waarde, w.why)
				case !w.absent && g != w.waarde:
					t.Errorf("%s:%d: %s %s = %d, want %d (%s)", expected, w.line, w.schooljaar, k, g, w.waarde, w.why)
				}
			}
		})
	}
}

// leerplichtExpected is one line of a leerplichttelling expected.csv.
type leerplichtExpected struct {
	line                                            int
	schooljaar, gemeente, onderwijssoort, indicator string
	waarde                                          int64
	absent                                          bool // waarde "-": the cell must not be in the count
	why                                             string
}

// readLeerplichtExpected reads the machine form of the count,
// schooljaar;gemeente;onderwijssoort;indicator;waarde, with a sixth column toelichting.
func readLeerplichtExpected(t *testing.T, path string) []leerplichtExpected {
	t.Helper()
	var out []leerplichtExpected
	for _, r := range readMachineForm(t, path, "schooljaar;gemeente;onderwijssoort;indicator;waarde") {
		c := leerplichtExpected{line: r.line, schooljaar: r.key[0], gemeente: r.key[1], onderwijssoort: r.key[2], indicator: r.key[3], absent: r.absent, why: r.why}
		if !r.absent {
			var err error
			if c.waarde, err = strconv.ParseInt(r.value, 10, 64); err != nil {
				t.Fatalf("%s:%d: %v", path, r.line, err)
			}
		}
		out = append(out, c)
	}
	return out
}

// TestLeerplichttellingComplete checks that a region with no facts gives every cell of
// every gemeente that existed during the year as 0, in order, and the region last:
// GM0393 (tot 31 December 2018) in 2018-2019 and not in 2019-2020.
func TestLeerplichttellingComplete(t *testing.T) {
	ctx := context.Background()
	db := openEmpty(t)
	loadRegion(t, db)
	perGebied := 0
	for _, ind := range warehouse.LeerplichtIndicatoren() {
		if ind.PerOnderwijssoort {
			perGebied += len(warehouse.LeerplichtOnderwijssoorten())
		} else {
			perGebied++
		}
	}
	if perGebied != 3*6+11 {
		t.Errorf("%d cells per gebied, want %d (3 indicators × 6 groups + 11 indicators)", perGebied, 3*6+11)
	}
	for _, tc := range []struct {
		schooljaar string
		gebieden   string
	}{
		{"2018-2019", "GM0375 GM0377 GM0392 GM0393 GM0396 GM0397 GM0453 GM0473 regio"},
		{"2019-2020", "GM0375 GM0377 GM0392 GM0396 GM0397 GM0453 GM0473 regio"},
		{"2017-2018", "GM0375 GM0377 GM0392 GM0393 GM0396 GM0397 GM0453 GM0473 regio"},
	} {
		t.Run(tc.schooljaar, func(t *testing.T) {
			telling, err := db.Leerplichttelling(ctx, tc.schooljaar)
			if err != nil {
				t.Fatal(err)
			}
			var codes []string
			for _, g := range telling.Gebieden {
				codes = append(codes, g.Code)
			}
			if got := strings.Join(codes, " "); got != tc.gebieden {
				t.Errorf("gebieden = %s, want %s", got, tc.gebieden)
			}
			if got, want := len(telling.Cells), len(telling.Gebieden)*perGebied; got != want {
				t.Errorf("got %d cells, want %d", got, want)
			}
			var order []string
			for i, c := range telling.Cells {
				if c.Waarde != 0 || c.Schooljaar != tc.schooljaar {
					t.Errorf("cell %d = %+v, want 0 in %s", i, c, tc.schooljaar)
				}
				if len(order) == 0 || order[len(order)-1] != c.Gemeente {
					order = append(order, c.Gemeente)
				}
			}
			if got := strings.Join(order, " "); got != tc.gebieden {
				t.Errorf("cells by gebied in the order %s, want %s", got, tc.gebieden)
			}
		})
	}
}

// TestLeerplichttellingErrors checks the errors a caller can act on.
func TestLeerplichttellingErrors(t *testing.T) {
	ctx := context.Background()
	db := openEmpty(t)
	if _, err := db.Leerplichttelling(ctx, "2018-2019"); !errors.Is(err, warehouse.ErrNoRegion) {
		t.Errorf("Leerplichttelling before any load: err = %v, want ErrNoRegion", err)
	}
	loadRegion(t, db)
	for _, sj := range []string{"", "2018", "2018-2020", "1800-1801"} {
		t.Run(sj, func(t *testing.T) {
			if _, err := db.Leerplichttelling(ctx, sj); !errors.Is(err, warehouse.ErrInvalidSchooljaar) {
				t.Errorf("Leerplichttelling(%q): err = %v, want ErrInvalidSchooljaar", sj, err)
			}
		})
	}
}
