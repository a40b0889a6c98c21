import {
  ApiError,
  authorize,
  authorizeBeforeValidation,
  findCampaign,
  requestInfoSchema,
  type CampaignBoundary,
  type RequestInfo,
  tenantIdSchema,
} from '@campaign-pipeline/shared';
import type { FastifyInstance } from 'fastify';
import {
  CONSOLIDATED_SHEET_TYPES,
  consolidatedSheet,
  type ConsolidatedSheetType,
} from '../domain/consolidated-sheets.ts';
import type { IntakeParts } from '../domain/intake-campaign.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const body = {
  type: 'object',
  required: ['RequestInfo', 'CampaignDetails'],
  properties: {
    RequestInfo: requestInfoSchema,
    CampaignDetails: {
      type: 'object',
      required: ['id', 'tenantId'],
      properties: {
        // New boundaries of a child campaign: the target template gets rows for them.
        boundaries: {
          type: 'array',
          maxItems: 1000,
          items: {
            type: 'object',
            required: ['code'],
            properties: {
              code: { type: 'string', minLength: 1, maxLength: 256 },
              includeAllChildren: { type: 'boolean' },
            },
          },
        },
        id: { type: 'string', format: 'uuid' },
        tenantId: tenantIdSchema,
      },
    },
  },
} as const;

/**
 * Downloads a created campaign's current state as a sheet in the create format (targets, facilities,
 * users), or with new boundaries the template of its next child.
 */
export function sheetRoute(app: FastifyInstance, parts: IntakeParts): void {
  app.post<{
    Querystring: { type: ConsolidatedSheetType };
    Body: {
      RequestInfo: RequestInfo;
      CampaignDetails: { id: string; tenantId: string; boundaries?: CampaignBoundary[] };
    };
  }>(
    '/project-factory/v1/project-type/consolidated-sheet',
    {
      preValidation: authorizeBeforeValidation('read'),
      schema: {
        body,
        querystring: {
          type: 'object',
          required: ['type'],
          properties: { type: { type: 'string', enum: [...CONSOLIDATED_SHEET_TYPES] } },
        },
      },
    },
    async (request, reply) => {
      const { RequestInfo: requestInfo, CampaignDetails: reference } = request.body;
      authorize(requestInfo, reference.tenantId, 'read');
      const campaign = await findCampaign(parts.db, reference.id);
      if (!campaign || campaign.tenantId !== reference.tenantId) {
        throw ApiError.of(
          404,
          'CAMPAIGN_NOT_FOUND',
          `campaign ${reference.id} does not exist in tenant ${reference.tenantId}`,
        );
      }
      if (campaign.status !== 'created') {
        throw ApiError.of(
          409,
          'CAMPAIGN_NOT_CREATED',
          `campaign ${campaign.id} is ${campaign.status}; its sheets are consolidated once it is created`,
        );
      }
      const type = request.query.type;
      const bytes = await consolidatedSheet(
        parts.db,
        parts.digit,
        requestInfo,
        campaign,
        type,
        reference.boundaries ?? [],
      );
      return reply
        .header('content-type', XLSX)
        .header('content-disposition', `attachment; filename="${campaign.campaignNumber}-${type}.xlsx"`)
        .send(bytes);
    },
  );
}
