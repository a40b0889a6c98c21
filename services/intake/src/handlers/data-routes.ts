import {
  ApiError,
  authorize,
  authorizeBeforeValidation,
  campaignViewFromRow,
  downloadFile,
  requestInfoSchema,
  responseInfo,
  uploadFile,
  writeCredentialsSheet,
  type CampaignRow,
  type CampaignView,
  type Queryable,
  type RequestInfo,
  tenantIdSchema,
} from '@campaign-pipeline/shared';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  TEMPLATE_TYPES,
  VALIDATION_TYPES,
  campaignSheets,
  checkWorkbook,
  existingFacilities,
  templateWorkbook,
  type SheetType,
} from '../domain/data-resources.ts';
import type { IntakeParts } from '../domain/intake-campaign.ts';
import {
  createdUserCredentials,
  generatedResource,
  insertResource,
  latestResource,
  resourceDetails,
  searchResources,
  type ResourceRow,
} from '../domain/resource-store.ts';

// project-factory's data API as the console calls it: templates (`_generate`, then `_download` with the
// same query string), sheet checks (`_create`, `v2/_process`, polled with `_search`) and, after creation,
// the `userCredential` download.

const SHEET_MODULE = 'HCM-ADMIN-CONSOLE';
/** The credentials files' own module, so the filestore's storage can expire them by that prefix. */
const CREDENTIALS_MODULE = 'HCM-CREDENTIALS';
const CREDENTIALS_TYPE = 'userCredential';

export interface CredentialSettings {
  /** Opens kept passwords; null when none is configured (no passwords were kept). */
  key: Buffer | null;
  /** How long a credentials file is handed out after it was written. */
  ttlMs: number;
}

const text = { type: 'string', maxLength: 256 } as const;
const tenantId = tenantIdSchema;
const withRequestInfo = {
  type: 'object',
  required: ['RequestInfo'],
  properties: { RequestInfo: requestInfoSchema },
} as const;

const fileQuery = {
  type: 'object',
  required: ['tenantId', 'type'],
  properties: {
    tenantId,
    type: text,
    hierarchyType: text,
    campaignId: text,
    id: text,
    status: text,
    forceUpdate: text,
  },
} as const;

interface FileQuery {
  tenantId: string;
  type: string;
  hierarchyType?: string;
  campaignId?: string;
}

const resourceBody = {
  type: 'object',
  required: ['RequestInfo', 'ResourceDetails'],
  properties: {
    RequestInfo: requestInfoSchema,
    ResourceDetails: {
      type: 'object',
      required: ['tenantId', 'type', 'fileStoreId'],
      properties: {
        tenantId,
        type: text,
        fileStoreId: { type: 'string', minLength: 1, maxLength: 128 },
        hierarchyType: text,
        action: text,
        campaignId: text,
        additionalDetails: { type: 'object' },
      },
    },
  },
} as const;

interface ResourceInput {
  tenantId: string;
  type: string;
  fileStoreId: string;
  hierarchyType?: string;
  action?: string;
  campaignId?: string;
  additionalDetails?: Record<string, unknown>;
}

const searchBody = {
  type: 'object',
  required: ['RequestInfo', 'SearchCriteria'],
  properties: {
    RequestInfo: requestInfoSchema,
    SearchCriteria: {
      type: 'object',
      required: ['tenantId'],
      properties: {
        tenantId,
        id: { anyOf: [text, { type: 'array', items: text, maxItems: 100 }] },
        type: text,
        campaignId: text,
        status: text,
      },
    },
  },
} as const;

interface SearchInput {
  tenantId: string;
  id?: string | string[];
  type?: string;
  campaignId?: string;
  status?: string;
}

/**
 * 403 before 400 as on every campaign route, with the tenant where this API names it (the query string,
 * ResourceDetails or SearchCriteria) instead of CampaignDetails.
 */
function authorizeFirst(access: 'read' | 'write', tenantOf: (request: FastifyRequest) => unknown) {
  return (request: FastifyRequest) => {
    const body = request.body as { RequestInfo?: unknown } | null;
    const restated = {
      body: { RequestInfo: body?.RequestInfo, CampaignDetails: { tenantId: tenantOf(request) } },
    };
    return authorizeBeforeValidation(access)(restated as FastifyRequest);
  };
}
const queryTenant = (request: FastifyRequest) => (request.query as { tenantId?: unknown } | null)?.tenantId;
const bodyTenant = (field: string) => (request: FastifyRequest) =>
  (request.body as Record<string, { tenantId?: unknown } | undefined> | null)?.[field]?.tenantId;

