package warehouse_test

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hetleerplein/leerplein/etl"
	"github.com/hetleerplein/leerplein/etl/demo"
	"github.com/hetleerplein/leerplein/warehouse"
)

// reportCell says which annual-report cell a KPI equals (definitions.md, KPIs).
var reportCell = map[string]struct{ tabel, rij, kolom string }{
	"verzuim_meldingen":                 {"tabel3", "totaal", "totaal"},
	"thuiszitters":                      {"tabel6", "thuiszitters", "totaal"},
	"thuiszitters_langer_dan_3_maanden": {"tabel6", "langer_dan_3_maanden", "totaal"},
	"vsv_nieuw":                         {"tabel7", "totaal_regio", "vsvers"},
	"vsv_pct_vo":                        {"tabel7", "vo_regio", "vsv_pct"},
	"vsv_pct_mbo":                       {"tabel7", "mbo_regio", "vsv_pct"},
	"rmc_ers":                           {"tabel8", "rmc_ers", "aantal"},
	"vrijstellingen":                    {"tabel2", "totaal", "aantal"},
	"halt_pv":                           {"tabel4", "totaal", "totaal"},
}

// TestKPIEqualsJaarverslag checks, for every school year with data, that every KPI
// equals the annual-report cell it is defined as (and rmc_herplaatst_pct the formula
// over tabel9), on the same warehouse: on every jaarverslag case (the boundary cases of
// the counting rules); TestKPIEqualsJaarverslagDemo does the same on the ten demo years. Per sub-region, the thuiszitters KPIs
// equal tabel6's sub-region columns, and the gemeenten of a filter add up to it.
func TestKPIEqualsJaarverslag(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("testdata", "jaarverslag", "*", "expected.csv"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no jaarverslag cases: %v", err)
	}
	for _, expected := range dirs {
		dir := filepath.Dir(expected)
		t.Run(filepath.Base(dir), func(t *testing.T) { checkKPIsAgainstReport(t, loadCase(t, dir)) })
	}
}

// TestKPIEqualsJaarverslagDemo is TestKPIEqualsJaarverslag on the ten demo years.
func TestKPIEqualsJaarverslagDemo(t *testing.T) {
	checkKPIsAgainstReport(t, loadDemo(t))
}

