package warehouse_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/hetleerplein/leerplein/warehouse"
	"github.com/hetleerplein/leerplein/warehouse/suppresstest"
)

// The attacker below reads a protected annual report as a reader would, from the
// published figures and what definitions.md says of them, written out here apart from
// the model JaarverslagOpenbaar builds:
//   - every Sum of the layout (totals, subtotals, sub-regions adding up to the region);
//   - tabel4's and tabel5's `totaal` column are the same figures, as are tabel8 and
//     tabel9's grand total;
//   - tabel1 subtotaal_5_18 = jongens + meisjes + (geslacht X); tabel5 totaal = the four
//     outcomes + (no outcome yet); tabel6 thuiszitters = absoluut + langdurig_relatief,
//     = langer_dan_3_maanden + (the others), = opgelost + (the others); tabel7
//     totaal_<gebied> = its sectors + (what the sectors do not hold). A bracketed part is
//     never printed: an unknown to the reader, and a count the protection must keep
//     from being derived when it is small.
// It then solves all equations at once (suppresstest.Determined) and fails on
// every hidden figure, or small unprinted part, whose value follows.

// attackerModel is a protected report as equations: variables for printed counts and
// unprinted parts.
type attackerModel struct {
	c         suppressCase
	name      []string // per variable
	hidden    []int
	unprinted map[int]bool
}

// attack builds the reader's equations for one school year of a protected report and
// lists every hidden count, and every small unprinted one, that can be recovered.
func attack(t *testing.T, layout []warehouse.Table, protected []warehouse.OpenbaarCell, original []warehouse.Cell, drempel int64) []string {
	t.Helper()
	m := attackerModel{unprinted: map[int]bool{}}
	vars := map[[3]string]int{}
	percent := map[[2]string]bool{}
	for _, tab := range layout {
		for _, c := range tab.Cols {
			percent[[2]string{tab.Key, c.Key}] = c.Percent
		}
	}
	newVar := func(name string, v int64, hidden bool) int {
		i := len(m.c.values)
		m.c.values = append(m.c.values, v)
		m.name = append(m.name, name)
		if hidden {
			m.hidden = append(m.hidden, i)
		}
		return i
	}
	for i, p := range protected {
		if percent[[2]string{p.Tabel, p.Kolom}] {
			continue
		}
		v := original[i].Waarde
		x, err := strconv.ParseInt(v.String(), 10, 64)
		if err != nil {
			t.Fatalf("%s %s/%s = %s is not a count", p.Tabel, p.Rij, p.Kolom, v)
		}
		vars[[3]string{p.Tabel, p.Rij, p.Kolom}] = newVar(cellName(p.Tabel, p.Rij, p.Kolom), x, p.Onderdrukt.Hidden())
	}
	rel := func(total [3]string, parts ...[3]string) {
		tv, ok := vars[total]
		if !ok {
			return
		}
		r := warehouse.Relation{Total: tv}
		for _, p := range parts {
			if pv, ok := vars[p]; ok {
				r.Parts = append(r.Parts, pv)
			}
		}
		m.c.rels = append(m.c.rels, r)
	}
	for _, tab := range layout {
		for _, r := range tab.Rows {
			for _, c := range tab.Cols {
				var down, across [][3]string
				for _, p := range r.Sum {
					down = append(down, [3]string{tab.Key, p, c.Key})
				}
				for _, p := range c.Sum {
					across = append(across, [3]string{tab.Key, r.Key, p})
				}
				if len(down) > 0 {
					rel([3]string{tab.Key, r.Key, c.Key}, down...)
				}
				if len(across) > 0 {
					rel([3]string{tab.Key, r.Key, c.Key}, across...)
				}
			}
		}
	}
	for _, r := range []string{"relatief", "luxe", "absoluut", "totaal"} {
		rel([3]string{"tabel4", r, "totaal"}, [3]string{"tabel5", r, "totaal"})
	}
	rel([3]string{"tabel9", "totaal", "totaal"}, [3]string{"tabel8", "rmc_ers", "aantal"})
	// withUnprinted adds total = parts + an unprinted unknown, along rows (down) or
	// columns of the table.
	withUnprinted := func(tabel string, down bool, total string, parts []string, exact bool) {
		var tab warehouse.Table
		for _, x := range layout {
			if x.Key == tabel {
				tab = x
			}
		}
		cross := tab.Cols
		if !down {
			cross = tab.Rows
		}
		key := func(line, x string) [3]string {
			if down {
				return [3]string{tabel, line, x}
			}
			return [3]string{tabel, x, line}
		}
		for _, x := range cross {
			if x.Percent {
				continue
			}
			tv, ok := vars[key(total, x.Key)]
			if !ok {
				continue
			}
			r := warehouse.Relation{Total: tv}
			rest := m.c.values[tv]
			for _, p := range parts {
				if pv, ok := vars[key(p, x.Key)]; ok {
					r.Parts = append(r.Parts, pv)
					rest -= m.c.values[pv]
				}
			}
			if exact {
				if rest != 0 {
					t.Fatalf("%s %s/%s: the parts %v leave %d; definitions.md makes it exact", tabel, total, x.Key, parts, rest)
				}
			} else {
				if rest < 0 {
					continue // not additive: nothing for a reader to solve
				}
				u := newVar(fmt.Sprintf("%s %s/%s minus %v", tabel, total, x.Key, parts), rest, true)
				m.unprinted[u] = true
				r.Parts = append(r.Parts, u)
			}
			m.c.rels = append(m.c.rels, r)
		}
	}
	withUnprinted("tabel1", true, "subtotaal_5_18", []string{"jongens_5_18", "meisjes_5_18"}, false)
	withUnprinted("tabel5", false, "totaal", []string{"leerstraf", "geldboete", "taakstraf", "overig"}, false)
	withUnprinted("tabel6", true, "thuiszitters", []string{"absoluut", "langdurig_relatief"}, true)
	withUnprinted("tabel6", true, "thuiszitters", []string{"langer_dan_3_maanden"}, false)
	withUnprinted("tabel6", true, "thuiszitters", []string{"opgelost"}, false)
	for _, g := range []string{"regio", "landelijk"} {
		withUnprinted("tabel7", true, "totaal_"+g, []string{"vo_" + g, "mbo_" + g, "vavo_" + g}, false)
	}

	var found []string
	for _, k := range suppresstest.Determined(m.c.rels, m.hidden) {
		v := m.c.values[k]
		switch {
		case !m.unprinted[k]:
			found = append(found, fmt.Sprintf("hidden %s (%d) can be recovered from the figures beside it", m.name[k], v))
		case v >= 1 && v < drempel:
			found = append(found, fmt.Sprintf("the unprinted count %s = %d can be recovered from the figures shown", m.name[k], v))
		}
	}
	return found
}

