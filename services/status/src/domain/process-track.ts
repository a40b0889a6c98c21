import { STEPS, type StepName } from '@campaign-pipeline/shared';

// Our steps in project-factory's words: the console polls `project-type/status` (process names and
// pending / completed / failed) while a campaign is creating, and draws its timeline from
// `project-type/getProcessTrack` (process-track types and inprogress / completed / toBeCompleted / failed).

export type StepStatus = 'pending' | 'started' | 'completed' | 'failed' | 'skipped';

export interface StepRow {
  step: string;
  status: StepStatus;
  /** Epoch ms of the step's first start, or when it was planned. */
  createdTime: number;
  lastModifiedTime: number;
}

/** project-factory's process names (its allProcesses); the `end` step has none and is not shown. */
export const PROCESS_NAMES: Partial<Record<StepName, string>> = {
  'project-creation': 'CAMPAIGN_PROJECT_CREATION_PROCESS',
  'facility-creation': 'CAMPAIGN_FACILITY_CREATION_PROCESS',
  'user-creation': 'CAMPAIGN_USER_CREATION_PROCESS',
  'facility-mapping': 'CAMPAIGN_FACILITY_MAPPING_PROCESS',
  'user-mapping': 'CAMPAIGN_USER_MAPPING_PROCESS',
  'product-mapping': 'CAMPAIGN_RESOURCE_MAPPING_PROCESS',
};

/** project-factory's process-track types for our steps; `end` is its campaign-creation. */
export const TRACK_TYPES: Record<StepName, string> = {
  'project-creation': 'target-and-delivery-rules-creation',
  'facility-creation': 'facility-creation',
  'user-creation': 'staff-creation',
  'facility-mapping': 'facility-mapping',
  'user-mapping': 'staff-mapping',
  'product-mapping': 'resource-mapping',
  end: 'campaign-creation',
};

const stepOrder = (step: string) => STEPS.indexOf(step as StepName);

function byStepOrder(rows: readonly StepRow[]): StepRow[] {
  return [...rows]
    .filter((row) => stepOrder(row.step) >= 0)
    .sort((a, b) => stepOrder(a.step) - stepOrder(b.step));
}

export type ProcessStatus = 'pending' | 'completed' | 'failed';

/** A skipped step (nothing to do in an update) is done, as far as the console is concerned. */
export function processStatus(status: StepStatus): ProcessStatus {
  if (status === 'completed' || status === 'skipped') return 'completed';
  if (status === 'failed') return 'failed';
  return 'pending';
}

export interface CampaignProcess {
  processname: string;
  status: ProcessStatus;
  auditDetails: { createdBy: string; lastModifiedBy: string; createdTime: number; lastModifiedTime: number };
}

export function campaignProcesses(rows: readonly StepRow[], modifiedBy: string): CampaignProcess[] {
  return byStepOrder(rows).flatMap((row) => {
    const processname = PROCESS_NAMES[row.step as StepName];
    if (!processname) return [];
    return [
      {
        processname,
        status: processStatus(row.status),
        auditDetails: {
          createdBy: modifiedBy,
          lastModifiedBy: modifiedBy,
          createdTime: row.createdTime,
          lastModifiedTime: row.lastModifiedTime,
        },
      },
    ];
  });
}

export type TrackStatus = 'inprogress' | 'completed' | 'toBeCompleted' | 'failed';

export function trackStatus(status: StepStatus): TrackStatus {
  if (status === 'started') return 'inprogress';
  if (status === 'pending') return 'toBeCompleted';
  return processStatus(status) === 'completed' ? 'completed' : 'failed';
}

export interface ProcessTrackEntry {
  id: string;
  campaignId: string;
  type: string;
  status: TrackStatus;
  showInUi: boolean;
  details: Record<string, unknown>;
  additionalDetails: Record<string, unknown>;
  createdTime: number;
  lastModifiedTime: number;
}

export interface TrackedCampaign {
  id: string;
  status: string;
  createdTime: number;
  lastError: { code: string; message: string; step?: string } | null;
}

/**
 * The timeline: validation (done when intake accepted the campaign), one entry per step, and an `error`
 * entry while the campaign is failed. A draft has no timeline yet.
 */
export function processTrack(campaign: TrackedCampaign, rows: readonly StepRow[]): ProcessTrackEntry[] {
  if (campaign.status === 'drafted') return [];
  const entry = (
    type: string,
    status: TrackStatus,
    createdTime: number,
    lastModifiedTime: number,
    details: Record<string, unknown> = {},
  ): ProcessTrackEntry => ({
    id: `${campaign.id}:${type}`,
    campaignId: campaign.id,
    type,
    status,
    showInUi: type !== 'validation',
    details,
    additionalDetails: {},
    createdTime,
    lastModifiedTime,
  });
  const track = [entry('validation', 'completed', campaign.createdTime, campaign.createdTime)];
  for (const row of byStepOrder(rows)) {
    track.push(
      entry(
        TRACK_TYPES[row.step as StepName],
        trackStatus(row.status),
        row.createdTime,
        row.lastModifiedTime,
      ),
    );
  }
  if (campaign.status === 'failed' && campaign.lastError) {
    const at = Math.max(campaign.createdTime, ...rows.map((row) => row.lastModifiedTime));
    track.push(
      entry('error', 'failed', at, at, { error: campaign.lastError.message, code: campaign.lastError.code }),
    );
  }
  return track;
}