func checkKPIsAgainstReport(t *testing.T, db *warehouse.DB) {
	ctx := context.Background()
	snap, err := db.KPISnapshotOn(ctx, defaultToday)
	if err != nil {
		t.Fatalf("KPISnapshot: %v", err)
	}
	if len(snap.Years) == 0 {
		t.Fatal("the snapshot has no school years")
	}
	cells := map[string]map[string]warehouse.Number{}    // year → "tabel rij kolom" → value
	statuses := map[string]map[string]warehouse.Status{} // year → "tabel rij kolom" → status
	refused := map[string]bool{}
	for _, y := range snap.Years {
		r, err := db.JaarverslagOn(ctx, y, defaultToday)
		if errors.Is(err, warehouse.ErrNotCovered) {
			refused[y] = true // no feed covers y: every KPI point must say so
			continue
		}
		if err != nil {
			t.Fatalf("Jaarverslag(%s): %v", y, err)
		}
		cells[y] = map[string]warehouse.Number{}
		statuses[y] = map[string]warehouse.Status{}
		for _, c := range r.Cells {
			cells[y][c.Tabel+" "+c.Rij+" "+c.Kolom] = c.Waarde
			statuses[y][c.Tabel+" "+c.Rij+" "+c.Kolom] = c.Status
		}
	}
	series := func(id string, f warehouse.KPIFilter) warehouse.KPISeries {
		t.Helper()
		s, err := snap.Series(id, f)
		if err != nil {
			t.Fatalf("Series(%s, %+v): %v", id, f, err)
		}
		if len(s.Points) != len(snap.Years) {
			t.Fatalf("Series(%s, %+v): %d points, want one per school year (%d)", id, f, len(s.Points), len(snap.Years))
		}
		return s
	}
	checked := 0
	for _, def := range warehouse.KPICatalogue() {
		if def.ID == "thuiszitters_aanbod_binnen_3_maanden_pct" || def.ID == "jikp" {
			continue // not a report cell: TestKPICases
		}
		s := series(def.ID, warehouse.KPIFilter{})
		for _, p := range s.Points {
			if refused[p.SchoolYear] {
				if p.Status != warehouse.StatusGeenGegevens {
					t.Errorf("%s %s: status %q, want geen_gegevens (no feed covers the year)", def.ID, p.SchoolYear, p.Status)
				}
				continue
			}
			if want := reportStatus(def.ID, statuses[p.SchoolYear]); p.Status != want {
				t.Errorf("%s %s: status %q, want %q (the report's cell)", def.ID, p.SchoolYear, p.Status, want)
			}
			if !p.Status.IsValue() {
				checked++ // a status compared with the report's
				continue
			}
			want, present := expectedFromReport(def.ID, cells[p.SchoolYear])
			switch {
			case !present && p.Value != nil:
				t.Errorf("%s %s = %v, want no value (the report has no such cell)", def.ID, p.SchoolYear, *p.Value)
			case present && p.Value == nil:
				t.Errorf("%s %s = null, want %s", def.ID, p.SchoolYear, want)
			case present && *p.Value != want.Float64():
				t.Errorf("%s %s = %v, want %s (the report's cell)", def.ID, p.SchoolYear, *p.Value, want)
			}
			if present {
				checked++
			}
			if def.Target.Kind == warehouse.TargetNational {
				cell := reportCell[def.ID]
				nat, ok := cells[p.SchoolYear][cell.tabel+" "+sectorOf(cell.rij)+"_landelijk vsv_pct"]
				if ok != (p.Target != nil) || (ok && *p.Target != nat.Float64()) {
					t.Errorf("%s %s target = %v, want the national percentage %s (present %v)", def.ID, p.SchoolYear, fmtPtr(p.Target), nat, ok)
				}
			}
		}
	}
	if checked == 0 {
		t.Fatal("no KPI point was compared with a report cell")
	}
	// Per sub-region: tabel6 has a column per sub-region.
	for _, sr := range snap.Subregios {
		for id, rij := range map[string]string{"thuiszitters": "thuiszitters", "thuiszitters_langer_dan_3_maanden": "langer_dan_3_maanden"} {
			s := series(id, warehouse.KPIFilter{Subregio: sr.Code})
			for _, p := range s.Points {
				if refused[p.SchoolYear] {
					continue
				}
				if st := statuses[p.SchoolYear]["tabel6 "+rij+" "+sr.Code]; p.Status != st {
					t.Errorf("%s subregio=%s %s: status %q, want tabel6's %q", id, sr.Code, p.SchoolYear, p.Status, st)
				}
				if !p.Status.IsValue() {
					continue
				}
				want := cells[p.SchoolYear]["tabel6 "+rij+" "+sr.Code]
				if p.Value == nil || *p.Value != want.Float64() {
					t.Errorf("%s subregio=%s %s = %v, want tabel6 %s/%s = %s", id, sr.Code, p.SchoolYear, fmtPtr(p.Value), rij, sr.Code, want)
				}
			}
		}
	}
	// The gemeenten add up to the region, for every count KPI with a gemeente filter.
	for _, def := range warehouse.KPICatalogue() {
		if def.Unit != warehouse.UnitCount || !def.Supports(warehouse.FilterGemeente) {
			continue
		}
		total := series(def.ID, warehouse.KPIFilter{})
		sums := make([]float64, len(total.Points))
		for _, g := range snap.Gemeenten {
			for i, p := range series(def.ID, warehouse.KPIFilter{Gemeente: g.Code}).Points {
				sums[i] += *p.Value
			}
		}
		for i, p := range total.Points {
			if p.Status.IsValue() && sums[i] != *p.Value {
				t.Errorf("%s %s: the gemeenten add up to %v, the region is %v", def.ID, p.SchoolYear, sums[i], *p.Value)
			}
		}
	}
	// The year to date (sql/metrics/jaar_tot_dag.sql) adds up to the whole year: after 31
	// July it is the year's value, in every gemeente, for every KPI counted from dated rows.
	for _, def := range warehouse.KPICatalogue() {
		if _, err := snap.ToDate(def.ID, warehouse.KPIFilter{}, snap.Years[0], defaultToday); err != nil {
			continue // not counted from dated rows (vsv, rmc_herplaatst_pct)
		}
		areas := []warehouse.KPIFilter{{}}
		for _, g := range snap.Gemeenten {
			areas = append(areas, warehouse.KPIFilter{Gemeente: g.Code})
		}
		for _, f := range areas {
			for _, p := range series(def.ID, f).Points {
				if !p.Status.IsValue() {
					continue
				}
				end := time.Date(p.Date.Year()+1, time.August, 1, 0, 0, 0, 0, time.UTC)
				got, err := snap.ToDate(def.ID, f, p.SchoolYear, end)
				if err != nil {
					t.Fatal(err)
				}
				if fmtPtr(got.Value) != fmtPtr(p.Value) {
					t.Errorf("%s %s %s: to date after 31 July %s, the year %s", def.ID, f.Gemeente, p.SchoolYear, fmtPtr(got.Value), fmtPtr(p.Value))
				}
			}
		}
	}
	// DB.KPISeries reads the same as the snapshot.
	direct, err := db.KPISeries(ctx, "verzuim_meldingen", warehouse.KPIFilter{})
	if err != nil {
		t.Fatalf("KPISeries: %v", err)
	}
	viaSnap := series("verzuim_meldingen", warehouse.KPIFilter{})
	for i := range direct.Points {
		if fmtPtr(direct.Points[i].Value) != fmtPtr(viaSnap.Points[i].Value) {
			t.Errorf("KPISeries %s = %s, snapshot %s", direct.Points[i].SchoolYear, fmtPtr(direct.Points[i].Value), fmtPtr(viaSnap.Points[i].Value))
		}
	}
	// The monthly series adds up to the yearly one.
	months, err := db.MonthlyAbsence(ctx, warehouse.KPIFilter{})
	if err != nil {
		t.Fatalf("MonthlyAbsence: %v", err)
	}
	perYear := map[string]float64{}
	for _, m := range months {
		perYear[m.SchoolYear] += *m.Value
	}
	if len(months) != 36*len(snap.Years) {
		t.Errorf("MonthlyAbsence gives %d points, want 12 months × 3 verzuimsoorten × %d years", len(months), len(snap.Years))
	}
	for _, p := range viaSnap.Points {
		if perYear[p.SchoolYear] != *p.Value {
			t.Errorf("verzuim_meldingen_maand %s adds up to %v, verzuim_meldingen is %v", p.SchoolYear, perYear[p.SchoolYear], *p.Value)
		}
	}
}

