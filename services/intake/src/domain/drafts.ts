import {
  ApiError,
  campaignViewFromRow,
  jsonb,
  requestInfoSchema,
  type CampaignRow,
  type CampaignView,
  type DatabaseClient,
  type Queryable,
  type RequestInfo,
  type UserInfo,
} from '@campaign-pipeline/shared';
import { randomUUID } from 'node:crypto';
import { campaignDetailsSchema } from './campaign-schema.ts';
import { newCampaignNumber, type IntakeParts } from './intake-campaign.ts';

// Drafts: the DIGIT console saves the campaign after every step of its form, so a draft holds whatever the
// manager has chosen so far. Nothing is looked up in DIGIT until the draft is launched (update with
// action "create"), which runs every check of a create.

const nullable = <T extends { type: string }>(schema: T) => ({ ...schema, type: [schema.type, 'null'] });
const fields = campaignDetailsSchema.properties;

/** A draft needs what project-factory's draft schema needs: tenant, name and hierarchy. */
export const draftDetailsSchema = {
  type: 'object',
  required: ['tenantId', 'campaignName', 'hierarchyType'],
  properties: {
    id: { type: ['string', 'null'], maxLength: 64 },
    tenantId: fields.tenantId,
    action: { type: 'string', const: 'draft' },
    campaignName: fields.campaignName,
    projectType: nullable(fields.projectType),
    hierarchyType: fields.hierarchyType,
    parentId: { type: 'null' },
    startDate: nullable(fields.startDate),
    endDate: nullable(fields.endDate),
    additionalDetails: nullable(fields.additionalDetails),
    boundaries: nullable(fields.boundaries),
    // Any resource type the console keeps (e.g. its unified workbook); a launch accepts only the three.
    resources: {
      type: ['array', 'null'],
      maxItems: 10,
      items: {
        type: 'object',
        required: ['type'],
        properties: {
          type: { type: 'string', maxLength: 64 },
          filename: { type: ['string', 'null'], maxLength: 256 },
          resourceId: { type: ['string', 'null'], maxLength: 128 },
          filestoreId: { type: ['string', 'null'], maxLength: 128 },
        },
      },
    },
    deliveryRules: nullable(fields.deliveryRules),
  },
} as const;

export interface DraftInput {
  id?: string | null;
  tenantId: string;
  campaignName: string;
  projectType?: string | null;
  hierarchyType: string;
  startDate?: number | null;
  endDate?: number | null;
  additionalDetails?: Record<string, unknown> | null;
  boundaries?: unknown[] | null;
  resources?: unknown[] | null;
  deliveryRules?: unknown[] | null;
}

/** project-factory refuses a second campaign of the same name in a tenant; cancelled ones free the name. */
async function checkNameFree(db: Queryable, input: DraftInput, ownId: string | null): Promise<void> {
  const { rowCount } = await db.query(
    `SELECT 1 FROM campaign WHERE tenant_id = $1 AND campaign_name = $2 AND status <> 'cancelled'
       AND ($3::uuid IS NULL OR id <> $3::uuid) LIMIT 1`,
    [input.tenantId, input.campaignName, ownId],
  );
  if (rowCount) {
    throw ApiError.of(
      400,
      'CAMPAIGN_NAME_ERROR',
      `a campaign named ${input.campaignName} already exists in tenant ${input.tenantId}`,
      ['campaignName'],
    );
  }
}

function draftValues(input: DraftInput) {
  return [
    input.campaignName,
    input.projectType ?? null,
    input.hierarchyType,
    input.startDate ?? null,
    input.endDate ?? null,
    jsonb(input.boundaries ?? []),
    jsonb(input.resources ?? []),
    jsonb(input.deliveryRules ?? []),
    jsonb(input.additionalDetails ?? {}),
  ];
}

export async function saveDraft(
  parts: IntakeParts,
  requestInfo: RequestInfo,
  input: DraftInput,
): Promise<CampaignView> {
  const user = requestInfo.userInfo as UserInfo;
  await checkNameFree(parts.db, input, null);
  const campaignNumber = await newCampaignNumber(parts, requestInfo, input.tenantId);
  const now = Date.now();
  const { rows } = await parts.db.query<CampaignRow>(
    `INSERT INTO campaign (id, tenant_id, campaign_number, campaign_name, project_type, hierarchy_type, start_date,
       end_date, boundaries, resources, delivery_rules, additional_details, parent_id, is_active, status, action,
       flow, requested_by, created_by, last_modified_by, created_time, last_modified_time)
     VALUES ($12, $10, $11, $1, $2, $3, $4, $5, $6, $7, $8, $9, NULL, true, 'drafted', 'draft', $13, $14, $15, $15,
       $16, $16)
     RETURNING *`,
    [
      ...draftValues(input),
      input.tenantId,
      campaignNumber,
      randomUUID(),
      parts.flow,
      jsonb(user),
      user.uuid,
      now,
    ],
  );
  parts.logger.info({ campaignId: rows[0]?.id, campaignNumber }, 'campaign drafted');
  return campaignViewFromRow(rows[0] as CampaignRow);
}

/** The stored campaign an update names, locked; absent from the tenant is 404 as in every campaign route. */
export async function campaignToUpdate(
  tx: DatabaseClient,
  id: string,
  tenantId: string,
): Promise<CampaignRow> {
  const { rows } = await tx.query<CampaignRow>(
    'SELECT * FROM campaign WHERE id::text = $1 AND tenant_id = $2 FOR UPDATE',
    [id, tenantId],
  );
  if (!rows[0])
    throw ApiError.of(404, 'CAMPAIGN_NOT_FOUND', `campaign ${id} does not exist in tenant ${tenantId}`);
  return rows[0];
}

export function notUpdatable(row: Pick<CampaignRow, 'id' | 'status'>, allowed: string): ApiError {
  return ApiError.of(
    409,
    'VALIDATION_ERROR_UPDATE_CAMPAIGN',
    `campaign ${row.id} is ${row.status}; it can be updated only when ${allowed}`,
  );
}

/** Replaces a draft's fields with the ones sent: the console sends the whole campaign each time. */
export async function editDraft(
  parts: IntakeParts,
  requestInfo: RequestInfo,
  input: DraftInput & { id: string },
): Promise<CampaignView> {
  const client = await parts.db.connect();
  try {
    await client.query('BEGIN');
    const stored = await campaignToUpdate(client, input.id, input.tenantId);
    if (stored.status !== 'drafted') throw notUpdatable(stored, 'drafted');
    await checkNameFree(client, input, stored.id);
    const { rows } = await client.query<CampaignRow>(
      `UPDATE campaign SET campaign_name = $1, project_type = $2, hierarchy_type = $3, start_date = $4,
         end_date = $5, boundaries = $6, resources = $7, delivery_rules = $8, additional_details = $9,
         last_modified_by = $11, last_modified_time = $12
       WHERE id = $10 RETURNING *`,
      [...draftValues(input), stored.id, requestInfo.userInfo?.uuid ?? '', Date.now()],
    );
    await client.query('COMMIT');
    return campaignViewFromRow(rows[0] as CampaignRow);
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

export const draftBodySchema = {
  type: 'object',
  required: ['RequestInfo', 'CampaignDetails'],
  properties: { RequestInfo: requestInfoSchema, CampaignDetails: draftDetailsSchema },
} as const;
