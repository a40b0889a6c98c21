// Message values of the pipeline's topics; they mirror the .avsc files in shared/schemas.

export interface Chunk {
  index: number;
  count: number;
}

export interface StepCommand {
  commandId: string;
  campaignId: string;
  tenantId: string;
  step: string;
  attempt: number;
  chunk: Chunk;
  issuedAt: number;
}

export type StepOutcome = 'COMPLETED' | 'FAILED' | 'SKIPPED';

export interface StepError {
  code: string;
  message: string;
  retryable: boolean;
}

export interface StepCounts {
  created: number;
  updated: number;
  deactivated: number;
  adopted: number;
  unchanged: number;
  failed: number;
}

export interface StepEvent {
  eventId: string;
  commandId: string;
  campaignId: string;
  step: string;
  attempt: number;
  chunk: Chunk;
  outcome: StepOutcome;
  error: StepError | null;
  counts: StepCounts;
  at: number;
}

export type CampaignAction = 'CREATE' | 'UPDATE' | 'RETRY' | 'CANCEL';

export interface RequesterInfo {
  userUuid: string;
  userName: string | null;
  tenantId: string;
  roles: string[];
  msgId: string | null;
}

export interface CampaignRequestMessage {
  requestId: string;
  action: CampaignAction;
  campaignDetails: string;
  requestInfo: RequesterInfo;
  sentAt: number;
}

export interface CampaignStatusChange {
  campaignId: string | null;
  campaignNumber: string | null;
  tenantId: string;
  status: string;
  isActive: boolean;
  parentId: string | null;
  requestId: string | null;
  errors: { code: string; message: string }[];
  at: number;
}

export function emptyCounts(): StepCounts {
  return { created: 0, updated: 0, deactivated: 0, adopted: 0, unchanged: 0, failed: 0 };
}

/** The Kafka key of a step command: its campaign and chunk, so that a chunk's attempts share a partition. */
export function stepCommandKey(campaignId: string, chunk: number): string {
  return `${campaignId}:${chunk}`;
}

/**
 * The chunk a step command's key names, for a worker to take the waiting chunks of a step lowest first:
 * the chunks then finish about in order, and the chunks of the next steps that wait for them can start
 * early. A key that names no chunk comes first: no command of the pipeline's has one, and it is
 * dead-lettered at once, where last it would hold its partition's places behind every chunk of the others.
 */
export function chunkOfStepCommandKey(key: Buffer | null): number {
  const text = key?.toString('latin1') ?? '';
  const tail = text.slice(text.lastIndexOf(':') + 1);
  return text.includes(':') && /^\d{1,9}$/.test(tail) ? Number(tail) : -1;
}