// sectorOf strips "_regio" from a tabel7 row key: vo_regio → vo.
func sectorOf(rij string) string {
	if i := len(rij) - len("_regio"); i > 0 && rij[i:] == "_regio" {
		return rij[:i]
	}
	return rij
}

// reportStatus is the status of the report cell KPI id is defined as (rmc_herplaatst_pct:
// tabel9's total).
func reportStatus(id string, statuses map[string]warehouse.Status) warehouse.Status {
	if c, ok := reportCell[id]; ok {
		if st, present := statuses[c.tabel+" "+c.rij+" "+c.kolom]; present {
			return st
		}
		return statuses[c.tabel+" totaal_regio "+c.kolom] // an undelivered tabel7 row: the table's status
	}
	return statuses["tabel9 totaal totaal"]
}

// expectedFromReport is what KPI id must be in a year whose report cells are given.
func expectedFromReport(id string, cells map[string]warehouse.Number) (warehouse.Number, bool) {
	if c, ok := reportCell[id]; ok {
		n, present := cells[c.tabel+" "+c.rij+" "+c.kolom]
		return n, present
	}
	switch id {
	case "rmc_herplaatst_pct":
		// 100 · (subtotaal_scholing + werk) / (totaal − subtotaal_monitoring), rounded
		// half away from zero to 2 decimals, computed here in exact rationals.
		get := func(rij string) *big.Rat { return ratOf(cells["tabel9 "+rij+" totaal"]) }
		num := new(big.Rat).Add(get("subtotaal_scholing"), get("werk"))
		den := new(big.Rat).Sub(get("totaal"), get("subtotaal_monitoring"))
		if den.Sign() == 0 {
			return warehouse.Number{}, false
		}
		pct := new(big.Rat).Quo(new(big.Rat).Mul(num, big.NewRat(100, 1)), den)
		return roundHalfAway(pct), true
	case "onderwijs_of_werk_pct":
		// 100 · (scholing + werk_scholing + stage_wet + werk) / (totaal −
		// subtotaal_monitoring): no opvang; rounded half away from zero to 1 decimal.
		get := func(rij string) *big.Rat { return ratOf(cells["tabel9 "+rij+" totaal"]) }
		num := new(big.Rat)
		for _, rij := range []string{"scholing", "werk_scholing", "stage_wet", "werk"} {
			num.Add(num, get(rij))
		}
		den := new(big.Rat).Sub(get("totaal"), get("subtotaal_monitoring"))
		if den.Sign() == 0 {
			return warehouse.Number{}, false
		}
		pct := new(big.Rat).Quo(new(big.Rat).Mul(num, big.NewRat(100, 1)), den)
		return roundHalfAway1(pct), true
	}
	panic("no expectation for " + id)
}

