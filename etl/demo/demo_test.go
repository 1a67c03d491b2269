package demo

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"github.com/hetleerplein/leerplein/etl"
)

// feedNames are the file name prefixes of feeds.md.
func feedNames() []string {
	return []string{"leerlingen", "verzuimmeldingen", "maatregelen", "vrijstellingen", "thuiszitters", "rmc_trajecten", "vsv_cijfers"}
}

func TestGenerate(t *testing.T) {
	dirA, dirB := t.TempDir(), filepath.Join(t.TempDir(), "nieuw")
	namesA, err := Generate(dirA, PlanEnd())
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	namesB, err := Generate(dirB, PlanEnd()) // a directory that does not exist yet
	if err != nil {
		t.Fatalf("Generate into a new directory: %v", err)
	}

	t.Run("same bytes every call", func(t *testing.T) { sameFiles(t, dirA, dirB, namesA, namesB) })

	t.Run("the same bytes as recorded", func(t *testing.T) {
		checkRecordedHashes(t, dirA, namesA, "testdata/sha256_2025-07-31.txt")
	})

	t.Run("every name is a feed, every year present", func(t *testing.T) {
		perFeed := map[string]int{}
		for _, n := range namesA {
			feed := ""
			for _, f := range feedNames() {
				if strings.HasPrefix(strings.ToLower(n), f) {
					feed = f
				}
			}
			if feed == "" {
				t.Errorf("%s: no feed name prefix (%v)", n, feedNames())
			}
			if ext := filepath.Ext(n); ext != ".csv" && ext != ".xlsx" && ext != ".parquet" {
				t.Errorf("%s: extension %q, want .csv, .xlsx or .parquet", n, ext)
			}
			perFeed[feed]++
		}
		for _, f := range feedNames()[:6] {
			if perFeed[f] < planYear-FirstYear+1 {
				t.Errorf("feed %s: %d files, want one per school year (%d)", f, perFeed[f], planYear-FirstYear+1)
			}
		}
		for _, want := range []string{"leerlingen_2018-10-01.xlsx", "leerlingen_2020-10-01.parquet", "verzuimmeldingen_2017-2018.csv", "vsv_cijfers_2019-02.xlsx"} {
			if !contains(namesA, want) {
				t.Errorf("missing %s among %v", want, namesA)
			}
		}
	})

	t.Run("BSNs in CSV files pass the eleven test except the planted one", func(t *testing.T) {
		bad := 0
		for _, n := range namesA {
			if filepath.Ext(n) != ".csv" {
				continue
			}
			for line, bsn := range csvColumn(t, filepath.Join(dirA, n), "bsn") {
				switch {
				case bsn == badBSN:
					bad++
				case !etl.ValidBSN(bsn):
					t.Errorf("%s line %d: a BSN fails the eleven test", n, line+2)
				}
			}
		}
		if bad != 1 {
			t.Errorf("planted bad BSN found %d times, want once", bad)
		}
	})
}

