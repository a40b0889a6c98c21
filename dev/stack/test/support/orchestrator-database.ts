import { afterAll, beforeAll } from '@jest/globals';
import {
  createLogger,
  emptyCounts,
  migrate,
  recordStepEvent,
  silentObserver,
  type EventEffect,
  type RunCampaign,
  type RunSettings,
  type StepError,
  type StepName,
} from '@campaign-pipeline/shared';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { startScratchPostgres, type ScratchPostgres } from './scratch-postgres.ts';

// A database of a test's own for driving the orchestrator directly, as the status service does: the
// pipeline's schema, one connection, and campaigns stored as intake stores them (rows only, no sheets).

/** Retries quickly and gives up after three attempts: what the orchestrator tests run with. */
export const TEST_RUN_SETTINGS: RunSettings = {
  maxAttempts: 3,
  backoff: { baseMs: 10, maxMs: 100 },
  observer: silentObserver,
};

/**
 * A database of the pipeline's schema for a test file, started before its tests and stopped after them,
 * with one connection. Read `client()` inside tests (hooks have run by then).
 */
export function orchestratorDatabase(name: string): { client: () => pg.Client } {
  let postgres: ScratchPostgres | undefined;
  let client: pg.Client | undefined;
  beforeAll(async () => {
    postgres = await startScratchPostgres(name);
    await migrate(postgres.url, createLogger(`${name}-test`, 'silent'));
    client = new pg.Client({ connectionString: postgres.url });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
    await postgres?.stop();
  });
  return {
    client: () => {
      if (!client) throw new Error('the database is read before it started');
      return client;
    },
  };
}

/** Stores a new campaign being created in `flow`, with no rows yet; its boundaries are the caller's. */
export async function insertCreatingCampaign(
  client: pg.Client,
  flow: 'parallel' | 'linear',
  name: string,
): Promise<RunCampaign & { status: string }> {
  const campaign = {
    id: randomUUID(),
    tenantId: 'mz',
    campaignNumber: `CMP-${randomUUID()}`,
    parentId: null,
    flow,
    status: 'creating',
  };
  await client.query(
    `INSERT INTO campaign (id, tenant_id, campaign_number, campaign_name, project_type, hierarchy_type, status,
       action, flow, start_date, end_date, requested_by, created_by, last_modified_by, created_time, last_modified_time)
     VALUES ($1, 'mz', $2, $3, 'LLIN-mz', 'ADMIN', 'creating', 'create', $4, 0, 1, '{}', 'u', 'u', 0, 0)`,
    [campaign.id, campaign.campaignNumber, name, flow],
  );
  return campaign;
}

/** Runs `work` in a transaction on the test's connection. */
export async function inTransaction<T>(client: pg.Client, work: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    const result = await work();
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}

/** Stores a campaign's projects to create, each at its boundary, level and chunk. */
export async function insertProjects(
  client: pg.Client,
  campaignId: string,
  projects: readonly { code: string; parent: string | null; level: number; chunk: number }[],
): Promise<void> {
  for (const project of projects) {
    await client.query(
      `INSERT INTO campaign_project (campaign_id, boundary_code, boundary_type, parent_boundary_code, level, targets, chunk)
       VALUES ($1, $2, 'Province', $3, $4, '[]', $5)`,
      [campaignId, project.code, project.parent, project.level, project.chunk],
    );
  }
}

/**
 * What a worker answers to the first attempt of a chunk (failed when `error` is given), recorded as the
 * status service records it; answers what recording it did.
 */
export async function answerChunk(
  client: pg.Client,
  campaign: RunCampaign & { status: string },
  answer: { step: StepName; chunk: number; chunks: number; error?: StepError },
): Promise<EventEffect['kind']> {
  const { step, chunk, chunks, error } = answer;
  const effect = await inTransaction(client, () =>
    recordStepEvent(
      client,
      campaign,
      {
        eventId: randomUUID(),
        commandId: `${campaign.id}:${step}:${chunk}:1`,
        campaignId: campaign.id,
        step,
        attempt: 1,
        chunk: { index: chunk, count: chunks },
        outcome: error ? 'FAILED' : 'COMPLETED',
        error: error ?? null,
        counts: emptyCounts(),
        at: Date.now(),
      },
      TEST_RUN_SETTINGS,
    ),
  );
  return effect.kind;
}
