// A worker that stops answering in the middle of a step: the status service reports the step stalled,
// naming the worker, on the progress API, in its metrics and its log, and sends the commands of its
// unanswered chunks again. Once the worker is back it gets both copies, and the campaign is created
// exactly as its sheets ask, nothing twice.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import {
  campaignFixture,
  startTestInfrastructure,
  startTestServices,
  type StepProgress,
  type TestInfrastructure,
  type TestServices,
  type CampaignClient,
} from '../src/index.ts';
import { expectCampaignInDigit, sheetContents, untilEmployees } from './support/expected-state.ts';

const VARIANTS = ['PVAR-2026-01-01-000001'];

let infrastructure: TestInfrastructure;
let services: TestServices;

beforeAll(async () => {
  infrastructure = await startTestInfrastructure();
  services = await startTestServices(infrastructure, {
    // Users go to HRMS five at a time, at most eight calls at once: creating them takes three rounds of
    // calls, so the worker is killed with most of them still to do.
    env: {
      CHUNK_SIZE: '20',
      DIGIT_HRMS_BATCH_SIZE: '5',
      DIGIT_HRMS_BATCH_MAX: '5',
      STEP_STALL_AFTER_MS: '3000',
      CAMPAIGN_GAUGE_INTERVAL_MS: '1000',
    },
  });
});

afterAll(async () => {
  await services?.stop();
  await infrastructure?.stop();
});

async function progressUntil(
  client: CampaignClient,
  id: string,
  wanted: (steps: StepProgress[]) => boolean,
  timeoutMs = 30_000,
): Promise<StepProgress[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { steps } = await client.progress(id);
    if (wanted(steps)) return steps;
    if (Date.now() > deadline) throw new Error(`progress never matched: ${JSON.stringify(steps)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('a stalled step', () => {
  it('is reported with the worker that has not answered, and clears when the worker is back', async () => {
    const client = services.client();
    await infrastructure.digit.client.setBehaviour({ hrms: { latency: { fixedMs: 500, jitterMs: 50 } } });
    const fixture = await campaignFixture({
      digitUrl: infrastructure.digit.url,
      facilities: 5,
      users: 120,
      seed: 21,
      productVariants: VARIANTS,
    });
    const id = (await client.create(fixture.details)).data.CampaignDetails?.id as string;
    await untilEmployees(infrastructure.digit, 25);
    const worker = services.processes.get('user-sync');
    worker?.child.kill('SIGKILL');
    await worker?.exited;

    const userCreation = (steps: StepProgress[]) => steps.find((step) => step.step === 'user-creation');
    const stalled = userCreation(
      await progressUntil(client, id, (steps) => userCreation(steps)?.stalled !== null),
    );
    expect(stalled?.status).toBe('started');
    expect(stalled?.stalled).toMatchObject({ waitingOn: 'user-sync' });
    expect(stalled?.stalled?.silentForMs).toBeGreaterThanOrEqual(3000);

    // The sweep that sets the metric and logs runs every second: within a sweep of the API's answer.
    const statusLog = services.processes.get('status')?.logFile as string;
    const sweepDeadline = Date.now() + 10_000;
    for (;;) {
      const metrics = await (await fetch(`${services.url('status')}/metrics`)).text();
      const log = await readFile(statusLog, 'utf8');
      const inMetrics =
        /campaign_steps_stalled\{[^}]*step="user-creation"[^}]*worker="user-sync"[^}]*\} 1/.test(metrics);
      const resent = /campaign_chunk_commands_resent_total\{[^}]*step="user-creation"[^}]*\} [1-9]/.test(
        metrics,
      );
      if (inMetrics && resent && log.includes('step stalled: user-sync has not answered')) break;
      if (Date.now() > sweepDeadline) throw new Error(`stall not in metrics or log:\n${metrics}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }

    await services.start('user-sync');
    const { campaign, steps } = await client.waitForStatus(id, ['created', 'failed'], { timeoutMs: 120_000 });
    expect(campaign.status).toBe('created');
    expect(steps.every((step) => step.stalled === null)).toBe(true);
    await expectCampaignInDigit(infrastructure.digit, {
      campaignNumber: campaign.campaignNumber,
      rootCode: 'MZ',
      contents: await sheetContents(infrastructure.digit, fixture.sheets, 'MZ'),
      productVariants: VARIANTS,
    });
  });
});
