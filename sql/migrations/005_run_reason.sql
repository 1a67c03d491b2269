-- Why a run failed, in Dutch for the data steward (null when it did not fail), and which
-- process ran it: a run still 'running' that another process started was cut off (a
-- kill, a crash, a power cut), since only one process can hold the warehouse; the next
-- process to open it marks such a run failed (warehouse.Open).
alter table etl_run add column reason varchar;
alter table etl_run add column owner varchar;
