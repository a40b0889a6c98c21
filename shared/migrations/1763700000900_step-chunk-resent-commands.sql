-- Up Migration

-- The commands of a stalled step's unanswered chunks are sent again (see resendSilentChunks): when the
-- last one went, and how many times, so that each is sent again at most once per stall time and a few
-- times in all.
ALTER TABLE campaign_step_chunk ADD COLUMN resent_at timestamptz;
ALTER TABLE campaign_step_chunk ADD COLUMN resends integer NOT NULL DEFAULT 0;
