-- Up Migration

-- The message each consumer group is handling on each partition, which process handles it, and how many
-- times a process died of a fatal error (out of memory, an abort) while handling it. A partition handles
-- one message at a time, so one row per partition is enough: a new offset replaces the row.
CREATE TABLE consumer_delivery (
  group_id text NOT NULL,
  topic text NOT NULL,
  partition integer NOT NULL,
  message_offset bigint NOT NULL,
  handled_by text NOT NULL,
  handling boolean NOT NULL,
  crashes integer NOT NULL,
  PRIMARY KEY (group_id, topic, partition)
);

CREATE INDEX consumer_delivery_handling ON consumer_delivery (handled_by) WHERE handling;
