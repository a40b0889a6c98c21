// A step command taken off its topic and never handled (the offset committed, the chunk never run): the
// status service sees the step stall, sends the command again, and the campaign is created exactly as its
// sheets ask, nothing twice.
import { describe, expect, it } from '@jest/globals';
import { Topic, consumerGroup } from '@campaign-pipeline/shared';
import { Kafka, logLevel } from 'kafkajs';
import { readFile } from 'node:fs/promises';
import { campaignFixture } from '../src/index.ts';
import { expectCampaignInDigit, sheetContents } from './support/expected-state.ts';
import { campaignStack } from './support/stack.ts';

const VARIANTS = ['PVAR-2026-01-01-000001'];

const stack = campaignStack({
  CHUNK_SIZE: '5',
  STEP_STALL_AFTER_MS: '4000',
  CAMPAIGN_GAUGE_INTERVAL_MS: '1000',
});

describe('a step command lost after it was taken', () => {
  it('is sent again once its step stalls, and the campaign is created exactly once', async () => {
    const infrastructure = stack.infrastructure();
    const services = stack.services();
    const client = stack.client();
    // User creation's commands wait on their topic while user-sync is away: this test's consumer, in
    // user-sync's group, takes them and commits their offsets without running them.
    const worker = services.processes.get('user-sync');
    worker?.child.kill('SIGTERM');
    await worker?.exited;

    const fixture = await campaignFixture({
      digitUrl: infrastructure.digit.url,
      facilities: 4,
      users: 12,
      seed: 41,
      productVariants: VARIANTS,
    });
    const created = (await client.create(fixture.details)).data.CampaignDetails;
    const id = created?.id as string;

    const kafka = new Kafka({ brokers: infrastructure.kafka.brokers, logLevel: logLevel.NOTHING });
    const thief = kafka.consumer({ groupId: consumerGroup('user-sync', 'user-creation') });
    let taken = 0;
    await thief.connect();
    await thief.subscribe({ topic: Topic.stepUser, fromBeginning: true });
    await thief.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => {
        await thief.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
        taken++;
      },
    });
    let chunks = 0;
    const deadline = Date.now() + 60_000;
    while (chunks === 0 || taken < chunks) {
      if (Date.now() > deadline) throw new Error(`took ${taken} of ${chunks} user-creation commands`);
      const { steps } = await client.progress(id);
      const userCreation = steps.find((step) => step.step === 'user-creation');
      chunks =
        userCreation?.chunks.dispatched === userCreation?.chunks.total
          ? (userCreation?.chunks.total ?? 0)
          : 0;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await thief.disconnect();
    expect(taken).toBe(chunks);

    await services.start('user-sync');
    const { campaign } = await client.waitForStatus(id, ['created', 'failed'], { timeoutMs: 90_000 });
    expect(campaign.status).toBe('created');
    await expectCampaignInDigit(infrastructure.digit, {
      campaignNumber: created?.campaignNumber as string,
      rootCode: 'MZ',
      contents: await sheetContents(infrastructure.digit, fixture.sheets, 'MZ'),
      productVariants: VARIANTS,
    });

    const metrics = await (await fetch(`${services.url('status')}/metrics`)).text();
    const resent =
      /campaign_chunk_commands_resent_total\{[^}]*step="user-creation"[^}]*worker="user-sync"[^}]*\} (\d+)/.exec(
        metrics,
      );
    // At least once each: a copy still unanswered a stall time later is sent again.
    expect(Number(resent?.[1])).toBeGreaterThanOrEqual(chunks);
    const statusLog = await readFile(services.processes.get('status')?.logFile as string, 'utf8');
    expect(statusLog).toContain('unanswered chunks to user-sync again');
  });
});
