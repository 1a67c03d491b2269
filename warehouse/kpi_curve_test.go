package warehouse_test

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hetleerplein/leerplein/warehouse"
)

// TestCurveCases runs every case under testdata/kpi_curve (see its README): per line of
// expected.csv, the curve of one school year under a filter — status, counts, share at
// three months, every step — and the KPI's percentage beside it; where `gelijk` is J the
// two must be equal, where it is N they must differ (censoring before the mark).
func TestCurveCases(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("testdata", "kpi_curve", "*", "expected.csv"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no curve cases: %v", err)
	}
	for _, expected := range dirs {
		dir := filepath.Dir(expected)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			db := loadCase(t, dir)
			snap, err := db.KPISnapshotOn(context.Background(), caseToday(t, dir))
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range readCurveExpected(t, expected) {
				where := fmt.Sprintf("%s:%d: %+v %s", expected, w.line, w.filter, w.year)
				curves, err := snap.OfferCurves(w.filter)
				if err != nil {
					t.Errorf("%s: OfferCurves: %v", where, err)
					continue
				}
				var got *warehouse.OfferCurve
				for i := range curves.Curves {
					if curves.Curves[i].SchoolYear == w.year {
						got = &curves.Curves[i]
					}
				}
				if got == nil {
					t.Errorf("%s: no curve for the year", where)
					continue
				}
				for _, f := range []struct{ name, got, want string }{
					{"status", string(got.Status), w.status},
					{"n_episodes", strconv.Itoa(got.Episodes), w.episodes},
					{"censored", strconv.Itoa(got.Censored), w.censored},
					{"share_at_3_months", fmtPtr(got.At3Months), w.share},
					{"steps", stepsText(got.Steps), w.steps},
				} {
					if f.got != f.want {
						t.Errorf("%s: %s = %s, want %s (%s)", where, f.name, f.got, f.want, w.why)
					}
				}
				if w.kpi == "" {
					continue
				}
				s, err := snap.Series(warehouse.OfferCurveKPI, w.filter.KPIFilter)
				if err != nil {
					t.Fatalf("%s: Series: %v", where, err)
				}
				for _, p := range s.Points {
					if p.SchoolYear != w.year {
						continue
					}
					if fmtPtr(p.Value) != w.kpi {
						t.Errorf("%s: the KPI = %s, want %s", where, fmtPtr(p.Value), w.kpi)
					}
					switch same := fmtPtr(p.Value) == fmtPtr(got.At3Months); {
					case w.gelijk == "J" && !same:
						t.Errorf("%s: share at 3 months %s, the KPI %s: they measure the same here and must agree", where, fmtPtr(got.At3Months), fmtPtr(p.Value))
					case w.gelijk == "N" && same:
						t.Errorf("%s: share at 3 months equals the KPI (%s), want the difference censoring makes", where, fmtPtr(p.Value))
					}
				}
			}
		})
	}
}

// TestCurveThroughAndNote checks the censoring day of a year in progress — the
// latest covered day, as the KPI's `through` — and the Dutch sentence that names it.
func TestCurveThroughAndNote(t *testing.T) {
	dir := filepath.Join("testdata", "kpi_curve", "met_censuur")
	db := loadCase(t, dir)
	snap, err := db.KPISnapshotOn(context.Background(), caseToday(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	c, err := snap.OfferCurves(warehouse.CurveFilter{})
	if err != nil {
		t.Fatal(err)
	}
	want := time.Date(2018, time.December, 10, 0, 0, 0, 0, time.UTC)
	if c.Through == nil || !c.Through.Equal(want) {
		t.Errorf("through = %v, want %s (D5's einddatum, before today 15 December)", c.Through, want.Format(time.DateOnly))
	}
	s, err := snap.Series(warehouse.OfferCurveKPI, warehouse.KPIFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if p := s.Points[0]; p.Through == nil || !p.Through.Equal(want) {
		t.Errorf("the KPI's through = %v, want the curve's %s", p.Through, want.Format(time.DateOnly))
	}
	if !strings.Contains(c.NoteNL, "(10 december 2018)") || !c.Curves[0].Lopend {
		t.Errorf("note %q, lopend %v: want the date named and the year in progress", c.NoteNL, c.Curves[0].Lopend)
	}
}

// TestCurveFilterErrors checks that a filter value the data cannot serve is a ParamError
// naming the parameter, with a Dutch message.
func TestCurveFilterErrors(t *testing.T) {
	db := loadCase(t, filepath.Join("testdata", "kpi_curve", "zonder_censuur"))
	snap, err := db.KPISnapshotOn(context.Background(), defaultToday)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, param, nl string
		f               warehouse.CurveFilter
	}{
		{"unknown soort", "soort", "onbekende soort", warehouse.CurveFilter{Soort: "luxe"}},
		{"unknown gemeente", "gemeente", "onbekende gemeente", warehouse.CurveFilter{KPIFilter: warehouse.KPIFilter{Gemeente: "GM9999"}}},
		{"unknown subregio", "subregio", "onbekende subregio", warehouse.CurveFilter{KPIFilter: warehouse.KPIFilter{Subregio: "noord"}}},
		{"malformed van", "van", "ongeldig schooljaar", warehouse.CurveFilter{KPIFilter: warehouse.KPIFilter{Van: "2018"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := snap.OfferCurves(tc.f)
			var pe *warehouse.ParamError
			if !errors.As(err, &pe) || pe.Param != tc.param || !strings.HasPrefix(pe.NL, tc.nl) {
				t.Errorf("err = %v (%+v), want a ParamError for %s starting %q in Dutch", err, pe, tc.param, tc.nl)
			}
		})
	}
	c, err := snap.OfferCurves(warehouse.CurveFilter{Soort: " Absoluut "})
	if err != nil || c.Filter.Soort != "absoluut" {
		t.Errorf("soort ' Absoluut ': %v, filter %+v; want it read as absoluut", err, c.Filter)
	}
}

// stepsText writes steps as expected.csv does: day:at_risk:events:share, space-separated.
func stepsText(steps []warehouse.CurveStep) string {
	parts := make([]string, len(steps))
	for i, s := range steps {
		parts[i] = fmt.Sprintf("%d:%d:%d:%s", s.Day, s.AtRisk, s.Events, strconv.FormatFloat(s.Offered, 'f', -1, 64))
	}
	return strings.Join(parts, " ")
}

type curveExpected struct {
	line                                              int
	filter                                            warehouse.CurveFilter
	year, status, episodes, censored, share, kpi, why string
	gelijk, steps                                     string
}

func readCurveExpected(t *testing.T, path string) []curveExpected {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma = ';'
	r.FieldsPerRecord = 12
	if _, err := r.Read(); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	orNull := func(s string) string {
		if s == "" {
			return "null"
		}
		return s
	}
	var out []curveExpected
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		line, _ := r.FieldPos(0)
		out = append(out, curveExpected{line: line,
			filter: warehouse.CurveFilter{KPIFilter: warehouse.KPIFilter{Subregio: rec[0], Gemeente: rec[1]}, Soort: rec[2]},
			year:   rec[3], status: rec[4], episodes: rec[5], censored: rec[6], share: orNull(rec[7]), kpi: rec[8],
			gelijk: rec[9], steps: rec[10], why: rec[11]})
	}
	if len(out) == 0 {
		t.Fatalf("%s: no curves to check", path)
	}
	return out
}
