-- The size the user's pictures are drawn at (/settings size:), in px: NULL until they choose,
-- which means the bot's default (128 px, the quickest). A girl whose model family has no such
-- size keeps her own (src/core/picture-size.ts). The bot offers 128 and 256; the check is a
-- sane range, so that a size added later needs no table rebuild.
ALTER TABLE user_settings ADD COLUMN picture_size INTEGER CHECK (picture_size IS NULL OR picture_size BETWEEN 16 AND 4096);
