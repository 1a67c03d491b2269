-- A bounded SQL audit: of a query's text the first 16 KB are kept (cut on a character
-- boundary), with the length in bytes and the SHA-256 (hex) of the whole text — the
-- text as stored, BSN-like numbers masked — so a long query neither grows the audit
-- without bound nor loses its identity. Entries from before this migration get the
-- length and hash of the text they kept, which is cut to its first 16 384 characters.
--
-- The table is made again rather than altered: DuckDB cannot replay an ALTER of a table
-- whose id defaults to nextval() from its WAL after a crash. The sequence stays.

create table sql_audit_before_005 as select * from sql_audit;

drop table sql_audit;

create table sql_audit (
    id           bigint primary key default nextval('sql_audit_seq'),
    "at"         timestamptz not null,
    who          varchar not null,             -- token or user name
    role         varchar not null,
    query        varchar not null,             -- the first 16 KB of the SQL text, BSN-like numbers masked
    query_bytes  bigint not null default 0,    -- length of the whole (masked) text in bytes
    query_sha256 varchar not null default '',  -- SHA-256 (hex) of the whole (masked) text
    rows         bigint not null default 0,    -- rows returned
    duration_ms  double not null default 0,
    status       varchar not null check (status in ('ok', 'refused', 'error', 'timeout')),
    message      varchar not null default ''   -- why refused, or the error
);

insert into sql_audit (id, "at", who, role, query, query_bytes, query_sha256, rows, duration_ms, status, message)
select id, "at", who, role, left(query, 16384), strlen(query), sha256(query), rows, duration_ms, status, message
from sql_audit_before_005;

drop table sql_audit_before_005;

create index sql_audit_at on sql_audit ("at");
