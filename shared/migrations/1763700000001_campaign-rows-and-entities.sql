-- Up Migration

-- The campaign's boundaries as the boundary service gave them at intake, so workers never fetch the tree.
CREATE TABLE campaign_boundary (
  campaign_id uuid NOT NULL REFERENCES campaign (id),
  code text NOT NULL,
  boundary_type text NOT NULL,
  parent_code text,
  level integer NOT NULL,
  is_leaf boolean NOT NULL,
  PRIMARY KEY (campaign_id, code)
);

-- Parsed sheet rows, stored at intake so workers never download or parse a sheet again.
CREATE TABLE campaign_target_row (
  campaign_id uuid NOT NULL REFERENCES campaign (id),
  boundary_code text NOT NULL,
  sheet text NOT NULL,
  row_number integer NOT NULL,
  target_values jsonb NOT NULL,
  PRIMARY KEY (campaign_id, boundary_code)
);

CREATE TABLE campaign_facility_row (
  campaign_id uuid NOT NULL REFERENCES campaign (id),
  row_number integer NOT NULL,
  facility_id text,
  name text NOT NULL,
  facility_type text NOT NULL,
  facility_status text NOT NULL,
  capacity bigint NOT NULL,
  boundary_codes text[] NOT NULL,
  usage text NOT NULL,
  PRIMARY KEY (campaign_id, row_number)
);

CREATE TABLE campaign_user_row (
  campaign_id uuid NOT NULL REFERENCES campaign (id),
  row_number integer NOT NULL,
  name text NOT NULL,
  phone text NOT NULL,
  roles text[] NOT NULL,
  employment_type text NOT NULL,
  usage text NOT NULL,
  boundary_codes text[] NOT NULL,
  user_name text,
  user_service_uuid text,
  PRIMARY KEY (campaign_id, row_number)
);

-- Entity tables: what the campaign holds in DIGIT, keyed by the spec's retry identifiers. `action` is what
-- the campaign's run must do to the row (create, update, deactivate, none); `done` marks rows finished, so
-- a retry touches only unfinished rows. `attempted_at` marks rows whose DIGIT write may have happened, so
-- only those are searched for before writing again.
CREATE TABLE campaign_project (
  campaign_id uuid NOT NULL REFERENCES campaign (id),
  boundary_code text NOT NULL,
  boundary_type text NOT NULL,
  parent_boundary_code text,
  level integer NOT NULL,
  targets jsonb NOT NULL,
  project_id text,
  is_active boolean NOT NULL DEFAULT true,
  action text NOT NULL DEFAULT 'create',
  chunk integer NOT NULL,
  attempted_at timestamptz,
  done boolean NOT NULL DEFAULT false,
  PRIMARY KEY (campaign_id, boundary_code)
);
CREATE INDEX campaign_project_chunk ON campaign_project (campaign_id, chunk);

CREATE TABLE campaign_facility (
  campaign_id uuid NOT NULL REFERENCES campaign (id),
  name_key text NOT NULL,
  name text NOT NULL,
  facility_type text NOT NULL,
  facility_status text NOT NULL,
  capacity bigint NOT NULL,
  boundary_codes text[] NOT NULL,
  facility_id text,
  is_active boolean NOT NULL DEFAULT true,
  action text NOT NULL DEFAULT 'create',
  chunk integer NOT NULL,
  attempted_at timestamptz,
  done boolean NOT NULL DEFAULT false,
  PRIMARY KEY (campaign_id, name_key)
);
CREATE INDEX campaign_facility_chunk ON campaign_facility (campaign_id, chunk);

CREATE TABLE campaign_user (
  campaign_id uuid NOT NULL REFERENCES campaign (id),
  phone text NOT NULL,
  name text NOT NULL,
  roles text[] NOT NULL,
  employment_type text NOT NULL,
  user_name text,
  boundary_codes text[] NOT NULL,
  user_service_uuid text,
  is_active boolean NOT NULL DEFAULT true,
  action text NOT NULL DEFAULT 'create',
  chunk integer NOT NULL,
  attempted_at timestamptz,
  done boolean NOT NULL DEFAULT false,
  PRIMARY KEY (campaign_id, phone)
);
CREATE INDEX campaign_user_chunk ON campaign_user (campaign_id, chunk);

-- project↔facility ('facility'), project↔staff ('staff') and project↔product variant ('resource').
-- `entity_key` is the facility's name key, the user's phone or the variant id; ids are resolved at sync time.
CREATE TABLE campaign_mapping (
  campaign_id uuid NOT NULL REFERENCES campaign (id),
  kind text NOT NULL CHECK (kind IN ('facility', 'staff', 'resource')),
  boundary_code text NOT NULL,
  entity_key text NOT NULL,
  mapping_id text,
  is_active boolean NOT NULL DEFAULT true,
  action text NOT NULL DEFAULT 'create',
  chunk integer NOT NULL,
  attempted_at timestamptz,
  done boolean NOT NULL DEFAULT false,
  PRIMARY KEY (campaign_id, kind, boundary_code, entity_key)
);
CREATE INDEX campaign_mapping_chunk ON campaign_mapping (campaign_id, kind, chunk);

-- Chunks of each step and attempt, so the status service counts results once however often they arrive.
CREATE TABLE campaign_step_chunk (
  campaign_id uuid NOT NULL REFERENCES campaign (id),
  step text NOT NULL,
  chunk integer NOT NULL,
  wave integer NOT NULL DEFAULT 0,
  status text NOT NULL CHECK (status IN ('pending', 'dispatched', 'completed', 'failed', 'skipped')),
  attempt integer NOT NULL DEFAULT 0,
  counts jsonb NOT NULL DEFAULT '{}',
  last_error jsonb,
  dispatched_at timestamptz,
  finished_at timestamptz,
  PRIMARY KEY (campaign_id, step, chunk)
);

-- Messages written in the same transaction as the state they announce; a relay publishes them.
CREATE TABLE outbox (
  id bigserial PRIMARY KEY,
  topic text NOT NULL,
  message_key text NOT NULL,
  payload jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
