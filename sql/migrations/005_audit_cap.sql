-- A bounded SQL audit: of a query's text the first 16 KB are kept (cut on a character
-- boundary), with the length in bytes and the SHA-256 (hex) of the whole text — the
-- text as stored, BSN-like numbers masked — so a long query neither grows the audit
-- without bound nor loses its identity. Entries from before this migration get the
-- length and hash of the text they kept, which is cut to its first 16 384 characters.
-- DuckDB does not alter a table with an index: the index is made again.

drop index sql_audit_at;

alter table sql_audit add column query_bytes bigint default 0;

alter table sql_audit add column query_sha256 varchar default '';

update sql_audit set query_bytes = strlen(query), query_sha256 = sha256(query);

update sql_audit set query = left(query, 16384) where length(query) > 16384;

create index sql_audit_at on sql_audit ("at");
