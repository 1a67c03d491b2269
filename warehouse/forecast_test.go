package warehouse_test

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hetleerplein/leerplein/etl"
	"github.com/hetleerplein/leerplein/warehouse"
)

// event is one dated row of a fixture feed: an absence report (verzuimmeldingen) or an
// exemption (vrijstellingen) in a gemeente.
type event struct {
	day      string // 2019-12-03
	gemeente string // GM0392 when empty
}

// fixtureBSN is the n-th synthetic number passing the 11-test (never a real person's).
func fixtureBSN(n int) string {
	for c := 10_000_000 + 7*n; ; c++ {
		s := fmt.Sprintf("%08d", c)
		sum := 0
		for i, ch := range s {
			sum += (9 - i) * int(ch-'0')
		}
		if d := sum % 11; d < 10 {
			return s + string(rune('0'+d))
		}
	}
}

// loadEvents loads absence reports and exemptions of youths aged 10 into an in-memory
// warehouse with the default region.
func loadEvents(t *testing.T, reports, exemptions []event) *warehouse.DB {
	t.Helper()
	dir := t.TempDir()
	write := func(name, header string, rows []event, line func(i int, e event) string) {
		if len(rows) == 0 {
			return
		}
		var b strings.Builder
		b.WriteString(header + "\n")
		for i, e := range rows {
			if e.gemeente == "" {
				e.gemeente = "GM0392"
			}
			b.WriteString(line(i, e) + "\n")
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(b.String()), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	birth := func(day string) string { y := day[:4]; return fmt.Sprintf("%04d-04-04", atoi(y)-10) }
	write("verzuimmeldingen_test.csv", "melding_id;bsn;geboortedatum;gemeente;onderwijssoort;verzuimsoort;meldingsdatum;startdatum;uren;brin;toelichting",
		reports, func(i int, e event) string {
			return fmt.Sprintf("R%d;%s;%s;%s;WPO;RELATIEF;%s;;;;", i, fixtureBSN(i%50), birth(e.day), e.gemeente, e.day)
		})
	write("vrijstellingen_test.csv", "vrijstelling_id;bsn;geboortedatum;gemeente;artikel;besluitdatum;ingangsdatum;einddatum;toelichting",
		exemptions, func(i int, e event) string {
			return fmt.Sprintf("V%d;%s;%s;%s;5A;%s;;;", i, fixtureBSN(100+i%50), birth(e.day), e.gemeente, e.day)
		})
	ctx := context.Background()
	db, err := warehouse.Open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	sum, err := etl.Run(ctx, db, etl.Options{Inbox: dir, Key: testKey, Job: "test"})
	if err != nil {
		t.Fatalf("etl.Run: %v", err)
	}
	for _, f := range sum.Files {
		if f.Status != etl.StatusLoaded || f.Quarantined > 0 {
			t.Fatalf("input %s: status %s (%s), %d rows quarantined", f.Name, f.Status, f.Reason, f.Quarantined)
		}
	}
	return db
}

func atoi(s string) int {
	var n int
	fmt.Sscanf(s, "%d", &n)
	return n
}

func day(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

// inProgress reads KPI id's year in progress as the figures stand on today.
func inProgress(t *testing.T, db *warehouse.DB, today, id string, f warehouse.KPIFilter) *warehouse.InProgress {
	t.Helper()
	snap, err := db.KPISnapshotOn(context.Background(), day(today))
	if err != nil {
		t.Fatal(err)
	}
	s, err := snap.Series(id, f)
	if err != nil {
		t.Fatal(err)
	}
	return s.InProgress
}

func TestSameDay(t *testing.T) {
	for _, c := range []struct{ year, through, want string }{
		{"2018-2019", "2019-08-01", "2018-08-01"}, // 1 August: day one
		{"2018-2019", "2019-12-03", "2018-12-03"},
		{"2018-2019", "2020-02-29", "2019-02-28"}, // a leap day, compared with a year without one
		{"2015-2016", "2020-02-29", "2016-02-29"}, // … and with a leap year
		{"2015-2016", "2019-02-28", "2016-02-28"}, // 28 February stays 28 February, even in a leap year
		{"2015-2016", "2019-07-31", "2016-07-31"},
	} {
		if got := warehouse.SameDay(c.year, day(c.through)).Format(time.DateOnly); got != c.want {
			t.Errorf("SameDay(%s, %s) = %s, want %s", c.year, c.through, got, c.want)
		}
	}
}

// TestInProgressWindow checks the year to date at its edges: 1 August, the day the data
// end, the day the figures are read, and 29 February in leap and other years.
func TestInProgressWindow(t *testing.T) {
	db := loadEvents(t, []event{
		{day: "2016-02-29"}, {day: "2016-03-01"}, // 2015-2016 (leap)
		{day: "2016-08-01"}, {day: "2017-02-28"}, {day: "2017-03-01"}, // 2016-2017
		{day: "2018-08-01"}, {day: "2018-12-03"}, {day: "2018-12-04"}, {day: "2019-02-28"}, {day: "2019-03-01"}, {day: "2019-07-31"}, // 2018-2019
		{day: "2019-08-01"}, {day: "2019-12-03"}, {day: "2019-12-04"}, {day: "2020-02-29"}, {day: "2020-03-02"}, // 2019-2020
	}, nil)
	type same struct {
		year, through string
		value         float64
		status        warehouse.Status
	}
	for _, c := range []struct {
		name, today, through string
		value                float64
		same                 []same
	}{
		{"on 1 August only that day counts", "2019-08-01", "2019-08-01", 1,
			[]same{{"2018-2019", "2018-08-01", 1, ""}}},
		{"up to and including the day the figures are read, not the rows after it", "2019-12-03", "2019-12-03", 2,
			[]same{{"2018-2019", "2018-12-03", 2, ""}}},
		{"29 February against 28 February of a year without one", "2020-02-29", "2020-02-29", 4,
			[]same{{"2018-2019", "2019-02-28", 4, ""}}},
		{"the day the data end, before today", "2020-06-30", "2020-03-02", 5,
			[]same{{"2018-2019", "2019-03-02", 5, ""}}},
		{"28 February against a leap year: not its 29 February", "2017-02-28", "2017-02-28", 2,
			[]same{{"2015-2016", "2016-02-28", 0, ""}}},
		{"a previous year without data has no value", "2018-12-31", "2018-12-31", 3,
			[]same{{"2017-2018", "2017-12-31", 0, warehouse.StatusGeenGegevens}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			ip := inProgress(t, db, c.today, "verzuim_meldingen", warehouse.KPIFilter{})
			if ip == nil {
				t.Fatal("no year in progress")
			}
			if got := ip.Through.Format(time.DateOnly); got != c.through {
				t.Errorf("through %s, want %s", got, c.through)
			}
			if ip.Value == nil || *ip.Value != c.value || !ip.Status.IsValue() {
				t.Errorf("value %v (status %q), want %v", fmtPtr(ip.Value), ip.Status, c.value)
			}
			if len(ip.SamePeriod) != len(c.same) {
				t.Fatalf("%d same periods, want %d", len(ip.SamePeriod), len(c.same))
			}
			for i, w := range c.same {
				g := ip.SamePeriod[i]
				if g.SchoolYear != w.year || g.Through.Format(time.DateOnly) != w.through || g.Status != w.status {
					t.Errorf("same period %d: %s to %s status %q, want %s to %s status %q", i, g.SchoolYear, g.Through.Format(time.DateOnly), g.Status, w.year, w.through, w.status)
				}
				if w.status.IsValue() && (g.Value == nil || *g.Value != w.value) {
					t.Errorf("same period %s: value %v, want %v", w.year, fmtPtr(g.Value), w.value)
				}
			}
		})
	}
	t.Run("no year in progress once the last one is over", func(t *testing.T) {
		if ip := inProgress(t, db, "2020-08-01", "verzuim_meldingen", warehouse.KPIFilter{}); ip != nil {
			t.Errorf("in progress %+v, want none", *ip)
		}
	})
	t.Run("not when the range ends before it", func(t *testing.T) {
		if ip := inProgress(t, db, "2019-12-03", "verzuim_meldingen", warehouse.KPIFilter{Tot: "2018-2019"}); ip != nil {
			t.Errorf("in progress %+v, want none", *ip)
		}
	})
}

// monthCounts is a seasonal pattern: reports per month from August to July (1000 a year).
var monthCounts = []int{20, 80, 120, 100, 60, 110, 100, 90, 100, 110, 90, 20}

// seasonalReports spreads count(month) reports over days 1 to 28 of each month of school
// year first/first+1, for the months from August up to and including upTo (1 = August).
func seasonalReports(first int, upTo int, count func(m int) int) []event {
	var out []event
	for m := 0; m < upTo; m++ {
		y, mon := first, 8+m
		if mon > 12 {
			y, mon = first+1, mon-12
		}
		n := count(m)
		for i := 0; i < n; i++ {
			out = append(out, event{day: fmt.Sprintf("%04d-%02d-%02d", y, mon, 1+i*28/n)})
		}
	}
	return out
}

// TestForecastSeasonal: earlier years follow one seasonal pattern (with a little
// variation in their autumn); the year in progress runs at exactly 90% of the baseline
// year's pace. The forecast must be within 3% of 90% of the baseline's total, inside its
// own interval, and give the target of 10% below the baseline an even chance.
func TestForecastSeasonal(t *testing.T) {
	var reports []event
	jitter := map[int]float64{2014: -0.03, 2015: 0.02, 2016: 0.01, 2017: -0.02, 2018: 0} // 2018-2019 is the baseline
	for y, d := range jitter {
		reports = append(reports, seasonalReports(y, 12, func(m int) int {
			if m < 5 {
				return int(math.Round(float64(monthCounts[m]) * (1 + d)))
			}
			return monthCounts[m]
		})...)
	}
	reports = append(reports, seasonalReports(2019, 5, func(m int) int { return int(math.Round(0.9 * float64(monthCounts[m]))) })...)
	db := loadEvents(t, reports, nil)
	ip := inProgress(t, db, "2019-12-31", "verzuim_meldingen", warehouse.KPIFilter{})
	if ip == nil {
		t.Fatal("no year in progress")
	}
	f := ip.Forecast
	if f.Value == nil {
		t.Fatalf("no forecast: %s", f.ReasonEN)
	}
	want := 0.9 * 1000
	if math.Abs(*f.Value-want)/want > 0.03 {
		t.Errorf("forecast %v, want within 3%% of %v", *f.Value, want)
	}
	if *f.Low > want || *f.High < want || *f.Low > *f.Value || *f.High < *f.Value {
		t.Errorf("interval %v … %v, want it to hold %v and the forecast %v", *f.Low, *f.High, want, *f.Value)
	}
	if *f.Low < *ip.Value {
		t.Errorf("low %v is below the figure to date %v: a count cannot fall", *f.Low, *ip.Value)
	}
	if len(f.BasedOn) != 5 || f.Interval != 0.8 {
		t.Errorf("based on %v (interval %v), want the five earlier years at 0.8", f.BasedOn, f.Interval)
	}
	if f.PTargetMet == nil || *f.PTargetMet < 0.3 || *f.PTargetMet > 0.7 {
		t.Errorf("p_target_met %v, want about even (the forecast is the target, 900)", fmtPtr(f.PTargetMet))
	}
	if !strings.Contains(f.MethodNL, "5 eerdere volledige schooljaren") || f.Method == "" {
		t.Errorf("method_nl %q, want it to name the five years", f.MethodNL)
	}
}

// TestForecastNeedsThreeYears: with two earlier complete years, or a small figure to
// date, there is no forecast, and the reason says why.
func TestForecastNeedsThreeYears(t *testing.T) {
	var reports []event
	for _, y := range []int{2017, 2018} {
		reports = append(reports, seasonalReports(y, 12, func(m int) int { return monthCounts[m] })...)
	}
	reports = append(reports, seasonalReports(2019, 5, func(m int) int { return monthCounts[m] })...)
	db := loadEvents(t, reports, nil)
	ip := inProgress(t, db, "2019-12-31", "verzuim_meldingen", warehouse.KPIFilter{})
	if ip == nil || ip.Forecast.Value != nil || ip.Forecast.PTargetMet != nil {
		t.Fatalf("forecast %+v, want none", ip)
	}
	if !strings.Contains(ip.Forecast.ReasonNL, "minder dan 3 eerdere volledige schooljaren") {
		t.Errorf("reason_nl %q, want it to say fewer than three earlier years", ip.Forecast.ReasonNL)
	}

	t.Run("too small to date", func(t *testing.T) {
		var reports []event
		for _, y := range []int{2015, 2016, 2017, 2018} {
			reports = append(reports, seasonalReports(y, 12, func(m int) int { return monthCounts[m] })...)
		}
		reports = append(reports, seasonalReports(2019, 1, func(int) int { return 19 })...)
		db := loadEvents(t, reports, nil)
		ip := inProgress(t, db, "2019-08-31", "verzuim_meldingen", warehouse.KPIFilter{})
		if ip == nil || ip.Forecast.Value != nil || !strings.Contains(ip.Forecast.ReasonEN, "fewer than 20 to date") {
			t.Fatalf("forecast %+v, want none: too few to date", ip)
		}
	})
}

// TestInProgressStatus: where the figure is not the bureau's to count (exemptions in a
// gemeente that runs leerplicht itself), the year to date, the same periods and the
// forecast carry that status, never a number.
func TestInProgressStatus(t *testing.T) {
	var ex []event
	for _, y := range []int{2015, 2016, 2017, 2018} {
		ex = append(ex, seasonalReports(y, 12, func(m int) int { return monthCounts[m] / 10 })...)
	}
	ex = append(ex, seasonalReports(2019, 5, func(m int) int { return monthCounts[m] / 10 })...)
	db := loadEvents(t, nil, ex)
	ip := inProgress(t, db, "2019-12-31", "vrijstellingen", warehouse.KPIFilter{Gemeente: "GM0453"})
	if ip == nil {
		t.Fatal("no year in progress")
	}
	nvt := warehouse.StatusNietVanToepassing
	if ip.Status != nvt || ip.Forecast.Status != nvt || ip.Forecast.Value != nil {
		t.Errorf("status %q, forecast status %q value %v; want niet_van_toepassing and no forecast", ip.Status, ip.Forecast.Status, fmtPtr(ip.Forecast.Value))
	}
	for _, p := range ip.SamePeriod {
		if p.Status != nvt {
			t.Errorf("same period %s: status %q, want niet_van_toepassing", p.SchoolYear, p.Status)
		}
	}
	// The region has a value: Haarlem's exemptions.
	ip = inProgress(t, db, "2019-12-31", "vrijstellingen", warehouse.KPIFilter{})
	if ip == nil || !ip.Status.IsValue() || ip.Value == nil || *ip.Value != 38 {
		t.Fatalf("region: %+v, want the value 38 (2+8+12+10+6, August to December)", ip)
	}
	if ip.Forecast.Value == nil || ip.Forecast.PTargetMet != nil {
		t.Errorf("region forecast %v, p_target_met %v: want a forecast without a target", fmtPtr(ip.Forecast.Value), fmtPtr(ip.Forecast.PTargetMet))
	}
}
