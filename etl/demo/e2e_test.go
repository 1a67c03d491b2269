package demo_test

import (
	"bufio"
	"context"
	"errors"
	"io/fs"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/hetleerplein/leerplein/etl"
	"github.com/hetleerplein/leerplein/etl/demo"
	"github.com/hetleerplein/leerplein/warehouse"
)

// seedPath is the published reference report, relative to this package.
const seedPath = "../../../shared/reference/seed_tables.csv"

// TestDemoReproducesSeed loads the demo through 3 December 2026 (a school year in
// progress, the first under the law of 2026) through the real loader and checks that the
// annual report of 2016-2017, 2017-2018 and 2018-2019 still has every published figure,
// and that the KPIs read the next day show 2026-2027 in progress up to that day.
func TestDemoReproducesSeed(t *testing.T) {
	seed := readSeed(t)
	if testing.Short() {
		t.Skip("loads eleven and a half years of demo data (about half a minute)")
	}
	ctx := context.Background()
	dir := t.TempDir()
	until := time.Date(2026, time.December, 3, 0, 0, 0, 0, time.UTC)
	names, err := demo.Generate(dir, until)
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
	t.Run("2026-2027 in progress", func(t *testing.T) { checkInProgress(t, db, until) })
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

// checkInProgress reads the KPIs on the day after until, as `make run` does, and wants
// 2026-2027 in progress through until, with a forecast of the absence reports.
func checkInProgress(t *testing.T, db *warehouse.DB, until time.Time) {
	snap, err := db.KPISnapshotOn(context.Background(), until.AddDate(0, 0, 1))
	if err != nil {
		t.Fatalf("KPISnapshotOn: %v", err)
	}
	s, err := snap.Series("verzuim_meldingen", warehouse.KPIFilter{})
	if err != nil {
		t.Fatalf("Series: %v", err)
	}
	ip := s.InProgress
	if ip == nil {
		t.Fatal("verzuim_meldingen: no school year in progress")
	}
	if ip.SchoolYear != "2026-2027" || !ip.HasThrough || !ip.Through.Equal(until) {
		t.Errorf("in progress %s through %s (has through: %v), want 2026-2027 through %s",
			ip.SchoolYear, ip.Through.Format(time.DateOnly), ip.HasThrough, until.Format(time.DateOnly))
	}
	if ip.Value == nil || *ip.Value <= 0 {
		t.Errorf("verzuim_meldingen to date: %v, want a count", ip.Value)
	}
	f := ip.Forecast
	if f.Value == nil || f.Low == nil || f.High == nil || ip.Value == nil {
		t.Fatalf("no forecast: %s", f.ReasonEN)
	}
	if !(*f.Low <= *f.Value && *f.Value <= *f.High) || *f.Value < *ip.Value {
		t.Errorf("forecast %v in [%v, %v] with %v to date: want the value inside its interval and not below the count to date", *f.Value, *f.Low, *f.High, *ip.Value)
	}
	if len(f.BasedOn) < 10 {
		t.Errorf("forecast based on %v, want the complete years before 2026-2027", f.BasedOn)
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
