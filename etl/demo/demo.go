// Package demo generates the synthetic exports behind `leerplein demo`: ten school years
// (2015-2016 … 2024-2025) of every feed in feeds.md — leerlingen on each 1 October,
// verzuimmeldingen and maatregelen, vrijstellingen, thuiszitters, rmc_trajecten and
// vsv_cijfers — written the way real exports arrive: CSV in several dialects (`;`, `,`,
// tab, UTF-8 with BOM, Windows-1252, CRLF), XLSX with real date cells, Parquet, header
// spelling variants, re-deliveries that replace earlier rows, a duplicate file and a
// handful of rows the loader must quarantine.
//
// Every number comes from an explicit plan (plan.go): for 2016-2017, 2017-2018 and
// 2018-2019 the data reproduce every published cell of the reference annual report
// (seed_tables.csv) under the counting rules of definitions.md; the other years follow
// plausible trends in which some KPI targets are met and some are not. Persons are one
// synthetic population (BSNs pass the eleven test) shared by all feeds. Output is
// deterministic: the same bytes on every call.
package demo

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"time"
)

// FirstYear and LastYear bound the school years generated (2015-2016 … 2024-2025).
const (
	FirstYear = 2015
	LastYear  = 2024
)

// Generate writes synthetic feed files for school years 2015-2016 … 2024-2025 into dir
// (created if missing), deterministically (same bytes every call), and returns their
// names in load order.
func Generate(dir string) ([]string, error) {
	files, err := build()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("demo: create %s: %w", dir, err)
	}
	names := make([]string, 0, len(files))
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(dir, f.name), f.data, 0o640); err != nil {
			return nil, fmt.Errorf("demo: write %s: %w", f.name, err)
		}
		names = append(names, f.name)
	}
	sort.Strings(names)
	return names, nil
}

// outFile is one rendered export.
type outFile struct {
	name string
	data []byte
}

// build generates the whole data set and renders every file in memory.
func build() ([]outFile, error) {
	ds, err := generateData()
	if err != nil {
		return nil, err
	}
	return renderAll(ds)
}

// dataset holds every generated record, per feed.
type dataset struct {
	pop        *population
	leerlingen map[int][]leerling // by school year
	meldingen  []*melding
	maatregels []*maatregel
	vrijst     []*vrijstelling
	episodes   []*episode
	trajecten  []*traject
	vsv        []vsvDelivery
}

// generateData builds the population and every feed from the plan.
func generateData() (*dataset, error) {
	ds := &dataset{pop: newPopulation(), leerlingen: map[int][]leerling{}}
	for y := FirstYear; y <= LastYear; y++ {
		ll, err := buildLeerlingen(ds.pop, y)
		if err != nil {
			return nil, err
		}
		ds.leerlingen[y] = ll
	}
	var err error
	if ds.meldingen, err = buildMeldingen(ds.pop); err != nil {
		return nil, err
	}
	if ds.maatregels, err = buildMaatregelen(ds.meldingen); err != nil {
		return nil, err
	}
	if ds.vrijst, err = buildVrijstellingen(ds.pop); err != nil {
		return nil, err
	}
	if ds.episodes, err = buildEpisodes(ds.pop); err != nil {
		return nil, err
	}
	if ds.trajecten, err = buildTrajecten(ds.pop); err != nil {
		return nil, err
	}
	ds.vsv = vsvDeliveries()
	return ds, nil
}

// Dates -------------------------------------------------------------------------------

// day is a calendar date at midnight UTC.
func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// begin is 1 August of school year y (y = 2018 for 2018-2019).
func begin(y int) time.Time { return day(y, time.August, 1) }

// end is 31 July, the last day of school year y.
func end(y int) time.Time { return day(y+1, time.July, 31) }

// peil is the annual reference date of school year y, 1 October.
func peil(y int) time.Time { return day(y, time.October, 1) }

// schoolYear returns the school year a date falls in.
func schoolYear(t time.Time) int {
	if t.Month() >= time.August {
		return t.Year()
	}
	return t.Year() - 1
}

// yearName is the school year's label, 2018-2019.
func yearName(y int) string { return fmt.Sprintf("%d-%d", y, y+1) }

// addDays moves t by n days.
func addDays(t time.Time, n int) time.Time { return t.AddDate(0, 0, n) }

// addMonths adds n calendar months the way DuckDB's `+ interval n month` does: a day
// that does not exist in the target month is clamped to its last day.
func addMonths(t time.Time, n int) time.Time {
	first := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, n, 0)
	last := first.AddDate(0, 1, -1).Day()
	return first.AddDate(0, 0, min(t.Day(), last)-1)
}

// age is the age in whole years on date on.
func age(birth, on time.Time) int {
	a := on.Year() - birth.Year()
	if on.Month() < birth.Month() || (on.Month() == birth.Month() && on.Day() < birth.Day()) {
		a--
	}
	return a
}

// daysBetween is the number of days from a to b.
func daysBetween(a, b time.Time) int { return int(b.Sub(a).Hours() / 24) }

// randDay is a uniformly chosen date in [lo, hi].
func randDay(r *rand.Rand, lo, hi time.Time) time.Time {
	n := daysBetween(lo, hi)
	if n <= 0 {
		return lo
	}
	return addDays(lo, r.IntN(n+1))
}

// Randomness ----------------------------------------------------------------------------

// rng returns a generator seeded from a label, so every part of the data has its own
// stream and a change in one feed does not shift the numbers of another.
func rng(label string, n int) *rand.Rand {
	h := fnv.New64a()
	fmt.Fprintf(h, "leerplein-demo/%s/%d", label, n)
	s := h.Sum64()
	return rand.New(rand.NewPCG(s, s^0x9e3779b97f4a7c15))
}

// apportion splits total into integer parts proportional to weights (largest remainder).
func apportion(total int, weights []float64) []int {
	sum := 0.0
	for _, w := range weights {
		sum += w
	}
	out := make([]int, len(weights))
	if total <= 0 || sum <= 0 {
		return out
	}
	type rem struct {
		i int
		f float64
	}
	rems := make([]rem, len(weights))
	left := total
	for i, w := range weights {
		x := float64(total) * w / sum
		out[i] = int(x)
		left -= out[i]
		rems[i] = rem{i, x - float64(out[i])}
	}
	sort.SliceStable(rems, func(a, b int) bool { return rems[a].f > rems[b].f })
	for k := 0; k < left; k++ {
		out[rems[k%len(rems)].i]++
	}
	return out
}

// shuffle permutes a slice in place.
func shuffle[T any](r *rand.Rand, s []T) {
	r.Shuffle(len(s), func(i, j int) { s[i], s[j] = s[j], s[i] })
}

// pickWeighted returns the index of a weight chosen proportionally.
func pickWeighted(r *rand.Rand, weights []float64) int {
	sum := 0.0
	for _, w := range weights {
		sum += w
	}
	x := r.Float64() * sum
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1
}