// checkProtected checks a protected report against its original: same cells in the same
// order, shown figures unchanged, hidden ones zeroed, counts 1…drempel−1 hidden as
// small and nothing else so, zeros shown, a percentage shown only beside shown counts;
// then runs the attacker.
func checkProtected(t *testing.T, layout []warehouse.Table, original []warehouse.Cell, protected []warehouse.OpenbaarCell, drempel int64) (hidden int) {
	t.Helper()
	if len(protected) != len(original) {
		t.Fatalf("got %d protected cells for %d cells", len(protected), len(original))
	}
	percent := map[[2]string]bool{}
	for _, tab := range layout {
		for _, c := range tab.Cols {
			percent[[2]string{tab.Key, c.Key}] = c.Percent
		}
	}
	rowHidden := map[[2]string]bool{}
	for i, p := range protected {
		o := original[i]
		name := cellName(o.Tabel, o.Rij, o.Kolom)
		if p.Schooljaar != o.Schooljaar || p.Tabel != o.Tabel || p.Rij != o.Rij || p.Kolom != o.Kolom {
			t.Fatalf("cell %d: got %s, want %s", i, cellName(p.Tabel, p.Rij, p.Kolom), name)
		}
		if p.Onderdrukt.Hidden() {
			hidden++
			if p.Waarde != (warehouse.Number{}) {
				t.Errorf("%s is hidden but carries its value %s", name, p.Waarde)
			}
		} else if p.Waarde != o.Waarde {
			t.Errorf("%s is shown as %s, want %s", name, p.Waarde, o.Waarde)
		}
		if percent[[2]string{o.Tabel, o.Kolom}] {
			continue
		}
		small := o.Waarde.IsInteger() && o.Waarde.Float64() >= 1 && o.Waarde.Float64() < float64(drempel)
		switch {
		case small && p.Onderdrukt != warehouse.SuppressedSmall:
			t.Errorf("%s = %s: got %v, want it hidden as small", name, o.Waarde, p.Onderdrukt)
		case !small && p.Onderdrukt == warehouse.SuppressedSmall:
			t.Errorf("%s = %s is marked small", name, o.Waarde)
		case o.Waarde == warehouse.Count(0) && p.Onderdrukt == warehouse.SuppressedSmall:
			t.Errorf("%s = 0 is hidden as small; zeros are shown", name)
		}
		if p.Onderdrukt.Hidden() {
			rowHidden[[2]string{o.Tabel, o.Rij}] = true
		}
	}
	for _, p := range protected {
		if percent[[2]string{p.Tabel, p.Kolom}] && rowHidden[[2]string{p.Tabel, p.Rij}] && !p.Onderdrukt.Hidden() {
			t.Errorf("%s: a percentage is shown beside a hidden count of its row", cellName(p.Tabel, p.Rij, p.Kolom))
		}
	}
	for _, f := range attack(t, layout, protected, original, drempel) {
		t.Error(f)
	}
	return hidden
}