// TestGenerateUntil generates the demo through 3 December 2026, inside 2026-2027, the
// first school year under the law of 2026, and checks the cut at that day.
func TestGenerateUntil(t *testing.T) {
	until := day(2026, time.December, 3)
	ds, err := generateData(until)
	if err != nil {
		t.Fatalf("generateData: %v", err)
	}
	exps, err := exportsOf(ds)
	if err != nil {
		t.Fatalf("exportsOf: %v", err)
	}
	byName := map[string]export{}
	for _, x := range exps {
		byName[x.name] = x
	}

	t.Run("no row dated after the day", func(t *testing.T) {
		for _, x := range exps {
			cols := make([]string, len(x.tb.header))
			for j, h := range x.tb.header {
				cols[j] = normal(strings.TrimSpace(h))
				// An exemption decided by the day states the period it covers, which may
				// run into the future; every other date is an event that happened.
				if strings.HasPrefix(x.name, "vrijstellingen_") && (cols[j] == "ingangsdatum" || cols[j] == "einddatum") {
					cols[j] = ""
				}
			}
			for i, row := range x.tb.rows {
				for j, c := range row {
					if c.kind == cDate && c.t.After(until) && cols[j] != "" {
						t.Errorf("%s row %d: %s %s is after %s", x.name, i+1, cols[j], c.t.Format(time.DateOnly), until.Format(time.DateOnly))
					}
				}
			}
		}
	})

	t.Run("every feed reaches the year in progress", func(t *testing.T) {
		for _, want := range []string{"leerlingen_2026-10-01", "verzuimmeldingen_2026-2027", "maatregelen_2026-2027",
			"vrijstellingen_2026-2027", "thuiszitters_2026-2027", "rmc_trajecten_2026-2027", "vsv_cijfers_2026-02"} {
			if _, ok := byName[want]; !ok {
				t.Errorf("no export %s", want)
			}
		}
		for _, unwanted := range []string{"leerlingen_2027-10-01", "verzuimmeldingen_2027-2028", "vsv_cijfers_2027-02"} {
			if _, ok := byName[unwanted]; ok {
				t.Errorf("export %s, which is not due by %s", unwanted, until.Format(time.DateOnly))
			}
		}
	})

	t.Run("what ends after the day is delivered open", func(t *testing.T) {
		ends := map[string]time.Time{} // id → the real end, for those that end after until
		aanbod := map[string]bool{}    // id → has an offer after until
		for _, e := range ds.episodes {
			if e.einde.After(until) && !e.start.After(until) {
				ends[e.id] = e.einde
			}
			if e.aanbod.After(until) && !e.start.After(until) {
				aanbod[e.id] = true
			}
		}
		for _, tr := range ds.trajecten {
			if tr.einde.After(until) && !tr.start.After(until) {
				ends[tr.id] = tr.einde
			}
		}
		open := map[string]int{}
		for _, name := range []string{"thuiszitters_2026-2027", "rmc_trajecten_2026-2027"} {
			tb := byName[name].tb
			id, einde, aan := column(tb, "dossier_id"), column(tb, "einddatum"), column(tb, "aanbod_datum")
			if id < 0 {
				id = column(tb, "traject_id")
			}
			for _, row := range tb.rows {
				k := row[id].s
				if _, later := ends[k]; later {
					if !row[einde].empty() {
						t.Errorf("%s %s: einddatum %s, want empty (it ends after %s)", name, k, row[einde].t.Format(time.DateOnly), until.Format(time.DateOnly))
					}
					open[name]++
				}
				if aanbod[k] && !row[aan].empty() {
					t.Errorf("%s %s: aanbod_datum delivered before the offer was made", name, k)
				}
			}
			if open[name] == 0 {
				t.Errorf("%s: no row that ends after %s, want some delivered open", name, until.Format(time.DateOnly))
			}
		}
		if len(aanbod) == 0 {
			t.Error("no episode with an offer after the day: the rule is not exercised")
		}
	})

	t.Run("the law of 2026", func(t *testing.T) {
		counted := map[int]int{}
		for _, m := range ds.meldingen {
			a := age(m.p.birth, m.datum)
			if a < 23 || a > 26 || m.soort != "RELATIEF" || m.row == "" {
				continue
			}
			if m.datum.Before(lawDay()) {
				t.Errorf("%s: a report at age %d on %s is marked counted before the law", m.id, a, m.datum.Format(time.DateOnly))
			}
			counted[schoolYear(m.datum)]++
		}
		var over22 [2]int // trajectories started at 24 to 26 in 2025-2026, 2026-2027
		for _, tr := range ds.trajecten {
			if a := age(tr.p.birth, tr.start); a >= 24 && a <= 26 && tr.start.After(PlanEnd()) {
				over22[schoolYear(tr.start)-2025]++
				if tr.meld.Before(lawDay()) {
					t.Errorf("%s: a trajectory of a %d-year-old known on %s, before the law", tr.id, a, tr.meld.Format(time.DateOnly))
				}
			}
		}
		extract := func(y, lo, hi int) int {
			n := 0
			for _, l := range ds.leerlingen[y] {
				if a := age(l.p.birth, peil(y)); a >= lo && a <= hi {
					n++
				}
			}
			return n
		}
		if counted[2025] == 0 || counted[2026] == 0 || over22[0] == 0 || over22[1] == 0 {
			t.Errorf("reports at 23-26 per year %v, trajectories at 24-26 %v: want some in 2025-2026 and 2026-2027", counted, over22)
		}
		if n := extract(2025, 24, 26); n != 0 {
			t.Errorf("extract of 1 October 2025: %d youths aged 24 to 26, want none before the law", n)
		}
		if n := extract(2026, 23, 26); n < 10_000 {
			t.Errorf("extract of 1 October 2026: %d youths aged 23 to 26, want the whole band", n)
		}
	})

	// A later run of the demo must deliver the same bytes up to the day: generate through
	// September 2027 and cut at the same day.
	later, err := generateData(day(2027, time.September, 15))
	if err != nil {
		t.Fatalf("generateData later: %v", err)
	}
	t.Run("a later day only adds", func(t *testing.T) {
		compareFiles(t, ds, cutAt(later, until))
	})
	for _, d := range []time.Time{day(2027, time.January, 15), day(2027, time.September, 15)} {
		t.Run("through "+d.Format(time.DateOnly)+" only adds or closes", func(t *testing.T) {
			onlyAddsOrCloses(t, exps, cutAt(later, d))
		})
	}
	t.Run("no BRP extract before its peildatum", func(t *testing.T) {
		exps, err := exportsOf(cutAt(later, day(2026, time.September, 30)))
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range exps {
			if x.name == "leerlingen_2026-10-01" {
				t.Error("leerlingen_2026-10-01 delivered on 30 September 2026")
			}
		}
	})
}

