-- The size the user's pictures are drawn at (/settings size:), in px; NULL: the bot's default
-- (128 px). See sqlite/0005__picture_size.sql.
ALTER TABLE user_settings ADD COLUMN picture_size integer CHECK (picture_size IS NULL OR picture_size BETWEEN 16 AND 4096);
