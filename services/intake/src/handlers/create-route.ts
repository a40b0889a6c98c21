import {
  authorize,
  authorizeBeforeValidation,
  campaignDetails,
  responseInfo,
  type RequestInfo,
} from '@campaign-pipeline/shared';
import type { FastifyInstance } from 'fastify';
import { intakeCampaign, type IntakeParts } from '../domain/intake-campaign.ts';
import type { CampaignInput } from '../domain/request-checks.ts';
import type { DraftInput } from '../domain/drafts.ts';
import { createDraft, createOrDraftBodySchema } from './draft-routes.ts';

export function createRoute(app: FastifyInstance, parts: IntakeParts, afterCommit: () => void): void {
  app.post<{
    Body: { RequestInfo: RequestInfo; CampaignDetails: (CampaignInput | DraftInput) & { action?: string } };
  }>(
    '/project-factory/v1/project-type/create',
    { preValidation: authorizeBeforeValidation('write'), schema: { body: createOrDraftBodySchema } },
    async (request) => {
      const { RequestInfo: requestInfo, CampaignDetails: input } = request.body;
      authorize(requestInfo, input.tenantId, 'write');
      if (input.action === 'draft') return createDraft(parts, requestInfo, input as DraftInput);
      const campaign = await intakeCampaign(parts, requestInfo, input as CampaignInput, null);
      afterCommit();
      return { ResponseInfo: responseInfo(requestInfo), CampaignDetails: campaignDetails(campaign) };
    },
  );
}
