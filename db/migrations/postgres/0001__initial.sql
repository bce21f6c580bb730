-- The same schema as sqlite/0001__initial.sql, in PostgreSQL's dialect (see that file for the
-- reasons behind each column). Times are Unix epoch milliseconds (bigint); user ids are
-- Discord snowflakes as text; tags are JSON objects kept as text, so that the encoder's exact
-- string (sorted keys) is what duplicate checks compare.

CREATE TABLE favourites (
  -- An identity is never reused: a button naming a deleted favourite's id cannot act on a newer one.
  id          bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id     text    NOT NULL CHECK (length(user_id) BETWEEN 1 AND 32),
  -- The lowest free slot 1..limit, chosen by the code under the user's advisory lock;
  -- UNIQUE (user_id, slot) is the backstop across processes and hosts.
  slot        integer NOT NULL CHECK (slot BETWEEN 1 AND 25),
  model_id    text    NOT NULL CHECK (length(model_id) BETWEEN 1 AND 64),
  -- z as IEEE float16, little-endian, 2 bytes per dimension.
  z           bytea   NOT NULL CHECK (length(z) BETWEEN 2 AND 4096 AND length(z) % 2 = 0),
  tags        text    NOT NULL CHECK (jsonb_typeof(tags::jsonb) = 'object'),
  name        text    CHECK (name IS NULL OR length(name) BETWEEN 1 AND 32),
  created_at  bigint  NOT NULL,
  UNIQUE (user_id, slot),
  UNIQUE (user_id, id)
);

CREATE INDEX favourites_by_user_newest ON favourites (user_id, created_at DESC, id DESC);

CREATE TABLE gacha_results (
  id          text    PRIMARY KEY CHECK (length(id) BETWEEN 6 AND 16),
  user_id     text    NOT NULL CHECK (length(user_id) BETWEEN 1 AND 32),
  model_id    text    NOT NULL CHECK (length(model_id) BETWEEN 1 AND 64),
  tags        text    NOT NULL CHECK (jsonb_typeof(tags::jsonb) = 'object'),
  draws       text    NOT NULL CHECK (jsonb_typeof(draws::jsonb) = 'array'),
  params      text    NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(params::jsonb) = 'object'),
  created_at  bigint  NOT NULL,
  expires_at  bigint  NOT NULL CHECK (expires_at > created_at)
);

CREATE INDEX gacha_results_by_expiry ON gacha_results (expires_at);

CREATE TABLE morph_state (
  user_id      text    NOT NULL,
  favourite_id bigint  NOT NULL,
  target_tags  text    NOT NULL CHECK (jsonb_typeof(target_tags::jsonb) = 'object'),
  updated_at   bigint  NOT NULL,
  PRIMARY KEY (user_id, favourite_id),
  FOREIGN KEY (user_id, favourite_id) REFERENCES favourites (user_id, id) ON DELETE CASCADE
);
