-- People and access without a restart: the data steward manages dashboard users and API
-- tokens from /beheer and the API while the server runs, and every change is audited.
--
-- A token now ends on its own: expires_at is set when it is made (default a year ahead,
-- at most two). Tokens made before this migration get a year from the upgrade, so
-- nothing that uses one (Grafana) stops at once. last_used_at is kept to the minute: the
-- server writes it at most once a minute per token.
-- A user can be disabled (disabled_at set): it cannot log in and its sessions end; it can
-- be enabled again with the same password.
--
-- The two tables are made again rather than altered: DuckDB cannot replay from its WAL,
-- after a crash, an ALTER TABLE … ADD COLUMN of a table with a column that defaults to a
-- function (created_at default now()); see also 005_audit_cap.sql. Change these tables
-- the same way.

create table auth_token_before_008 as select * from auth_token;
drop table auth_token;

create table auth_token (
    token_id     bigint primary key,
    name         varchar not null,               -- who or what holds it: 'grafana', 'analist-jan'
    role         varchar not null check (role in ('bestuur', 'analist', 'beheer')),
    token_sha256 varchar not null unique,        -- hex SHA-256 of the token; the token is shown once
    created_at   timestamptz not null default now(),
    expires_at   timestamptz,                    -- from then on the token no longer works
    last_used_at timestamptz,                    -- to the minute; null: never used
    revoked_at   timestamptz                     -- set: the token no longer works
);

insert into auth_token (token_id, name, role, token_sha256, created_at, expires_at, last_used_at, revoked_at)
select token_id, name, role, token_sha256, created_at, now() + interval 365 days, null, revoked_at
from auth_token_before_008;

drop table auth_token_before_008;

create table auth_user_before_008 as select * from auth_user;
drop table auth_user;

create table auth_user (
    name            varchar primary key,
    role            varchar not null check (role in ('bestuur', 'analist', 'beheer')),
    password_bcrypt varchar not null,
    created_at      timestamptz not null default now(),
    disabled_at     timestamptz                  -- set: no login, and every session has ended
);

insert into auth_user (name, role, password_bcrypt, created_at)
select name, role, password_bcrypt, created_at
from auth_user_before_008;

drop table auth_user_before_008;

-- Access audit: who changed which user or token, when, and how. It never holds a
-- password or a token: a token is named by its id and name.
create sequence auth_audit_seq start 1;

create table auth_audit (
    id          bigint primary key default nextval('auth_audit_seq'),
    "at"        timestamptz not null,
    actor       varchar not null,              -- user or token name of the caller; 'cli:<account>' for the CLI
    actor_kind  varchar not null check (actor_kind in ('user', 'token', 'cli')),
    actor_role  varchar not null default '',   -- the caller's role; '' for the CLI
    action      varchar not null check (action in ('user_create', 'user_role', 'user_password', 'user_disable',
                                                   'user_enable', 'user_delete', 'token_create', 'token_revoke')),
    target      varchar not null,              -- the user name, or the token's name
    target_id   bigint,                        -- the token's id (auth_token.token_id); null for a user
    target_role varchar not null default '',   -- the user's or token's role after the change
    detail      varchar not null default ''    -- e.g. the old role, or a token's expiry; never a secret
);

create index auth_audit_at on auth_audit ("at");