// TestGenerateUntilTwice runs the public Generate twice through the same day inside a
// school year in progress and wants the same files with the same bytes, and a day
// outside the plan refused.
func TestGenerateUntilTwice(t *testing.T) {
	until := time.Date(2026, time.December, 3, 0, 0, 0, 0, time.UTC)
	dirA, dirB := t.TempDir(), t.TempDir()
	namesA, err := Generate(dirA, until)
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	// The same calendar day at another hour and zone is the same day.
	namesB, err := Generate(dirB, time.Date(2026, time.December, 3, 23, 59, 0, 0, time.FixedZone("CET", 3600)))
	if err != nil {
		t.Fatalf("Generate again: %v", err)
	}
	sameFiles(t, dirA, dirB, namesA, namesB)
	for _, d := range []time.Time{EarliestUntil().AddDate(0, 0, -1), LatestUntil().AddDate(0, 0, 1)} {
		if _, err := Generate(t.TempDir(), d); err == nil {
			t.Errorf("Generate through %s: no error, want the day refused", d.Format(time.DateOnly))
		}
	}
}

// onlyAddsOrCloses wants every row of the exports made earlier in the exports of a
// later day: the same file, a row with the same id (or, without an id, the same row),
// and every cell that was filled unchanged. A cell that was empty may be filled since:
// an episode or trajectory that ended, an offer made, a measure's outcome known.
func onlyAddsOrCloses(t *testing.T, earlier []export, later *dataset) {
	t.Helper()
	exps, err := exportsOf(later)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]table{}
	for _, x := range exps {
		byName[x.name] = x.tb
	}
	st := semicolon()
	key := func(tb table, row []cell) string {
		for _, id := range []string{"maatregel_id", "vrijstelling_id", "dossier_id", "traject_id", "melding_id"} {
			if i := column(tb, id); i >= 0 {
				return row[i].text(st)
			}
		}
		var parts []string
		for _, c := range row {
			parts = append(parts, c.text(st))
		}
		return strings.Join(parts, ";")
	}
	closed := 0
	for _, x := range earlier {
		tb, ok := byName[x.name]
		if !ok {
			t.Errorf("%s: gone in the later export", x.name)
			continue
		}
		rows := map[string][]cell{}
		for _, row := range tb.rows {
			rows[key(tb, row)] = row
		}
		for _, row := range x.tb.rows {
			k := key(x.tb, row)
			now, ok := rows[k]
			if !ok {
				t.Errorf("%s: row %s gone in the later export", x.name, k)
				continue
			}
			for j, c := range row {
				switch {
				case c.empty() && !now[j].empty():
					closed++
				case c.text(st) != now[j].text(st):
					t.Errorf("%s row %s: %s %q became %q", x.name, k, x.tb.header[j], c.text(st), now[j].text(st))
				}
			}
		}
	}
	if closed == 0 {
		t.Error("no empty cell filled later: the rule is not exercised")
	}
}

// cutAt is the data set ds as the demo would write it through an earlier day until.
func cutAt(ds *dataset, until time.Time) *dataset {
	cut := *ds
	cut.until, cut.last = until, schoolYear(until)
	return &cut
}

