import { requestInfoSchema, tenantIdSchema } from '@campaign-pipeline/shared';

// JSON schema of a create request: field limits are enforced here, before any lookup.
const text = (max: number, min = 1) => ({ type: 'string', minLength: min, maxLength: max }) as const;
const code = { type: 'string', minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9._:-]+$' } as const;

export const campaignDetailsSchema = {
  type: 'object',
  required: [
    'tenantId',
    'campaignName',
    'projectType',
    'hierarchyType',
    'startDate',
    'endDate',
    'boundaries',
    'resources',
  ],
  properties: {
    tenantId: tenantIdSchema,
    action: { type: 'string', enum: ['create'] },
    campaignName: text(250, 2),
    projectType: code,
    hierarchyType: code,
    parentId: { type: ['string', 'null'], format: 'uuid' },
    boundaryCode: { type: ['string', 'null'], maxLength: 128 },
    startDate: { type: 'integer', minimum: 0 },
    endDate: { type: 'integer', minimum: 0 },
    additionalDetails: { type: 'object' },
    boundaries: {
      type: 'array',
      maxItems: 200_000,
      items: {
        type: 'object',
        required: ['code'],
        properties: {
          code,
          type: { type: 'string', maxLength: 128 },
          isRoot: { type: 'boolean' },
          includeAllChildren: { type: 'boolean' },
          parent: { type: ['string', 'null'], maxLength: 128 },
        },
      },
    },
    resources: {
      type: 'array',
      maxItems: 10,
      items: {
        type: 'object',
        required: ['type', 'filestoreId'],
        properties: {
          type: { type: 'string', enum: ['facility', 'user', 'boundaryWithTarget'] },
          filename: { type: 'string', maxLength: 256, pattern: '\\.xlsx$' },
          resourceId: { type: 'string', maxLength: 128 },
          filestoreId: text(128),
        },
      },
    },
    deliveryRules: { type: 'array', maxItems: 1000 },
  },
} as const;

export const createBodySchema = {
  type: 'object',
  required: ['RequestInfo', 'CampaignDetails'],
  properties: { RequestInfo: requestInfoSchema, CampaignDetails: campaignDetailsSchema },
} as const;
