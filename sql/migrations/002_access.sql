-- Access: API tokens, dashboard users and their login sessions. Only hashes are stored:
-- a token or session id is 32 random bytes, kept as its hex SHA-256; a password is kept
-- as a bcrypt hash. Roles: bestuur (KPIs, small numbers suppressed), analist (exact
-- figures), beheer (also loads and schedules).

create sequence auth_token_seq start 1;

-- Bearer tokens for the API and Grafana (`leerplein token create`).
create table auth_token (
    token_id     bigint primary key,
    name         varchar not null,               -- who or what holds it: 'grafana', 'analist-jan'
    role         varchar not null check (role in ('bestuur', 'analist', 'beheer')),
    token_sha256 varchar not null unique,        -- hex SHA-256 of the token; the token is shown once
    created_at   timestamptz not null default now(),
    revoked_at   timestamptz                     -- set: the token no longer works
);

-- Dashboard logins (`leerplein user create`).
create table auth_user (
    name            varchar primary key,
    role            varchar not null check (role in ('bestuur', 'analist', 'beheer')),
    password_bcrypt varchar not null,
    created_at      timestamptz not null default now()
);

-- Login sessions of the built-in dashboard (HttpOnly, SameSite=Strict cookie).
create table auth_session (
    session_sha256 varchar primary key,          -- hex SHA-256 of the cookie value
    user_name      varchar not null,
    role           varchar not null,
    created_at     timestamptz not null,
    expires_at     timestamptz not null
);
