-- What each user chose about themselves; no row means the defaults (favourites private).
-- An integer 0/1 rather than boolean, as in SQLite, so rows copy between engines unchanged
-- (see sqlite/0003__user_settings.sql).
CREATE TABLE user_settings (
  user_id            text      PRIMARY KEY CHECK (length(user_id) BETWEEN 1 AND 32),
  favourites_public  smallint  NOT NULL DEFAULT 0 CHECK (favourites_public IN (0, 1)),
  updated_at         bigint    NOT NULL
);
