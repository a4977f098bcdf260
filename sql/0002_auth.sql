-- Authentication: password hashes, sessions with rotating refresh tokens, revoked access tokens,
-- and login throttling shared by every worker.

-- A PHC-format Argon2id string; NULL means the account cannot log in with a password (rows made
-- before this migration, until an admin or the owner sets one).
ALTER TABLE users ADD COLUMN password_hash text
    CHECK (password_hash IS NULL OR password_hash LIKE '$argon2id$%');

-- One session per login: the family of refresh tokens that descends from it. Access tokens name
-- their session (`sid`), so revoking a session refuses its access tokens too.
CREATE TABLE sessions (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id         bigint      NOT NULL REFERENCES users (id),
    created_at      timestamptz NOT NULL DEFAULT now(),
    revoked_at      timestamptz,
    revoked_reason  text CHECK (revoked_reason IN ('logout', 'reuse', 'password_change')),
    CHECK ((revoked_at IS NULL) = (revoked_reason IS NULL))
);

CREATE INDEX sessions_user_live_idx ON sessions (user_id) WHERE revoked_at IS NULL;

-- Only the SHA-256 of a refresh token is stored. A spent token stays until it expires, so that
-- presenting it again is recognised as theft and revokes its session.
CREATE TABLE refresh_tokens (
    token_hash  bytea       PRIMARY KEY CHECK (octet_length(token_hash) = 32),
    session_id  bigint      NOT NULL REFERENCES sessions (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    spent_at    timestamptz
);

CREATE INDEX refresh_tokens_session_idx ON refresh_tokens (session_id);
CREATE INDEX refresh_tokens_expires_idx ON refresh_tokens (expires_at);

-- Access tokens revoked by logout, kept until they would have expired anyway.
CREATE TABLE revoked_access_tokens (
    jti         uuid        PRIMARY KEY,
    expires_at  timestamptz NOT NULL
);

CREATE INDEX revoked_access_tokens_expires_idx ON revoked_access_tokens (expires_at);

-- Failed logins per account ('account:<lowercased email>') and per client address
-- ('address:<ip>'). The count starts again after a quiet period; `blocked_until` is the back-off.
CREATE TABLE login_failures (
    key             text        PRIMARY KEY CHECK (char_length(key) <= 300),
    failures        integer     NOT NULL CHECK (failures >= 1),
    last_failure_at timestamptz NOT NULL,
    blocked_until   timestamptz
);

CREATE INDEX login_failures_last_idx ON login_failures (last_failure_at);
