-- Up Migration

CREATE TABLE campaign (
  id uuid PRIMARY KEY,
  tenant_id text NOT NULL,
  campaign_number text NOT NULL UNIQUE,
  campaign_name text NOT NULL,
  project_type text NOT NULL,
  hierarchy_type text NOT NULL,
  boundary_code text,
  project_id text,
  parent_id uuid REFERENCES campaign (id),
  is_active boolean NOT NULL DEFAULT true,
  status text NOT NULL CHECK (status IN ('drafted', 'creating', 'created', 'failed', 'cancelled')),
  action text NOT NULL,
  flow text NOT NULL DEFAULT 'parallel',
  start_date bigint NOT NULL,
  end_date bigint NOT NULL,
  boundaries jsonb NOT NULL DEFAULT '[]',
  resources jsonb NOT NULL DEFAULT '[]',
  delivery_rules jsonb NOT NULL DEFAULT '[]',
  additional_details jsonb NOT NULL DEFAULT '{}',
  requested_by jsonb NOT NULL,
  -- Id of the campaign.requests message that created it: a redelivered request creates nothing again.
  request_id text UNIQUE,
  last_error jsonb,
  created_by text NOT NULL,
  last_modified_by text NOT NULL,
  created_time bigint NOT NULL,
  last_modified_time bigint NOT NULL
);

-- At most one active child per parent, enforced by the database so concurrent creates cannot race.
CREATE UNIQUE INDEX campaign_one_active_child ON campaign (parent_id) WHERE parent_id IS NOT NULL AND is_active;
CREATE INDEX campaign_tenant_status ON campaign (tenant_id, status, is_active);
CREATE INDEX campaign_tenant_created ON campaign (tenant_id, created_time DESC);

-- The spec's Status Tracking Table: one row per campaign and step.
CREATE TABLE campaign_step (
  campaign_id uuid NOT NULL REFERENCES campaign (id),
  step text NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'started', 'completed', 'failed', 'skipped')),
  attempt integer NOT NULL DEFAULT 0,
  last_error jsonb,
  started_at timestamptz,
  finished_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, step)
);

-- Append-only history of step transitions, for the timeline and audits.
CREATE TABLE campaign_step_history (
  id bigserial PRIMARY KEY,
  campaign_id uuid NOT NULL REFERENCES campaign (id),
  step text NOT NULL,
  from_status text,
  to_status text NOT NULL,
  attempt integer NOT NULL,
  detail jsonb,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX campaign_step_history_campaign ON campaign_step_history (campaign_id, id);
