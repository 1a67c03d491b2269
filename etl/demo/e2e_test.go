package demo_test

import (
	"bufio"
	"context"
	"errors"
	"io/fs"
	"os"
	"strings"
	"testing"

	"github.com/hetleerplein/leerplein/etl"
	"github.com/hetleerplein/leerplein/etl/demo"
	"github.com/hetleerplein/leerplein/warehouse"
)

// seedPath is the published reference report, relative to this package.
const seedPath = "../../../shared/reference/seed_tables.csv"

// TestDemoReproducesSeed loads the whole demo through the real loader and checks that
// the annual report of 2016-2017, 2017-2018 and 2018-2019 has every published figure.
func TestDemoReproducesSeed(t *testing.T) {
	seed := readSeed(t)
	if testing.Short() {
		t.Skip("loads ten years of demo data (about half a minute)")
	}
	ctx := context.Background()
	dir := t.TempDir()
	names, err := demo.Generate(dir)
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	db, err := warehouse.Open(ctx, ":memory:")
	if err != nil {
		t.Fatalf("warehouse.Open: %v", err)
	}
	defer db.Close()
	sum, err := etl.Run(ctx, db, etl.Options{Inbox: dir, Key: []byte("demo-e2e-key-0123456789abcdefghi"), Region: etl.DefaultRegion(), Job: "demo"})
	if err != nil {
		t.Fatalf("etl.Run: %v", err)
	}
	t.Run("files", func(t *testing.T) { checkFiles(t, names, sum) })
	for _, year := range []string{"2016-2017", "2017-2018", "2018-2019"} {
		t.Run(year, func(t *testing.T) {
			cells, err := db.Jaarverslag(ctx, year)
			if err != nil {
				t.Fatalf("Jaarverslag(%s): %v", year, err)
			}
			got := map[string]warehouse.Number{}
			for _, c := range cells {
				if c.Status.IsValue() { // a cell without data (no seed figure) is no number
					got[c.Tabel+";"+c.Rij+";"+c.Kolom] = c.Waarde
				}
			}
			checked := 0
			for _, s := range seed {
				if s.year != year {
					continue
				}
				checked++
				g, ok := got[s.key]
				switch {
				case !ok:
					t.Errorf("%s %s: missing from the report or not a value, want %s", year, s.key, s.want)
				case g != s.want:
					t.Errorf("%s %s: got %s, want %s", year, s.key, g, s.want)
				}
			}
			if checked == 0 {
				t.Fatalf("the seed has no cells for %s", year)
			}
			// Not in the seed, but planted by the demo: DUO's 2022 publication repeats the
			// provisional 2016-2017 figures (560), which must not replace the definitive 556.
			if want := warehouse.Count(556); year == "2016-2017" && got["tabel7;totaal_regio;vsvers"] != want {
				t.Errorf("%s tabel7;totaal_regio;vsvers: got %s, want the definitive %s", year, got["tabel7;totaal_regio;vsvers"], want)
			}
		})
	}
}

// checkFiles checks what the loader did with each file: every file loaded except the
// duplicate copy (skipped), and exactly the planted bad rows quarantined.
func checkFiles(t *testing.T, names []string, sum etl.Summary) {
	if len(sum.Files) != len(names) {
		t.Errorf("loader saw %d files, demo wrote %d", len(sum.Files), len(names))
	}
	wantQuarantined := map[string]int64{
		"leerlingen_2016-10-01.csv":      1, // bsn fails the eleven test
		"verzuimmeldingen_2017-2018.csv": 1, // verzuimsoort RELATIV
		"maatregelen_2022-2023.csv":      1, // maatregel BOETE
		"vrijstellingen_2019-2020.csv":   1, // gemeente Amsterdam
		"thuiszitters_2020-2021.csv":     1, // startdatum 31-02-2021
		"rmc_trajecten_2019-2020.csv":    1, // gemeente GM0363
	}
	for _, f := range sum.Files {
		wantStatus := etl.StatusLoaded
		if strings.HasSuffix(f.Name, "_kopie.csv") {
			wantStatus = etl.StatusSkipped
		}
		if f.Status != wantStatus {
			t.Errorf("%s: status %s (%s), want %s", f.Name, f.Status, f.Reason, wantStatus)
		}
		if f.Quarantined != wantQuarantined[f.Name] {
			t.Errorf("%s: %d rows quarantined, want %d", f.Name, f.Quarantined, wantQuarantined[f.Name])
		}
	}
}

// seedCell is one published figure.
type seedCell struct {
	year, key string // key: tabel;rij;kolom
	want      warehouse.Number
}

// readSeed reads seed_tables.csv (schooljaar;tabel;rij;kolom;waarde), or skips the test
// when the reference is not next to the repository.
func readSeed(t *testing.T) []seedCell {
	t.Helper()
	f, err := os.Open(seedPath)
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("reference figures %s are not present; nothing to compare with", seedPath)
	}
	if err != nil {
		t.Fatalf("open seed: %v", err)
	}
	defer f.Close()
	var out []seedCell
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		p := strings.Split(strings.TrimSpace(sc.Text()), ";")
		if line == 1 || len(p) != 5 {
			continue
		}
		n, err := warehouse.ParseNumber(p[4])
		if err != nil {
			t.Fatalf("seed line %d: %v", line, err)
		}
		out = append(out, seedCell{year: p[0], key: p[1] + ";" + p[2] + ";" + p[3], want: n})
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("read seed: %v", err)
	}
	return out
}
