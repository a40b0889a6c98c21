import {
  createLogger,
  migrate,
  silentObserver,
  type RunCampaign,
  type RunSettings,
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
