import { describe, expect, it } from '@jest/globals';
import { beginCampaignRun, emptyCounts, recordStepEvent, type RunCampaign } from '@campaign-pipeline/shared';
import { randomUUID } from 'node:crypto';
import {
  TEST_RUN_SETTINGS,
  insertCreatingCampaign,
  orchestratorDatabase,
} from './support/orchestrator-database.ts';

// The orchestrator against a real database: a chunk fails for good while others of its step still run.
// The campaign keeps the failure and fails once the last of them has answered, whatever it answers.
describe('a step failing while its other chunks run', () => {
  const { client } = orchestratorDatabase('step-failure');

  async function answer(campaign: RunCampaign & { status: string }, chunk: number, failed: boolean) {
    await client().query('BEGIN');
    const effect = await recordStepEvent(
      client(),
      campaign,
      {
        eventId: randomUUID(),
        commandId: `${campaign.id}:project-creation:${chunk}:1`,
        campaignId: campaign.id,
        step: 'project-creation',
        attempt: 1,
        chunk: { index: chunk, count: 3 },
        outcome: failed ? 'FAILED' : 'COMPLETED',
        error: failed ? { code: 'INVALID_BOUNDARY', message: 'no such boundary', retryable: false } : null,
        counts: emptyCounts(),
        at: Date.now(),
      },
      TEST_RUN_SETTINGS,
    );
    await client().query('COMMIT');
    return effect.kind;
  }

  async function campaignState(id: string) {
    const { rows } = await client().query<{ status: string; code: string | null }>(
      `SELECT status, last_error ->> 'code' AS code FROM campaign WHERE id = $1`,
      [id],
    );
    return rows[0];
  }

  it.each([
    ['completes', false],
    ['fails too', true],
  ])('fails the campaign once the last running chunk %s', async (_name, lastFails) => {
    const campaign = await insertCreatingCampaign(client(), 'parallel', 'Failing');
    for (const [chunk, code] of ['MZ_P1', 'MZ_P2', 'MZ_P3'].entries()) {
      await client().query(
        `INSERT INTO campaign_project (campaign_id, boundary_code, boundary_type, parent_boundary_code, level, targets, chunk)
         VALUES ($1, $2, 'Province', NULL, 0, '[]', $3)`,
        [campaign.id, code, chunk],
      );
    }
    await client().query('BEGIN');
    await beginCampaignRun(client(), campaign, TEST_RUN_SETTINGS);
    await client().query('COMMIT');

    expect(await answer(campaign, 0, true)).toBe('recorded');
    expect(await campaignState(campaign.id)).toEqual({ status: 'creating', code: 'INVALID_BOUNDARY' });
    expect(await answer(campaign, 1, false)).toBe('recorded');
    expect(await campaignState(campaign.id)).toEqual({ status: 'creating', code: 'INVALID_BOUNDARY' });
    expect(await answer(campaign, 2, lastFails)).toBe('campaign-failed');
    expect(await campaignState(campaign.id)).toEqual({ status: 'failed', code: 'INVALID_BOUNDARY' });
  });
});
