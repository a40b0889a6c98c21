import {
  jsonb,
  openPassword,
  userNameOf,
  type CredentialsRow,
  type Queryable,
} from '@campaign-pipeline/shared';
import { randomUUID } from 'node:crypto';

// The files behind project-factory's data API (table campaign_resource) and their answer shapes:
// `GeneratedResource` for templates and credentials, `ResourceDetails` for checked uploads.

export type ResourceKind = 'generate' | 'validate' | 'credentials';
export type ResourceStatus = 'inprogress' | 'completed' | 'invalid' | 'failed' | 'expired';

export interface ResourceRow {
  id: string;
  tenant_id: string;
  kind: ResourceKind;
  type: string;
  hierarchy_type: string | null;
  campaign_id: string | null;
  status: ResourceStatus;
  filestore_id: string | null;
  processed_filestore_id: string | null;
  additional_details: Record<string, unknown>;
  expires_at: string | null;
  created_by: string;
  created_time: string;
  last_modified_time: string;
}

export interface NewResource {
  tenantId: string;
  kind: ResourceKind;
  type: string;
  hierarchyType: string | null;
  campaignId: string | null;
  status: ResourceStatus;
  filestoreId: string | null;
  processedFilestoreId?: string | null;
  additionalDetails?: Record<string, unknown>;
  expiresAt?: number | null;
  createdBy: string;
}

export async function insertResource(db: Queryable, resource: NewResource): Promise<ResourceRow> {
  const now = Date.now();
  const { rows } = await db.query<ResourceRow>(
    `INSERT INTO campaign_resource (id, tenant_id, kind, type, hierarchy_type, campaign_id, status, filestore_id,
       processed_filestore_id, additional_details, expires_at, created_by, created_time, last_modified_time)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING *`,
    [
      randomUUID(),
      resource.tenantId,
      resource.kind,
      resource.type,
      resource.hierarchyType,
      resource.campaignId,
      resource.status,
      resource.filestoreId,
      resource.processedFilestoreId ?? null,
      jsonb(resource.additionalDetails ?? {}),
      resource.expiresAt ?? null,
      resource.createdBy,
      now,
    ],
  );
  return rows[0] as ResourceRow;
}

/** The newest usable file of a kind and type for a campaign: generating again replaces older ones. */
export async function latestResource(
  db: Queryable,
  campaignId: string,
  kind: ResourceKind,
  type: string,
): Promise<ResourceRow | null> {
  const { rows } = await db.query<ResourceRow>(
    `SELECT * FROM campaign_resource
     WHERE campaign_id = $1 AND kind = $2 AND type = $3 AND status <> 'expired'
       AND (expires_at IS NULL OR expires_at > $4)
     ORDER BY created_time DESC LIMIT 1`,
    [campaignId, kind, type, Date.now()],
  );
  return rows[0] ?? null;
}

export interface ResourceCriteria {
  tenantId: string;
  ids?: string[];
  type?: string;
  campaignId?: string;
  status?: string;
}

/** Checked uploads by id, type, campaign or status, newest first. */
export async function searchResources(db: Queryable, criteria: ResourceCriteria): Promise<ResourceRow[]> {
  const { rows } = await db.query<ResourceRow>(
    `SELECT * FROM campaign_resource
     WHERE tenant_id = $1 AND kind = 'validate'
       AND ($2::text[] IS NULL OR id::text = ANY($2::text[]))
       AND ($3::text IS NULL OR type = $3)
       AND ($4::text IS NULL OR campaign_id::text = $4)
       AND ($5::text IS NULL OR status = $5)
     ORDER BY created_time DESC LIMIT 100`,
    [
      criteria.tenantId,
      criteria.ids ?? null,
      criteria.type ?? null,
      criteria.campaignId ?? null,
      criteria.status ?? null,
    ],
  );
  return rows;
}

/** Credential files past their time are no longer handed out; a new download writes a fresh one. */
export async function expireCredentials(db: Queryable, now = Date.now()): Promise<number> {
  const { rowCount } = await db.query(
    `UPDATE campaign_resource SET status = 'expired', last_modified_time = $1
     WHERE kind = 'credentials' AND status = 'completed' AND expires_at <= $1`,
    [now],
  );
  return rowCount ?? 0;
}

function auditDetails(row: ResourceRow) {
  return {
    createdBy: row.created_by,
    lastModifiedBy: row.created_by,
    createdTime: Number(row.created_time),
    lastModifiedTime: Number(row.last_modified_time),
  };
}

/** project-factory's GeneratedResource: the file is `fileStoreid` (its spelling). */
export function generatedResource(row: ResourceRow) {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    type: row.type,
    status: row.status,
    hierarchyType: row.hierarchy_type,
    campaignId: row.campaign_id,
    fileStoreid: row.filestore_id,
    additionalDetails: row.additional_details,
    auditDetails: auditDetails(row),
  };
}

/**
 * project-factory's ResourceDetails. The processed file is given under both spellings the console reads
 * (`processedFilestoreId` by the older upload screen, `processedFileStoreId` by the newer one).
 */
export function resourceDetails(row: ResourceRow) {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    type: row.type,
    status: row.status,
    action: 'validate',
    hierarchyType: row.hierarchy_type,
    campaignId: row.campaign_id,
    fileStoreId: row.filestore_id,
    processedFilestoreId: row.processed_filestore_id,
    processedFileStoreId: row.processed_filestore_id,
    additionalDetails: row.additional_details,
    auditDetails: auditDetails(row),
  };
}

/** The users this campaign created, with their initial passwords opened with the key. */
export async function createdUserCredentials(
  db: Queryable,
  campaignId: string,
  key: Buffer,
): Promise<CredentialsRow[]> {
  const { rows } = await db.query<{
    name: string;
    phone: string;
    user_name: string | null;
    roles: string[];
    boundary_codes: string[];
    password_ciphertext: string | null;
  }>(
    `SELECT name, phone, user_name, roles, boundary_codes, password_ciphertext FROM campaign_user
     WHERE campaign_id = $1 AND action = 'create' AND done AND is_active ORDER BY phone`,
    [campaignId],
  );
  return rows.map((row) => ({
    name: row.name,
    phone: row.phone,
    userName: userNameOf({ phone: row.phone, userName: row.user_name }),
    password: row.password_ciphertext ? openPassword(key, row.password_ciphertext) : null,
    roles: row.roles,
    boundaryCodes: row.boundary_codes,
  }));
}
