package warehouse

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/hetleerplein/leerplein/warehouse/tekst"
)

// quarantineFixture is a small ledger: two runs, three loaded files, quarantine records
// of several codes (among them a bsn record that holds a value, which the loader never
// writes, and a sentence of before the catalogue) and a region of two gemeenten.
const quarantineFixture = `
insert into etl_run (run_id, job, inbox, started_at, finished_at, status) values
    (1, 'test', '/inbox', '2026-01-01 08:00:00+00', '2026-01-01 08:01:00+00', 'ok'),
    (2, 'test', '/inbox', '2026-01-08 08:00:00+00', '2026-01-08 08:01:00+00', 'ok'),
    (3, 'test', '/inbox', '2026-01-15 08:00:00+00', '2026-01-15 08:01:00+00', 'ok');
insert into etl_file (file_id, run_id, feed, file_name, status, started_at, finished_at) values
    (1, 1, 'leerlingen', 'leerlingen.csv', 'loaded', '2026-01-01 08:00:00+00', '2026-01-01 08:00:10+00'),
    (2, 2, 'verzuimmeldingen', 'verzuimmeldingen.csv', 'loaded', '2026-01-08 08:00:00+00', '2026-01-08 08:00:10+00'),
    (3, 2, 'leerlingen', 'leerlingen_2.csv', 'loaded', '2026-01-08 08:00:10+00', '2026-01-08 08:00:20+00');
insert into etl_quarantine (file_id, feed, file_name, line, sheet, column_name, value, reason_code, reason_params, gemeentecode) values
    (1, 'leerlingen', 'leerlingen.csv', 2, null, 'gemeente', 'Atlantis', 'gemeente_onbekend', ['gemeente', 'Atlantis'], null),
    (1, 'leerlingen', 'leerlingen.csv', 3, null, 'gemeente', 'Mordor', 'gemeente_onbekend', ['gemeente', 'Mordor'], null),
    (1, 'leerlingen', 'leerlingen.csv', 4, null, 'bsn', '123456789', 'bsn_elfproef', [], 'GM0392'),
    (1, 'leerlingen', 'leerlingen.csv', 5, null, 'brin', '87654321', 'brin_ongeldig', ['brin', '87654321'], 'GM0392'),
    (1, 'leerlingen', 'leerlingen.csv', 5, null, 'geslacht', 'Q', 'code_onbekend', ['geslacht', 'Q', 'M, V, X'], 'GM0392'),
    (2, 'verzuimmeldingen', 'verzuimmeldingen.csv', 7, null, 'uren', 'veel', 'getal_ongeldig', ['uren', 'veel'], 'GM0377'),
    (3, 'leerlingen', 'leerlingen_2.csv', 9, null, 'gemeente', 'Gondor', 'oud', ['gemeente ''Gondor'' is not a municipality'], null),
    (3, 'leerlingen', 'leerlingen_2.csv', 10, null, 'gemeente', 'Rohan', 'oud', ['gemeente ''Rohan'' is not a municipality'], null);
insert into dim_gemeente values
    ('GM0392', 'Haarlem', 'zk', 'Zuid-Kennemerland', true, null, null),
    ('GM0377', 'Bloemendaal', 'zk', 'Zuid-Kennemerland', true, null, null);
`

func quarantineDB(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.ExecContext(context.Background(), quarantineFixture); err != nil {
		t.Fatal(err)
	}
	return db
}

