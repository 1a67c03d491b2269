package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/hetleerplein/leerplein/warehouse"
)

// TestBenchSQLGenerate checks the generated warehouse: the row count, national-scale
// gemeenten, ten school years, the lineage, and that every row is complete in the
// analyst view; a second call reuses the file.
func TestBenchSQLGenerate(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "leerplein.duckdb")
	const rows = 20_000
	info, err := benchSQLWarehouse(ctx, path, rows)
	if err != nil {
		t.Fatal(err)
	}
	if info.reused || info.rows != rows || info.gemeenten != benchGemeenten {
		t.Errorf("first call: %+v, want generated with %d rows and %d gemeenten", info, rows, benchGemeenten)
	}
	db, err := warehouse.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		query string
		want  int64
	}{
		{"rows in the view", "select count(*) from analist.verzuimmeldingen", rows},
		{"school years", "select count(distinct schooljaar) from analist.verzuimmeldingen", 10},
		{"months", "select count(distinct maand) from analist.verzuimmeldingen", 120},
		{"first school year", "select count(*) from analist.verzuimmeldingen where schooljaar = '2015-2016'", -1},
		{"outside the ten years", "select count(*) from analist.verzuimmeldingen where schooljaar not between '2015-2016' and '2024-2025' or schooljaar is null", 0},
		{"rows without gemeente, file or month", "select count(*) from analist.verzuimmeldingen where gemeente is null or bestand is null or maand is null or onderwijssoort_groep is null", 0},
		{"file of another school year", "select count(*) from analist.verzuimmeldingen where bestand <> 'verzuimmeldingen_bench_' || schooljaar || '.csv'", 0},
		{"gemeenten used", "select count(distinct gemeentecode) from fact_verzuimmelding", benchGemeenten},
		{"pseudonyms not 32 hex digits", "select count(*) from fact_verzuimmelding where not regexp_full_match(persoon_id, '[0-9a-f]{32}')", 0},
		{"persons with two gemeenten", "select count(*) from (select persoon_id from fact_verzuimmelding group by all having count(distinct gemeentecode) > 1)", 0},
		{"ages outside 5 to 17", "select count(*) from analist.verzuimmeldingen where leeftijd not between 5 and 17", 0},
		{"unknown codes", "select count(*) from fact_verzuimmelding where verzuimsoort not in (select code from dim_verzuimsoort) or onderwijssoort not in (select code from dim_onderwijssoort)", 0},
		{"ledger rows", "select sum(rows_read) from etl_file", rows},
		{"duplicate lineage", "select count(*) - count(distinct (file_id, line)) from fact_verzuimmelding", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got int64
			if err := db.QueryRowContext(ctx, tc.query).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if tc.want < 0 {
				if got < rows/20 || got > rows/5 {
					t.Errorf("got %d, want about a tenth of %d", got, rows)
				}
				return
			}
			if got != tc.want {
				t.Errorf("got %d, want %d", got, tc.want)
			}
		})
	}
	db.Close()

	again, err := benchSQLWarehouse(ctx, path, rows)
	if err != nil {
		t.Fatal(err)
	}
	if !again.reused {
		t.Error("second call with the same rows generated anew, want the file reused")
	}
	other, err := benchSQLWarehouse(ctx, path, rows+1000)
	if err != nil {
		t.Fatal(err)
	}
	if other.reused || other.rows != rows+1000 {
		t.Errorf("call with other rows: %+v, want generated anew", other)
	}
}

// TestBenchSQLDecodeRows checks the streaming JSON reader of the bench: rows counted
// wherever the key stands, other keys skipped, a broken answer an error.
func TestBenchSQLDecodeRows(t *testing.T) {
	for _, tc := range []struct {
		name    string
		answer  string
		want    int
		wantErr bool
	}{
		{"rows after columns", `{"columns":[{"name":"a","type":"INTEGER"}],"rows":[[1],[2],[null]],"row_count":3,"truncated":false}`, 3, false},
		{"rows first", `{"rows":[[1,"x"]],"columns":[]}`, 1, false},
		{"no rows", `{"columns":[],"rows":[],"row_count":0}`, 0, false},
		{"cut off", `{"columns":[],"rows":[[1],[2`, 1, true},
		{"not an object", `[1,2]`, 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := 0
			err := decodeRows(json.NewDecoder(strings.NewReader(tc.answer)), func([]any) { n++ })
			if (err != nil) != tc.wantErr || n != tc.want {
				t.Errorf("%d rows, error %v; want %d rows, error %v", n, err, tc.want, tc.wantErr)
			}
		})
	}
}

// TestBenchSQLRun runs the whole bench at a small scale through run, with the server in
// process: the warehouse generated, the monthly query answered with every gemeente and
// month, and the same rows read as Arrow and as JSON.
func TestBenchSQLRun(t *testing.T) {
	dir := t.TempDir()
	out, errOut, err := runCmd(context.Background(), "", "bench-sql", "--dir", dir, "--rows", "20000", "--stream-rows", "5000", "--runs", "2", "--in-process")
	if err != nil {
		t.Fatalf("bench-sql: %v; stderr: %s", err, errOut)
	}
	for _, want := range []string{
		"warehouse: generated in DuckDB with SQL (insert … select from range(20000)), not through the ETL: 20000 absence rows, 342 gemeenten",
		"monthly per gemeente over ten years (POST /api/v1/sql, JSON, ",
		"median of 2 runs",
		"5000 rows streamed and decoded by the client",
		"Arrow ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	for _, format := range []string{"arrow", "json"} {
		if !regexp.MustCompile(`(?m)^    ` + format + ` +[0-9.]+ s +5000 rows +[0-9.]+ MB`).MatchString(out) {
			t.Errorf("no %s line with 5000 rows:\n%s", format, out)
		}
	}
	// 120 months of 342 gemeenten, less the few pairs 20 000 random rows leave empty.
	m := regexp.MustCompile(`JSON, ([0-9]+) rows`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no row count of the monthly query:\n%s", out)
	}
	if n, _ := strconv.Atoi(m[1]); n < 10000 || n > 120*benchGemeenten {
		t.Errorf("monthly query: %d rows, want between 10000 and %d", n, 120*benchGemeenten)
	}
}