// compareFiles renders two data sets and wants the same files with the same bytes.
func compareFiles(t *testing.T, want, got *dataset) {
	t.Helper()
	a, err := renderAll(want)
	if err != nil {
		t.Fatal(err)
	}
	b, err := renderAll(got)
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != len(b) {
		t.Fatalf("%d files, want %d", len(b), len(a))
	}
	for i := range a {
		if a[i].name != b[i].name || !bytes.Equal(a[i].data, b[i].data) {
			t.Errorf("%s (%d bytes) differs from %s (%d bytes)", b[i].name, len(b[i].data), a[i].name, len(a[i].data))
		}
	}
}

// column is the index of a column of a table by its canonical name, or -1.
func column(tb table, name string) int {
	for i, h := range tb.header {
		if normal(strings.TrimSpace(h)) == name {
			return i
		}
	}
	return -1
}

// checkRecordedHashes compares the sha256 of every generated file with a list recorded
// in `sha256sum` format. The list guards the published years: a change to the generator
// must leave the data up to the end of the plan byte for byte as they were. Only a
// deliberate change of the demo data may rewrite it (cd DIR && sha256sum * > FILE).
func checkRecordedHashes(t *testing.T, dir string, names []string, recorded string) {
	t.Helper()
	want, err := os.ReadFile(recorded)
	if err != nil {
		t.Fatalf("read the recorded hashes: %v", err)
	}
	var got strings.Builder
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			t.Fatalf("read %s: %v", n, err)
		}
		fmt.Fprintf(&got, "%x  %s\n", sha256.Sum256(b), n)
	}
	if got.String() == string(want) {
		return
	}
	wantBy := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(want)), "\n") {
		if h, n, ok := strings.Cut(line, "  "); ok {
			wantBy[n] = h
		}
	}
	gotBy := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(got.String()), "\n") {
		h, n, _ := strings.Cut(line, "  ")
		gotBy[n] = h
		switch w, ok := wantBy[n]; {
		case !ok:
			t.Errorf("%s: generated, but not in %s", n, recorded)
		case w != h:
			t.Errorf("%s: sha256 %s, recorded %s", n, h, w)
		}
	}
	for n := range wantBy {
		if _, ok := gotBy[n]; !ok {
			t.Errorf("%s: in %s, but not generated", n, recorded)
		}
	}
}

// TestPersonsHaveValidBSNs checks every person any feed refers to against the loader's
// own eleven test, so the demo and the ETL agree.
func TestPersonsHaveValidBSNs(t *testing.T) {
	ds, err := generateData(PlanEnd())
	if err != nil {
		t.Fatalf("generateData: %v", err)
	}
	var ps []*person
	for _, ll := range ds.leerlingen {
		for _, l := range ll {
			ps = append(ps, l.p)
		}
	}
	for _, m := range ds.meldingen {
		ps = append(ps, m.p)
	}
	for _, v := range ds.vrijst {
		ps = append(ps, v.p)
	}
	for _, e := range ds.episodes {
		ps = append(ps, e.p)
	}
	for _, tr := range ds.trajecten {
		ps = append(ps, tr.p)
	}
	owner := map[string]*person{}
	for _, p := range append(append([]*person{}, ds.pop.zk...), ds.pop.ij...) {
		if owner[p.bsn] != nil {
			t.Fatalf("person born %s: BSN shared with another person", p.birth.Format(time.DateOnly))
		}
		if !etl.ValidBSN(p.bsn) {
			t.Fatalf("person born %s: BSN fails the eleven test", p.birth.Format(time.DateOnly))
		}
		owner[p.bsn] = p
	}
	for _, p := range ps {
		if !etl.ValidBSN(p.bsn) || !elevenTest(p.bsn) {
			t.Fatalf("person born %s: BSN fails the eleven test", p.birth.Format(time.DateOnly))
		}
		if owner[p.bsn] != p {
			t.Fatalf("person born %s: refers to someone outside the population", p.birth.Format(time.DateOnly))
		}
	}
	if len(ps) < 500_000 {
		t.Errorf("only %d person references, want the full ten years", len(ps))
	}
}

