// A worker holds at most 1.5 × its DIGIT service's concurrency in chunks over all its steps: mapping-sync's
// three mapping steps all call the project service, so with 2 calls at once it runs 3 chunks, the others
// wait for room, and the campaign completes all the same.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CampaignClient,
  campaignFixture,
  startTestInfrastructure,
  startTestServices,
  type TestInfrastructure,
  type TestServices,
} from '../src/index.ts';

const PROJECT_CONCURRENCY = 2;
const CHUNKS_IN_HAND = 3;

let infrastructure: TestInfrastructure;
let services: TestServices;

beforeAll(async () => {
  // Slow enough project calls that the mapping chunks pile up while the first ones run.
  infrastructure = await startTestInfrastructure({
    digit: { behaviour: { project: { latency: { fixedMs: 150, jitterMs: 0 } } } },
  });
  // Chunks of 10 rows: many of each mapping step, each its own Kafka message.
  services = await startTestServices(infrastructure, {
    env: { CHUNK_SIZE: '10', DIGIT_PROJECT_CONCURRENCY: String(PROJECT_CONCURRENCY) },
  });
});

afterAll(async () => {
  await services?.stop();
  await infrastructure?.stop();
});

/** mapping-sync's chunks by state, from its /metrics. */
async function mappingChunks(url: string): Promise<{ running: number; waiting: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const value = (state: string) =>
    Number(
      new RegExp(`^campaign_worker_chunks\\{[^}]*state="${state}"[^}]*\\} (\\S+)$`, 'm').exec(text)?.[1] ?? 0,
    );
  return { running: value('running'), waiting: value('waiting') };
}

describe("a worker's chunks in hand", () => {
  it('stay within 1.5 times its DIGIT service concurrency over all its steps', async () => {
    const client = new CampaignClient(services.url('intake'), services.url('status'));
    const fixture = await campaignFixture({
      digitUrl: infrastructure.digit.url,
      facilities: 30,
      users: 60,
      seed: 17,
    });
    const created = (await client.create(fixture.details)).data.CampaignDetails;
    const seen = { running: 0, waiting: 0 };
    let done = false;
    const sampling = (async () => {
      while (!done) {
        const now = await mappingChunks(services.url('mapping-sync'));
        seen.running = Math.max(seen.running, now.running);
        seen.waiting = Math.max(seen.waiting, now.waiting);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    try {
      const { campaign, steps } = await client.waitForStatus(created?.id as string, ['created', 'failed'], {
        timeoutMs: 60_000,
      });
      expect(campaign.status).toBe('created');
      const mappingChunkCount = steps
        .filter((step) => step.step.endsWith('-mapping'))
        .reduce((total, step) => total + step.chunks.total, 0);
      expect(mappingChunkCount).toBeGreaterThan(CHUNKS_IN_HAND * 3);
    } finally {
      done = true;
      await sampling;
    }
    expect(seen.running).toBe(CHUNKS_IN_HAND);
    expect(seen.waiting).toBeGreaterThan(0);
  });
});
