-- Up Migration

-- A mapping chunk waits only for the project chunks holding its boundaries' projects, not for the whole
-- project-creation step: one slow project chunk no longer holds back every mapping.
ALTER TABLE campaign_step_chunk ADD COLUMN waits_for integer[] NOT NULL DEFAULT '{}';
