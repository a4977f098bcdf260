-- Posts, owned by users, and votes on them. A post of a soft-deleted author is hidden by every
-- read (the queries join live users), so restoring the author brings the posts back.
CREATE TABLE posts (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    author_id   bigint      NOT NULL REFERENCES users (id),
    title       text        NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200 AND title = btrim(title)),
    body        text        NOT NULL CHECK (char_length(body) <= 20000),
    published   boolean     NOT NULL DEFAULT false,
    votes       integer     NOT NULL DEFAULT 0 CHECK (votes >= 0),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    version     integer     NOT NULL DEFAULT 1 CHECK (version >= 1),
    deleted_at  timestamptz,
    -- Full-text search over title and body (GET /posts?q=...).
    search      tsvector GENERATED ALWAYS AS (to_tsvector('english', title || ' ' || body)) STORED
);

-- Keyset pages of live posts, overall, by author, and of published ones.
CREATE INDEX posts_live_id_idx ON posts (id) WHERE deleted_at IS NULL;
CREATE INDEX posts_author_live_idx ON posts (author_id, id) WHERE deleted_at IS NULL;
CREATE INDEX posts_published_idx ON posts (id) WHERE deleted_at IS NULL AND published;
CREATE INDEX posts_search_idx ON posts USING gin (search);

-- One vote per user and post; posts.votes is kept equal to the count of these rows by the same
-- statement that adds or removes one, under the post's row lock.
CREATE TABLE post_votes (
    post_id     bigint      NOT NULL REFERENCES posts (id),
    user_id     bigint      NOT NULL REFERENCES users (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (post_id, user_id)
);

CREATE INDEX post_votes_user_idx ON post_votes (user_id);
