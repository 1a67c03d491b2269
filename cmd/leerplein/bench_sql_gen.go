package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/hetleerplein/leerplein/etl"
	"github.com/hetleerplein/leerplein/warehouse"
)

// benchSQLGenerator marks a warehouse made by this version of the generator (in
// etl_run.inbox); a file of another version is generated anew.
const benchSQLGenerator = "generated in DuckDB by leerplein bench-sql, generator 2"

// benchGemeenten is about the number of Dutch gemeenten: the region's own plus
// synthetic GM9xxx ones make up a national-scale dim_gemeente.
const benchGemeenten = 342

// benchSQLFacts fills fact_verzuimmelding with rows synthetic absence reports over the
// ten school years 2015-2016 to 2024-2025, computed by DuckDB from range(rows): not
// through the ETL (that would take an hour for 50 million rows), but with the same
// columns, lineage (file_id, line) and canonical codes as a load. Every value derives
// from i and hash(i), so a run with the same rows makes the same warehouse. The report
// dates rise with i, evenly over the ten years: a warehouse loaded export by export
// stores its rows in about that order. A person (about four reports) keeps one gemeente.
const benchSQLFacts = `insert into fact_verzuimmelding (melding_id, persoon_id, geboortedatum, gemeentecode,
    onderwijssoort, verzuimsoort, meldingsdatum, startdatum, uren, brin, file_id, line)
with gemeenten as (
    select row_number() over (order by gemeentecode) - 1 as nr, gemeentecode from dim_gemeente
),
source as (
    select i, hash(i) as h, hash(hash(i) >> 16) % greatest($1 // 4, 1) as persoon
    from range($1) as r(i)
),
dated as (
    select i, h, persoon, hash(persoon) as hp,
        cast(date '2015-08-01' + cast((i * 3653) // $1 as integer) as date) as meldingsdatum
    from source
)
select
    'B' || i as melding_id,
    md5('bench-persoon-' || persoon) as persoon_id,
    cast(meldingsdatum - cast(1900 + (h >> 28) % 4380 as integer) as date) as geboortedatum,
    gemeenten.gemeentecode,
    ['WPO', 'WEC', 'WVO', 'WVO', 'WEB', 'WEB'][cast(1 + (h >> 42) % 6 as bigint)] as onderwijssoort,
    ['RELATIEF', 'RELATIEF', 'RELATIEF', 'RELATIEF', 'LUXE', 'LUXE', 'ABSOLUUT', 'SIGNAAL'][cast(1 + (h >> 46) % 8 as bigint)]
        as verzuimsoort,
    meldingsdatum,
    cast(meldingsdatum - cast((h >> 50) % 15 as integer) as date) as startdatum,
    cast(((h >> 54) % 160) * 0.5 as decimal(10, 2)) as uren,
    lpad(cast((hp >> 20) % 97 as varchar), 2, '0') || 'BX' as brin,
    year(meldingsdatum) - case when month(meldingsdatum) < 8 then 1 else 0 end - 2014 as file_id,
    i + 2 as line
from dated
inner join gemeenten on gemeenten.nr = dated.hp % $2`

// benchSQLLedger records the generated rows as ten loaded files, one per school year,
// so the views' lineage (bestand) is filled as after a real load.
const benchSQLLedger = `insert into etl_run (run_id, job, inbox, started_at, finished_at, status)
values (1, 'bench-sql', '` + benchSQLGenerator + `', now(), now(), 'ok');
insert into etl_file (file_id, run_id, feed, file_name, format, status, rows_read, rows_new, started_at, finished_at)
select jaar - 2014, 1, 'verzuimmeldingen',
    'verzuimmeldingen_bench_' || jaar || '-' || (jaar + 1) || '.csv', 'csv', 'loaded', 0, 0, now(), now()
from range(2015, 2025) as r(jaar);`

// benchSQLLedgerCounts fills the ledger's row counts once the facts are in.
const benchSQLLedgerCounts = `update etl_file set rows_read = c.n, rows_new = c.n
from (select file_id, count(*) as n from fact_verzuimmelding group by file_id) as c
where etl_file.file_id = c.file_id`

// benchSQLInfo describes the bench warehouse: how it came about and how big it is.
type benchSQLInfo struct {
	reused    bool
	took      time.Duration
	rows      int64
	gemeenten int64
	bytes     int64
}

// benchSQLWarehouse opens the bench warehouse at path with rows absence reports,
// reusing the file when it has exactly that many, else generating it anew.
func benchSQLWarehouse(ctx context.Context, path string, rows int) (benchSQLInfo, error) {
	var info benchSQLInfo
	if _, err := os.Stat(path); err == nil {
		db, err := warehouse.Open(ctx, path)
		if err != nil {
			return info, err
		}
		var current bool
		err = db.QueryRowContext(ctx, `select (select count(*) from fact_verzuimmelding), (select count(*) from dim_gemeente),
			exists (select 1 from etl_run where inbox = ?)`, benchSQLGenerator).Scan(&info.rows, &info.gemeenten, &current)
		db.Close()
		if err != nil {
			return info, fmt.Errorf("bench-sql: %s: %w", path, err)
		}
		if current && info.rows == int64(rows) && info.gemeenten == benchGemeenten {
			info.reused = true
			info.bytes = fileSize(path)
			return info, nil
		}
		for _, p := range []string{path, path + ".wal"} {
			if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
				return info, fmt.Errorf("bench-sql: %w", err)
			}
		}
	}
	t0 := time.Now()
	db, err := warehouse.Open(ctx, path)
	if err != nil {
		return info, err
	}
	defer db.Close()
	if err := benchSQLGenerate(ctx, db, rows); err != nil {
		return info, err
	}
	if _, err := db.ExecContext(ctx, "checkpoint"); err != nil {
		return info, fmt.Errorf("bench-sql: checkpoint: %w", err)
	}
	info.took = time.Since(t0)
	info.rows, info.gemeenten = int64(rows), benchGemeenten
	info.bytes = fileSize(path)
	return info, nil
}

// benchSQLGenerate writes the dimension rows, the ledger and the facts in one
// transaction.
func benchSQLGenerate(ctx context.Context, db *warehouse.DB, rows int) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("bench-sql: %w", err)
	}
	defer tx.Rollback()
	region := etl.DefaultRegion().Gemeenten
	for _, g := range region {
		if _, err := tx.ExecContext(ctx, `insert into dim_gemeente values (?, ?, ?, ?, ?, ?, ?)`,
			g.Code, g.Naam, g.Subregio, g.SubregioNaam, g.Regionaal, g.Vanaf, g.Tot); err != nil {
			return fmt.Errorf("bench-sql: dim_gemeente: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `insert into dim_gemeente
		select 'GM' || (9000 + i), 'Synthetische gemeente ' || i, 'bench', 'Landelijk (synthetisch)', false, null, null
		from range(1, ?) as r(i)`, benchGemeenten-len(region)+1); err != nil {
		return fmt.Errorf("bench-sql: dim_gemeente: %w", err)
	}
	for _, q := range []string{benchSQLLedger, benchSQLFacts, benchSQLLedgerCounts} {
		var args []any
		if q == benchSQLFacts {
			args = []any{rows, benchGemeenten}
		}
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("bench-sql: generate: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("bench-sql: generate: %w", err)
	}
	return nil
}

// fileSize is the size of the warehouse file and its WAL, or 0 when unknown.
func fileSize(path string) int64 {
	var n int64
	for _, p := range []string{path, path + ".wal"} {
		if st, err := os.Stat(p); err == nil {
			n += st.Size()
		}
	}
	return n
}
