import {
  authorize,
  authorizeBeforeValidation,
  campaignDetails,
  responseInfo,
  type RequestInfo,
} from '@campaign-pipeline/shared';
import type { FastifyInstance } from 'fastify';
import { createBodySchema } from '../domain/campaign-schema.ts';
import { intakeCampaign, type IntakeParts } from '../domain/intake-campaign.ts';
import type { CampaignInput } from '../domain/request-checks.ts';

export function createRoute(app: FastifyInstance, parts: IntakeParts, afterCommit: () => void): void {
  app.post<{ Body: { RequestInfo: RequestInfo; CampaignDetails: CampaignInput } }>(
    '/project-factory/v1/project-type/create',
    { preValidation: authorizeBeforeValidation('write'), schema: { body: createBodySchema } },
    async (request) => {
      const { RequestInfo: requestInfo, CampaignDetails: input } = request.body;
      authorize(requestInfo, input.tenantId, 'write');
      const campaign = await intakeCampaign(parts, requestInfo, input, null);
      afterCommit();
      return { ResponseInfo: responseInfo(requestInfo), CampaignDetails: campaignDetails(campaign) };
    },
  );
}
