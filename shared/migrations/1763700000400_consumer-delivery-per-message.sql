-- Up Migration

-- A partition's messages with different keys are handled side by side, so the delivery log keeps a row per
-- message being handled (or charged with a crash), removed once the message is handled.
DELETE FROM consumer_delivery WHERE NOT handling AND crashes = 0;
ALTER TABLE consumer_delivery DROP CONSTRAINT consumer_delivery_pkey;
ALTER TABLE consumer_delivery ADD PRIMARY KEY (group_id, topic, partition, message_offset);
