import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { AvroCodec, Topic, type CampaignRequestMessage } from '@campaign-pipeline/shared';
import { Kafka, logLevel } from 'kafkajs';
import {
  CampaignClient,
  campaignFixture,
  startTestInfrastructure,
  startTestServices,
  type TestInfrastructure,
  type TestServices,
} from '../src/index.ts';
import { expectCampaignInDigit, sheetContents } from './support/expected-state.ts';

let infrastructure: TestInfrastructure;
let services: TestServices;
let client: CampaignClient;
const VARIANTS = ['PVAR-2026-01-01-000001', 'PVAR-2026-01-01-000002'];

beforeAll(async () => {
  infrastructure = await startTestInfrastructure();
  services = await startTestServices(infrastructure);
  client = new CampaignClient(services.url('intake'), services.url('status'));
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
      requestInfo: { userUuid: 'upstream-1', userName: null, tenantId: 'mz', roles: ['CAMPAIGN_MANAGER'], msgId: null },
      sentAt: Date.now(),
    };
    const value = await codec.encode(Topic.requests, request);
    const producer = new Kafka({ brokers: infrastructure.kafka.brokers, logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    await producer.send({ topic: Topic.requests, messages: [{ key: 'request-topic-1', value }, { key: 'request-topic-1', value }] });
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
});