// TestJaarverslagOpenbaarCases protects the annual report of every year of every case
// under testdata/jaarverslag, at thresholds 5 and 3, and audits it.
func TestJaarverslagOpenbaarCases(t *testing.T) {
	ctx := context.Background()
	dirs, err := filepath.Glob(filepath.Join("testdata", "jaarverslag", "*", "expected.csv"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no cases: %v", err)
	}
	for _, expected := range dirs {
		dir := filepath.Dir(expected)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			db := loadCase(t, dir)
			var years []string
			for _, w := range readExpected(t, expected) {
				if !w.refused && !slices.Contains(years, w.schooljaar) {
					years = append(years, w.schooljaar)
				}
			}
			for _, year := range years {
				r, err := db.JaarverslagOn(ctx, year, caseToday(t, dir))
				if err != nil {
					t.Fatal(err)
				}
				cells, layout := r.Cells, r.Layout // the year's own rules (tabel1 18_23 or 18_27)
				for _, drempel := range []int{5, 3} {
					t.Run(fmt.Sprintf("%s_drempel_%d", year, drempel), func(t *testing.T) {
						before := slices.Clone(cells)
						protected, err := warehouse.JaarverslagOpenbaar(cells, layout, drempel)
						if err != nil {
							t.Fatal(err)
						}
						if !slices.Equal(before, cells) {
							t.Errorf("JaarverslagOpenbaar changed the cells it was given")
						}
						checkProtected(t, layout, cells, protected, int64(drempel))
					})
				}
			}
		})
	}
}

// TestJaarverslagOpenbaarDemo protects two years of the demo data and audits them.
func TestJaarverslagOpenbaarDemo(t *testing.T) {
	ctx := context.Background()
	db := loadDemo(t)
	subregios, err := db.Subregios(ctx)
	if err != nil {
		t.Fatal(err)
	}
	layout := warehouse.JaarverslagLayout(subregios, regelsVoor2026)
	for _, year := range []string{"2018-2019", "2023-2024"} {
		t.Run(year, func(t *testing.T) {
			cells, err := db.Jaarverslag(ctx, year)
			if err != nil {
				t.Fatal(err)
			}
			protected, err := warehouse.JaarverslagOpenbaar(cells, layout, 5)
			if err != nil {
				t.Fatal(err)
			}
			hidden := checkProtected(t, layout, cells, protected, 5)
			t.Logf("%d of %d cells hidden", hidden, len(cells))
		})
	}
}