func ratOf(n warehouse.Number) *big.Rat {
	r, ok := new(big.Rat).SetString(n.String())
	if !ok {
		panic(n.String())
	}
	return r
}

// roundHalfAway rounds a non-negative rational to 2 decimals, half away from zero.
func roundHalfAway(r *big.Rat) warehouse.Number {
	scaled := new(big.Rat).Add(new(big.Rat).Mul(r, big.NewRat(100, 1)), big.NewRat(1, 2))
	h := new(big.Int).Quo(scaled.Num(), scaled.Denom())
	n, err := warehouse.ParseNumber(new(big.Rat).SetFrac(h, big.NewInt(100)).FloatString(2))
	if err != nil {
		panic(err)
	}
	return n
}

// roundHalfAway1 rounds a non-negative rational to 1 decimal, half away from zero.
func roundHalfAway1(r *big.Rat) warehouse.Number {
	scaled := new(big.Rat).Add(new(big.Rat).Mul(r, big.NewRat(10, 1)), big.NewRat(1, 2))
	h := new(big.Int).Quo(scaled.Num(), scaled.Denom())
	n, err := warehouse.ParseNumber(new(big.Rat).SetFrac(h, big.NewInt(10)).FloatString(1))
	if err != nil {
		panic(err)
	}
	return n
}

func fmtPtr[T any](p *T) string {
	if p == nil {
		return "null"
	}
	return strconvAny(*p)
}

func strconvAny(v any) string {
	switch x := v.(type) {
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	}
	return "?"
}

// TestKPICases runs every case under testdata/kpi (see its README): the points listed
// in expected.csv, with target and on_track, under their filters.
func TestKPICases(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("testdata", "kpi", "*", "expected.csv"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no kpi cases: %v", err)
	}
	for _, expected := range dirs {
		dir := filepath.Dir(expected)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			db := loadCase(t, dir)
			snap, err := db.KPISnapshotOn(context.Background(), caseToday(t, dir))
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range readKPIExpected(t, expected) {
				s, err := snap.Series(w.kpi, w.filter)
				if err != nil {
					t.Errorf("%s:%d: Series(%s, %+v): %v", expected, w.line, w.kpi, w.filter, err)
					continue
				}
				var got *warehouse.KPIPoint
				for i := range s.Points {
					if s.Points[i].SchoolYear == w.year {
						got = &s.Points[i]
					}
				}
				if got == nil {
					t.Errorf("%s:%d: %s %+v has no point for %s", expected, w.line, w.kpi, w.filter, w.year)
					continue
				}
				for _, f := range []struct{ name, got, want string }{
					{"value", fmtPtr(got.Value), w.value},
					{"target", fmtPtr(got.Target), w.target},
					{"on_track", fmtPtr(got.OnTrack), w.onTrack},
					{"status", string(got.Status), w.status},
				} {
					if f.got != f.want {
						t.Errorf("%s:%d: %s %+v %s: %s = %s, want %s (%s)", expected, w.line, w.kpi, w.filter, w.year, f.name, f.got, f.want, w.why)
					}
				}
			}
		})
	}
}

