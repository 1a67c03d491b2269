-- SQL audit: every query an analyst sends to the SQL sandbox (POST /api/v1/sql), run or
-- refused. It lives in the warehouse, which analysts cannot query: their sandbox is a
-- separate DuckDB instance over a copy of the analyst views only. A 9-digit number in
-- the query text or message that passes the eleven test is stored as [bsn].

create sequence sql_audit_seq start 1;

create table sql_audit (
    id          bigint primary key default nextval('sql_audit_seq'),
    "at"        timestamptz not null,
    who         varchar not null,             -- token or user name
    role        varchar not null,
    query       varchar not null,             -- the SQL text, BSN-like numbers masked
    rows        bigint not null default 0,    -- rows returned
    duration_ms double not null default 0,
    status      varchar not null check (status in ('ok', 'refused', 'error', 'timeout')),
    message     varchar not null default ''   -- why refused, or the error
);

create index sql_audit_at on sql_audit ("at");