// randomReport makes an annual report of random counts (mostly small) that keeps every
// sum of definitions.md, with the layout's totals added as Jaarverslag adds them.
func randomReport(r *rand.Rand, layout []warehouse.Table) []warehouse.Cell {
	count := func() int64 {
		switch r.IntN(4) {
		case 0:
			return 0
		case 1, 2:
			return int64(1 + r.IntN(6))
		default:
			return int64(r.IntN(40))
		}
	}
	base := map[[3]string]int64{}
	get := func(k [3]string) int64 { return base[k] }
	var cells []warehouse.Cell
	for _, tab := range layout {
		rows := map[string]warehouse.Line{}
		for _, l := range tab.Rows {
			rows[l.Key] = l
		}
		cols := map[string]warehouse.Line{}
		for _, l := range tab.Cols {
			cols[l.Key] = l
		}
		for _, rl := range tab.Rows {
			for _, cl := range tab.Cols {
				if len(rl.Sum) == 0 && len(cl.Sum) == 0 {
					base[[3]string{tab.Key, rl.Key, cl.Key}] = count()
				}
			}
		}
		k := func(rij, kolom string) [3]string { return [3]string{tab.Key, rij, kolom} }
		switch tab.Key {
		case "tabel1":
			for _, c := range tab.Cols {
				x := int64(0)
				if r.IntN(3) == 0 {
					x = int64(r.IntN(4))
				}
				base[k("subtotaal_5_18", c.Key)] = get(k("jongens_5_18", c.Key)) + get(k("meisjes_5_18", c.Key)) + x
			}
		case "tabel5":
			// The measures of tabel4, split by outcome; some without one yet.
			for _, rl := range tab.Rows {
				if len(rl.Sum) > 0 {
					continue
				}
				left := get([3]string{"tabel4", rl.Key, "halt"}) + get([3]string{"tabel4", rl.Key, "pv"})
				base[k(rl.Key, "totaal")] = left
				for _, c := range []string{"leerstraf", "geldboete", "taakstraf", "overig"} {
					v := int64(r.IntN(int(left) + 1))
					base[k(rl.Key, c)] = v
					left -= v
				}
			}
		case "tabel6":
			for _, c := range tab.Cols {
				th := get(k("absoluut", c.Key)) + get(k("langdurig_relatief", c.Key))
				base[k("thuiszitters", c.Key)] = th
				base[k("langer_dan_3_maanden", c.Key)] = int64(r.IntN(int(th) + 1))
				base[k("opgelost", c.Key)] = int64(r.IntN(int(th) + 1))
			}
		case "tabel7":
			for _, g := range []string{"regio", "landelijk"} {
				for _, c := range []string{"deelnemers", "vsvers"} {
					var s int64
					for _, sec := range []string{"vo", "mbo", "vavo"} {
						s += get(k(sec+"_"+g, c))
					}
					base[k("totaal_"+g, c)] = s + int64(r.IntN(2))*int64(r.IntN(3))
				}
			}
		}
		var value func(rl, cl warehouse.Line) int64
		value = func(rl, cl warehouse.Line) int64 {
			var n int64
			switch {
			case len(rl.Sum) > 0:
				for _, p := range rl.Sum {
					n += value(rows[p], cl)
				}
			case len(cl.Sum) > 0:
				for _, p := range cl.Sum {
					n += value(rl, cols[p])
				}
			default:
				n = base[k(rl.Key, cl.Key)]
			}
			return n
		}
		for _, rl := range tab.Rows {
			for _, cl := range tab.Cols {
				v := warehouse.Count(value(rl, cl))
				if cl.Percent { // tabel7's vsv_pct, exact enough for the test
					d, n := base[k(rl.Key, "deelnemers")], base[k(rl.Key, "vsvers")]
					v = warehouse.Count(0)
					if d > 0 {
						v, _ = warehouse.ParseNumber(fmt.Sprintf("%.2f", 100*float64(n)/float64(d)))
					}
				}
				base[k(rl.Key, cl.Key)] = int64(v.Float64())
				cells = append(cells, warehouse.Cell{Schooljaar: "2018-2019", Tabel: tab.Key, Rij: rl.Key, Kolom: cl.Key, Waarde: v})
			}
		}
	}
	// The figures printed twice.
	at := map[[3]string]int{}
	for i, c := range cells {
		at[[3]string{c.Tabel, c.Rij, c.Kolom}] = i
	}
	cells[at[[3]string{"tabel8", "rmc_ers", "aantal"}]].Waarde = cells[at[[3]string{"tabel9", "totaal", "totaal"}]].Waarde
	return cells
}

