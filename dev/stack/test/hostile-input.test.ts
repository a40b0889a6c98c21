import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  ZIP_BOMBS,
  manySharedStringsWorkbook,
  uploadFile,
  writeSharedStringsBomb,
} from '@campaign-pipeline/dev-digit';
import {
  AvroCodec,
  DlqHeader,
  Topic,
  postgresDeliveryLog,
  type CampaignRequestMessage,
} from '@campaign-pipeline/shared';
import axios from 'axios';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import {
  campaignFixture,
  startTestInfrastructure,
  startTestServices,
  type TestInfrastructure,
  type TestServices,
  type CampaignClient,
} from '../src/index.ts';

// Hostile input against the real services: zip bombs uploaded as a create's sheets, and a request on
// campaign.requests whose handling runs intake out of heap at every delivery.

let infrastructure: TestInfrastructure;
let services: TestServices;
let client: CampaignClient;
let database: pg.Pool;
let kafka: Kafka;

beforeAll(async () => {
  infrastructure = await startTestInfrastructure();
  services = await startTestServices(infrastructure);
  client = services.client();
  database = new pg.Pool({ connectionString: infrastructure.env.DATABASE_URL });
  kafka = new Kafka({ brokers: infrastructure.kafka.brokers, logLevel: logLevel.NOTHING });
});

afterAll(async () => {
  await database?.end();
  await services?.stop();
  await infrastructure?.stop();
});

async function campaignCount(): Promise<number> {
  return Number((await database.query('SELECT count(*) AS n FROM campaign')).rows[0].n);
}

/** Resident and peak resident memory of a process, in MB, from /proc. */
async function memoryOf(pid: number): Promise<{ rssMb: number; peakRssMb: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) / 1024;
  return { rssMb: field('VmRSS'), peakRssMb: field('VmHWM') };
}

/** Samples RSS and /health every 25 ms while `work` runs. */
async function watching<T>(
  pid: number,
  healthUrl: string,
  work: () => Promise<T>,
): Promise<{ result: T; peakRssMb: number; healthFailures: number; healthChecks: number }> {
  let peakRssMb = 0;
  let healthFailures = 0;
  let healthChecks = 0;
  let running = true;
  const sampler = (async () => {
    while (running) {
      peakRssMb = Math.max(peakRssMb, (await memoryOf(pid)).rssMb);
      const health = await axios
        .get(healthUrl, { timeout: 1000, validateStatus: () => true })
        .catch(() => ({ status: 0 }));
      healthChecks++;
      if (health.status !== 200) healthFailures++;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  })();
  try {
    const result = await work();
    return { result, peakRssMb, healthFailures, healthChecks };
  } finally {
    running = false;
    await sampler;
  }
}

describe('zip bombs uploaded as the sheets of a create request', () => {
  it.each(ZIP_BOMBS.map((bomb) => [bomb.file, bomb.inflatedBytes] as const))(
    '%s is refused with a 4xx in under 2 s, naming file, part and limit, while intake stays small and healthy',
    async (file, inflatedBytes) => {
      const bombPath = path.join(infrastructure.dir, file);
      await writeSharedStringsBomb(bombPath, inflatedBytes);
      const filestoreId = await uploadFile(infrastructure.digit.url, await readFile(bombPath), file);
      const fixture = await campaignFixture({
        digitUrl: infrastructure.digit.url,
        boundaries: ['MZ_P01'],
        facilities: 2,
        users: 2,
      });
      const details = structuredClone(fixture.details);
      for (const resource of details.resources as { filestoreId: string; filename?: string }[]) {
        resource.filestoreId = filestoreId;
        resource.filename = file;
      }
      const before = await campaignCount();
      const intake = services.processes.get('intake');
      const pid = intake?.child.pid as number;
      const idle = await memoryOf(pid);
      const started = performance.now();
      const { result, peakRssMb, healthFailures, healthChecks } = await watching(
        pid,
        `${services.url('intake')}/health`,
        () => client.create(details),
      );
      const seconds = (performance.now() - started) / 1000;
      process.stdout.write(
        `${file}: ${result.status} in ${seconds.toFixed(2)} s; intake RSS ${idle.rssMb.toFixed(0)} MB before, peak ${peakRssMb.toFixed(0)} MB (VmHWM ${(await memoryOf(pid)).peakRssMb.toFixed(0)} MB), /health 200 on ${healthChecks - healthFailures} of ${healthChecks} checks\n`,
      );
      expect(result.status).toBeGreaterThanOrEqual(400);
      expect(result.status).toBeLessThan(500);
      expect(seconds).toBeLessThan(2);
      expect(peakRssMb).toBeLessThan(300);
      expect((await memoryOf(pid)).peakRssMb).toBeLessThan(300);
      expect(healthFailures).toBe(0);
      const errors = result.data.Errors ?? [];
      expect(errors.map((error) => error.code)).toEqual([
        'PART_TOO_LARGE',
        'PART_TOO_LARGE',
        'PART_TOO_LARGE',
      ]);
      for (const error of errors) {
        expect(error.message).toMatch(/xl\/sharedStrings\.xml.*SHEET_MAX_PART_BYTES/);
        expect(error.params).toContain(file);
      }
      expect(await campaignCount()).toBe(before);
    },
  );
});

interface DeadLetter {
  key: string;
  headers: Record<string, string>;
}

async function readDeadLetters(groupId: string, into: DeadLetter[]): Promise<Consumer> {
  const reader = kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
  await reader.connect();
  await reader.subscribe({ topic: Topic.dlq, fromBeginning: true });
  await reader.run({
    eachMessage: async ({ message }) => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = String(value);
      into.push({ key: message.key?.toString() ?? '', headers });
    },
  });
  return reader;
}

