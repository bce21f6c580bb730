-- Drawing commands per user, for the rate limit shared by every process and host: each use is
-- a row, kept for one window (see sqlite/0002__rate_limit_hits.sql).
CREATE TABLE rate_limit_hits (
  id       bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id  text    NOT NULL CHECK (length(user_id) BETWEEN 1 AND 32),
  at       bigint  NOT NULL
);

CREATE INDEX rate_limit_hits_by_user ON rate_limit_hits (user_id, at);
CREATE INDEX rate_limit_hits_by_time ON rate_limit_hits (at);
