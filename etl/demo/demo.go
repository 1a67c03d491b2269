// Package demo generates the synthetic exports behind `leerplein demo`: every school year
// from 2015-2016 up to the one containing a given day (by default yesterday), and nothing
// dated after that day, of every feed in feeds.md — leerlingen on each 1 October,
// verzuimmeldingen and maatregelen, vrijstellingen, thuiszitters, rmc_trajecten and
// vsv_cijfers — written the way real exports arrive: CSV in several dialects (`;`, `,`,
// tab, UTF-8 with BOM, Windows-1252, CRLF), XLSX with real date cells, Parquet, header
// spelling variants, re-deliveries that replace earlier rows, a duplicate file and a
// handful of rows the loader must quarantine.
//
// Every number comes from an explicit plan (plan.go): for 2016-2017, 2017-2018 and
// 2018-2019 the data reproduce every published cell of the reference annual report
// (seed_tables.csv) under the counting rules of definitions.md; the other years follow
// plausible trends in which some KPI targets are met and some are not. From 2025-2026 on
// the data follow the law of 2026 (definitions.md, "Rules in force on a date"): absence
// reports and Doorstroompunt trajectories of youths aged 23 to 26 from 1 January 2026,
// and the BRP extract from 1 October 2026 on up to age 26. Persons are one synthetic
// population (BSNs pass the eleven test) shared by all feeds.
//
// Output is deterministic: the same day gives the same bytes. Every school year is
// generated whole and then cut at the day, so a record never depends on the day except
// by being left out (or delivered still open): running a day later only adds. Up to
// PlanEnd the output is byte for byte the ten years the demo was first published with
// (testdata/sha256_2025-07-31.txt).
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

// FirstYear and LastYear bound the school years the plan covers (2015-2016 …
// 2030-2031): the demo generates no day after end(LastYear).
const (
	FirstYear = 2015
	LastYear  = 2030
)

// planYear is the last school year of the ten the demo was first published with
// (2024-2025). A few rules of those years (the PVs still before the court in 2024-2025,
// the persons drawn) are kept as they were so that their bytes do not change.
const planYear = 2024

// PlanEnd is the last day of the ten school years the demo was first published with,
// 31 July 2025: Generate up to it writes exactly the files of that publication.
func PlanEnd() time.Time { return end(planYear) }

// EarliestUntil is the first day the demo can run through, 31 July 2016: the end of the
// first school year, so that at least one whole year is there to compare with.
func EarliestUntil() time.Time { return end(FirstYear) }

// LatestUntil is the last day the plan reaches, 31 July 2031 (end of LastYear).
func LatestUntil() time.Time { return end(LastYear) }

// lawDay is the day the Wet van school naar duurzaam werk takes effect: the
// Doorstroompunt's target group and the duty to report absence run to age 27.
func lawDay() time.Time { return day(2026, time.January, 1) }

// Generate writes synthetic feed files for every school year from 2015-2016 up to the
// one containing until (its calendar date; from EarliestUntil to LatestUntil) into dir
// (created if missing), with no record dated after until, deterministically (the same
// until gives the same bytes), and returns their names in load order.
func Generate(dir string, until time.Time) ([]string, error) {
	u := day(until.Year(), until.Month(), until.Day())
	if u.Before(EarliestUntil()) || u.After(LatestUntil()) {
		return nil, fmt.Errorf("demo: the demo runs through a day from %s to %s, not %s",
			EarliestUntil().Format(time.DateOnly), LatestUntil().Format(time.DateOnly), u.Format(time.DateOnly))
	}
	files, err := build(u)
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

// build generates the data set up to until and renders every file in memory.
func build(until time.Time) ([]outFile, error) {
	ds, err := generateData(until)
	if err != nil {
		return nil, err
	}
	return renderAll(ds)
}

// dataset holds every generated record, per feed: the whole school years up to the one
// containing until; the files leave out what is dated after until.
type dataset struct {
	until      time.Time
	last       int // the school year containing until
	pop        *population
	leerlingen map[int][]leerling // by school year
	meldingen  []*melding
	maatregels []*maatregel
	vrijst     []*vrijstelling
	episodes   []*episode
	trajecten  []*traject
	vsv        []vsvDelivery
}

// generateData builds the population and every feed from the plan, for every school
// year up to the one containing until. A year's records do not depend on until: each
// builder goes through the years in order, so a later year only adds to the streams.
func generateData(until time.Time) (*dataset, error) {
	last := schoolYear(until)
	ds := &dataset{until: until, last: last, pop: newPopulation(), leerlingen: map[int][]leerling{}}
	for y := FirstYear; y <= last; y++ {
		ll, err := buildLeerlingen(ds.pop, y)
		if err != nil {
			return nil, err
		}
		ds.leerlingen[y] = ll
	}
	var err error
	if ds.meldingen, err = buildMeldingen(ds.pop, last); err != nil {
		return nil, err
	}
	if ds.maatregels, err = buildMaatregelen(ds.meldingen, last); err != nil {
		return nil, err
	}
	if ds.vrijst, err = buildVrijstellingen(ds.pop, last); err != nil {
		return nil, err
	}
	if ds.episodes, err = buildEpisodes(ds.pop, last); err != nil {
		return nil, err
	}
	if ds.trajecten, err = buildTrajecten(ds.pop, last); err != nil {
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

// latest returns the later of two dates.
func latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b
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
