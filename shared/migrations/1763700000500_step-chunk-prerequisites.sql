-- Up Migration

-- A chunk waits only for the chunks holding its rows' parents (a project's parent project), not for its
-- whole wave: one slow chunk of a tree level no longer holds back every chunk of the next level.
ALTER TABLE campaign_step_chunk ADD COLUMN depends_on integer[] NOT NULL DEFAULT '{}';
