import {
  ApiError,
  authorize,
  authorizeBeforeValidation,
  requestInfoSchema,
  responseInfo,
  type Database,
  type Queryable,
  type RequestInfo,
} from '@campaign-pipeline/shared';
import type { FastifyInstance } from 'fastify';
import { campaignProcesses, processTrack, type StepRow } from '../domain/process-track.ts';
import { statusSummary, type EntityCount } from '../domain/status-summary.ts';
import { tenantIncludes } from '../domain/tenants.ts';

// The console's views of a running campaign: `status` (polled while creating) and `getProcessTrack`
// (the timeline), in project-factory's shapes.

const BASE = '/project-factory/v1/project-type';
const text = { type: 'string', maxLength: 256 } as const;

const statusBody = {
  type: 'object',
  required: ['RequestInfo'],
  properties: {
    RequestInfo: requestInfoSchema,
    CampaignDetails: { type: 'object', properties: { campaignNumber: text, tenantId: text } },
  },
} as const;

const trackQuery = {
  type: 'object',
  properties: { campaignId: text, tenantId: text },
} as const;

interface CampaignHead {
  id: string;
  tenant_id: string;
  campaign_number: string;
  status: string;
  created_time: string;
  last_modified_by: string;
  last_error: { code: string; message: string; step?: string } | null;
}

const HEAD_COLUMNS = 'id, tenant_id, campaign_number, status, created_time, last_modified_by, last_error';

function required(value: string | undefined, code: string, name: string): string {
  if (!value) throw ApiError.of(400, code, `${name} is required`, [name]);
  return value;
}

function notFound(what: string, tenantId: string): ApiError {
  return ApiError.of(404, 'CAMPAIGN_NOT_FOUND', `campaign ${what} does not exist in tenant ${tenantId}`);
}

async function stepRows(db: Queryable, campaignId: string): Promise<StepRow[]> {
  const { rows } = await db.query<{
    step: string;
    status: StepRow['status'];
    created: string;
    modified: string;
  }>(
    `SELECT step, status,
            (extract(epoch FROM coalesce(started_at, updated_at)) * 1000)::bigint AS created,
            (extract(epoch FROM updated_at) * 1000)::bigint AS modified
       FROM campaign_step WHERE campaign_id = $1`,
    [campaignId],
  );
  return rows.map((row) => ({
    step: row.step,
    status: row.status,
    createdTime: Number(row.created),
    lastModifiedTime: Number(row.modified),
  }));
}

/** Rows per entity and state: projects by boundary, facilities, users, and each kind of mapping. */
async function entityCounts(db: Queryable, campaignId: string): Promise<EntityCount[]> {
  const { rows } = await db.query<EntityCount & { count: string }>(
    `SELECT 'boundary' AS entity, NULL AS kind, done, is_active, count(*) FROM campaign_project
       WHERE campaign_id = $1 GROUP BY done, is_active
     UNION ALL
     SELECT 'facility', NULL, done, is_active, count(*) FROM campaign_facility
       WHERE campaign_id = $1 GROUP BY done, is_active
     UNION ALL
     SELECT 'user', NULL, done, is_active, count(*) FROM campaign_user
       WHERE campaign_id = $1 GROUP BY done, is_active
     UNION ALL
     SELECT 'mapping', kind, done, is_active, count(*) FROM campaign_mapping
       WHERE campaign_id = $1 GROUP BY kind, done, is_active`,
    [campaignId],
  );
  return rows.map((row) => ({ ...row, count: Number(row.count) }));
}

export function processRoutes(app: FastifyInstance, parts: { db: Database }): void {
  const { db } = parts;

  app.post<{
    Body: { RequestInfo: RequestInfo; CampaignDetails?: { campaignNumber?: string; tenantId?: string } };
  }>(
    `${BASE}/status`,
    { preValidation: authorizeBeforeValidation('read'), schema: { body: statusBody } },
    async (request) => {
      const details = request.body.CampaignDetails ?? {};
      const tenantId = required(details.tenantId, 'TENANT_ID_REQUIRED', 'CampaignDetails.tenantId');
      authorize(request.body.RequestInfo, tenantId, 'read');
      const campaignNumber = required(
        details.campaignNumber,
        'CAMPAIGN_NUMBER_REQUIRED',
        'CampaignDetails.campaignNumber',
      );
      const { rows } = await db.query<CampaignHead>(
        `SELECT ${HEAD_COLUMNS} FROM campaign WHERE tenant_id = $1 AND campaign_number = $2`,
        [tenantId, campaignNumber],
      );
      const campaign = rows[0];
      if (!campaign) throw notFound(campaignNumber, tenantId);
      const [steps, counts] = await Promise.all([stepRows(db, campaign.id), entityCounts(db, campaign.id)]);
      return {
        ResponseInfo: responseInfo(request.body.RequestInfo),
        CampaignStatus: {
          campaignNumber,
          summary: statusSummary(counts),
          processes: campaignProcesses(steps, campaign.last_modified_by),
        },
      };
    },
  );

  app.post<{ Body: { RequestInfo: RequestInfo }; Querystring: { campaignId?: string; tenantId?: string } }>(
    `${BASE}/getProcessTrack`,
    {
      // The tenant is in the query string: the caller is checked against it in the handler.
      preValidation: authorizeBeforeValidation('read'),
      schema: {
        querystring: trackQuery,
        body: { type: 'object', properties: { RequestInfo: requestInfoSchema } },
      },
    },
    async (request) => {
      const requestInfo = request.body?.RequestInfo;
      // Older consoles send only the campaign id: its tenant is then the caller's own.
      const tenantId = request.query.tenantId ?? requestInfo?.userInfo?.tenantId ?? '';
      authorize(requestInfo, required(tenantId, 'TENANT_ID_REQUIRED', 'tenantId'), 'read');
      const campaignId = required(request.query.campaignId, 'VALIDATION_ERROR', 'campaignId');
      const { rows } = await db.query<CampaignHead>(
        `SELECT ${HEAD_COLUMNS} FROM campaign WHERE id::text = $1`,
        [campaignId],
      );
      const campaign = rows[0];
      if (!campaign || !tenantIncludes(tenantId, campaign.tenant_id)) throw notFound(campaignId, tenantId);
      authorize(requestInfo, campaign.tenant_id, 'read');
      const steps = await stepRows(db, campaign.id);
      return {
        ResponseInfo: responseInfo(requestInfo),
        processTrack: processTrack(
          {
            id: campaign.id,
            status: campaign.status,
            createdTime: Number(campaign.created_time),
            lastError: campaign.last_error,
          },
          steps,
        ),
      };
    },
  );
}
