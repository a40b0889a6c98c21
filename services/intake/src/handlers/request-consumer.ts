import {
  ApiError,
  Topic,
  authorize,
  cancelCampaign,
  findCampaign,
  inTransaction,
  retryCampaign,
  type CampaignRequestMessage,
  type CampaignStatusChange,
  type DigitErrorItem,
  type Publisher,
  type RequestInfo,
} from '@campaign-pipeline/shared';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { campaignDetailsSchema } from '../domain/campaign-schema.ts';
import { intakeCampaign, type IntakeParts } from '../domain/intake-campaign.ts';
import type { CampaignInput } from '../domain/request-checks.ts';

const ajv = new Ajv({ allErrors: true });
addFormats.default(ajv);
const validateDetails = ajv.compile(campaignDetailsSchema);

function requestInfoOf(message: CampaignRequestMessage): RequestInfo {
  const info = message.requestInfo;
  return {
    apiId: 'campaign.requests',
    msgId: info.msgId ?? undefined,
    userInfo: {
      uuid: info.userUuid,
      userName: info.userName ?? undefined,
      tenantId: info.tenantId,
      roles: info.roles.map((code) => ({ code, name: code, tenantId: info.tenantId })),
    },
  };
}

function schemaErrors(): DigitErrorItem[] {
  return (validateDetails.errors ?? []).map((issue) => {
    const missing = (issue.params as { missingProperty?: string }).missingProperty;
    const field = `CampaignDetails${issue.instancePath.replaceAll('/', '.')}${missing ? `.${missing}` : ''}`;
    return {
      code: 'VALIDATION_ERROR',
      message: `${field} ${issue.message ?? 'is invalid'}`,
      description: null,
      params: [field],
    };
  });
}

/**
 * campaign.requests: the same validation and outcome as the HTTP API. A rejection is reported on
 * campaign.status with the errors; a redelivered create (same requestId) creates nothing again.
 */
export async function handleCampaignRequest(
  message: CampaignRequestMessage,
  parts: IntakeParts & { publisher: Publisher },
): Promise<void> {
  const requestInfo = requestInfoOf(message);
  let details: Record<string, unknown> = {};
  try {
    try {
      details = JSON.parse(message.campaignDetails) as Record<string, unknown>;
    } catch {
      throw ApiError.of(400, 'VALIDATION_ERROR', 'campaignDetails is not valid JSON');
    }
    if (message.action === 'CREATE') {
      if (!validateDetails(details)) throw new ApiError(400, schemaErrors());
      const input = details as unknown as CampaignInput;
      authorize(requestInfo, input.tenantId, 'write');
      const { rows } = await parts.db.query('SELECT 1 FROM campaign WHERE request_id = $1', [
        message.requestId,
      ]);
      if (rows.length > 0) return;
      await intakeCampaign(parts, requestInfo, input, message.requestId);
      return;
    }
    if (message.action === 'RETRY' || message.action === 'CANCEL') {
      const id = String(details.id ?? details.campaignId ?? '');
      const tenantId = String(details.tenantId ?? '');
      authorize(requestInfo, tenantId, 'write');
      await inTransaction(parts.db, async (tx) => {
        const campaign = await findCampaign(tx, id, { lock: true });
        if (!campaign || campaign.tenantId !== tenantId) {
          throw ApiError.of(404, 'CAMPAIGN_NOT_FOUND', `campaign ${id} does not exist in tenant ${tenantId}`);
        }
        if (message.action === 'CANCEL') await cancelCampaign(tx, campaign, requestInfo.userInfo?.uuid ?? '');
        else if (campaign.status !== 'creating' && !(await retryCampaign(tx, campaign, parts.settings))) {
          throw ApiError.of(
            409,
            'CAMPAIGN_NOT_RETRYABLE',
            `campaign ${id} is ${campaign.status}; only a failed campaign can be retried`,
          );
        }
      });
      return;
    }
    throw ApiError.of(
      400,
      'ACTION_NOT_SUPPORTED',
      `action ${message.action} is not supported on campaign.requests`,
    );
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    parts.logger.warn({ requestId: message.requestId, errors: error.errors }, 'campaign request rejected');
    const rejection: CampaignStatusChange = {
      campaignId: typeof details.id === 'string' ? details.id : null,
      campaignNumber: null,
      tenantId: typeof details.tenantId === 'string' ? details.tenantId : message.requestInfo.tenantId,
      status: 'rejected',
      isActive: false,
      parentId: typeof details.parentId === 'string' ? details.parentId : null,
      requestId: message.requestId,
      errors: error.errors.map((item) => ({ code: item.code, message: item.message })),
      at: Date.now(),
    };
    await parts.publisher.publish(Topic.status, [{ key: message.requestId, value: rejection }]);
  }
}