async function sendRequest(requestId: string, details: Record<string, unknown>): Promise<void> {
  const codec = new AvroCodec(infrastructure.kafka.registryUrl);
  await codec.registerTopics([Topic.requests]);
  const request: CampaignRequestMessage = {
    requestId,
    action: 'CREATE',
    campaignDetails: JSON.stringify(details),
    requestInfo: {
      userUuid: 'upstream-1',
      userName: null,
      tenantId: 'mz',
      roles: ['CAMPAIGN_MANAGER'],
      msgId: null,
    },
    sentAt: Date.now(),
  };
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({
    topic: Topic.requests,
    messages: [{ key: requestId, value: await codec.encode(Topic.requests, request) }],
  });
  await producer.disconnect();
}

describe('a message whose handling kills the consumer', () => {
  it('charges a fatal crash to the messages its process was handling, and only to those', async () => {
    const log = postgresDeliveryLog(database);
    const key = (partition: number, offset: string) => ({
      groupId: 'charge-check',
      topic: Topic.requests,
      partition,
      offset,
    });
    expect(await log.started(key(0, '0'), 'host/1')).toBe(0);
    expect(await log.started(key(1, '5'), 'host/1')).toBe(0);
    expect(await log.started(key(2, '9'), 'host/2')).toBe(0);
    // Process 1 finished partition 1's message, then died of a fatal error; process 2 was killed from
    // outside and left no report.
    await log.ended(key(1, '5'));
    expect(await log.chargeCrash('host/1')).toEqual([key(0, '0')]);
    expect(await log.started(key(0, '0'), 'host/3')).toBe(1);
    expect(await log.started(key(1, '5'), 'host/3')).toBe(0);
    expect(await log.started(key(2, '9'), 'host/3')).toBe(0);
    // The charge stays with the offset: the partition's next message starts with none.
    expect(await log.started(key(0, '1'), 'host/3')).toBe(0);
    // A new process of a dead one's name forgets what that one was handling before anything is charged.
    await log.release('host/3');
    expect(await log.chargeCrash('host/3')).toEqual([]);
    // Messages of one partition handled side by side are each charged.
    expect(await log.started(key(3, '1'), 'host/4')).toBe(0);
    expect(await log.started(key(3, '2'), 'host/4')).toBe(0);
    const charged = await log.chargeCrash('host/4');
    expect(charged).toHaveLength(2);
    expect(charged).toEqual(expect.arrayContaining([key(3, '1'), key(3, '2')]));
  });

  it('goes to campaign.dlq as "crashed the consumer" after killing intake three times, and the next campaign completes', async () => {
    // Intake again, with a heap too small for the message's (legitimate) shared-strings table: a million
    // strings of 32 characters take some 50 MB once read.
    await services.processes.get('intake')?.child.kill('SIGTERM');
    await services.processes.get('intake')?.exited;
    // A short session: the group drops each dead intake in seconds instead of waiting 30 s for it.
    const smallIntake = await startTestServices(infrastructure, {
      names: ['intake'],
      env: {
        NODE_OPTIONS: '--max-old-space-size=64',
        KAFKA_SESSION_TIMEOUT_MS: '6000',
        KAFKA_HEARTBEAT_INTERVAL_MS: '500',
      },
    });
    const dead: DeadLetter[] = [];
    const reader = await readDeadLetters('crash-loop-dlq-reader', dead);
    try {
      const filestoreId = await uploadFile(
        infrastructure.digit.url,
        manySharedStringsWorkbook(1_000_000),
        'facilities.xlsx',
      );
      const heavy = await campaignFixture({
        digitUrl: infrastructure.digit.url,
        boundaries: ['MZ_P01'],
        facilities: 2,
        users: 2,
      });
      const details = structuredClone(heavy.details);
      for (const resource of details.resources as { type: string; filestoreId: string }[]) {
        if (resource.type === 'facility') resource.filestoreId = filestoreId;
      }
      await sendRequest('heap-hungry-1', details);
      const exits: (number | string)[] = [];
      const deadline = Date.now() + 150_000;
      while (!dead.some((letter) => letter.key === 'heap-hungry-1') && Date.now() < deadline) {
        const intake = smallIntake.processes.get('intake');
        const exit = await Promise.race([
          intake?.exited,
          new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 500)),
        ]);
        if (exit === undefined) continue;
        exits.push(exit);
        // What the supervisor does: start it again.
        await smallIntake.start('intake');
      }
      const letter = dead.find((entry) => entry.key === 'heap-hungry-1');
      expect(exits).toHaveLength(3);
      expect(letter?.headers[DlqHeader.reason]).toBe('crashed-consumer');
      expect(letter?.headers[DlqHeader.detail]).toBe('crashed the consumer 3 times');

      const next = await campaignFixture({
        digitUrl: infrastructure.digit.url,
        boundaries: ['MZ_P01'],
        facilities: 3,
        users: 3,
        campaignName: 'After the crash loop',
      });
      await sendRequest('after-crash-loop-1', next.details);
      let id: string | undefined;
      while (!id && Date.now() < deadline) {
        id = (await client.search({ tenantId: 'mz', campaignName: 'After the crash loop' })).campaigns[0]?.id;
        if (!id) await new Promise((resolve) => setTimeout(resolve, 200));
      }
      const { campaign } = await client.waitForStatus(id as string, ['created', 'failed']);
      expect(campaign.status).toBe('created');
    } finally {
      await reader.disconnect();
      await smallIntake.stop();
    }
  }, 240_000);
});
