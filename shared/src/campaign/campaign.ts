import type pg from 'pg';
import type { RequestInfo, UserInfo } from '../digit/envelope.ts';

export const CAMPAIGN_STATUSES = ['drafted', 'creating', 'created', 'failed', 'cancelled'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

export const RESOURCE_TYPES = ['facility', 'user', 'boundaryWithTarget'] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];

export interface CampaignResource {
  type: ResourceType;
  filename: string;
  resourceId?: string;
  filestoreId: string;
}

export interface CampaignBoundary {
  code: string;
  type?: string;
  isRoot?: boolean;
  includeAllChildren?: boolean;
  parent?: string | null;
}

export interface AuditDetails {
  createdBy: string;
  lastModifiedBy: string;
  createdTime: number;
  lastModifiedTime: number;
}

/** The campaign as DIGIT's project-factory API shows it. */
export interface CampaignDetails {
  id: string;
  tenantId: string;
  status: CampaignStatus;
  action: string;
  campaignNumber: string;
  isActive: boolean;
  parentId: string | null;
  campaignName: string;
  projectType: string;
  hierarchyType: string;
  boundaryCode: string | null;
  projectId: string | null;
  startDate: number;
  endDate: number;
  additionalDetails: Record<string, unknown>;
  resources: CampaignResource[];
  boundaries: CampaignBoundary[];
  deliveryRules: unknown[];
  auditDetails: AuditDetails;
}

/** A campaign as stored, with what the workers need beyond the API shape. */
export interface CampaignRecord extends CampaignDetails {
  flow: string;
  requestedBy: UserInfo;
  lastError: { code: string; message: string; step?: string } | null;
}

export interface CampaignRow {
  id: string;
  tenant_id: string;
  status: CampaignStatus;
  action: string;
  flow: string;
  campaign_number: string;
  is_active: boolean;
  parent_id: string | null;
  campaign_name: string;
  project_type: string | null;
  hierarchy_type: string | null;
  boundary_code: string | null;
  project_id: string | null;
  start_date: string | null;
  end_date: string | null;
  additional_details: Record<string, unknown>;
  resources: CampaignResource[];
  boundaries: CampaignBoundary[];
  delivery_rules: unknown[];
  requested_by: UserInfo;
  last_error: CampaignRecord['lastError'];
  created_by: string;
  last_modified_by: string;
  created_time: string;
  last_modified_time: string;
}

/**
 * A launched campaign: the database guarantees it has its project type, hierarchy and dates (constraint
 * campaign_complete_when_launched). Drafts, and drafts cancelled as they were, are read as they are
 * with `campaignViewFromRow`.
 */
export function campaignFromRow(row: CampaignRow): CampaignRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    status: row.status,
    action: row.action,
    flow: row.flow,
    campaignNumber: row.campaign_number,
    isActive: row.is_active,
    parentId: row.parent_id,
    campaignName: row.campaign_name,
    projectType: row.project_type ?? '',
    hierarchyType: row.hierarchy_type ?? '',
    boundaryCode: row.boundary_code,
    projectId: row.project_id,
    startDate: Number(row.start_date),
    endDate: Number(row.end_date),
    additionalDetails: row.additional_details,
    resources: row.resources,
    boundaries: row.boundaries,
    deliveryRules: row.delivery_rules,
    requestedBy: row.requested_by,
    lastError: row.last_error,
    auditDetails: {
      createdBy: row.created_by,
      lastModifiedBy: row.last_modified_by,
      createdTime: Number(row.created_time),
      lastModifiedTime: Number(row.last_modified_time),
    },
  };
}

/** The API shape: stored-only fields (who requested, the flow) are not shown. */
export function campaignDetails(
  record: CampaignRecord,
): CampaignDetails & { lastError?: CampaignRecord['lastError'] } {
  const { flow: _flow, requestedBy: _requestedBy, lastError, ...details } = record;
  return lastError ? { ...details, lastError } : details;
}

/** Fields a draft may not have yet. */
type DraftField = 'projectType' | 'hierarchyType' | 'startDate' | 'endDate';

/** The API shape of any campaign, drafts included: a draft's missing fields are null. */
export type CampaignView = Omit<CampaignDetails, DraftField> & {
  projectType: string | null;
  hierarchyType: string | null;
  startDate: number | null;
  endDate: number | null;
  lastError?: CampaignRecord['lastError'];
};

export function campaignViewFromRow(row: CampaignRow): CampaignView {
  const details = campaignDetails(campaignFromRow(row));
  return {
    ...details,
    projectType: row.project_type,
    hierarchyType: row.hierarchy_type,
    startDate: row.start_date === null ? null : Number(row.start_date),
    endDate: row.end_date === null ? null : Number(row.end_date),
  };
}

type Queryable = Pick<pg.ClientBase, 'query'>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Campaign ids are uuids; project-factory takes any string as one, and another simply finds nothing. */
export function isCampaignId(id: string): boolean {
  return UUID.test(id);
}

export async function findCampaignView(db: Queryable, id: string): Promise<CampaignView | null> {
  if (!isCampaignId(id)) return null;
  const { rows } = await db.query<CampaignRow>('SELECT * FROM campaign WHERE id = $1', [id]);
  return rows[0] ? campaignViewFromRow(rows[0]) : null;
}

export async function findCampaign(
  db: Queryable,
  id: string,
  options: { lock?: boolean } = {},
): Promise<CampaignRecord | null> {
  if (!isCampaignId(id)) return null;
  const { rows } = await db.query<CampaignRow>(
    `SELECT * FROM campaign WHERE id = $1${options.lock ? ' FOR UPDATE' : ''}`,
    [id],
  );
  return rows[0] ? campaignFromRow(rows[0]) : null;
}

export async function campaignStatus(db: Queryable, id: string): Promise<CampaignStatus | null> {
  if (!isCampaignId(id)) return null;
  const { rows } = await db.query<{ status: CampaignStatus }>('SELECT status FROM campaign WHERE id = $1', [
    id,
  ]);
  return rows[0]?.status ?? null;
}

/** RequestInfo for calls made on behalf of the campaign's requester. */
export function requestInfoFor(campaign: CampaignRecord, authToken: string | undefined): RequestInfo {
  return {
    apiId: 'campaign-pipeline',
    ver: '1.0',
    ts: Date.now(),
    action: 'create',
    msgId: `${Date.now()}|en_MZ`,
    ...(authToken ? { authToken } : {}),
    userInfo: campaign.requestedBy,
  };
}
