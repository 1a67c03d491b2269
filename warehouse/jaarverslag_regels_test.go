package warehouse_test

import (
	"context"
	"database/sql"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hetleerplein/leerplein/warehouse"
)

// TestJaarverslagRegels reads the Doorstroompunt age rules of school years on both sides
// of the law of 2026 from the warehouse (mart.leeftijdsregels), and checks what the
// report of each year makes of them: the keys and labels of tabel1's and tabel3's 18+
// rows and the notes that say which rule applied. The counts themselves are pinned by
// the cases testdata/jaarverslag/wet2026_*.
func TestJaarverslagRegels(t *testing.T) {
	ctx := context.Background()
	db := openEmpty(t)
	oud, nieuw := "18_23", "18_27"
	cases := []struct {
		schooljaar, peildatum  string
		inJaar                 []string
		tabel1Rows             []string
		tabel3Label            string
		tabel1Note, tabel3Note string // a word the note must hold; "" for no rule note
	}{
		{"2018-2019", oud, []string{oud}, []string{"18_23_zk", "18_23_ijmond", "subtotaal_18_23"}, "Relatief verzuim 18 t/m 22 jaar, Zuid-Kennemerland", "", ""},
		{"2024-2025", oud, []string{oud}, []string{"18_23_zk", "18_23_ijmond", "subtotaal_18_23"}, "Relatief verzuim 18 t/m 22 jaar, Zuid-Kennemerland", "", ""},
		{"2025-2026", oud, []string{oud, nieuw}, []string{"18_23_zk", "18_23_ijmond", "subtotaal_18_23"}, "Relatief verzuim 18 jaar en ouder, Zuid-Kennemerland",
			"", "tot en met 31 december 2025 van 18 t/m 22 jaar, vanaf 1 januari 2026 van 18 t/m 26 jaar"},
		{"2026-2027", nieuw, []string{nieuw}, []string{"18_27_zk", "18_27_ijmond", "subtotaal_18_27"}, "Relatief verzuim 18 t/m 26 jaar, Zuid-Kennemerland",
			"18 t/m 26 jaar op de peildatum, de leeftijdsregel die sinds 1 januari 2026 geldt", "meldingen van 18 t/m 26 jaar, de leeftijdsregel die sinds 1 januari 2026 geldt"},
	}
	subregios := []warehouse.Subregio{{Code: "zk", Naam: "Zuid-Kennemerland"}, {Code: "ijmond", Naam: "IJmond"}}
	for _, c := range cases {
		t.Run(c.schooljaar, func(t *testing.T) {
			r, err := db.JaarverslagRegels(ctx, c.schooljaar)
			if err != nil {
				t.Fatal(err)
			}
			var in []string
			for _, x := range r.InJaar {
				in = append(in, x.Sleutel)
			}
			if r.Peildatum.Sleutel != c.peildatum || !reflect.DeepEqual(in, c.inJaar) {
				t.Fatalf("rules: on the peildatum %s, in the year %v; want %s and %v", r.Peildatum.Sleutel, in, c.peildatum, c.inJaar)
			}
			layout := warehouse.JaarverslagLayout(subregios, r)
			t1, t3 := layout[0], layout[2]
			var rows []string
			for _, l := range t1.Rows {
				if strings.Contains(l.Key, "_18_2") || strings.HasPrefix(l.Key, "18_2") {
					rows = append(rows, l.Key)
				}
			}
			if !reflect.DeepEqual(rows, c.tabel1Rows) {
				t.Errorf("tabel1's 18+ rows %v, want %v", rows, c.tabel1Rows)
			}
			if total := t1.Rows[len(t1.Rows)-1]; !reflect.DeepEqual(total.Sum, []string{"subtotaal_5_18", c.tabel1Rows[2]}) {
				t.Errorf("tabel1 totaal sums %v", total.Sum)
			}
			if got := t3.Rows[3].Label; got != c.tabel3Label {
				t.Errorf("tabel3's first 18+ row is labelled %q, want %q", got, c.tabel3Label)
			}
			for _, n := range []struct{ table, note, want string }{{"tabel1", t1.Note, c.tabel1Note}, {"tabel3", t3.Note, c.tabel3Note}} {
				mentions := strings.Contains(n.note, "leeftijdsregel")
				if n.want == "" && mentions || n.want != "" && !strings.Contains(n.note, n.want) {
					t.Errorf("%s note %q; want it to say %q", n.table, n.note, n.want)
				}
			}
		})
	}
	if _, err := db.JaarverslagRegels(ctx, "1850-1851"); err == nil {
		t.Error("a school year the warehouse does not know: no error")
	}
}

// TestRegelsVoor2026 checks the rules the tests without a warehouse lay reports out
// with against those the warehouse holds for a year before the law of 2026.
func TestRegelsVoor2026(t *testing.T) {
	r, err := openEmpty(t).JaarverslagRegels(context.Background(), "2018-2019")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(r, regelsVoor2026) {
		t.Errorf("warehouse %+v, tests %+v", r, regelsVoor2026)
	}
}

// TestLeeftijdsregelsAaneengesloten checks the rules table itself: per rule the rows
// follow each other without a gap or an overlap, from the first day to the last, so
// that every date has exactly one rule in force (mart.leeftijdsband would fail on two
// and count nothing on none). Adding the next change must keep this true.
func TestLeeftijdsregelsAaneengesloten(t *testing.T) {
	rows, err := openEmpty(t).QueryContext(context.Background(), `
		select regel, sleutel, geldig_vanaf, geldig_tot,
		       lag(geldig_tot) over (partition by regel order by geldig_vanaf) as vorige_tot,
		       lead(geldig_vanaf) over (partition by regel order by geldig_vanaf) as volgende
		from mart.leeftijdsregels
		order by regel, geldig_vanaf`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var regel, sleutel string
		var vanaf, tot time.Time
		var vorigeTot, volgende sql.NullTime
		if err := rows.Scan(&regel, &sleutel, &vanaf, &tot, &vorigeTot, &volgende); err != nil {
			t.Fatal(err)
		}
		n++
		switch {
		case tot.Before(vanaf):
			t.Errorf("%s %s: geldig_tot %s before geldig_vanaf %s", regel, sleutel, tot.Format(time.DateOnly), vanaf.Format(time.DateOnly))
		case !vorigeTot.Valid && vanaf.Year() != 1900:
			t.Errorf("%s %s: the first row starts on %s; a rule must be in force on every date from 1900-01-01", regel, sleutel, vanaf.Format(time.DateOnly))
		case vorigeTot.Valid && !vorigeTot.Time.AddDate(0, 0, 1).Equal(vanaf):
			t.Errorf("%s %s: starts %s, the row before ends %s: a gap or an overlap", regel, sleutel, vanaf.Format(time.DateOnly), vorigeTot.Time.Format(time.DateOnly))
		case !volgende.Valid && tot.Year() != 9999:
			t.Errorf("%s %s: the last row ends on %s; it must run to 9999-12-31", regel, sleutel, tot.Format(time.DateOnly))
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if n < 4 {
		t.Errorf("%d rules; want at least leerplicht, minderjarig and two of doorstroompunt", n)
	}
}
