package warehouse_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hetleerplein/leerplein/warehouse"
)

// TestAreaStatus checks how the statuses of the parts of a figure combine: a figure over
// several gemeenten (or a total) is the sum over the parts for which it applies.
func TestAreaStatus(t *testing.T) {
	const (
		v   = warehouse.StatusWaarde
		gg  = warehouse.StatusGeenGegevens
		nvt = warehouse.StatusNietVanToepassing
	)
	for _, tc := range []struct {
		parts []warehouse.Status
		want  warehouse.Status
	}{
		{nil, nvt},
		{[]warehouse.Status{nvt, nvt}, nvt},
		{[]warehouse.Status{nvt, v}, v},
		{[]warehouse.Status{v, v}, v},
		{[]warehouse.Status{nvt, gg}, gg},
		{[]warehouse.Status{v, gg}, gg},
	} {
		if got := warehouse.AreaStatus(tc.parts); got != tc.want {
			t.Errorf("AreaStatus(%q) = %q, want %q", tc.parts, got, tc.want)
		}
	}
}

// TestJaarverslagLopend checks a school year in progress on an injected today: before
// 31 July it is lopend (year-to-date, said in every table's remarks) and an ongoing
// episode is measured to today; on 31 July itself and after, the year is complete and
// measured to 31 July. No test depends on the real date.
func TestJaarverslagLopend(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join("testdata", "jaarverslag", "lopend")
	db := loadCase(t, dir)
	langer := func(r warehouse.AnnualReport) string {
		for _, c := range r.Cells {
			if c.Tabel == "tabel6" && c.Rij == "langer_dan_3_maanden" && c.Kolom == "zk" {
				return c.Waarde.String()
			}
		}
		return "missing"
	}
	for _, tc := range []struct {
		today  string
		lopend bool
		langer string // T2 from 1 October 2018; T1 from 10 January 2019, both ongoing
	}{
		{"2019-03-15", true, "1"},
		{"2019-04-10", true, "1"},
		{"2019-04-11", true, "2"},
		{"2019-07-30", true, "2"},
		{"2019-07-31", false, "2"},
		{"2019-08-01", false, "2"},
	} {
		today, _ := time.Parse(time.DateOnly, tc.today)
		r, err := db.JaarverslagOn(ctx, "2018-2019", today)
		if err != nil {
			t.Fatal(err)
		}
		if r.Lopend != tc.lopend {
			t.Errorf("on %s: lopend = %v, want %v", tc.today, r.Lopend, tc.lopend)
		}
		if got := langer(r); got != tc.langer {
			t.Errorf("on %s: tabel6 langer_dan_3_maanden/zk = %s, want %s", tc.today, got, tc.langer)
		}
		for _, tab := range r.Layout {
			said := strings.Contains(strings.Join(tab.Remarks, " "), "Lopend schooljaar: de cijfers zijn de stand op ")
			if said != tc.lopend {
				t.Errorf("on %s: %s remarks %q, want the year in progress said: %v", tc.today, tab.Key, tab.Remarks, tc.lopend)
			}
		}
	}

	// The KPIs read the same: a year-to-date point is marked and not judged.
	today, _ := time.Parse(time.DateOnly, "2019-03-15")
	snap, err := db.KPISnapshotOn(ctx, today)
	if err != nil {
		t.Fatal(err)
	}
	s, err := snap.Series("thuiszitters_langer_dan_3_maanden", warehouse.KPIFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var p *warehouse.KPIPoint
	for i := range s.Points {
		if s.Points[i].SchoolYear == "2018-2019" {
			p = &s.Points[i]
		}
	}
	if p == nil || !p.Lopend || p.OnTrack != nil || p.Value == nil || *p.Value != 1 || !p.Status.IsValue() {
		t.Errorf("thuiszitters_langer_dan_3_maanden 2018-2019 on %s = %+v, want 1, lopend, not judged", today.Format(time.DateOnly), p)
	}
	if !snap.Lopend("2018-2019") {
		t.Errorf("snapshot: 2018-2019 not lopend on %s", today.Format(time.DateOnly))
	}
	// "t/m": the last counting date the data holds in the year in progress (the latest
	// episode start, the latest report), never a day after today; none for a finished year.
	for _, tc := range []struct{ id, today, want string }{
		{"thuiszitters_langer_dan_3_maanden", "2019-03-15", "2019-01-10"},
		{"verzuim_meldingen", "2019-03-15", "2019-03-01"},
		{"verzuim_meldingen", "2019-03-01", "2019-03-01"},
		{"verzuim_meldingen", "2019-02-28", "2019-02-28"}, // a report dated after today: not beyond today
		{"verzuim_meldingen", "2019-07-30", "2019-03-01"},
		{"verzuim_meldingen", "2019-07-31", ""},
	} {
		day, _ := time.Parse(time.DateOnly, tc.today)
		sn, err := db.KPISnapshotOn(ctx, day)
		if err != nil {
			t.Fatal(err)
		}
		se, err := sn.Series(tc.id, warehouse.KPIFilter{Van: "2018-2019", Tot: "2018-2019"})
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		if th := se.Points[0].Through; th != nil {
			got = th.Format(time.DateOnly)
		}
		if got != tc.want {
			t.Errorf("%s 2018-2019 on %s: through %q, want %q", tc.id, tc.today, got, tc.want)
		}
	}
	telling, err := db.LeerplichttellingOn(ctx, "2018-2019", today)
	if err != nil {
		t.Fatal(err)
	}
	if !telling.Lopend || !strings.Contains(strings.Join(warehouse.LeerplichtExport(telling).Toelichting(), " "), "Lopend schooljaar") {
		t.Errorf("leerplichttelling on %s: lopend %v, want it lopend and said in the note", today.Format(time.DateOnly), telling.Lopend)
	}
}

// TestKPIExcluded checks what a KPI over a mixed area says it leaves out: in IJmond,
// where leerplicht is run locally, verzuim_meldingen counts the 18+ reports only, and
// the under-18 part names the three gemeenten.
func TestKPIExcluded(t *testing.T) {
	db := loadCase(t, filepath.Join("testdata", "kpi", "leerplicht_lokaal"))
	snap, err := db.KPISnapshotOn(context.Background(), defaultToday)
	if err != nil {
		t.Fatal(err)
	}
	ex, err := snap.Excluded("verzuim_meldingen", "2018-2019", warehouse.KPIFilter{Subregio: "ijmond"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range ex {
		got = append(got, e.Figuur+":"+e.Gemeente+":"+e.Reden)
	}
	want := "verzuim_leerplicht:GM0375:leerplicht_lokaal verzuim_leerplicht:GM0396:leerplicht_lokaal verzuim_leerplicht:GM0453:leerplicht_lokaal"
	if strings.Join(got, " ") != want {
		t.Errorf("Excluded(verzuim_meldingen, ijmond) = %s, want %s", strings.Join(got, " "), want)
	}
	for _, tc := range []struct{ id, gemeente, want string }{
		{"vrijstellingen", "GM0453", "niet_van_toepassing"},
		{"verzuim_meldingen", "GM0453", ""},
		{"vrijstellingen", "GM0392", ""},
		{"thuiszitters", "GM0392", "geen_gegevens"},
	} {
		st, err := snap.GemeenteStatus(tc.id, "2018-2019", tc.gemeente)
		if err != nil || string(st) != tc.want {
			t.Errorf("GemeenteStatus(%s, %s) = %q, %v; want %q", tc.id, tc.gemeente, st, err, tc.want)
		}
	}
}