// TestQuarantineGuards checks the grouped quarantine with data: records group by reason
// code (an old sentence by its class, values blanked), the bsn column's value never
// comes out, digit runs of a BSN's shape are masked, and an unknown run is ErrNotFound.
func TestQuarantineGuards(t *testing.T) {
	ctx := context.Background()
	db := quarantineDB(t)
	groups, err := db.Quarantine(ctx, QuarantineFilter{Feed: "leerlingen"}, 1)
	if err != nil {
		t.Fatal(err)
	}
	byCode := map[tekst.Code]QuarantineGroup{}
	for _, g := range groups {
		byCode[g.ReasonCode] = g
	}
	tests := []struct {
		name      string
		got, want string
	}{
		{"groups", itoa(len(groups)), "5"},
		{"a code's group has its Dutch title", byCode[tekst.GemeenteOnbekend].Reason, "Onbekende gemeente"},
		{"both rows in one group", itoa(int(byCode[tekst.GemeenteOnbekend].Problems)), "2"},
		{"examples capped", itoa(len(byCode[tekst.GemeenteOnbekend].Examples)), "1"},
		{"first line is the example", itoa(int(byCode[tekst.GemeenteOnbekend].Examples[0].Line)), "2"},
		{"example in Dutch", byCode[tekst.GemeenteOnbekend].Examples[0].ReasonNL(),
			"gemeente 'Atlantis' is geen gemeente van de regio; gebruik een CBS-code (GM0392, 0392) of een naam uit het regiobestand"},
		{"old sentences group by class", byCode[tekst.Oud].Reason, "gemeente '…' is not a municipality"},
		{"old sentences in one group", itoa(int(byCode[tekst.Oud].Problems)), "2"},
		{"old sentence shown as stored", byCode[tekst.Oud].Examples[0].ReasonNL(), "gemeente 'Gondor' is not a municipality"},
		{"bsn value withheld", valueOf(byCode[tekst.BSNElfproef].Examples[0].Value), "<nil>"},
		{"digit run masked in value", valueOf(byCode[tekst.BRINOngeldig].Examples[0].Value), "*********"},
		{"digit run masked in reason", byCode[tekst.BRINOngeldig].Examples[0].ReasonNL(),
			"brin '*********' is geen BRIN-code: vier tekens, twee cijfers en dan twee letters of cijfers (zoals 00AA)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
	t.Run("unknown run", func(t *testing.T) {
		if _, _, err := db.RunDetail(ctx, 99); !errors.Is(err, ErrNotFound) {
			t.Errorf("RunDetail(99): got %v, want ErrNotFound", err)
		}
	})
}

// TestQuarantineRowsAndTotals reads the quarantine under every filter: the rows in file
// and line order, and the totals per reason with the runs they cover.
func TestQuarantineRowsAndTotals(t *testing.T) {
	ctx := context.Background()
	db := quarantineDB(t)
	cases := []struct {
		name     string
		filter   QuarantineFilter
		lines    string // file_id:line of every row
		runs     []int64
		problems int64
		rows     int64
		reasons  string // code=problems/rows, most first
	}{
		{"all", QuarantineFilter{}, "1:2 1:3 1:4 1:5 1:5 2:7 3:9 3:10", []int64{1, 2}, 8, 7,
			"gemeente_onbekend=2/2 oud=2/2 brin_ongeldig=1/1 bsn_elfproef=1/1 code_onbekend=1/1 getal_ongeldig=1/1"},
		{"run", QuarantineFilter{RunID: 2}, "2:7 3:9 3:10", []int64{2}, 3, 3, "oud=2/2 getal_ongeldig=1/1"},
		{"feed", QuarantineFilter{Feed: "verzuimmeldingen"}, "2:7", []int64{2}, 1, 1, "getal_ongeldig=1/1"},
		{"gemeente", QuarantineFilter{Gemeente: "GM0392"}, "1:4 1:5 1:5", []int64{1}, 3, 2,
			"brin_ongeldig=1/1 bsn_elfproef=1/1 code_onbekend=1/1"},
		{"reason", QuarantineFilter{Reason: tekst.GemeenteOnbekend}, "1:2 1:3", []int64{1}, 2, 2, "gemeente_onbekend=2/2"},
		{"run and feed", QuarantineFilter{RunID: 2, Feed: "leerlingen"}, "3:9 3:10", []int64{2}, 2, 2, "oud=2/2"},
		{"nothing", QuarantineFilter{RunID: 3}, "", []int64{}, 0, 0, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var lines []string
			n, err := db.EachQuarantineRow(ctx, tc.filter, 100, func(r QuarantineRow) error {
				lines = append(lines, strconv.FormatInt(r.FileID, 10)+":"+strconv.FormatInt(r.Line, 10))
				if strings.EqualFold(r.Column, "bsn") && r.Value != nil {
					t.Errorf("line %d: the bsn column's value %q came out", r.Line, *r.Value)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(lines, " "); got != tc.lines || n != len(lines) {
				t.Errorf("rows %q (%d), want %q", got, n, tc.lines)
			}
			tot, err := db.QuarantineTotals(ctx, tc.filter)
			if err != nil {
				t.Fatal(err)
			}
			var reasons []string
			for _, r := range tot.ByReason {
				reasons = append(reasons, string(r.Code)+"="+itoa(int(r.Problems))+"/"+itoa(int(r.Rows)))
			}
			if !slices.Equal(tot.Runs, tc.runs) || tot.Problems != tc.problems || tot.Rows != tc.rows || strings.Join(reasons, " ") != tc.reasons {
				t.Errorf("totals = runs %v, %d problems, %d rows, %q; want runs %v, %d, %d, %q",
					tot.Runs, tot.Problems, tot.Rows, strings.Join(reasons, " "), tc.runs, tc.problems, tc.rows, tc.reasons)
			}
		})
	}
	t.Run("limit", func(t *testing.T) {
		n, err := db.EachQuarantineRow(ctx, QuarantineFilter{}, 3, func(QuarantineRow) error { return nil })
		if err != nil || n != 3 {
			t.Errorf("EachQuarantineRow(limit 3) = %d, %v", n, err)
		}
	})
}

// TestParseQuarantineFilter parses filters as they come from a query string.
func TestParseQuarantineFilter(t *testing.T) {
	ctx := context.Background()
	db := quarantineDB(t)
	good := []struct {
		in   QuarantineFilterText
		want QuarantineFilter
		naam string
	}{
		{QuarantineFilterText{}, QuarantineFilter{}, ""},
		{QuarantineFilterText{Run: "2", Feed: "Leerlingen"}, QuarantineFilter{RunID: 2, Feed: "leerlingen"}, ""},
		{QuarantineFilterText{Gemeente: "GM0392"}, QuarantineFilter{Gemeente: "GM0392"}, "Haarlem"},
		{QuarantineFilterText{Gemeente: "392"}, QuarantineFilter{Gemeente: "GM0392"}, "Haarlem"},
		{QuarantineFilterText{Gemeente: "bloemendaal"}, QuarantineFilter{Gemeente: "GM0377"}, "Bloemendaal"},
		{QuarantineFilterText{Gemeente: "gm0363"}, QuarantineFilter{Gemeente: "GM0363"}, ""}, // a code outside today's region
		{QuarantineFilterText{Reason: "BSN_elfproef"}, QuarantineFilter{Reason: tekst.BSNElfproef}, ""},
		{QuarantineFilterText{Reason: "oud"}, QuarantineFilter{Reason: tekst.Oud}, ""},
	}
	for _, tc := range good {
		got, naam, err := db.ParseQuarantineFilter(ctx, tc.in)
		if err != nil || got != tc.want || naam != tc.naam {
			t.Errorf("ParseQuarantineFilter(%+v) = %+v, %q, %v; want %+v, %q", tc.in, got, naam, err, tc.want, tc.naam)
		}
	}
	bad := []struct {
		in    QuarantineFilterText
		param string
		msg   string
	}{
		{QuarantineFilterText{Run: "twee"}, "run", "is geen run"},
		{QuarantineFilterText{Run: "0"}, "run", "is geen run"},
		{QuarantineFilterText{Feed: "leerling"}, "feed", "onbekende bron \"leerling\"; kies uit leerlingen, verzuimmeldingen"},
		{QuarantineFilterText{Gemeente: "Atlantis"}, "gemeente", "onbekende gemeente \"Atlantis\""},
		{QuarantineFilterText{Gemeente: "GM12345"}, "gemeente", "onbekende gemeente"},
		{QuarantineFilterText{Reason: "bestand_leeg"}, "reden", "onbekende redencode \"bestand_leeg\"; kies uit verplicht_leeg, bsn_leeg"},
	}
	for _, tc := range bad {
		_, _, err := db.ParseQuarantineFilter(ctx, tc.in)
		var pe *ParamError
		if !errors.As(err, &pe) || pe.Param != tc.param || !strings.Contains(pe.Msg, tc.msg) {
			t.Errorf("ParseQuarantineFilter(%+v) = %v; want a ParamError for %s saying %q", tc.in, err, tc.param, tc.msg)
		}
	}
	if _, _, err := db.ParseQuarantineFilter(ctx, QuarantineFilterText{Run: "99"}); !errors.Is(err, ErrNotFound) {
		t.Errorf("run 99: got %v, want ErrNotFound", err)
	}
}

// TestQuarantineView reads the steward's SQL view: the reason in Dutch, the bsn value
// withheld, the run and gemeente of every row.
func TestQuarantineView(t *testing.T) {
	db := quarantineDB(t)
	rows, err := db.QueryContext(context.Background(), `
		select run_id, bestand, regel, kolom, coalesce(waarde, '-'), reden_code, reden, coalesce(gemeentecode, '-')
		from mart.quarantaine where regel in (4, 7, 9) order by regel`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var run, line int64
		var file, col, value, code, reason, gm string
		if err := rows.Scan(&run, &file, &line, &col, &value, &code, &reason, &gm); err != nil {
			t.Fatal(err)
		}
		got = append(got, strings.Join([]string{itoa(int(run)), file, itoa(int(line)), col, value, code, reason, gm}, " | "))
	}
	want := []string{
		"1 | leerlingen.csv | 4 | bsn | - | bsn_elfproef | bsn haalt de elfproef niet | GM0392",
		"2 | verzuimmeldingen.csv | 7 | uren | veel | getal_ongeldig | uren 'veel' is geen getal (zoals 12,5 of 12.5, zonder scheidingsteken voor duizendtallen) | GM0377",
		"2 | leerlingen_2.csv | 9 | gemeente | Gondor | oud | gemeente 'Gondor' is not a municipality | -",
	}
	if !slices.Equal(got, want) {
		t.Errorf("mart.quarantaine:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func valueOf(p *string) string {
	if p == nil {
		return "<nil>"
	}
	return *p
}
