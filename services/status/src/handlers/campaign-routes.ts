import {
  ApiError,
  authorize,
  authorizeBeforeValidation,
  campaignDetails,
  campaignFromRow,
  cancelCampaign,
  findCampaign,
  inTransaction,
  requestInfoSchema,
  responseInfo,
  retryCampaign,
  type CampaignRecord,
  type Database,
  type Queryable,
  type RequestInfo,
  type RunSettings,
} from '@campaign-pipeline/shared';
import type { FastifyInstance } from 'fastify';
import { campaignProgress } from '../domain/progress.ts';
import { buildSearchQuery, SORT_FIELDS, type SearchCriteria } from '../domain/search.ts';

const BASE = '/project-factory/v1/project-type';
const uuid = { type: 'string', format: 'uuid' } as const;
const tenantId = { type: 'string', minLength: 1, maxLength: 256, pattern: '^[A-Za-z0-9._-]+$' } as const;

const campaignReference = {
  type: 'object',
  required: ['RequestInfo', 'CampaignDetails'],
  properties: {
    RequestInfo: requestInfoSchema,
    CampaignDetails: {
      type: 'object',
      required: ['tenantId'],
      anyOf: [{ required: ['id'] }, { required: ['campaignId'] }],
      properties: { id: uuid, campaignId: uuid, tenantId },
    },
  },
} as const;

const searchBody = {
  type: 'object',
  required: ['RequestInfo', 'CampaignDetails'],
  properties: {
    RequestInfo: requestInfoSchema,
    CampaignDetails: {
      type: 'object',
      required: ['tenantId'],
      additionalProperties: false,
      properties: {
        tenantId,
        ids: { type: 'array', items: uuid, maxItems: 100 },
        isActive: { type: 'boolean' },
        status: {
          anyOf: [
            { type: 'string', maxLength: 32 },
            { type: 'array', items: { type: 'string', maxLength: 32 }, maxItems: 10 },
          ],
        },
        campaignNumber: { type: 'string', maxLength: 64 },
        campaignName: { type: 'string', maxLength: 250 },
        isLikeSearch: { type: 'boolean' },
        projectType: { type: 'string', maxLength: 128 },
        createdBy: { type: 'string', maxLength: 128 },
        isChildCampaign: { type: 'boolean' },
        parentId: uuid,
        startDate: { type: 'integer', minimum: 0 },
        endDate: { type: 'integer', minimum: 0 },
        pagination: {
          type: 'object',
          additionalProperties: false,
          properties: {
            sortBy: { type: 'string', enum: Object.keys(SORT_FIELDS) },
            sortOrder: { type: 'string', enum: ['asc', 'desc'] },
            limit: { type: 'integer', minimum: 1, maximum: 100 },
            offset: { type: 'integer', minimum: 0 },
          },
        },
      },
    },
  },
} as const;

interface ReferenceBody {
  RequestInfo: RequestInfo;
  CampaignDetails: { id?: string; campaignId?: string; tenantId: string };
}

async function campaignFor(db: Queryable, body: ReferenceBody, access: 'read' | 'write', lock = false) {
  const { tenantId: tenant } = body.CampaignDetails;
  authorize(body.RequestInfo, tenant, access);
  const id = (body.CampaignDetails.id ?? body.CampaignDetails.campaignId) as string;
  const campaign = await findCampaign(db, id, { lock });
  if (!campaign || campaign.tenantId !== tenant) {
    throw ApiError.of(404, 'CAMPAIGN_NOT_FOUND', `campaign ${id} does not exist in tenant ${tenant}`);
  }
  return campaign;
}

export function campaignRoutes(
  app: FastifyInstance,
  parts: { db: Database; settings: RunSettings; stallAfterMs: number; onCommit: () => void },
): void {
  const { db, settings } = parts;
  // Retry and cancel write to the outbox: publish right after they commit.
  app.addHook('onResponse', async () => parts.onCommit());

  app.post<{ Body: { RequestInfo: RequestInfo; CampaignDetails: SearchCriteria } }>(
    `${BASE}/search`,
    { preValidation: authorizeBeforeValidation('read'), schema: { body: searchBody } },
    async (request) => {
      const criteria = request.body.CampaignDetails;
      authorize(request.body.RequestInfo, criteria.tenantId, 'read');
      const query = buildSearchQuery(criteria);
      const [page, total] = await Promise.all([
        db.query(
          `SELECT * FROM campaign WHERE ${query.where} ORDER BY ${query.orderBy}
           LIMIT $${query.values.length + 1} OFFSET $${query.values.length + 2}`,
          [...query.values, query.limit, query.offset],
        ),
        db.query<{ total: number }>(
          `SELECT count(*)::int AS total FROM campaign WHERE ${query.where}`,
          query.values,
        ),
      ]);
      return {
        ResponseInfo: responseInfo(request.body.RequestInfo),
        CampaignDetails: page.rows.map((row) => campaignDetails(campaignFromRow(row))),
        totalCount: total.rows[0]?.total ?? 0,
      };
    },
  );

  app.post<{ Body: ReferenceBody }>(
    `${BASE}/retry`,
    { preValidation: authorizeBeforeValidation('write'), schema: { body: campaignReference } },
    async (request) => {
      const campaign = await inTransaction(db, async (tx) => {
        const found = await campaignFor(tx, request.body, 'write', true);
        if (found.status === 'creating') return found;
        if (found.status !== 'failed') {
          throw ApiError.of(
            409,
            'CAMPAIGN_NOT_RETRYABLE',
            `campaign ${found.id} is ${found.status}; only a failed campaign can be retried`,
          );
        }
        await retryCampaign(tx, found, settings);
        return (await findCampaign(tx, found.id)) as CampaignRecord;
      });
      return {
        ResponseInfo: responseInfo(request.body.RequestInfo),
        CampaignDetails: campaignDetails(campaign),
      };
    },
  );

  app.post<{ Body: ReferenceBody }>(
    `${BASE}/cancel-campaign`,
    { preValidation: authorizeBeforeValidation('write'), schema: { body: campaignReference } },
    async (request) => {
      const campaign = await inTransaction(db, async (tx) => {
        const found = await campaignFor(tx, request.body, 'write', true);
        // A created campaign's changes are in DIGIT (a child has already replaced its parent): it is
        // changed by a new child campaign, not cancelled.
        if (found.status === 'created') {
          throw ApiError.of(
            409,
            'CAMPAIGN_ALREADY_CREATED',
            `campaign ${found.id} is created; update it through a child campaign instead of cancelling it`,
          );
        }
        await cancelCampaign(tx, found, request.body.RequestInfo.userInfo?.uuid ?? '');
        return (await findCampaign(tx, found.id)) as CampaignRecord;
      });
      return {
        ResponseInfo: responseInfo(request.body.RequestInfo),
        CampaignDetails: campaignDetails(campaign),
      };
    },
  );

  app.post<{ Body: ReferenceBody }>(
    `${BASE}/progress`,
    { preValidation: authorizeBeforeValidation('read'), schema: { body: campaignReference } },
    async (request) => {
      const campaign = await campaignFor(db, request.body, 'read');
      return {
        ResponseInfo: responseInfo(request.body.RequestInfo),
        CampaignDetails: campaignDetails(campaign),
        steps: await campaignProgress(db, campaign, parts.stallAfterMs),
      };
    },
  );
}
