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
-- The tables are altered, not made again: neither has a column that defaults to
-- nextval() (see 005_audit_cap.sql for why that matters).

alter table auth_token add column expires_at timestamptz;
alter table auth_token add column last_used_at timestamptz;
update auth_token set expires_at = now() + interval 365 days where expires_at is null;

alter table auth_user add column disabled_at timestamptz;

-- Access audit: who changed which user or token, when, and how. It never holds a
-- password or a token: a token is named by its id and name.
create sequence auth_audit_seq start 1;

create table auth_audit (
    id          bigint primary key default nextval('auth_audit_seq'),
    "at"        timestamptz not null,
    actor       varchar not null,              -- user or token name of the caller; 'cli:<os user>' for the CLI
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
