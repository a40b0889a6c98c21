-- Up Migration

-- The deployment's budget of concurrent calls per DIGIT service: one row per slot, held by a process
-- for one HTTP attempt. A held slot has a holder, the lease that holds it and when the lease runs out;
-- a slot whose lease ran out (its process died mid-call) is free again. Processes add the slots of their
-- configured limit; slots above a lowered limit are left unused.
CREATE TABLE digit_call_slot (
  service text NOT NULL,
  slot integer NOT NULL CHECK (slot >= 1),
  holder text,
  lease uuid,
  lease_until timestamptz,
  PRIMARY KEY (service, slot)
);
