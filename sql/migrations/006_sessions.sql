-- Sessions follow the account. A session no longer carries a role or a fixed expiry:
-- on every request the server checks it against the user's current record (the role
-- comes from there) and against the idle time and maximum age of the configuration.
-- credential_sha256 is the hex SHA-256 of the user's bcrypt hash when the session was
-- opened: a new password (a new hash, with a new salt) or a user removed and created
-- again ends every older session, whichever process changed the table.
-- Sessions of the old form are dropped: everyone logs in once more after the upgrade.

drop table auth_session;

create table auth_session (
    session_sha256    varchar primary key,       -- hex SHA-256 of the cookie value
    user_name         varchar not null,
    credential_sha256 varchar not null,          -- hex SHA-256 of auth_user.password_bcrypt at login
    created_at        timestamptz not null,      -- the maximum age counts from here
    last_seen_at      timestamptz not null       -- the idle time counts from here (kept to the minute)
);
