import {
  ApiError,
  CAMPAIGN_MANAGER_ROLE,
  authorize,
  authorizeBeforeValidation,
  campaignDetails,
  campaignViewFromRow,
  cancelCampaign,
  findCampaign,
  findCampaignView,
  inTransaction,
  requestInfoSchema,
  responseInfo,
  retryCampaign,
  type CampaignRecord,
  type CampaignRow,
  type CampaignView,
  type Database,
  type Queryable,
  type RequestInfo,
  type RunSettings,
  campaignIdSchema,
  tenantIdSchema,
} from '@campaign-pipeline/shared';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { campaignProgress } from '../domain/progress.ts';
import { buildSearchQuery, SORT_FIELDS, type SearchCriteria } from '../domain/search.ts';
import { isStateTenant, tenantIncludes } from '../domain/tenants.ts';

const BASE = '/project-factory/v1/project-type';

const campaignReference = {
  type: 'object',
  required: ['RequestInfo', 'CampaignDetails'],
  properties: {
    RequestInfo: requestInfoSchema,
    CampaignDetails: {
      type: 'object',
      required: ['tenantId'],
      anyOf: [{ required: ['id'] }, { required: ['campaignId'] }],
      properties: { id: campaignIdSchema, campaignId: campaignIdSchema, tenantId: tenantIdSchema },
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
        tenantId: tenantIdSchema,
        ids: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 64 }, maxItems: 100 },
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
        parentId: { type: 'string', minLength: 1, maxLength: 64 },
        startDate: { type: 'integer', minimum: 0 },
        endDate: { type: 'integer', minimum: 0 },
        campaignsIncludeDates: { type: 'boolean' },
        isOverrideDatesFromProject: { type: 'boolean' },
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

/** The roles an unvalidated body states, only the well-formed ones. */
function statedRoles(body: unknown): { code: string; tenantId: string }[] {
  const roles = (body as { RequestInfo?: { userInfo?: { roles?: unknown } } } | null)?.RequestInfo?.userInfo
    ?.roles;
  return (Array.isArray(roles) ? roles : []).filter(
    (role: unknown): role is { code: string; tenantId: string } =>
      typeof (role as { code?: unknown })?.code === 'string' &&
      typeof (role as { tenantId?: unknown })?.tenantId === 'string',
  );
}

/**
 * Changes need the campaign-manager role before the body is validated. A state-level tenant is resolved
 * to the campaign's city after the lookup, so here the role may be the state's or one of its cities';
 * the campaign's own tenant is checked once it is known.
 */
async function authorizeChangeBeforeValidation(request: FastifyRequest): Promise<void> {
  const tenant = (request.body as { CampaignDetails?: { tenantId?: unknown } } | null)?.CampaignDetails
    ?.tenantId;
  if (typeof tenant !== 'string' || !isStateTenant(tenant)) {
    await authorizeBeforeValidation('write')(request);
    return;
  }
  await authorizeBeforeValidation('read')(request);
  const manager = statedRoles(request.body).some(
    (role) => role.code === CAMPAIGN_MANAGER_ROLE && tenantIncludes(tenant, role.tenantId),
  );
  if (!manager) {
    throw ApiError.of(
      403,
      'ACCESS_DENIED',
      `the ${CAMPAIGN_MANAGER_ROLE} role in tenant ${tenant} is required`,
    );
  }
}

/**
 * The campaign a request names. The console sends the state-level tenant (`mz`) for a campaign of a city
 * (`mz.maputo`): that resolves to the campaign's own tenant, where the caller's roles are then checked.
 */
async function campaignFor(db: Queryable, body: ReferenceBody, access: 'read' | 'write', lock = false) {
  const { tenantId: tenant } = body.CampaignDetails;
  authorize(body.RequestInfo, tenant, access === 'write' && !isStateTenant(tenant) ? 'write' : 'read');
  const id = (body.CampaignDetails.id ?? body.CampaignDetails.campaignId) as string;
  const campaign = await findCampaign(db, id, { lock });
  if (!campaign || !tenantIncludes(tenant, campaign.tenantId)) {
    throw ApiError.of(404, 'CAMPAIGN_NOT_FOUND', `campaign ${id} does not exist in tenant ${tenant}`);
  }
  authorize(body.RequestInfo, campaign.tenantId, access);
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
        db.query<CampaignRow>(
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
        CampaignDetails: page.rows.map(campaignViewFromRow),
        totalCount: total.rows[0]?.total ?? 0,
      };
    },
  );

  app.post<{ Body: ReferenceBody }>(
    `${BASE}/retry`,
    { preValidation: authorizeChangeBeforeValidation, schema: { body: campaignReference } },
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
    { preValidation: authorizeChangeBeforeValidation, schema: { body: campaignReference } },
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
        return (await findCampaignView(tx, found.id)) as CampaignView;
      });
      return { ResponseInfo: responseInfo(request.body.RequestInfo), CampaignDetails: campaign };
    },
  );

  app.post<{ Body: ReferenceBody }>(
    `${BASE}/progress`,
    { preValidation: authorizeBeforeValidation('read'), schema: { body: campaignReference } },
    async (request) => {
      const campaign = await campaignFor(db, request.body, 'read');
      return {
        ResponseInfo: responseInfo(request.body.RequestInfo),
        // As stored: a draft's missing dates and types stay null.
        CampaignDetails: await findCampaignView(db, campaign.id),
        steps: await campaignProgress(db, campaign, parts.stallAfterMs),
      };
    },
  );
}
