package warehouse_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hetleerplein/leerplein/warehouse"
)

// TestMigrationMasksStoredBSNs fills a warehouse as the loader did before it masked BSNs
// in wrong columns (the ledger in its shape before migration 007), runs migrations 005
// and 007 again and checks that every such BSN is masked while other values stay as
// they were — the quarantine's reason now the parameter of the code 'oud'.
func TestMigrationMasksStoredBSNs(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.duckdb")
	db, err := warehouse.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, before007+`
		insert into etl_run (run_id, job, inbox, started_at, finished_at, status) values (1, 'manual', '/inbox', now(), now(), 'ok');
		insert into etl_file (file_id, run_id, feed, file_name, status, reason, started_at)
		    values (1, 1, 'leerlingen', 'leerlingen_123456782.csv', 'rejected', 'the file has: kolom 1234.56.782', now());
		insert into etl_quarantine values
		    (1, 'leerlingen', 'leerlingen_123456782.csv', 2, 'Blad 111222333', 'gemeente', '123 456 782', 'gemeente ''123 456 782'' is unknown'),
		    (1, 'leerlingen', 'leerlingen_123456782.csv', 3, null, 'gemeente', 'Atlantis', 'gemeente ''Atlantis'' is unknown');
		insert into fact_leerling (peildatum, persoon_id, geboortedatum, geslacht, gemeentecode, onderwijssoort, brin, file_id, line)
		    values ('2018-10-01', 'p1', '2005-01-01', 'M', 'GM0392', 'WVO', 'BSN 123456782', 1, 2),
		           ('2018-10-01', 'p2', '2005-01-01', 'M', 'GM0392', 'WVO', '00AA', 1, 3);
		insert into fact_maatregel (maatregel_id, melding_id, datum, maatregel, file_id, line)
		    values ('MR-111222333', 'VM-123456782', '2019-01-01', 'GESPREK', 1, 4);
		delete from schema_migrations where name = 'migrations/005_mask_bsn.sql'`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = warehouse.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var got []string
	rows, err := db.QueryContext(ctx, `
		select file_name || ' | ' || reason from etl_file
		union all select file_name || ' | ' || coalesce(sheet, '-') || ' | ' || value || ' | ' || reason_params[1] from etl_quarantine
		union all select brin from fact_leerling
		union all select maatregel_id || ' ' || melding_id from fact_maatregel
		order by 1`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		got = append(got, s)
	}
	rows.Close()
	want := []string{
		"00AA",
		"BSN [bsn]",
		"MR-[bsn] VM-[bsn]",
		"leerlingen_[bsn].csv | - | Atlantis | gemeente 'Atlantis' is unknown",
		"leerlingen_[bsn].csv | Blad [bsn] | [bsn] | gemeente '[bsn]' is unknown",
		"leerlingen_[bsn].csv | the file has: kolom [bsn]",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("after the migration:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
