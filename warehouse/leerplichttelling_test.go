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
			today := caseToday(t, dir)
			want := readLeerplichtExpected(t, expected)
			got := map[string]map[string]warehouse.LeerplichtCell{}
			refused := map[string]error{}
			for _, w := range want {
				if got[w.schooljaar] != nil || refused[w.schooljaar] != nil {
					continue
				}
				telling, err := db.LeerplichttellingOn(context.Background(), w.schooljaar, today)
				if errors.Is(err, warehouse.ErrNotCovered) {
					refused[w.schooljaar] = err
					continue
				}
				if err != nil {
					t.Fatalf("Leerplichttelling(%s): %v", w.schooljaar, err)
				}
				got[w.schooljaar] = map[string]warehouse.LeerplichtCell{}
				for _, c := range telling.Cells {
					k := c.Gemeente + " " + c.Onderwijssoort + " " + c.Indicator
					if _, dup := got[w.schooljaar][k]; dup {
						t.Errorf("%s %s: cell given twice", w.schooljaar, k)
					}
					got[w.schooljaar][k] = c
				}
			}
			for _, w := range want {
				k := w.gemeente + " " + w.onderwijssoort + " " + w.indicator
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
					t.Errorf("%s:%d: %s %s = %s, want the cell absent (%s)", expected, w.line, w.schooljaar, k, showCell(warehouse.Count(g.Waarde), g.Status), w.why)
				case !w.absent && !present:
					t.Errorf("%s:%d: %s %s is missing, want %s (%s)", expected, w.line, w.schooljaar, k, w.show(), w.why)
				case !w.absent && (g.Waarde != w.waarde || g.Status != w.status):
					t.Errorf("%s:%d: %s %s = %s, want %s (%s)", expected, w.line, w.schooljaar, k, showCell(warehouse.Count(g.Waarde), g.Status), w.show(), w.why)
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
	status                                          warehouse.Status
	absent                                          bool // waarde "-": the cell must not be in the count
	refused                                         bool // waarde "-", status "geweigerd": the year is refused
	why                                             string
}

func (c leerplichtExpected) show() string {
	if c.refused {
		return "the school year refused"
	}
	return showCell(warehouse.Count(c.waarde), c.status)
}

// readLeerplichtExpected reads the machine form of the count,
// schooljaar;gemeente;onderwijssoort;indicator;waarde;status, with a seventh column
// toelichting.
func readLeerplichtExpected(t *testing.T, path string) []leerplichtExpected {
	t.Helper()
	var out []leerplichtExpected
	for _, r := range readMachineForm(t, path, "schooljaar;gemeente;onderwijssoort;indicator;waarde;status") {
		c := leerplichtExpected{line: r.line, schooljaar: r.key[0], gemeente: r.key[1], onderwijssoort: r.key[2], indicator: r.key[3],
			absent: r.absent, refused: r.refused, status: r.status, why: r.why}
		if !r.absent && !r.refused && r.status.IsValue() {
			var err error
			if c.waarde, err = strconv.ParseInt(r.value, 10, 64); err != nil {
				t.Fatalf("%s:%d: %v", path, r.line, err)
			}
		}
		out = append(out, c)
	}
	return out
}

// TestLeerplichttellingComplete checks that the count lists every cell of every gemeente
// that existed during the year and whose leerplicht the bureau runs, in order, and the
// region last: GM0393 (tot 31 December 2018) in 2018-2019 and not in 2019-2020; the
// IJmond gemeenten (leerplicht run locally) never, named among the gemeenten left out.
// Only the exemptions are loaded: their indicators are values, the others geen_gegevens.
func TestLeerplichttellingComplete(t *testing.T) {
	ctx := context.Background()
	db := openEmpty(t)
	loadInbox(t, db, oneExemption("2018-03-01", "2019-03-01", "2020-03-01"))
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
		weggelaten string
	}{
		{"2018-2019", "GM0377 GM0392 GM0393 GM0397 GM0473 regio", "GM0375:leerplicht_lokaal GM0396:leerplicht_lokaal GM0453:leerplicht_lokaal"},
		{"2019-2020", "GM0377 GM0392 GM0397 GM0473 regio", "GM0375:leerplicht_lokaal GM0393:bestond_niet GM0396:leerplicht_lokaal GM0453:leerplicht_lokaal"},
		{"2017-2018", "GM0377 GM0392 GM0393 GM0397 GM0473 regio", "GM0375:leerplicht_lokaal GM0396:leerplicht_lokaal GM0453:leerplicht_lokaal"},
	} {
		t.Run(tc.schooljaar, func(t *testing.T) {
			telling, err := db.LeerplichttellingOn(ctx, tc.schooljaar, defaultToday)
			if err != nil {
				t.Fatal(err)
			}
			var codes, weg []string
			for _, g := range telling.Gebieden {
				codes = append(codes, g.Code)
			}
			for _, w := range telling.Weggelaten {
				weg = append(weg, w.Code+":"+w.Reden)
			}
			if got := strings.Join(codes, " "); got != tc.gebieden {
				t.Errorf("gebieden = %s, want %s", got, tc.gebieden)
			}
			if got := strings.Join(weg, " "); got != tc.weggelaten {
				t.Errorf("weggelaten = %s, want %s", got, tc.weggelaten)
			}
			if got, want := len(telling.Cells), len(telling.Gebieden)*perGebied; got != want {
				t.Errorf("got %d cells, want %d", got, want)
			}
			var order []string
			for i, c := range telling.Cells {
				want := warehouse.StatusGeenGegevens
				var n int64
				if strings.HasPrefix(c.Indicator, "vrijstelling_") {
					want = warehouse.StatusWaarde
					if c.Indicator == "vrijstelling_5a" && (c.Gemeente == "GM0392" || c.Gemeente == warehouse.RegioCode) {
						n = 1
					}
				}
				if c.Status != want || c.Waarde != n || c.Schooljaar != tc.schooljaar {
					t.Errorf("cell %d = %+v, want %d with status %q in %s", i, c, n, want, tc.schooljaar)
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
	if _, err := db.LeerplichttellingOn(ctx, "2021-2022", defaultToday); !errors.Is(err, warehouse.ErrNotCovered) ||
		!strings.Contains(err.Error(), "de gegevens beslaan de schooljaren 2017-2018 t/m 2019-2020") {
		t.Errorf("count of 2021-2022: err = %v, want ErrNotCovered naming 2017-2018 t/m 2019-2020", err)
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
