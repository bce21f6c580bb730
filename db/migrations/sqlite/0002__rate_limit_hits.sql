-- Drawing commands per user, for the rate limit when several processes share this database
-- (shards on one host): each use is a row, kept for one window. A single process keeps its
-- limit in memory and leaves this table empty.
CREATE TABLE rate_limit_hits (
  id       INTEGER PRIMARY KEY,
  user_id  TEXT    NOT NULL CHECK (length(user_id) BETWEEN 1 AND 32),
  at       INTEGER NOT NULL
) STRICT;

CREATE INDEX rate_limit_hits_by_user ON rate_limit_hits (user_id, at);
CREATE INDEX rate_limit_hits_by_time ON rate_limit_hits (at);
