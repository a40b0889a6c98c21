import axios, { type AxiosInstance } from 'axios';
import type { CampaignDetails, RequestInfo, StepProgress } from '@campaign-pipeline/shared';

export type { StepProgress } from '@campaign-pipeline/shared';

/**
 * RequestInfo of a campaign manager of the tenant, as DIGIT's gateway would pass it on. The user service
 * gives every user a UUID, and DIGIT's services write it into each record's audit details: as long as a
 * real one, so that what the simulator saves weighs what DIGIT's records do.
 */
export function campaignManager(tenantId = 'mz', uuid = '5b0c9a1e-7d3f-4c62-9e8a-2f4b6d8c1a70'): RequestInfo {
  return {
    apiId: 'campaign-pipeline',
    ver: '1.0',
    ts: Date.now(),
    msgId: `${Date.now()}|en_MZ`,
    userInfo: {
      uuid,
      userName: 'campaign.manager',
      tenantId,
      type: 'EMPLOYEE',
      roles: [{ name: 'Campaign Manager', code: 'CAMPAIGN_MANAGER', tenantId }],
    },
  };
}

export interface CampaignAnswer {
  status: number;
  data: {
    CampaignDetails?: CampaignDetails & {
      lastError?: { step?: string; code: string; message: string } | null;
    };
    Errors?: { code: string; message: string; params?: string[] | null }[];
    processedResources?: { type: string; filename: string; filestoreId: string }[];
  };
}

/** The campaign API over HTTP: create on intake; search, progress, retry and cancel on status. */
export class CampaignClient {
  readonly #intake: AxiosInstance;
  readonly #status: AxiosInstance;
  readonly requestInfo: RequestInfo;
  readonly #explainWait: ((id: string) => Promise<string>) | undefined;

  /**
   * `explainWait` describes, for a wait that timed out, what else is known of the campaign (the services'
   * last log lines of it, the broker's consumer groups and their last events): a campaign stuck in CI is
   * understood from the failure alone.
   */
  constructor(
    intakeUrl: string,
    statusUrl: string,
    requestInfo: RequestInfo = campaignManager(),
    waits: { explainWait?: (id: string) => Promise<string> } = {},
  ) {
    const options = {
      validateStatus: () => true,
      timeout: 600_000,
      maxBodyLength: Infinity,
      maxContentLength: Infinity,
    };
    this.#intake = axios.create({ baseURL: `${intakeUrl}/project-factory/v1/project-type`, ...options });
    this.#status = axios.create({ baseURL: `${statusUrl}/project-factory/v1/project-type`, ...options });
    this.requestInfo = requestInfo;
    this.#explainWait = waits.explainWait;
  }

  async create(details: Record<string, unknown>, requestInfo = this.requestInfo): Promise<CampaignAnswer> {
    const { status, data } = await this.#intake.post('/create', {
      RequestInfo: requestInfo,
      CampaignDetails: details,
    });
    return { status, data };
  }

  /**
   * A created campaign's current targets, facilities or users as a workbook in the create format; with new
   * boundaries, the template of its next child campaign.
   */
  async consolidatedSheet(
    id: string,
    type: 'boundaryWithTarget' | 'facility' | 'user',
    options: { tenantId?: string; boundaries?: { code: string; includeAllChildren?: boolean }[] } = {},
  ): Promise<Buffer> {
    const { tenantId = 'mz', boundaries } = options;
    const { status, data } = await this.#intake.post(
      '/consolidated-sheet',
      {
        RequestInfo: this.requestInfo,
        CampaignDetails: { id, tenantId, ...(boundaries ? { boundaries } : {}) },
      },
      { params: { type }, responseType: 'arraybuffer' },
    );
    if (status !== 200) throw new Error(`consolidated ${type} sheet of ${id} answered ${status}`);
    return Buffer.from(data as ArrayBuffer);
  }

  async search(
    criteria: Record<string, unknown>,
  ): Promise<{ status: number; campaigns: CampaignDetails[]; totalCount: number }> {
    const { status, data } = await this.#status.post('/search', {
      RequestInfo: this.requestInfo,
      CampaignDetails: criteria,
    });
    return { status, campaigns: data.CampaignDetails ?? [], totalCount: data.totalCount ?? 0 };
  }

  async progress(
    id: string,
    tenantId = 'mz',
  ): Promise<{ campaign: CampaignDetails & { lastError?: unknown }; steps: StepProgress[] }> {
    const { status, data } = await this.#status.post('/progress', {
      RequestInfo: this.requestInfo,
      CampaignDetails: { id, tenantId },
    });
    if (status !== 200) throw new Error(`progress of ${id} answered ${status}: ${JSON.stringify(data)}`);
    return { campaign: data.CampaignDetails, steps: data.steps };
  }

  async retry(id: string, tenantId = 'mz'): Promise<CampaignAnswer> {
    const { status, data } = await this.#status.post('/retry', {
      RequestInfo: this.requestInfo,
      CampaignDetails: { id, tenantId },
    });
    return { status, data };
  }

  async cancel(id: string, tenantId = 'mz'): Promise<CampaignAnswer> {
    const { status, data } = await this.#status.post('/cancel-campaign', {
      RequestInfo: this.requestInfo,
      CampaignDetails: { id, tenantId },
    });
    return { status, data };
  }

  /** Polls progress until the campaign reaches one of `statuses`; gives each poll to `onProgress`. */
  async waitForStatus(
    id: string,
    statuses: string[],
    options: { timeoutMs?: number; intervalMs?: number; onProgress?: (steps: StepProgress[]) => void } = {},
  ): Promise<{ campaign: CampaignDetails & { lastError?: unknown }; steps: StepProgress[] }> {
    const deadline = Date.now() + (options.timeoutMs ?? 120_000);
    for (;;) {
      const progress = await this.progress(id);
      options.onProgress?.(progress.steps);
      if (statuses.includes(progress.campaign.status)) return progress;
      if (Date.now() > deadline) {
        const explained = this.#explainWait ? `\n${await this.#explainWait(id)}` : '';
        throw new Error(
          `campaign ${id} is still ${progress.campaign.status}: ${JSON.stringify(progress.steps)}${explained}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 250));
    }
  }
}
