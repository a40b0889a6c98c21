import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { AvroCodec, Topic, type CampaignRequestMessage } from '@campaign-pipeline/shared';
import { Kafka, logLevel } from 'kafkajs';
import {
  campaignFixture,
  chartReplicas,
  startTestInfrastructure,
  startTestServices,
  type TestInfrastructure,
  type TestServices,
  type CampaignClient,
} from '../src/index.ts';
import { expectCampaignInDigit, sheetContents } from './support/expected-state.ts';

let infrastructure: TestInfrastructure;
let services: TestServices;
let client: CampaignClient;
const VARIANTS = ['PVAR-2026-01-01-000001', 'PVAR-2026-01-01-000002'];

beforeAll(async () => {
  infrastructure = await startTestInfrastructure();
  // As the chart deploys them: two intake and two status processes, started together on a new database.
  services = await startTestServices(infrastructure, { replicas: chartReplicas() });
  expect(services.urls('status')).toHaveLength(2);
  client = services.client();
});

afterAll(async () => {
  await services?.stop();
  await infrastructure?.stop();
});

beforeEach(async () => {
  await infrastructure.digit.client.reset();
});

describe('campaign creation', () => {
  it('creates every project, facility, employee and mapping of an S campaign exactly once', async () => {
    const fixture = await campaignFixture({
      digitUrl: infrastructure.digit.url,
      facilities: 12,
      users: 20,
      inactiveFacilities: 2,
      inactiveUsers: 3,
      productVariants: VARIANTS,
    });
    const answer = await client.create(fixture.details);
    expect(answer.status).toBe(200);
    const created = answer.data.CampaignDetails;
    expect(created?.status).toBe('creating');
    expect(created?.campaignNumber).toMatch(/^CMP-\d{4}-\d{2}-\d{2}-\d{6}$/);

    const { campaign, steps } = await client.waitForStatus(created?.id as string, ['created', 'failed']);
    expect(campaign.status).toBe('created');
    expect(steps.map((step) => [step.step, step.status])).toEqual([
      ['project-creation', 'completed'],
      ['facility-creation', 'completed'],
      ['user-creation', 'completed'],
      ['facility-mapping', 'completed'],
      ['user-mapping', 'completed'],
      ['product-mapping', 'completed'],
      ['end', 'completed'],
    ]);
    const contents = await sheetContents(infrastructure.digit, fixture.sheets, 'MZ');
    expect(steps.find((step) => step.step === 'facility-creation')?.counts.created).toBe(10);
    expect(steps.find((step) => step.step === 'user-creation')?.counts.created).toBe(17);
    await expectCampaignInDigit(infrastructure.digit, {
      campaignNumber: created?.campaignNumber as string,
      rootCode: 'MZ',
      contents,
      productVariants: VARIANTS,
    });
    // A new campaign's mappings cannot exist before it creates them: each mapping chunk searches once,
    // after its bulk create, to learn what DIGIT saved, and not before. A chunk carries what one request
    // carries: one bulk create each.
    const calls = await infrastructure.digit.client.calls();
    const mappingRoutes = {
      'facility-mapping': 'POST /health-project/facility/v1',
      'user-mapping': 'POST /health-project/staff/v1',
      'product-mapping': 'POST /health-project/resource/v1',
    };
    for (const [step, route] of Object.entries(mappingRoutes)) {
      const chunks = steps.find((entry) => entry.step === step)?.chunks.total;
      expect(chunks).toBeGreaterThan(0);
      expect(calls.project.byRoute[`${route}/_search`]).toBe(chunks);
      expect(calls.project.byRoute[`${route}/bulk/_create`]).toBe(chunks);
    }
    expect(calls.facility.byRoute['POST /facility/v1/bulk/_create']).toBe(
      steps.find((entry) => entry.step === 'facility-creation')?.chunks.total,
    );
  });

  it('creates a campaign sent on campaign.requests the same way, once even when the request is redelivered', async () => {
    const fixture = await campaignFixture({
      digitUrl: infrastructure.digit.url,
      boundaries: ['MZ_P01'],
      facilities: 5,
      users: 6,
      campaignName: 'Topic campaign',
      productVariants: VARIANTS.slice(0, 1),
    });
    const codec = new AvroCodec(infrastructure.kafka.registryUrl);
    await codec.registerTopics([Topic.requests]);
    const request: CampaignRequestMessage = {
      requestId: 'request-topic-1',
      action: 'CREATE',
      campaignDetails: JSON.stringify(fixture.details),
      requestInfo: {
        userUuid: 'upstream-1',
        userName: null,
        tenantId: 'mz',
        roles: ['CAMPAIGN_MANAGER'],
        msgId: null,
      },
      sentAt: Date.now(),
    };
    const value = await codec.encode(Topic.requests, request);
    const producer = new Kafka({
      brokers: infrastructure.kafka.brokers,
      logLevel: logLevel.NOTHING,
    }).producer();
    await producer.connect();
    await producer.send({
      topic: Topic.requests,
      messages: [
        { key: 'request-topic-1', value },
        { key: 'request-topic-1', value },
      ],
    });
    await producer.disconnect();

    let id: string | undefined;
    const deadline = Date.now() + 60_000;
    while (!id && Date.now() < deadline) {
      const found = await client.search({ tenantId: 'mz', campaignName: 'Topic campaign' });
      id = found.campaigns[0]?.id;
      if (!id) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const { campaign } = await client.waitForStatus(id as string, ['created', 'failed']);
    expect(campaign.status).toBe('created');
    const found = await client.search({ tenantId: 'mz', campaignName: 'Topic campaign' });
    expect(found.totalCount).toBe(1);
    await expectCampaignInDigit(infrastructure.digit, {
      campaignNumber: campaign.campaignNumber,
      rootCode: 'MZ_P01',
      contents: await sheetContents(infrastructure.digit, fixture.sheets, 'MZ_P01'),
      productVariants: VARIANTS.slice(0, 1),
    });
  });

  it('fails at user creation when HRMS fails, and a retry finishes it without touching projects or facilities again', async () => {
    const fixture = await campaignFixture({
      digitUrl: infrastructure.digit.url,
      facilities: 6,
      users: 8,
      productVariants: VARIANTS,
    });
    await infrastructure.digit.client.setBehaviour({
      hrms: {
        faults: [
          {
            kind: 'error',
            path: '/health-hrms/employees/_create',
            rate: 1,
            status: 400,
            code: 'ERR_HRMS_DB_DOWN',
            message: 'HRMS database is down',
          },
        ],
      },
    });
    const created = (await client.create(fixture.details)).data.CampaignDetails;
    const failed = await client.waitForStatus(created?.id as string, ['failed', 'created']);
    expect(failed.campaign.status).toBe('failed');
    expect(failed.campaign.lastError).toEqual({
      step: 'user-creation',
      code: 'ERR_HRMS_DB_DOWN',
      message: expect.stringContaining('HRMS database is down'),
    });
    const userStep = failed.steps.find((step) => step.step === 'user-creation');
    expect(userStep?.status).toBe('failed');
    expect(userStep?.lastError?.code).toBe('ERR_HRMS_DB_DOWN');
    // Work in flight when the campaign failed settles; nothing new starts.
    await settled(created?.id as string);
    const before = await client.progress(created?.id as string);
    expect(before.steps.find((step) => step.step === 'project-creation')?.status).toBe('completed');
    expect(before.steps.find((step) => step.step === 'facility-creation')?.status).toBe('completed');
    expect(before.steps.find((step) => step.step === 'user-mapping')?.status).toBe('pending');

    await infrastructure.digit.client.setBehaviour({ hrms: { faults: [] } });
    await infrastructure.digit.client.resetCalls();
    const retried = await client.retry(created?.id as string);
    expect(retried.status).toBe(200);
    expect(retried.data.CampaignDetails?.status).toBe('creating');
    const done = await client.waitForStatus(created?.id as string, ['created', 'failed']);
    expect(done.campaign.status).toBe('created');
    expect(done.steps.find((step) => step.step === 'project-creation')?.attempt).toBe(1);
    expect(done.steps.find((step) => step.step === 'facility-creation')?.attempt).toBe(1);
    expect(done.steps.find((step) => step.step === 'user-creation')?.attempt).toBe(2);

    const calls = await infrastructure.digit.client.calls();
    for (const route of ['POST /health-project/v1/_create', 'POST /health-project/v1/_search']) {
      expect(calls.project.byRoute[route] ?? 0).toBe(0);
    }
    expect(calls.facility.total).toBe(0);
    expect(calls.hrms.byRoute['POST /health-hrms/employees/_create']).toBeGreaterThan(0);
    await expectCampaignInDigit(infrastructure.digit, {
      campaignNumber: created?.campaignNumber as string,
      rootCode: 'MZ',
      contents: await sheetContents(infrastructure.digit, fixture.sheets, 'MZ'),
      productVariants: VARIANTS,
    });
    // A completed campaign is not retried again.
    expect((await client.retry(created?.id as string)).status).toBe(409);
  });

  it('retries a chunk automatically after transient failures, with backoff', async () => {
    const fixture = await campaignFixture({
      digitUrl: infrastructure.digit.url,
      facilities: 3,
      users: 4,
      productVariants: VARIANTS,
    });
    // More failures in a row than the DIGIT client retries (4) a write that was surely not applied (500):
    // the first attempt of the chunk fails.
    await infrastructure.digit.client.setBehaviour({
      hrms: {
        faults: [
          {
            kind: 'error',
            path: '/health-hrms/employees/_create',
            count: 6,
            status: 500,
            code: 'INTERNAL_SERVER_ERROR',
          },
        ],
      },
    });
    const created = (await client.create(fixture.details)).data.CampaignDetails;
    const done = await client.waitForStatus(created?.id as string, ['created', 'failed'], {
      timeoutMs: 120_000,
    });
    expect(done.campaign.status).toBe('created');
    const userStep = done.steps.find((step) => step.step === 'user-creation');
    expect(userStep?.chunkAttempts).toBe(2);
    expect(userStep?.counts.created).toBe(4);
    expect((await infrastructure.digit.client.duplicates()).total).toBe(0);
  });
});

/** Waits until no chunk of the campaign is in flight. */
async function settled(id: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const { steps } = await client.progress(id);
    if (steps.every((step) => step.chunks.dispatched === 0)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`campaign ${id} still has chunks in flight`);
}