type kpiExpected struct {
	line                              int
	kpi                               string
	filter                            warehouse.KPIFilter
	year, value, target, onTrack, why string
	status                            string
}

func readKPIExpected(t *testing.T, path string) []kpiExpected {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma = ';'
	r.FieldsPerRecord = 9
	if _, err := r.Read(); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	orNull := func(s string) string {
		if s == "" {
			return "null"
		}
		return s
	}
	var out []kpiExpected
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		line, _ := r.FieldPos(0)
		out = append(out, kpiExpected{line: line, kpi: rec[0], filter: warehouse.KPIFilter{Subregio: rec[1], Gemeente: rec[2]},
			year: rec[3], value: orNull(rec[4]), target: orNull(rec[5]), onTrack: orNull(rec[6]), status: rec[7], why: rec[8]})
	}
	if len(out) == 0 {
		t.Fatalf("%s: no points to check", path)
	}
	return out
}

// TestKPIFilterErrors checks that a filter the data cannot serve is a ParamError naming
// the parameter, and that a range wider than the data is narrowed to it.
func TestKPIFilterErrors(t *testing.T) {
	db := loadCase(t, filepath.Join("testdata", "kpi", "doelen"))
	snap, err := db.KPISnapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, id  string
		f         warehouse.KPIFilter
		wantParam string
	}{
		{"unknown kpi", "bestaat_niet", warehouse.KPIFilter{}, "-"},
		{"unknown subregio", "verzuim_meldingen", warehouse.KPIFilter{Subregio: "noord"}, "subregio"},
		{"unknown gemeente", "verzuim_meldingen", warehouse.KPIFilter{Gemeente: "GM9999"}, "gemeente"},
		{"gemeente outside subregio", "verzuim_meldingen", warehouse.KPIFilter{Subregio: "zk", Gemeente: "GM0375"}, "gemeente"},
		{"vsv by gemeente", "vsv_nieuw", warehouse.KPIFilter{Gemeente: "GM0392"}, "gemeente"},
		{"vsv by subregio", "vsv_pct_vo", warehouse.KPIFilter{Subregio: "zk"}, "subregio"},
		{"van malformed", "verzuim_meldingen", warehouse.KPIFilter{Van: "2018"}, "van"},
		{"tot not consecutive", "verzuim_meldingen", warehouse.KPIFilter{Tot: "2018-2020"}, "tot"},
		{"van after tot", "verzuim_meldingen", warehouse.KPIFilter{Van: "2020-2021", Tot: "2018-2019"}, "van"},
		{"lower case codes", "verzuim_meldingen", warehouse.KPIFilter{Subregio: "ZK", Gemeente: "gm0392"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := snap.Series(tc.id, tc.f)
			var pe *warehouse.ParamError
			switch {
			case tc.wantParam == "-":
				if !errors.Is(err, warehouse.ErrNotFound) {
					t.Errorf("err = %v, want ErrNotFound", err)
				}
			case tc.wantParam == "":
				if err != nil {
					t.Errorf("err = %v, want none", err)
				}
			case !errors.As(err, &pe):
				t.Errorf("err = %v, want a ParamError for %s", err, tc.wantParam)
			case pe.Param != tc.wantParam:
				t.Errorf("ParamError names %q (%v), want %q", pe.Param, err, tc.wantParam)
			}
		})
	}
	t.Run("range narrowed to the data", func(t *testing.T) {
		s, err := snap.Series("verzuim_meldingen", warehouse.KPIFilter{Van: "2000-2001", Tot: "2040-2041"})
		if err != nil {
			t.Fatal(err)
		}
		if s.Filter.Van != "2016-2017" || s.Filter.Tot != "2020-2021" || len(s.Points) != 5 {
			t.Errorf("filter %+v with %d points, want 2016-2017 … 2020-2021, 5 points", s.Filter, len(s.Points))
		}
		if s.Baseline == nil || s.Baseline.SchoolYear != "2018-2019" || fmtPtr(s.Baseline.Value) != "10" {
			t.Errorf("baseline %+v, want 2018-2019 = 10", s.Baseline)
		}
	})
	t.Run("baseline outside the range", func(t *testing.T) {
		s, err := snap.Series("verzuim_meldingen", warehouse.KPIFilter{Van: "2019-2020", Tot: "2019-2020"})
		if err != nil {
			t.Fatal(err)
		}
		if len(s.Points) != 1 || fmtPtr(s.Points[0].Target) != "9" || s.Baseline == nil {
			t.Errorf("points %+v baseline %+v, want one point with target 9 and the baseline given", s.Points, s.Baseline)
		}
	})
}

