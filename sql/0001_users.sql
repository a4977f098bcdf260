-- Users. Constraints mirror the API's validation so that a bug in Swift cannot store what the
-- schema forbids. A soft-deleted row keeps its data; its email is released for reuse, because
-- uniqueness covers live rows only.
CREATE TABLE users (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email       text        NOT NULL CHECK (char_length(email) BETWEEN 3 AND 254 AND position('@' IN email) > 1),
    name        text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100 AND name = btrim(name)),
    age         integer              CHECK (age BETWEEN 0 AND 150),
    role        text        NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'admin')),
    active      boolean     NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    version     integer     NOT NULL DEFAULT 1 CHECK (version >= 1),
    deleted_at  timestamptz
);

CREATE UNIQUE INDEX users_email_live_key ON users (lower(email)) WHERE deleted_at IS NULL;

-- Keyset pagination walks live rows in id order.
CREATE INDEX users_live_id_idx ON users (id) WHERE deleted_at IS NULL;
