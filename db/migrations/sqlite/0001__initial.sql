-- Favourites, gacha results (so buttons survive restarts) and morph chaining state.
-- Conventions: times are Unix epoch milliseconds; user_id is a Discord snowflake kept as
-- TEXT (snowflakes exceed 2^53 and must never pass through a JS number); tags are JSON
-- objects {tag_name: weight}, zero weights left out, weights fractional after morphs.

CREATE TABLE favourites (
  -- AUTOINCREMENT: ids are never reused, so a button that names a deleted favourite's id
  -- cannot act on a newer one.
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id     TEXT    NOT NULL CHECK (length(user_id) BETWEEN 1 AND 32),
  -- The lowest free slot 1..limit, chosen by the code inside an IMMEDIATE transaction.
  -- UNIQUE (user_id, slot) is the backstop across processes: even a writer that skipped
  -- the count cannot give a user more rows than there are slots. 25 = the most any
  -- Discord select menu can list.
  slot        INTEGER NOT NULL CHECK (slot BETWEEN 1 AND 25),
  model_id    TEXT    NOT NULL CHECK (length(model_id) BETWEEN 1 AND 64),
  -- z as IEEE float16, little-endian, 2 bytes per dimension (200 bytes for z of 100).
  z           BLOB    NOT NULL CHECK (length(z) BETWEEN 2 AND 4096 AND length(z) % 2 = 0),
  tags        TEXT    NOT NULL CHECK (json_valid(tags) AND json_type(tags) = 'object'),
  name        TEXT    CHECK (name IS NULL OR length(name) BETWEEN 1 AND 32),
  created_at  INTEGER NOT NULL,
  UNIQUE (user_id, slot),
  -- Target of morph_state's foreign key: a morph state can only point at its own user's favourite.
  UNIQUE (user_id, id)
) STRICT;

-- list(): a user's favourites newest first (id breaks ties within one millisecond).
CREATE INDEX favourites_by_user_newest ON favourites (user_id, created_at DESC, id DESC);

CREATE TABLE gacha_results (
  -- Short random id (base64url) that fits in a button custom_id.
  id          TEXT    PRIMARY KEY CHECK (length(id) BETWEEN 6 AND 16),
  user_id     TEXT    NOT NULL CHECK (length(user_id) BETWEEN 1 AND 32),
  model_id    TEXT    NOT NULL CHECK (length(model_id) BETWEEN 1 AND 64),
  tags        TEXT    NOT NULL CHECK (json_valid(tags) AND json_type(tags) = 'object'),
  -- The tiles in order: [{"seed": 123} | {"z": "<base64url float16>"}, ...].
  draws       TEXT    NOT NULL CHECK (json_valid(draws) AND json_type(draws) = 'array'),
  -- Whatever else the command needs to redo or extend the draw (truncation, tile size, …).
  params      TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(params) AND json_type(params) = 'object'),
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL CHECK (expires_at > created_at)
) STRICT, WITHOUT ROWID;

CREATE INDEX gacha_results_by_expiry ON gacha_results (expires_at);

CREATE TABLE morph_state (
  user_id      TEXT    NOT NULL,
  favourite_id INTEGER NOT NULL,
  -- The tags the last morph ended on; the next morph of this favourite starts there.
  target_tags  TEXT    NOT NULL CHECK (json_valid(target_tags) AND json_type(target_tags) = 'object'),
  updated_at   INTEGER NOT NULL,
  PRIMARY KEY (user_id, favourite_id),
  FOREIGN KEY (user_id, favourite_id) REFERENCES favourites (user_id, id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;
