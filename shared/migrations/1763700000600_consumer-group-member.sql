-- Up Migration

-- The consumer-group member id each instance (a pod, a host) last joined with, per group: a process
-- restarted in the same instance removes the member its killed predecessor left behind, instead of
-- waiting for that member's session to lapse before the group gives its partitions out again.
CREATE TABLE consumer_group_member (
  group_id text NOT NULL,
  instance_id text NOT NULL,
  member_id text NOT NULL,
  joined_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (group_id, instance_id)
);
