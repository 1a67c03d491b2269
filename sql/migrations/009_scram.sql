-- SCRAM-SHA-256 verifiers for the PostgreSQL wire endpoint (api/pgwire): a client that
-- logs in with SCRAM proves it knows the password without sending it, and the server
-- needs this verifier for that; a bcrypt hash or a token's SHA-256 cannot serve. A
-- verifier is made whenever the password or token is at hand: a user is created or
-- gets a new password, a token is made, a user logs in to the dashboard, or logs in
-- over the wire with TLS (password in clear text). Like the bcrypt hash, a verifier
-- does not reveal the password, but it can be attacked offline: it is as secret.
--
-- subject is 'user:<name>' or 'token:<token_id>'; credential_sha256 is, for a user, the
-- hex SHA-256 of the password_bcrypt it was made with (a new password makes it stale),
-- for a token its token_sha256.
create table auth_scram (
    subject           varchar primary key,
    credential_sha256 varchar not null,
    verifier          varchar not null,
    created_at        timestamptz not null
);
