import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import {
  campaignFixture,
  startTestInfrastructure,
  startTestServices,
  type TestInfrastructure,
  type TestServices,
} from '../src/index.ts';
import { expectCampaignInDigit, sheetContents, untilEmployees } from './support/expected-state.ts';

let infrastructure: TestInfrastructure;
let services: TestServices | undefined;
const VARIANTS = ['PVAR-2026-01-01-000001'];

beforeAll(async () => {
  infrastructure = await startTestInfrastructure();
});

afterEach(async () => {
  await services?.stop();
  services = undefined;
  await infrastructure.digit.client.reset();
});

afterAll(async () => {
  await infrastructure?.stop();
});

describe('resilience of campaign creation', () => {
  it('ends in the same state when every command and event is delivered twice', async () => {
    services = await startTestServices(infrastructure, {
      env: { KAFKA_DUPLICATE_DELIVERY: 'true', CHUNK_SIZE: '10' },
    });
    const client = services.client();
    const fixture = await campaignFixture({
      digitUrl: infrastructure.digit.url,
      facilities: 15,
      users: 25,
      inactiveUsers: 2,
      seed: 11,
      productVariants: VARIANTS,
    });
    const created = (await client.create(fixture.details)).data.CampaignDetails;
    const { campaign, steps } = await client.waitForStatus(created?.id as string, ['created', 'failed']);
    expect(campaign.status).toBe('created');
    // Every chunk ran to completion once as far as the run is concerned: attempt 1 everywhere.
    expect(steps.every((step) => step.attempt === 1 && step.chunkAttempts <= 1)).toBe(true);
    await expectCampaignInDigit(infrastructure.digit, {
      campaignNumber: created?.campaignNumber as string,
      rootCode: 'MZ',
      contents: await sheetContents(infrastructure.digit, fixture.sheets, 'MZ'),
      productVariants: VARIANTS,
    });
  });

  it('completes with no duplicate when a worker is killed in the middle of a step', async () => {
    // Slow HRMS taking two calls at a time, so user creation (six chunks, all handed to the worker at
    // once) is surely under way when the worker dies. Sessions as long as a deployment's: the restarted
    // worker must not wait for its killed predecessor's to lapse.
    services = await startTestServices(infrastructure, {
      env: { CHUNK_SIZE: '20', DIGIT_HRMS_CONCURRENCY: '2', KAFKA_SESSION_TIMEOUT_MS: '60000' },
    });
    const client = services.client();
    await infrastructure.digit.client.setBehaviour({ hrms: { latency: { fixedMs: 300, jitterMs: 50 } } });
    const fixture = await campaignFixture({
      digitUrl: infrastructure.digit.url,
      facilities: 5,
      users: 120,
      seed: 12,
      productVariants: VARIANTS,
    });
    const created = (await client.create(fixture.details)).data.CampaignDetails;
    const id = created?.id as string;

    await untilEmployees(infrastructure.digit, 25);
    const worker = services.processes.get('user-sync');
    worker?.child.kill('SIGKILL');
    await worker?.exited;
    const employeesWhenKilled = (await infrastructure.digit.client.counts()).employees;
    expect(employeesWhenKilled).toBeLessThan(120);

    // A start that is not ready in time fails, saying how the broker saw the service's consumer group,
    // and leaves no process behind to hold the port: the next start gets it.
    await expect(services.start('user-sync', { readyWithinMs: 1 })).rejects.toThrow(
      /not ready within 1 ms[^]*the broker's groups of user-sync: \[\{"groupId":"user-sync"/,
    );
    expect(services.processes.get('user-sync')?.child.signalCode).toBe('SIGKILL');

    // Ready once its consumer group gave it partitions: the killed member was removed, not waited out.
    const restartedAt = Date.now();
    await services.start('user-sync');
    expect(Date.now() - restartedAt).toBeLessThan(30_000);
    const { campaign } = await client.waitForStatus(id, ['created', 'failed'], { timeoutMs: 180_000 });
    expect(campaign.status).toBe('created');
    await expectCampaignInDigit(infrastructure.digit, {
      campaignNumber: created?.campaignNumber as string,
      rootCode: 'MZ',
      contents: await sheetContents(infrastructure.digit, fixture.sheets, 'MZ'),
      productVariants: VARIANTS,
    });
    // As long as the waits above allow: the restart's own bound is checked on its own.
  }, 240_000);
});
