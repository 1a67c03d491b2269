-- The quarantine as the data steward reads it: one row per problem (a row can break
-- several rules), with the run it came in, the reason in Dutch from the message
-- catalogue (mart.reden_tekst over the stored code and parameters; warehouse/tekst) and
-- the row's gemeente when it could be read. The bsn column's value is never shown.
-- Not an analyst view: the quarantine holds what senders delivered, as they wrote it.

create or replace view mart.quarantaine as
select
    f.run_id,
    q.feed as bron,
    q.file_id,
    q.file_name as bestand,
    q.line as regel,
    q.sheet as blad,
    q.column_name as kolom,
    case when lower(q.column_name) <> 'bsn' then q.value end as waarde,
    q.reason_code as reden_code,
    mart.reden_tekst(q.reason_code, q.reason_params) as reden,
    q.gemeentecode
from etl_quarantine as q
inner join etl_file as f on f.file_id = q.file_id;