// demoState is the demo warehouse the tests ending in Demo share: loading it takes
// half a minute, and none of them writes to it.
var demoState struct {
	once sync.Once
	db   *warehouse.DB
	err  error
}

// loadDemo loads the ten demo years through the real loader into an in-memory warehouse,
// once for the package. Under -race (make test) it skips: loading takes minutes there,
// so make test runs the tests ending in Demo once more without -race.
func loadDemo(t *testing.T) *warehouse.DB {
	t.Helper()
	switch {
	case testing.Short():
		t.Skip("loads ten years of demo data")
	case raceDetector:
		t.Skip("under -race loading the demo takes minutes; make test runs this test without -race (go test -run 'Demo$' ./warehouse)")
	}
	demoState.once.Do(func() {
		ctx := context.Background()
		dir, err := os.MkdirTemp("", "leerplein-warehouse-demo-")
		if err != nil {
			demoState.err = err
			return
		}
		defer os.RemoveAll(dir)
		if _, err := demo.Generate(dir, demo.PlanEnd()); err != nil {
			demoState.err = fmt.Errorf("demo.Generate: %w", err)
			return
		}
		db, err := warehouse.Open(ctx, ":memory:")
		if err != nil {
			demoState.err = err
			return
		}
		if _, err := etl.Run(ctx, db, etl.Options{Inbox: dir, Key: testKey, Job: "demo"}); err != nil {
			db.Close()
			demoState.err = fmt.Errorf("etl.Run: %w", err)
			return
		}
		demoState.db = db
	})
	if demoState.err != nil {
		t.Fatalf("load the demo: %v", demoState.err)
	}
	return demoState.db
}

// TestKPISeriesBreak: verzuim_meldingen marks the first school year counted under the
// Doorstroompunt's new age rule, read from mart.leeftijdsregels; a KPI counted by no
// age rule that changed has no break.
func TestKPISeriesBreak(t *testing.T) {
	db := loadCase(t, filepath.Join("testdata", "kpi", "rmc_onderwijs_of_werk"))
	snap, err := db.KPISnapshotOn(context.Background(), defaultToday)
	if err != nil {
		t.Fatal(err)
	}
	s, err := snap.Series("verzuim_meldingen", warehouse.KPIFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.SeriesBreaks) != 1 {
		t.Fatalf("verzuim_meldingen: %d series breaks, want 1: %+v", len(s.SeriesBreaks), s.SeriesBreaks)
	}
	b := s.SeriesBreaks[0]
	if b.SchoolYear != "2025-2026" || !b.From.Equal(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("break in %s from %s, want 2025-2026 from 2026-01-01", b.SchoolYear, b.From)
	}
	for _, want := range []string{"Vanaf 1 januari 2026 tellen ook meldingen van 23 t/m 26 jaar mee", "Wet van school naar duurzaam werk", "vergelijk niet zonder meer met eerdere jaren"} {
		if !strings.Contains(b.NoteNL, want) {
			t.Errorf("note %q lacks %q", b.NoteNL, want)
		}
	}
	for _, id := range []string{"thuiszitters", "rmc_ers", "jikp"} {
		s, err := snap.Series(id, warehouse.KPIFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(s.SeriesBreaks) != 0 {
			t.Errorf("%s: series breaks %+v, want none", id, s.SeriesBreaks)
		}
	}
}
