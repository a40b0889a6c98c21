import {
  authorize,
  authorizeBeforeValidation,
  campaignDetails,
  campaignViewFromRow,
  inTransaction,
  requestInfoSchema,
  responseInfo,
  retryCampaign,
  type CampaignRecord,
  type CampaignView,
  type RequestInfo,
  campaignIdSchema,
} from '@campaign-pipeline/shared';
import type { FastifyInstance } from 'fastify';
import { createBodySchema } from '../domain/campaign-schema.ts';
import {
  campaignToUpdate,
  draftBodySchema,
  editDraft,
  notUpdatable,
  saveDraft,
  type DraftInput,
} from '../domain/drafts.ts';
import { intakeCampaign, type IntakeParts } from '../domain/intake-campaign.ts';
import type { CampaignInput } from '../domain/request-checks.ts';

// project-factory's draft life cycle on its paths: create with action "draft", update with "draft" (edit),
// "create" (launch the draft, or retry a failed campaign as the console's retry button does) or "retry".

const BASE = '/project-factory/v1/project-type';

const actionIs = (action: string) => ({
  properties: {
    CampaignDetails: { type: 'object', properties: { action: { const: action } }, required: ['action'] },
  },
});

/** A create request is a draft when its action says so; anything else must be a complete campaign. */
export const createOrDraftBodySchema = {
  type: 'object',
  required: ['RequestInfo', 'CampaignDetails'],
  properties: { RequestInfo: requestInfoSchema, CampaignDetails: { type: 'object' } },
  if: actionIs('draft'),
  then: draftBodySchema,
  else: createBodySchema,
} as const;

const updateBodySchema = {
  type: 'object',
  required: ['RequestInfo', 'CampaignDetails'],
  properties: {
    RequestInfo: requestInfoSchema,
    CampaignDetails: {
      type: 'object',
      required: ['id', 'tenantId', 'action'],
      properties: { id: campaignIdSchema, action: { type: 'string', enum: ['draft', 'create', 'retry'] } },
    },
  },
  allOf: [
    { if: actionIs('draft'), then: draftBodySchema },
    { if: actionIs('create'), then: createBodySchema },
  ],
} as const;

type UpdateDetails = (DraftInput | CampaignInput) & { id: string; action: 'draft' | 'create' | 'retry' };

function answer(requestInfo: RequestInfo, campaign: CampaignView | CampaignRecord) {
  const details = 'flow' in campaign ? campaignDetails(campaign) : campaign;
  return { ResponseInfo: responseInfo(requestInfo), CampaignDetails: details };
}

export async function createDraft(parts: IntakeParts, requestInfo: RequestInfo, input: DraftInput) {
  return answer(requestInfo, await saveDraft(parts, requestInfo, input));
}

export function draftRoutes(app: FastifyInstance, parts: IntakeParts, afterCommit: () => void): void {
  app.post<{ Body: { RequestInfo: RequestInfo; CampaignDetails: UpdateDetails } }>(
    `${BASE}/update`,
    { preValidation: authorizeBeforeValidation('write'), schema: { body: updateBodySchema } },
    async (request) => {
      const { RequestInfo: requestInfo, CampaignDetails: input } = request.body;
      authorize(requestInfo, input.tenantId, 'write');
      if (input.action === 'draft') {
        return answer(requestInfo, await editDraft(parts, requestInfo, input as DraftInput & { id: string }));
      }
      // A failed campaign resumes where it stopped: the console sends its retry as update + "create".
      const resumed = await inTransaction(parts.db, async (tx) => {
        const stored = await campaignToUpdate(tx, input.id, input.tenantId);
        if (stored.status === 'creating') return campaignViewFromRow(stored);
        if (stored.status === 'failed') {
          const view = campaignViewFromRow(stored);
          await retryCampaign(tx, { ...view, flow: stored.flow }, parts.settings);
          return { ...view, status: 'creating' as const };
        }
        if (input.action === 'retry') throw notUpdatable(stored, 'failed');
        if (stored.status !== 'drafted') throw notUpdatable(stored, 'drafted or failed');
        return { draft: { id: stored.id, campaignNumber: stored.campaign_number } };
      });
      if (!('draft' in resumed)) {
        afterCommit();
        return answer(requestInfo, resumed);
      }
      const campaign = await intakeCampaign(parts, requestInfo, input as CampaignInput, null, resumed.draft);
      afterCommit();
      return answer(requestInfo, campaign);
    },
  );
}
