package warehouse_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/hetleerplein/leerplein/warehouse"
)

var update = flag.Bool("update", false, "rewrite docs/schema.md from warehouse/analist.go")

// schemaDocPath is docs/schema.md, relative to this package.
const schemaDocPath = "../docs/schema.md"

// exportFixture is the case with every feed, used by the export, snapshot and scan tests.
const exportFixture = "testdata/leerplichttelling/export"

// TestSchemaDoc checks that warehouse/analist.go describes exactly the views and columns
// of the schema analist (names, order and types), and that docs/schema.md is generated
// from it; with -update it rewrites docs/schema.md.
func TestSchemaDoc(t *testing.T) {
	ctx := context.Background()
	db, err := warehouse.Open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	rows, err := db.QueryContext(ctx, `
		select c.table_name, c.column_name, c.data_type, t.table_type
		from information_schema.columns as c
		inner join information_schema.tables as t
			on t.table_schema = c.table_schema and t.table_name = c.table_name
		where c.table_schema = ?
		order by c.table_name, c.ordinal_position`, warehouse.AnalistSchemaName)
	if err != nil {
		t.Fatal(err)
	}
	inDB := map[string][]string{} // view → "column TYPE" in order
	for rows.Next() {
		var view, column, typ, kind string
		if err := rows.Scan(&view, &column, &typ, &kind); err != nil {
			t.Fatal(err)
		}
		if kind != "VIEW" {
			t.Errorf("analist.%s is a %s; the schema holds views only", view, kind)
		}
		inDB[view] = append(inDB[view], column+" "+typ)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	if len(inDB) == 0 {
		t.Fatal("the schema analist has no views")
	}

	described := map[string]bool{}
	for _, v := range warehouse.AnalistSchema() {
		if described[v.Name] {
			t.Errorf("view %s is described twice", v.Name)
		}
		described[v.Name] = true
		if v.DescriptionNL == "" || v.DescriptionEN == "" {
			t.Errorf("view %s lacks a Dutch or English description", v.Name)
		}
		var want []string
		for _, c := range v.Columns {
			want = append(want, c.Name+" "+c.Type)
			if c.DescriptionNL == "" || c.DescriptionEN == "" {
				t.Errorf("column %s.%s lacks a Dutch or English description", v.Name, c.Name)
			}
		}
		got, ok := inDB[v.Name]
		if !ok {
			t.Errorf("view %s is described in analist.go but not in the database", v.Name)
			continue
		}
		if strings.Join(got, ", ") != strings.Join(want, ", ") {
			t.Errorf("view %s:\nin the database: %s\ndescribed:       %s", v.Name, strings.Join(got, ", "), strings.Join(want, ", "))
		}
	}
	for view := range inDB {
		if !described[view] {
			t.Errorf("view analist.%s is in the database but not described in warehouse/analist.go", view)
		}
	}

	doc := warehouse.AnalistSchemaMarkdown()
	if *update {
		if err := os.WriteFile(schemaDocPath, doc, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	have, err := os.ReadFile(schemaDocPath)
	if err != nil {
		t.Fatalf("%v; generate it with: go test ./warehouse -run TestSchemaDoc -update", err)
	}
	if !bytes.Equal(have, doc) {
		t.Errorf("%s is out of date with warehouse/analist.go; regenerate it with: go test ./warehouse -run TestSchemaDoc -update", schemaDocPath)
	}
}

// TestAnalistViewsNoBSN loads every feed and scans every value of every analyst view: no
// raw BSN of the input, and nothing else that looks like one.
func TestAnalistViewsNoBSN(t *testing.T) {
	db := loadCase(t, exportFixture)
	raw := inputBSNs(t, exportFixture)
	ctx := context.Background()
	for _, v := range warehouse.AnalistSchema() {
		t.Run(v.Name, func(t *testing.T) {
			n := scanTable(t, ctx, db.DB, warehouse.AnalistSchemaName+"."+v.Name, raw)
			switch v.Name {
			case "verzuimmeldingen", "leerlingen", "thuiszitters", "rmc_trajecten", "vrijstellingen", "gemeenten":
				if n == 0 {
					t.Errorf("analist.%s is empty; the scan checked nothing", v.Name)
				}
			}
		})
	}
}

// TestSnapshot writes the snapshot of a loaded warehouse, opens it in plain DuckDB and
// checks that it holds exactly the analyst views as tables, with their rows and
// descriptions, and no raw BSN or anything that looks like one.
func TestSnapshot(t *testing.T) {
	ctx := context.Background()
	wh := loadCase(t, exportFixture)
	raw := inputBSNs(t, exportFixture)
	path := filepath.Join(t.TempDir(), "analist.duckdb")
	if err := wh.Snapshot(ctx, path); err != nil {
		t.Fatal(err)
	}
	// A second run replaces the file.
	if err := wh.Snapshot(ctx, path); err != nil {
		t.Fatalf("second snapshot over the first: %v", err)
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Errorf("the directory holds %d files, want only the snapshot (no temporary or WAL file left)", len(entries))
	}

	snap, err := sql.Open("duckdb", path+"?access_mode=read_only")
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()

	want := map[string]string{}
	for _, v := range warehouse.AnalistSchema() {
		want["main."+v.Name] = v.DescriptionNL
	}
	rows, err := snap.QueryContext(ctx, `
		select schema_name || '.' || table_name, coalesce(comment, '') from duckdb_tables() where not internal
		union all
		select schema_name || '.' || view_name, 'VIEW' from duckdb_views() where not internal`)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for rows.Next() {
		var name, comment string
		if err := rows.Scan(&name, &comment); err != nil {
			t.Fatal(err)
		}
		got[name] = true
		switch d, ok := want[name]; {
		case comment == "VIEW":
			t.Errorf("the snapshot holds a view %s; it must hold tables only", name)
		case !ok:
			t.Errorf("the snapshot holds %s, which is not an analyst view", name)
		case !strings.HasPrefix(comment, d):
			t.Errorf("table %s has comment %q, want the description %q", name, comment, d)
		}
	}
	rows.Close()
	for name := range want {
		if !got[name] {
			t.Errorf("the snapshot lacks table %s", name)
		}
	}
	for _, v := range warehouse.AnalistSchema() {
		t.Run(v.Name, func(t *testing.T) {
			var inWarehouse int
			if err := wh.QueryRowContext(ctx, "select count(*) from "+warehouse.AnalistSchemaName+"."+v.Name).Scan(&inWarehouse); err != nil {
				t.Fatal(err)
			}
			// As an analyst writes it: the bare name, and the server's qualified name,
			// which resolves here because the file is called analist.duckdb.
			if n := scanTable(t, ctx, snap, v.Name, raw); n != inWarehouse {
				t.Errorf("%s has %d rows in the snapshot, %d in the warehouse", v.Name, n, inWarehouse)
			}
			var n int
			if err := snap.QueryRowContext(ctx, "select count(*) from analist."+v.Name).Scan(&n); err != nil || n != inWarehouse {
				t.Errorf("select count(*) from analist.%s = %d, %v; want %d", v.Name, n, err, inWarehouse)
			}
		})
	}
}

// bsnLike matches what could be a BSN: 8 or 9 digits, alone.
var bsnLike = regexp.MustCompile(`^[0-9]{8,9}$`)

// passesElevenTest reports whether s (8 or 9 digits) is a valid BSN.
func passesElevenTest(s string) bool {
	if len(s) == 8 {
		s = "0" + s
	}
	if len(s) != 9 || s == "000000000" {
		return false
	}
	sum := 0
	for i := 0; i < 8; i++ {
		sum += (9 - i) * int(s[i]-'0')
	}
	sum -= int(s[8] - '0')
	return sum%11 == 0
}

// checkNoBSN fails when value holds a raw BSN of the input, or looks like a BSN.
func checkNoBSN(t *testing.T, where, value string, raw map[string]bool) {
	t.Helper()
	if problem := bsnProblem(value, raw); problem != "" {
		t.Errorf("%s %s", where, problem)
	}
}

// bsnProblem says what is wrong with value: it holds a raw BSN of the input anywhere, or
// it is a number that passes the eleven test (a pseudonym is 64 hex characters and
// never does). Empty when nothing is.
func bsnProblem(value string, raw map[string]bool) string {
	for b := range raw {
		if strings.Contains(value, b) {
			return "holds a raw BSN of the input"
		}
	}
	if bsnLike.MatchString(value) && passesElevenTest(value) {
		return fmt.Sprintf("holds %d digits that pass the eleven test", len(value))
	}
	return ""
}

// TestBSNScan checks that the scan of the tests above would notice a BSN.
func TestBSNScan(t *testing.T) {
	raw := map[string]bool{"345678011": true}
	for _, tc := range []struct {
		value string
		found bool
	}{
		{"345678011", true},
		{"x;345678011;y", true},
		{"234567004", true}, // not of the input, but passes the eleven test
		{"34567801", false},
		{"123456789", false},
		{"12345678", false},
		{"000000000", false},
		{"2b7e151628aed2a6abf7158809cf4f3c762e7160f38b4da56a784d9045190cfe", false},
		{"2018-2019", false},
	} {
		if got := bsnProblem(tc.value, raw) != ""; got != tc.found {
			t.Errorf("bsnProblem(%q) found = %v, want %v", tc.value, got, tc.found)
		}
	}
}

// inputBSNs collects the BSNs of every input file of a case.
func inputBSNs(t *testing.T, dir string) map[string]bool {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "input", "*.csv"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		r := csv.NewReader(fh)
		r.Comma = ';'
		recs, err := r.ReadAll()
		fh.Close()
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		col := -1
		for i, h := range recs[0] {
			if h == "bsn" {
				col = i
			}
		}
		if col < 0 {
			continue
		}
		for _, rec := range recs[1:] {
			out[rec[col]] = true
		}
	}
	if len(out) == 0 {
		t.Fatalf("%s: no BSNs in the input, the scan would check nothing", dir)
	}
	return out
}

// scanTable reads every value of every column of table as text and checks it; it
// returns the number of rows.
func scanTable(t *testing.T, ctx context.Context, db *sql.DB, table string, raw map[string]bool) int {
	t.Helper()
	rows, err := db.QueryContext(ctx, "select * from "+table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cols {
		if strings.Contains(strings.ToLower(c), "bsn") {
			t.Errorf("%s has a column %s", table, c)
		}
	}
	n := 0
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for i, v := range vals {
			if v != nil {
				checkNoBSN(t, fmt.Sprintf("%s.%s row %d", table, cols[i], n+1), fmt.Sprint(v), raw)
			}
		}
		n++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return n
}
