-- Idempotency-Key for POSTs: the first response to a key is kept for 24 hours, per caller (a
-- user, or an anonymous client address), with a hash of the request it answered.
CREATE TABLE idempotency_keys (
    scope         text        NOT NULL CHECK (char_length(scope) <= 200),
    key           text        NOT NULL CHECK (char_length(key) BETWEEN 1 AND 255),
    request_hash  bytea       NOT NULL CHECK (octet_length(request_hash) = 32),
    status        integer     CHECK (status BETWEEN 100 AND 599),
    headers       text,
    body          bytea,
    created_at    timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL,
    PRIMARY KEY (scope, key),
    -- A row without a status is a request still running.
    CHECK ((status IS NULL) = (body IS NULL))
);

CREATE INDEX idempotency_keys_expires_idx ON idempotency_keys (expires_at);
