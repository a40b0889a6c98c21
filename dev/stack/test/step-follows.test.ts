import { describe, expect, it } from '@jest/globals';
import { beginCampaignRun, type RunCampaign, type StepName } from '@campaign-pipeline/shared';
import {
  TEST_RUN_SETTINGS,
  answerChunk,
  inTransaction,
  insertCreatingCampaign,
  insertProjects,
  orchestratorDatabase,
} from './support/orchestrator-database.ts';

// The orchestrator against a real database, driven by step events as the workers send them: a mapping
// chunk is dispatched as soon as the project chunk holding its boundary is completed, while project
// creation still runs, and the campaign ends only when both are done.
describe('a mapping step following project creation', () => {
  const { client } = orchestratorDatabase('step-follows');
  const settings = TEST_RUN_SETTINGS;

  /** A campaign of a country (project chunk 0) and two provinces (chunks 1 and 2), one product each. */
  async function storeCampaign(): Promise<RunCampaign & { status: string }> {
    const campaign = await insertCreatingCampaign(client(), 'parallel', 'Follows');
    const boundaries = [
      { code: 'MZ', parent: null, level: 0, chunk: 0 },
      { code: 'MZ_P1', parent: 'MZ', level: 1, chunk: 1 },
      { code: 'MZ_P2', parent: 'MZ', level: 1, chunk: 2 },
    ];
    await insertProjects(client(), campaign.id, boundaries);
    for (const boundary of boundaries) {
      await client().query(
        `INSERT INTO campaign_mapping (campaign_id, kind, boundary_code, entity_key, chunk)
         VALUES ($1, 'resource', $2, 'PVAR-1', $3)`,
        [campaign.id, boundary.code, boundary.chunk],
      );
    }
    return campaign;
  }

  async function chunkStatuses(campaignId: string, step: StepName): Promise<string[]> {
    const { rows } = await client().query<{ status: string }>(
      `SELECT status FROM campaign_step_chunk WHERE campaign_id = $1 AND step = $2 ORDER BY chunk`,
      [campaignId, step],
    );
    return rows.map((row) => row.status);
  }

  async function stepStatus(campaignId: string, step: StepName): Promise<string | undefined> {
    const { rows } = await client().query<{ status: string }>(
      `SELECT status FROM campaign_step WHERE campaign_id = $1 AND step = $2`,
      [campaignId, step],
    );
    return rows[0]?.status;
  }

  async function campaignStatus(campaignId: string): Promise<string | undefined> {
    const { rows } = await client().query<{ status: string }>('SELECT status FROM campaign WHERE id = $1', [
      campaignId,
    ]);
    return rows[0]?.status;
  }

  /** What a worker does when a chunk is done: its rows are done, and it reports the chunk completed. */
  async function complete(campaign: RunCampaign & { status: string }, step: StepName, chunk: number) {
    const table = step === 'project-creation' ? 'campaign_project' : 'campaign_mapping';
    await client().query(`UPDATE ${table} SET done = true WHERE campaign_id = $1 AND chunk = $2`, [
      campaign.id,
      chunk,
    ]);
    await answerChunk(client(), campaign, { step, chunk, chunks: 3 });
  }

  it('dispatches each mapping chunk once the project chunk holding its boundary is completed', async () => {
    const campaign = await storeCampaign();
    await inTransaction(client(), () => beginCampaignRun(client(), campaign, settings));

    // The country's project is created first; product mapping has started, every chunk waiting.
    expect(await chunkStatuses(campaign.id, 'project-creation')).toEqual([
      'dispatched',
      'pending',
      'pending',
    ]);
    expect(await stepStatus(campaign.id, 'product-mapping')).toBe('started');
    expect(await chunkStatuses(campaign.id, 'product-mapping')).toEqual(['pending', 'pending', 'pending']);

    await complete(campaign, 'project-creation', 0);
    expect(await chunkStatuses(campaign.id, 'project-creation')).toEqual([
      'completed',
      'dispatched',
      'dispatched',
    ]);
    expect(await chunkStatuses(campaign.id, 'product-mapping')).toEqual(['dispatched', 'pending', 'pending']);

    // One province's projects are done, the other's are still being created: only its mapping goes.
    await complete(campaign, 'project-creation', 1);
    expect(await chunkStatuses(campaign.id, 'product-mapping')).toEqual([
      'dispatched',
      'dispatched',
      'pending',
    ]);
    await complete(campaign, 'product-mapping', 0);
    await complete(campaign, 'product-mapping', 1);
    expect(await stepStatus(campaign.id, 'project-creation')).toBe('started');
    expect(await stepStatus(campaign.id, 'product-mapping')).toBe('started');

    await complete(campaign, 'project-creation', 2);
    expect(await stepStatus(campaign.id, 'project-creation')).toBe('completed');
    expect(await chunkStatuses(campaign.id, 'product-mapping')).toEqual([
      'completed',
      'completed',
      'dispatched',
    ]);
    expect(await campaignStatus(campaign.id)).toBe('creating');

    await complete(campaign, 'product-mapping', 2);
    expect(await campaignStatus(campaign.id)).toBe('created');
  });

  it('ends only once project creation is done, when the mappings had nothing to do', async () => {
    const campaign = await storeCampaign();
    await client().query('DELETE FROM campaign_mapping WHERE campaign_id = $1', [campaign.id]);
    await inTransaction(client(), () => beginCampaignRun(client(), campaign, settings));
    expect(await stepStatus(campaign.id, 'product-mapping')).toBe('completed');
    expect(await stepStatus(campaign.id, 'end')).toBe('pending');

    for (const chunk of [0, 1, 2]) await complete(campaign, 'project-creation', chunk);
    expect(await stepStatus(campaign.id, 'end')).toBe('completed');
  });
});
