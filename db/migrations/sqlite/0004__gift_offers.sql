-- Gifts (/favorite give): a copy of one user's favourite offered to another, who accepts or
-- declines it with buttons that name the offer's id, so they work after a restart and on any
-- shard. The girl is copied into the offer when it is made: removing or renaming the giver's
-- favourite afterwards does not change what was offered.
CREATE TABLE gift_offers (
  -- AUTOINCREMENT: ids are never reused, so an old message's buttons cannot reach a newer offer.
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  giver_id     TEXT    NOT NULL CHECK (length(giver_id) BETWEEN 1 AND 32),
  receiver_id  TEXT    NOT NULL CHECK (length(receiver_id) BETWEEN 1 AND 32),
  model_id     TEXT    NOT NULL CHECK (length(model_id) BETWEEN 1 AND 64),
  -- As in favourites: float16 z, tags as the encoder's JSON object, the name as it was kept.
  z            BLOB    NOT NULL CHECK (length(z) BETWEEN 2 AND 4096 AND length(z) % 2 = 0),
  tags         TEXT    NOT NULL CHECK (json_valid(tags) AND json_type(tags) = 'object'),
  name         TEXT    CHECK (name IS NULL OR length(name) BETWEEN 1 AND 32),
  -- pending until the receiver answers; an unanswered offer past expires_at counts as expired
  -- whether or not the purge has marked it yet.
  status       TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'declined', 'expired')),
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL CHECK (expires_at > created_at),
  decided_at   INTEGER,
  CHECK (giver_id <> receiver_id)
) STRICT;

-- The giver's pending offers and recent offers (the per-user limits).
CREATE INDEX gift_offers_by_giver ON gift_offers (giver_id, created_at);
-- The purge of old offers.
CREATE INDEX gift_offers_by_expiry ON gift_offers (expires_at);

-- How many of a giver's offers each receiver has declined: at a few, the giver can no longer
-- offer them anything. Kept when the offers themselves are purged.
CREATE TABLE gift_declines (
  receiver_id  TEXT    NOT NULL CHECK (length(receiver_id) BETWEEN 1 AND 32),
  giver_id     TEXT    NOT NULL CHECK (length(giver_id) BETWEEN 1 AND 32),
  declines     INTEGER NOT NULL CHECK (declines >= 1),
  updated_at   INTEGER NOT NULL,
  PRIMARY KEY (receiver_id, giver_id)
) STRICT, WITHOUT ROWID;
