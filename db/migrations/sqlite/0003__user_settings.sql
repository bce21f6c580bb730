-- What each user chose about themselves; a user without a row has the defaults. For now one
-- choice: whether others may see their favourites (the "Favourites" user command), private
-- unless they say otherwise with /favorite visibility.
CREATE TABLE user_settings (
  user_id            TEXT    PRIMARY KEY CHECK (length(user_id) BETWEEN 1 AND 32),
  favourites_public  INTEGER NOT NULL DEFAULT 0 CHECK (favourites_public IN (0, 1)),
  updated_at         INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
