import { describe, expect, it } from '@jest/globals';
import {
  MAX_CHUNK_RESENDS,
  beginCampaignRun,
  crashedChunkEvent,
  emptyCounts,
  recordStepEvent,
  resendSilentChunks,
  retryChunk,
  type RunCampaign,
  type StepCommand,
} from '@campaign-pipeline/shared';
import { randomUUID } from 'node:crypto';
import {
  TEST_RUN_SETTINGS,
  insertCreatingCampaign,
  orchestratorDatabase,
} from './support/orchestrator-database.ts';

// The orchestrator against a real database: the commands of a stalled step's unanswered chunks are sent
// again as they were, each at most once per stall time and a few times in all.
describe('commands of unanswered chunks sent again', () => {
  const { client } = orchestratorDatabase('chunk-resend');
  const settings = TEST_RUN_SETTINGS;
  const STALL_MS = 300_000;

  /** A campaign of three provinces, each its own project chunk, run in the linear flow (projects first). */
  async function startedCampaign(): Promise<RunCampaign & { status: string }> {
    const campaign = await insertCreatingCampaign(client(), 'linear', 'Resend');
    for (const [chunk, code] of ['MZ_P1', 'MZ_P2', 'MZ_P3'].entries()) {
      await client().query(
        `INSERT INTO campaign_project (campaign_id, boundary_code, boundary_type, parent_boundary_code, level, targets, chunk)
         VALUES ($1, $2, 'Province', NULL, 0, '[]', $3)`,
        [campaign.id, code, chunk],
      );
    }
    await inTransaction(() => beginCampaignRun(client(), campaign, settings));
    return campaign;
  }

  async function inTransaction<T>(work: () => Promise<T>): Promise<T> {
    await client().query('BEGIN');
    try {
      const result = await work();
      await client().query('COMMIT');
      return result;
    } catch (error) {
      await client().query('ROLLBACK');
      throw error;
    }
  }

  /** The step commands waiting in the outbox for the campaign, taken out as a relay would publish them. */
  async function takeCommands(
    campaignId: string,
  ): Promise<{ topic: string; key: string; command: StepCommand }[]> {
    const { rows } = await client().query<{ topic: string; message_key: string; payload: StepCommand }>(
      `DELETE FROM outbox WHERE payload ->> 'campaignId' = $1 AND payload ? 'commandId'
       RETURNING topic, message_key, payload`,
      [campaignId],
    );
    return rows
      .map((row) => ({ topic: row.topic, key: row.message_key, command: row.payload }))
      .sort((a, b) => a.command.chunk.index - b.command.chunk.index);
  }

  /** Moves the chunks' dispatch and last resend this far into the past. */
  async function age(campaignId: string, ms: number): Promise<void> {
    await client().query(
      `UPDATE campaign_step_chunk SET dispatched_at = dispatched_at - make_interval(secs => $2::float8 / 1000),
         resent_at = resent_at - make_interval(secs => $2::float8 / 1000)
       WHERE campaign_id = $1`,
      [campaignId, ms],
    );
  }

  const resend = (campaign: RunCampaign) =>
    inTransaction(() => resendSilentChunks(client(), campaign, 'project-creation', STALL_MS));

  async function answer(
    campaign: RunCampaign & { status: string },
    chunk: number,
    outcome: 'COMPLETED' | 'FAILED',
  ) {
    await inTransaction(() =>
      recordStepEvent(
        client(),
        campaign,
        {
          eventId: randomUUID(),
          commandId: `${campaign.id}:project-creation:${chunk}:1`,
          campaignId: campaign.id,
          step: 'project-creation',
          attempt: 1,
          chunk: { index: chunk, count: 3 },
          outcome,
          error: outcome === 'FAILED' ? { code: 'DIGIT_DOWN', message: 'down', retryable: true } : null,
          counts: emptyCounts(),
          at: Date.now(),
        },
        settings,
      ),
    );
  }

  it('sends the same commands again for the chunks still unanswered after the stall time, and no others', async () => {
    const campaign = await startedCampaign();
    const dispatched = await takeCommands(campaign.id);
    expect(dispatched.map(({ command }) => command.chunk.index)).toEqual([0, 1, 2]);
    await answer(campaign, 1, 'COMPLETED');

    // Within the stall time nothing is sent again.
    await age(campaign.id, STALL_MS - 5_000);
    expect(await resend(campaign)).toEqual([]);
    expect(await takeCommands(campaign.id)).toEqual([]);

    await age(campaign.id, 5_000);
    expect(await resend(campaign)).toEqual([0, 2]);
    const resent = await takeCommands(campaign.id);
    const unanswered = dispatched.filter(({ command }) => command.chunk.index !== 1);
    // The same command, to the same topic and key: its id and attempt unchanged, so the worker's answer to
    // either copy settles the chunk once.
    expect(resent.map(({ topic, key, command }) => ({ topic, key, commandId: command.commandId }))).toEqual(
      unanswered.map(({ topic, key, command }) => ({ topic, key, commandId: command.commandId })),
    );
    expect(resent.map(({ command }) => command.attempt)).toEqual([1, 1]);

    // Sent again at most once per stall time.
    expect(await resend(campaign)).toEqual([]);
    await age(campaign.id, STALL_MS);
    expect(await resend(campaign)).toEqual([0, 2]);

    // A chunk answered meanwhile is not sent again; the other is, up to the limit.
    await answer(campaign, 0, 'COMPLETED');
    for (let resends = 2; resends < MAX_CHUNK_RESENDS; resends++) {
      await age(campaign.id, STALL_MS);
      expect(await resend(campaign)).toEqual([2]);
    }
    await age(campaign.id, STALL_MS);
    expect(await resend(campaign)).toEqual([]);
    const { rows } = await client().query<{ chunk: number; status: string; resends: number }>(
      `SELECT chunk, status, resends FROM campaign_step_chunk WHERE campaign_id = $1 ORDER BY chunk`,
      [campaign.id],
    );
    expect(rows).toEqual([
      { chunk: 0, status: 'completed', resends: 2 },
      { chunk: 1, status: 'completed', resends: 0 },
      { chunk: 2, status: 'dispatched', resends: MAX_CHUNK_RESENDS },
    ]);
  });

  it('counts the resends of each attempt anew: a retried chunk may be sent again', async () => {
    const campaign = await startedCampaign();
    await takeCommands(campaign.id);
    for (let resends = 0; resends < MAX_CHUNK_RESENDS; resends++) {
      await age(campaign.id, STALL_MS);
      expect(await resend(campaign)).toEqual([0, 1, 2]);
    }
    await takeCommands(campaign.id);

    // Chunk 0's first attempt fails; its automatic retry is attempt 2, dispatched afresh.
    await answer(campaign, 0, 'FAILED');
    expect(
      await inTransaction(() => retryChunk(client(), campaign, 'project-creation', 0, 1, settings)),
    ).toBe(true);
    const [retry] = await takeCommands(campaign.id);
    expect(retry?.command).toMatchObject({ commandId: `${campaign.id}:project-creation:0:2`, attempt: 2 });

    await age(campaign.id, STALL_MS);
    expect(await resend(campaign)).toEqual([0]);
    expect((await takeCommands(campaign.id)).map(({ command }) => command.commandId)).toEqual([
      retry?.command.commandId,
    ]);
  });

  it('does not send again the command of a chunk that crashed its worker: the chunk failed for good', async () => {
    const campaign = await startedCampaign();
    const [crashing] = await takeCommands(campaign.id);
    // The worker dead-lettered chunk 0's command after it crashed three times, and answered it failed.
    await inTransaction(() =>
      recordStepEvent(
        client(),
        campaign,
        crashedChunkEvent(crashing?.command as StepCommand, 'project-sync'),
        settings,
      ),
    );
    await answer(campaign, 1, 'COMPLETED');

    await age(campaign.id, STALL_MS);
    expect(await resend(campaign)).toEqual([2]);
    await answer(campaign, 2, 'COMPLETED');
    const { rows } = await client().query<{ status: string; last_error: { step: string; code: string } }>(
      'SELECT status, last_error FROM campaign WHERE id = $1',
      [campaign.id],
    );
    expect(rows[0]).toMatchObject({
      status: 'failed',
      last_error: { step: 'project-creation', code: 'CHUNK_CRASHED_WORKER' },
    });
  });
});
