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
	namesA, err := Generate(dirA)
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	namesB, err := Generate(dirB) // a directory that does not exist yet
	if err != nil {
		t.Fatalf("Generate into a new directory: %v", err)
	}

	t.Run("same bytes every call", func(t *testing.T) {
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
	})

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
			if perFeed[f] < LastYear-FirstYear+1 {
				t.Errorf("feed %s: %d files, want one per school year (%d)", f, perFeed[f], LastYear-FirstYear+1)
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
	ds, err := generateData()
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