function typeOf(types: Readonly<Record<string, SheetType>>, type: string): SheetType {
  const sheetType = types[type];
  if (!sheetType) throw ApiError.of(400, 'VALIDATION_ERROR', `type ${type} not found or invalid`, ['type']);
  return sheetType;
}

async function campaignInTenant(
  db: Queryable,
  id: string | undefined,
  tenant: string,
): Promise<CampaignView> {
  if (!id) throw ApiError.of(400, 'VALIDATION_ERROR', 'campaignId is required', ['campaignId']);
  const { rows } = await db.query<CampaignRow>(
    'SELECT * FROM campaign WHERE id::text = $1 AND tenant_id = $2',
    [id, tenant],
  );
  if (!rows[0])
    throw ApiError.of(404, 'CAMPAIGN_NOT_FOUND', `campaign ${id} does not exist in tenant ${tenant}`);
  return campaignViewFromRow(rows[0]);
}

const userUuid = (requestInfo: RequestInfo) => requestInfo.userInfo?.uuid ?? '';

export function dataRoutes(app: FastifyInstance, parts: IntakeParts, credentials: CredentialSettings): void {
  const { db, digit } = parts;
  const fileRoute = { preValidation: authorizeFirst('write', queryTenant) };

  app.post<{ Querystring: FileQuery; Body: { RequestInfo: RequestInfo } }>(
    '/project-factory/v1/data/_generate',
    { ...fileRoute, schema: { querystring: fileQuery, body: withRequestInfo } },
    async (request) => {
      const { query } = request;
      const requestInfo = request.body.RequestInfo;
      authorize(requestInfo, query.tenantId, 'write');
      const type = typeOf(TEMPLATE_TYPES, query.type);
      const campaign = await campaignInTenant(db, query.campaignId, query.tenantId);
      const sheets = await campaignSheets(digit, requestInfo, campaign);
      const facilities =
        type === 'facility'
          ? await existingFacilities(db, digit, requestInfo, campaign, parts.templateMaxFacilities)
          : { rows: [], leftOut: 0 };
      if (facilities.leftOut > 0) {
        parts.logger.info(
          { campaignId: campaign.id, listed: facilities.rows.length, leftOut: facilities.leftOut },
          'DIGIT facilities no valid template row can show (or sharing a listed name) were left out',
        );
      }
      const bytes = await templateWorkbook(sheets, type, facilities.rows);
      const filename = `${campaign.campaignNumber}-${query.type}-template.xlsx`;
      const filestoreId = await uploadFile(digit, campaign.tenantId, SHEET_MODULE, filename, bytes);
      const row = await insertResource(db, {
        tenantId: campaign.tenantId,
        kind: 'generate',
        type: query.type,
        hierarchyType: campaign.hierarchyType,
        campaignId: campaign.id,
        status: 'completed',
        filestoreId,
        createdBy: userUuid(requestInfo),
      });
      return { ResponseInfo: responseInfo(requestInfo), GeneratedResource: [generatedResource(row)] };
    },
  );

  app.post<{ Querystring: FileQuery; Body: { RequestInfo: RequestInfo } }>(
    '/project-factory/v1/data/_download',
    { ...fileRoute, schema: { querystring: fileQuery, body: withRequestInfo } },
    async (request) => {
      const { query } = request;
      const requestInfo = request.body.RequestInfo;
      authorize(requestInfo, query.tenantId, 'write');
      if (query.type === CREDENTIALS_TYPE) {
        const row = await credentialsFile(parts, credentials, requestInfo, query);
        return { ResponseInfo: responseInfo(requestInfo), GeneratedResource: [generatedResource(row)] };
      }
      typeOf(TEMPLATE_TYPES, query.type);
      const campaign = await campaignInTenant(db, query.campaignId, query.tenantId);
      const row = await latestResource(db, campaign.id, 'generate', query.type);
      return {
        ResponseInfo: responseInfo(requestInfo),
        GeneratedResource: row ? [generatedResource(row)] : [],
      };
    },
  );

  const check = async (requestInfo: RequestInfo, input: ResourceInput) => {
    authorize(requestInfo, input.tenantId, 'write');
    const type = typeOf(VALIDATION_TYPES, input.type);
    if (input.action !== undefined && input.action !== 'validate') {
      throw ApiError.of(
        400,
        'VALIDATION_ERROR',
        `action ${input.action} is not offered: sheets are checked here (validate) and created by the campaign`,
        ['action'],
      );
    }
    const campaign = await campaignInTenant(db, input.campaignId, input.tenantId);
    const bytes = await downloadFile(digit, input.tenantId, input.fileStoreId);
    if (!bytes)
      throw ApiError.of(400, 'VALIDATION_ERROR', 'file not found, check fileStoreId', ['fileStoreId']);
    const result = await checkWorkbook(await campaignSheets(digit, requestInfo, campaign), type, bytes);
    const processed = result.processed
      ? await uploadFile(
          digit,
          input.tenantId,
          SHEET_MODULE,
          `processed-${input.type}.xlsx`,
          result.processed,
        )
      : null;
    const row = await insertResource(db, {
      tenantId: input.tenantId,
      kind: 'validate',
      type: input.type,
      hierarchyType: campaign.hierarchyType,
      campaignId: campaign.id,
      status: result.sheetErrors.length > 0 ? 'invalid' : 'completed',
      filestoreId: input.fileStoreId,
      processedFilestoreId: processed,
      additionalDetails: { ...input.additionalDetails, sheetErrors: result.sheetErrors },
      createdBy: userUuid(requestInfo),
    });
    return { ResponseInfo: responseInfo(requestInfo), ResourceDetails: resourceDetails(row) };
  };

  for (const path of ['/project-factory/v1/data/_create', '/project-factory/v2/data/_process']) {
    app.post<{ Body: { RequestInfo: RequestInfo; ResourceDetails: ResourceInput } }>(
      path,
      {
        preValidation: authorizeFirst('write', bodyTenant('ResourceDetails')),
        schema: { body: resourceBody },
      },
      (request) => check(request.body.RequestInfo, request.body.ResourceDetails),
    );
  }

  app.post<{ Body: { RequestInfo: RequestInfo; SearchCriteria: SearchInput } }>(
    '/project-factory/v1/data/_search',
    { preValidation: authorizeFirst('read', bodyTenant('SearchCriteria')), schema: { body: searchBody } },
    async (request) => {
      const { RequestInfo: requestInfo, SearchCriteria: criteria } = request.body;
      authorize(requestInfo, criteria.tenantId, 'read');
      const ids = criteria.id === undefined ? undefined : [criteria.id].flat();
      const rows = await searchResources(db, { ...criteria, ids });
      return { ResponseInfo: responseInfo(requestInfo), ResourceDetails: rows.map(resourceDetails) };
    },
  );
}

