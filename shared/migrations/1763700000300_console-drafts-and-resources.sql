-- Up Migration

-- The DIGIT console saves a campaign as a draft after each step of its form: the project type, hierarchy
-- and dates may still be unknown. A campaign launched from its draft has all of them (checked at create);
-- a draft may also be cancelled as it is.
ALTER TABLE campaign ALTER COLUMN project_type DROP NOT NULL;
ALTER TABLE campaign ALTER COLUMN hierarchy_type DROP NOT NULL;
ALTER TABLE campaign ALTER COLUMN start_date DROP NOT NULL;
ALTER TABLE campaign ALTER COLUMN end_date DROP NOT NULL;
ALTER TABLE campaign ADD CONSTRAINT campaign_complete_when_launched CHECK (
  status IN ('drafted', 'cancelled')
  OR (project_type IS NOT NULL AND hierarchy_type IS NOT NULL AND start_date IS NOT NULL AND end_date IS NOT NULL)
);

-- Files behind project-factory's data API: templates generated for a campaign (`generate`), uploaded
-- sheets checked with the intake's rules (`validate`) and credential workbooks (`credentials`).
CREATE TABLE campaign_resource (
  id uuid PRIMARY KEY,
  tenant_id text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('generate', 'validate', 'credentials')),
  type text NOT NULL,
  hierarchy_type text,
  campaign_id uuid REFERENCES campaign (id),
  status text NOT NULL CHECK (status IN ('inprogress', 'completed', 'invalid', 'failed', 'expired')),
  filestore_id text,
  processed_filestore_id text,
  additional_details jsonb NOT NULL DEFAULT '{}',
  -- Credential workbooks hold passwords: they are handed out only until then.
  expires_at bigint,
  created_by text NOT NULL,
  created_time bigint NOT NULL,
  last_modified_time bigint NOT NULL
);
CREATE INDEX campaign_resource_campaign ON campaign_resource (campaign_id, kind, type, created_time DESC);
CREATE INDEX campaign_resource_expiry ON campaign_resource (expires_at) WHERE expires_at IS NOT NULL;

-- A user's initial password, encrypted with the credentials key (AES-256-GCM) when one is configured, so
-- the campaign manager can download the credentials workbook; absent otherwise.
ALTER TABLE campaign_user ADD COLUMN password_ciphertext text;