// TestJaarverslagOpenbaarRandom protects many random reports, laid out for one, two
// and three sub-regions, and audits each.
func TestJaarverslagOpenbaarRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(2019, 25))
	regions := [][]warehouse.Subregio{
		{{Code: "noord", Naam: "Noord"}},
		{{Code: "zk", Naam: "Zuid-Kennemerland"}, {Code: "ijmond", Naam: "IJmond"}},
		{{Code: "a", Naam: "A"}, {Code: "b", Naam: "B"}, {Code: "c", Naam: "C"}},
	}
	for n := 0; n < 30; n++ {
		sub := regions[n%len(regions)]
		layout := warehouse.JaarverslagLayout(sub, regelsVoor2026)
		cells := randomReport(r, layout)
		t.Run(fmt.Sprintf("%d_%d_subregios", n, len(sub)), func(t *testing.T) {
			protected, err := warehouse.JaarverslagOpenbaar(cells, layout, 5)
			if err != nil {
				t.Fatal(err)
			}
			checkProtected(t, layout, cells, protected, 5)
		})
	}
}

// TestJaarverslagOpenbaarAttackerDetects checks that the attacker finds what primary
// suppression alone leaves open, so that its silence above means something.
func TestJaarverslagOpenbaarAttackerDetects(t *testing.T) {
	layout := warehouse.JaarverslagLayout([]warehouse.Subregio{{Code: "zk", Naam: "Zuid-Kennemerland"}, {Code: "ijmond", Naam: "IJmond"}}, regelsVoor2026)
	cells := randomReport(rand.New(rand.NewPCG(1, 2)), layout)
	var naive []warehouse.OpenbaarCell
	for _, c := range cells {
		p := warehouse.OpenbaarCell{Cell: c}
		if c.Kolom != "vsv_pct" && c.Waarde.IsInteger() && c.Waarde.Float64() >= 1 && c.Waarde.Float64() < 5 {
			p.Onderdrukt, p.Waarde = warehouse.SuppressedSmall, warehouse.Number{}
		}
		naive = append(naive, p)
	}
	found := attack(t, layout, naive, cells, 5)
	if len(found) == 0 {
		t.Fatalf("the attacker recovers nothing from a report with only its small counts hidden; want it to")
	}
	t.Logf("primary suppression alone: %d findings, e.g. %s", len(found), found[0])
}

// TestJaarverslagOpenbaarNothingSmall checks that a report without small counts comes
// out as it went in: zeros, which are shown, and cells without data, which keep their
// status and are no part of any sum (only an exemption of an adult is loaded, which
// tabel2 does not count).
func TestJaarverslagOpenbaarNothingSmall(t *testing.T) {
	ctx := context.Background()
	db := openEmpty(t)
	loadInbox(t, db, map[string]string{"vrijstellingen_volwassen.csv": "vrijstelling_id;bsn;geboortedatum;gemeente;artikel;besluitdatum;ingangsdatum;einddatum\n" +
		"C1;123459096;1990-01-01;GM0392;5A;2019-03-01;;\n"})
	r, err := db.JaarverslagOn(ctx, "2018-2019", defaultToday)
	if err != nil {
		t.Fatal(err)
	}
	empty := r.Cells
	statuses := 0
	for _, c := range empty {
		if !c.Status.IsValue() {
			statuses++
		}
	}
	if statuses == 0 || statuses == len(empty) {
		t.Fatalf("%d of %d cells have a status; the test wants both values and statuses", statuses, len(empty))
	}
	subregios, err := db.Subregios(ctx)
	if err != nil {
		t.Fatal(err)
	}
	layout := warehouse.JaarverslagLayout(subregios, regelsVoor2026)
	for name, cells := range map[string][]warehouse.Cell{"empty": empty} {
		t.Run(name, func(t *testing.T) {
			protected, err := warehouse.JaarverslagOpenbaar(cells, layout, 5)
			if err != nil {
				t.Fatal(err)
			}
			for i, p := range protected {
				if p.Onderdrukt.Hidden() || p.Cell != cells[i] {
					t.Errorf("%s: got %v %s, want %s shown", cellName(p.Tabel, p.Rij, p.Kolom), p.Onderdrukt, p.Waarde, cells[i].Waarde)
				}
			}
		})
	}
}

