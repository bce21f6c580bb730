-- Gifts (/favorite give): the same schema as sqlite/0004__gift_offers.sql, in PostgreSQL's
-- dialect (see that file for the reasons behind each column).
CREATE TABLE gift_offers (
  id           bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  giver_id     text    NOT NULL CHECK (length(giver_id) BETWEEN 1 AND 32),
  receiver_id  text    NOT NULL CHECK (length(receiver_id) BETWEEN 1 AND 32),
  model_id     text    NOT NULL CHECK (length(model_id) BETWEEN 1 AND 64),
  z            bytea   NOT NULL CHECK (length(z) BETWEEN 2 AND 4096 AND length(z) % 2 = 0),
  tags         text    NOT NULL CHECK (jsonb_typeof(tags::jsonb) = 'object'),
  name         text    CHECK (name IS NULL OR length(name) BETWEEN 1 AND 32),
  status       text    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'declined', 'expired')),
  created_at   bigint  NOT NULL,
  expires_at   bigint  NOT NULL CHECK (expires_at > created_at),
  decided_at   bigint,
  CHECK (giver_id <> receiver_id)
);

CREATE INDEX gift_offers_by_giver ON gift_offers (giver_id, created_at);
CREATE INDEX gift_offers_by_expiry ON gift_offers (expires_at);

CREATE TABLE gift_declines (
  receiver_id  text    NOT NULL CHECK (length(receiver_id) BETWEEN 1 AND 32),
  giver_id     text    NOT NULL CHECK (length(giver_id) BETWEEN 1 AND 32),
  declines     integer NOT NULL CHECK (declines >= 1),
  updated_at   bigint  NOT NULL,
  PRIMARY KEY (receiver_id, giver_id)
);