/**
 * The credentials workbook of a created campaign, for a campaign manager of its tenant only: the one
 * written within its time, or a fresh one. Its content is never logged.
 */
async function credentialsFile(
  parts: IntakeParts,
  settings: CredentialSettings,
  requestInfo: RequestInfo,
  query: FileQuery,
): Promise<ResourceRow> {
  const campaign = await campaignInTenant(parts.db, query.campaignId, query.tenantId);
  authorize(requestInfo, campaign.tenantId, 'write');
  if (campaign.status !== 'created') {
    throw ApiError.of(
      409,
      'CAMPAIGN_NOT_CREATED',
      `campaign ${campaign.id} is ${campaign.status}; credentials exist once it is created`,
    );
  }
  if (!settings.key) {
    throw ApiError.of(
      409,
      'CREDENTIALS_NOT_KEPT',
      'no credentials key is configured, so the initial passwords of this campaign were not kept',
    );
  }
  const kept = await latestResource(parts.db, campaign.id, 'credentials', CREDENTIALS_TYPE);
  if (kept) return kept;
  const users = await createdUserCredentials(parts.db, campaign.id, settings.key);
  const bytes = await writeCredentialsSheet(users);
  const filename = `${campaign.campaignNumber}-users.xlsx`;
  const filestoreId = await uploadFile(parts.digit, campaign.tenantId, CREDENTIALS_MODULE, filename, bytes);
  const row = await insertResource(parts.db, {
    tenantId: campaign.tenantId,
    kind: 'credentials',
    type: CREDENTIALS_TYPE,
    hierarchyType: campaign.hierarchyType,
    campaignId: campaign.id,
    status: 'completed',
    filestoreId,
    expiresAt: Date.now() + settings.ttlMs,
    createdBy: userUuid(requestInfo),
  });
  parts.logger.info(
    { campaignId: campaign.id, users: users.length, expiresAt: Number(row.expires_at) },
    'credentials workbook written',
  );
  return row;
}
