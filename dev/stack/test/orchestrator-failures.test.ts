import { describe, expect, it } from '@jest/globals';
import {
  MAX_CHUNK_RESENDS,
  beginCampaignRun,
  crashedChunkEvent,
  recordStepEvent,
  resendSilentChunks,
  retryChunk,
  type RunCampaign,
  type StepCommand,
} from '@campaign-pipeline/shared';
import {
  TEST_RUN_SETTINGS,
  answerChunk,
  inTransaction,
  insertCreatingCampaign,
  insertProjects,
  orchestratorDatabase,
} from './support/orchestrator-database.ts';

const { client } = orchestratorDatabase('orchestrator-failures');

/** A campaign of three provinces, each its own project chunk, started: their creates are dispatched. */
async function startedCampaign(flow: 'parallel' | 'linear'): Promise<RunCampaign & { status: string }> {
  const campaign = await insertCreatingCampaign(client(), flow, `Three provinces, ${flow}`);
  await insertProjects(
    client(),
    campaign.id,
    ['MZ_P1', 'MZ_P2', 'MZ_P3'].map((code, chunk) => ({ code, parent: null, level: 0, chunk })),
  );
  await inTransaction(client(), () => beginCampaignRun(client(), campaign, TEST_RUN_SETTINGS));
  return campaign;
}

// The orchestrator against a real database: the commands of a stalled step's unanswered chunks are sent
// again as they were, each at most once per stall time and a few times in all.
describe('commands of unanswered chunks sent again', () => {
  const settings = TEST_RUN_SETTINGS;
  const STALL_MS = 300_000;

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
    inTransaction(client(), () => resendSilentChunks(client(), campaign, 'project-creation', STALL_MS));

  const answer = (
    campaign: RunCampaign & { status: string },
    chunk: number,
    outcome: 'COMPLETED' | 'FAILED',
  ) =>
    answerChunk(client(), campaign, {
      step: 'project-creation',
      chunk,
      chunks: 3,
      ...(outcome === 'FAILED' ? { error: { code: 'DIGIT_DOWN', message: 'down', retryable: true } } : {}),
    });

  it('sends the same commands again for the chunks still unanswered after the stall time, and no others', async () => {
    const campaign = await startedCampaign('linear');
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
    const campaign = await startedCampaign('linear');
    await takeCommands(campaign.id);
    for (let resends = 0; resends < MAX_CHUNK_RESENDS; resends++) {
      await age(campaign.id, STALL_MS);
      expect(await resend(campaign)).toEqual([0, 1, 2]);
    }
    await takeCommands(campaign.id);

    // Chunk 0's first attempt fails; its automatic retry is attempt 2, dispatched afresh.
    await answer(campaign, 0, 'FAILED');
    expect(
      await inTransaction(client(), () => retryChunk(client(), campaign, 'project-creation', 0, 1, settings)),
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
    const campaign = await startedCampaign('linear');
    const [crashing] = await takeCommands(campaign.id);
    // The worker dead-lettered chunk 0's command after it crashed three times, and answered it failed.
    await inTransaction(client(), () =>
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

// The orchestrator against a real database: a chunk fails for good while others of its step still run.
// The campaign keeps the failure and fails once the last of them has answered, whatever it answers.
describe('a step failing while its other chunks run', () => {
  const INVALID_BOUNDARY = { code: 'INVALID_BOUNDARY', message: 'no such boundary', retryable: false };

  async function campaignState(id: string) {
    const { rows } = await client().query<{ status: string; code: string | null }>(
      `SELECT status, last_error ->> 'code' AS code FROM campaign WHERE id = $1`,
      [id],
    );
    return rows[0];
  }

  it.each([
    ['completes', undefined],
    ['fails too', INVALID_BOUNDARY],
  ])('fails the campaign once the last running chunk %s', async (_name, lastError) => {
    const campaign = await startedCampaign('parallel');
    const answer = (chunk: number, error?: typeof INVALID_BOUNDARY) =>
      answerChunk(client(), campaign, {
        step: 'project-creation',
        chunk,
        chunks: 3,
        ...(error ? { error } : {}),
      });

    expect(await answer(0, INVALID_BOUNDARY)).toBe('recorded');
    expect(await campaignState(campaign.id)).toEqual({ status: 'creating', code: 'INVALID_BOUNDARY' });
    expect(await answer(1)).toBe('recorded');
    expect(await campaignState(campaign.id)).toEqual({ status: 'creating', code: 'INVALID_BOUNDARY' });
    expect(await answer(2, lastError)).toBe('campaign-failed');
    expect(await campaignState(campaign.id)).toEqual({ status: 'failed', code: 'INVALID_BOUNDARY' });
  });
});
