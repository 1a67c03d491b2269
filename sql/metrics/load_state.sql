-- The committed state of the warehouse, for the API's cache: `sleutel` changes whenever
-- a file's load commits (its etl_file row is written in the same transaction as its
-- rows) or a run finishes (the region configuration is rewritten at the start of a run);
-- `data_as_of` is when the latest loaded file was committed.
select
    coalesce((select max(file_id) from etl_file where finished_at is not null), 0) as laatste_bestand,
    coalesce((select max(run_id) from etl_run where finished_at is not null), 0) as laatste_run,
    (select max(finished_at) from etl_file where status = 'loaded') as data_as_of