func TestElevenTest(t *testing.T) {
	var seq bsnSeq
	generated := seq.next()
	tests := []struct {
		name, bsn string
		want      bool
	}{
		{"generated", generated, true},
		{"generated, last digit changed", generated[:8] + string('0'+(generated[8]-'0'+1)%10), false},
		{"bad example", badBSN, false},
		{"all zeros", "000000000", false},
		{"eight digits padded", "11222333", elevenTest("011222333")},
		{"letters", "12345678a", false},
		{"too short", "1234567", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := elevenTest(tc.bsn); got != tc.want {
				t.Errorf("elevenTest: got %v, want %v", got, tc.want)
			}
			if got := etl.ValidBSN(tc.bsn); got != tc.want {
				t.Errorf("etl.ValidBSN disagrees: got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestAddMonths(t *testing.T) {
	tests := []struct {
		from time.Time
		n    int
		want time.Time
	}{
		{day(2019, 1, 31), 1, day(2019, 2, 28)},
		{day(2020, 1, 31), 1, day(2020, 2, 29)},
		{day(2018, 11, 30), 3, day(2019, 2, 28)},
		{day(2019, 5, 1), 3, day(2019, 8, 1)},
		{day(2019, 4, 30), 3, day(2019, 7, 30)},
		{day(2019, 7, 31), -4, day(2019, 3, 31)},
	}
	for _, tc := range tests {
		t.Run(tc.from.Format(time.DateOnly), func(t *testing.T) {
			if got := addMonths(tc.from, tc.n); !got.Equal(tc.want) {
				t.Errorf("addMonths(%d): got %s, want %s", tc.n, got.Format(time.DateOnly), tc.want.Format(time.DateOnly))
			}
		})
	}
}

func TestAge(t *testing.T) {
	birth := day(2000, 10, 1)
	tests := []struct {
		on   time.Time
		want int
	}{
		{day(2018, 9, 30), 17},
		{day(2018, 10, 1), 18},
		{day(2018, 10, 2), 18},
		{day(2000, 10, 1), 0},
	}
	for _, tc := range tests {
		t.Run(tc.on.Format(time.DateOnly), func(t *testing.T) {
			if got := age(birth, tc.on); got != tc.want {
				t.Errorf("age: got %d, want %d", got, tc.want)
			}
		})
	}
}

func TestApportion(t *testing.T) {
	tests := []struct {
		name    string
		total   int
		weights []float64
		want    []int
	}{
		{"exact", 10, []float64{1, 1}, []int{5, 5}},
		{"largest remainder", 10, []float64{1, 1, 1}, []int{4, 3, 3}},
		{"zero weight stays zero", 7, []float64{0, 2, 5}, []int{0, 2, 5}},
		{"nothing to split", 0, []float64{1, 2}, []int{0, 0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := apportion(tc.total, tc.weights)
			for i := range tc.want {
				if got[i] != tc.want[i] {
					t.Fatalf("apportion(%d, %v): got %v, want %v", tc.total, tc.weights, got, tc.want)
				}
			}
		})
	}
}

// csvColumn returns the values of one column of a demo CSV file: Windows-1252 or UTF-8
// (with BOM), separator sniffed from the header, column found by its canonical name.
func csvColumn(t *testing.T, path, col string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	if !utf8.Valid(b) {
		if b, err = charmap.Windows1252.NewDecoder().Bytes(b); err != nil {
			t.Fatalf("decode %s: %v", path, err)
		}
	}
	b = bytes.TrimPrefix(b, []byte("\uFEFF"))
	head, _, _ := bytes.Cut(b, []byte("\n"))
	r := csv.NewReader(bytes.NewReader(b))
	r.Comma = ';'
	for _, d := range []rune{'\t', ','} {
		if bytes.Count(head, []byte(string(d))) > bytes.Count(head, []byte(string(r.Comma))) {
			r.Comma = d
		}
	}
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("parse %s: %v", path, err)
	}
	idx := -1
	for i, h := range recs[0] {
		if normal(strings.TrimSpace(h)) == col {
			idx = i
		}
	}
	if idx < 0 {
		return nil
	}
	var out []string
	for _, rec := range recs[1:] {
		out = append(out, rec[idx])
	}
	return out
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// sameFiles checks that two calls of Generate wrote the same files, byte for byte.
func sameFiles(t *testing.T, dirA, dirB string, namesA, namesB []string) {
	t.Helper()
	if strings.Join(namesA, ",") != strings.Join(namesB, ",") {
		t.Fatalf("file names differ between calls:\n%v\n%v", namesA, namesB)
	}
	for _, n := range namesA {
		a, errA := os.ReadFile(filepath.Join(dirA, n))
		b, errB := os.ReadFile(filepath.Join(dirB, n))
		if errA != nil || errB != nil {
			t.Fatalf("read %s: %v %v", n, errA, errB)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s: %d and %d bytes differ between calls", n, len(a), len(b))
		}
	}
}
