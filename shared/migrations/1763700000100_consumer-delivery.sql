-- Up Migration

-- The message each consumer group is handling on each partition, and how many times its handling has
-- started. A partition handles one message at a time, so one row per partition is enough: a new offset
-- replaces the row. A count that grows across restarts means the handling kills the process.
CREATE TABLE consumer_delivery (
  group_id text NOT NULL,
  topic text NOT NULL,
  partition integer NOT NULL,
  message_offset bigint NOT NULL,
  deliveries integer NOT NULL,
  PRIMARY KEY (group_id, topic, partition)
);