// TestJaarverslagOpenbaarErrors checks what JaarverslagOpenbaar refuses.
func TestJaarverslagOpenbaarErrors(t *testing.T) {
	layout := warehouse.JaarverslagLayout([]warehouse.Subregio{{Code: "zk", Naam: "Zuid-Kennemerland"}}, regelsVoor2026)
	good := randomReport(rand.New(rand.NewPCG(3, 4)), layout)
	set := func(tabel, rij, kolom, waarde string) []warehouse.Cell {
		cells := slices.Clone(good)
		for i, c := range cells {
			if c.Tabel == tabel && c.Rij == rij && c.Kolom == kolom {
				n, err := warehouse.ParseNumber(waarde)
				if err != nil {
					t.Fatal(err)
				}
				cells[i].Waarde = n
				return cells
			}
		}
		t.Fatalf("no cell %s", cellName(tabel, rij, kolom))
		return nil
	}
	for _, tc := range []struct {
		name    string
		cells   []warehouse.Cell
		drempel int
		want    string
	}{
		{"threshold 1", good, 1, "use 2 or more"},
		{"not a count", set("tabel2", "art_5a", "aantal", "1.5"), 5, "not a count"},
		{"negative", set("tabel2", "art_5a", "aantal", "-1"), 5, "not a count"},
		{"tabel8 is not tabel9's total", set("tabel8", "rmc_ers", "aantal", "100001"), 5, "the definitions make them equal"},
		{"tabel6 soorten do not add up", set("tabel6", "absoluut", "zk", "100001"), 5, "not the sum"},
		{"unknown table", append(slices.Clone(good), warehouse.Cell{Schooljaar: "2018-2019", Tabel: "tabel10", Rij: "x", Kolom: "y"}), 5, "no such table"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := warehouse.JaarverslagOpenbaar(tc.cells, layout, tc.drempel)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want one saying %q", err, tc.want)
			}
		})
	}
	if _, err := warehouse.JaarverslagOpenbaar(good, layout, 5); err != nil {
		t.Errorf("the unaltered report: %v", err)
	}
}

// TestJaarverslagOpenbaarYears checks that cells of two school years are protected each
// on their own, in the order given.
func TestJaarverslagOpenbaarYears(t *testing.T) {
	layout := warehouse.JaarverslagLayout([]warehouse.Subregio{{Code: "zk", Naam: "Zuid-Kennemerland"}}, regelsVoor2026)
	r := rand.New(rand.NewPCG(5, 6))
	a, b := randomReport(r, layout), randomReport(r, layout)
	for i := range b {
		b[i].Schooljaar = "2019-2020"
	}
	both := append(slices.Clone(a), b...)
	got, err := warehouse.JaarverslagOpenbaar(both, layout, 5)
	if err != nil {
		t.Fatal(err)
	}
	for _, year := range [][]warehouse.Cell{a, b} {
		alone, err := warehouse.JaarverslagOpenbaar(year, layout, 5)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range alone {
			if !slices.Contains(got, p) {
				t.Errorf("%s %s: protected alone %v, not so among two years", p.Schooljaar, cellName(p.Tabel, p.Rij, p.Kolom), p.Onderdrukt)
				break
			}
		}
	}
	if len(got) != len(both) {
		t.Fatalf("got %d cells for %d", len(got), len(both))
	}
	for i, p := range got {
		if p.Schooljaar != both[i].Schooljaar || p.Tabel != both[i].Tabel || p.Rij != both[i].Rij || p.Kolom != both[i].Kolom {
			t.Fatalf("cell %d: got %s %s, want %s %s", i, p.Schooljaar, cellName(p.Tabel, p.Rij, p.Kolom), both[i].Schooljaar, cellName(both[i].Tabel, both[i].Rij, both[i].Kolom))
		}
	}
}
