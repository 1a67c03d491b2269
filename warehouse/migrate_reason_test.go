package warehouse_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hetleerplein/leerplein/warehouse"
)

// before007 turns the ledger of a new warehouse back into its shape before migration 007
// (a reason sentence in the quarantine, no reason codes) and forgets the migrations
// named, so that opening the warehouse again runs them over what the test then inserts.
const before007 = `
drop table etl_quarantine;
create table etl_quarantine (
    file_id     bigint not null,
    feed        varchar not null,
    file_name   varchar not null,
    line        bigint not null,
    sheet       varchar,
    column_name varchar not null,
    value       varchar,
    reason      varchar not null
);
alter table etl_file drop column reason_code;
alter table etl_file drop column reason_params;
alter table etl_run drop column reason_code;
delete from schema_migrations where name = 'migrations/007_reason_codes.sql';
`

// TestMigrationReasonCodes fills a warehouse as versions before 007 did — reason
// sentences, English and Dutch, in the quarantine, the file ledger and the run ledger —
// runs migration 007 and checks that every sentence became the code 'oud' with the
// sentence as its parameter (the runs' fixed texts their own codes), that the steward's
// view shows each as it was, and that the loader's new rows fit the new table.
func TestMigrationReasonCodes(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.duckdb")
	db, err := warehouse.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, before007+`
		insert into etl_run (run_id, job, inbox, started_at, finished_at, status, reason) values
		    (1, 'manual', '/inbox', now(), now(), 'ok', null),
		    (2, 'manual', '/inbox', now(), now(), 'failed', 'afgebroken: het proces dat deze run uitvoerde stopte onverwacht (bijvoorbeeld kill -9, een crash of stroomuitval); het bestand dat toen laadde is teruggedraaid en ligt nog in de inbox voor de volgende run'),
		    (3, 'manual', '/inbox', now(), now(), 'failed', 'iets anders');
		insert into etl_file (file_id, run_id, feed, file_name, status, reason, started_at) values
		    (1, 1, 'leerlingen', 'leerlingen.csv', 'loaded', null, now()),
		    (2, 1, 'maatregelen', 'maatregelen.csv', 'rejected', 'the file has a header but no data rows', now());
		insert into etl_quarantine values
		    (1, 'leerlingen', 'leerlingen.csv', 2, null, 'bsn', null, 'bsn fails the eleven test'),
		    (1, 'leerlingen', 'leerlingen.csv', 3, 'Blad1', 'gemeente', '[bsn]', 'gemeente ''[bsn]'' is not a municipality of the region');`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = warehouse.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	got := queryLines(t, db, `
		select 'q ' || line || ' | ' || column_name || ' | ' || coalesce(sheet, '-') || ' | ' || coalesce(value, '-') || ' | ' ||
		       reason_code || ' | ' || array_to_string(reason_params, '/') || ' | ' || coalesce(gemeentecode, '-') from etl_quarantine
		union all select 'f ' || file_id || ' | ' || coalesce(reason_code, '-') || ' | ' || coalesce(array_to_string(reason_params, '/'), '-') || ' | ' || coalesce(reason, '-') from etl_file
		union all select 'r ' || run_id || ' | ' || coalesce(reason_code, '-') from etl_run
		union all select 'v ' || regel || ' | ' || reden from mart.quarantaine
		order by 1`)
	want := []string{
		"f 1 | - | - | -",
		"f 2 | oud | the file has a header but no data rows | the file has a header but no data rows",
		"q 2 | bsn | - | - | oud | bsn fails the eleven test | -",
		"q 3 | gemeente | Blad1 | [bsn] | oud | gemeente '[bsn]' is not a municipality of the region | -",
		"r 1 | -",
		"r 2 | run_afgebroken",
		"r 3 | oud",
		"v 2 | bsn fails the eleven test",
		"v 3 | gemeente '[bsn]' is not a municipality of the region",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("after migration 007:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if _, err := db.ExecContext(ctx, `insert into etl_quarantine (file_id, feed, file_name, line, column_name, value, reason_code, reason_params, gemeentecode)
		values (1, 'leerlingen', 'leerlingen.csv', 4, 'geslacht', 'Q', 'code_onbekend', ['geslacht', 'Q', 'M, V, X'], 'GM0392')`); err != nil {
		t.Errorf("a new row does not fit: %v", err)
	}
}

func queryLines(t *testing.T, db *warehouse.DB, q string) []string {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
