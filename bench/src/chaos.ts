import { randomBytes, randomUUID } from 'node:crypto';
import { cp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  AvroCodec,
  STEP_COMMAND_TOPICS,
  STEP_TOPICS,
  Topic,
  type StepCommand,
  type StepName,
} from '@campaign-pipeline/shared';
import {
  CampaignClient,
  campaignFixture,
  childCampaignDetails,
  consolidatedSheets,
  digitCampaignState,
  expectedMappingState,
  sheetContext,
  startTestInfrastructure,
  startTestServices,
  stateDifferences,
  type CampaignSheetRows,
  type SheetContext,
  type TestInfrastructure,
  type TestServices,
} from '@campaign-pipeline/dev-stack';
import { CAMPAIGN_WRITE_PATHS } from '@campaign-pipeline/dev-digit';
import kafkajs from 'kafkajs';
import { CAMPAIGN_SIZES } from './campaign.ts';

// One campaign twice against the simulator: fault-free, then under everything at once (services killed
// every 2 s, the broker killed twice, slow and failing DIGIT calls, writes whose answers are lost, poison
// messages). The two must end with the same entities in DIGIT, none twice, and every poison message in
// the DLQ.

export interface ChaosOptions {
  size: keyof typeof CAMPAIGN_SIZES;
  /** The measured campaign is a child that updates a campaign created without faults. */
  update: boolean;
  poison: number;
  killEveryMs: number;
  brokerRestarts: number;
}

const CLIENT_TIMEOUT_MS = 2000;
/** Covers the simulator's persister lag (none) and a late-applied write landing after the timeout. */
const CONSISTENCY_MS = 1500;
const LATE_BY_MS = 800;
/** A write waiting longer than this for its slot stamps its rows again: a chunk retried after a kill waits this more. */
const STAMP_MAX_AGE_MS = 500;
const SESSION_TIMEOUT_MS = 2000;

/** DIGIT's latency in both runs: slowness is no fault, so the baseline answers as slowly. */
const LATENCY = { latency: { fixedMs: 0, jitterMs: 10 } };

/** On every endpoint: latency, 5xx and timeouts; on writes also the faults that leave them applied. */
function chaosBehaviour() {
  const everywhere = [
    { kind: 'error' as const, rate: 0.05, status: 500 },
    { kind: 'error' as const, rate: 0.05, status: 503, code: 'SERVICE_UNAVAILABLE' },
    { kind: 'timeout' as const, rate: 0.01, holdMs: CLIENT_TIMEOUT_MS + 500 },
  ];
  const afterWrite = (paths: readonly string[]) =>
    paths.flatMap((path) => [
      { kind: 'lost-answer' as const, path, rate: 0.02 },
      { kind: 'applied-then-error' as const, path, rate: 0.01, status: 502 },
      { kind: 'late-apply' as const, path, rate: 0.005, holdMs: CLIENT_TIMEOUT_MS + LATE_BY_MS },
    ]);
  return {
    '*': { ...LATENCY, faults: everywhere },
    project: { faults: [...afterWrite(CAMPAIGN_WRITE_PATHS.project), ...everywhere] },
    facility: { faults: [...afterWrite(CAMPAIGN_WRITE_PATHS.facility), ...everywhere] },
    hrms: { faults: [...afterWrite(CAMPAIGN_WRITE_PATHS.hrms), ...everywhere] },
  };
}

const ENTITY_KINDS = [
  'projects',
  'facilities',
  'employees',
  'projectFacilities',
  'projectStaff',
  'projectResources',
] as const;
type EntityCountsByKind = Record<(typeof ENTITY_KINDS)[number], number>;

interface RunResult {
  seconds: number;
  /** Seconds until the create was answered (intake), within `seconds`. */
  acceptedSeconds: number;
  status: string;
  counts: EntityCountsByKind;
  duplicateGroups: number;
  /** DIGIT's projects, facilities, employees and mappings by natural key, one line each. */
  state: string[];
  /** Lines of DIGIT's projects and mappings that differ from what the update's sheets ask for. */
  updateDifferences?: ReturnType<typeof stateDifferences>;
}

export interface ChaosResult {
  options: ChaosOptions;
  baseline: RunResult;
  chaos: RunResult & {
    kills: number;
    /** Seconds from each SIGKILL until the service was ready again, in order. */
    downtimes: number[];
    brokerRestarts: number;
    poisonSent: number;
    dlqDistinct: number;
  };
  problems: string[];
}

/** Both runs alike: the broker in a child process, durable, so the chaos run can kill it. */
async function startRun(size: ChaosOptions['size']) {
  const infrastructure = await startTestInfrastructure({
    killableBroker: true,
    digit: { seed: { size: CAMPAIGN_SIZES[size].seed } },
  });
  const services = await startTestServices(infrastructure, {
    bundled: true,
    env: {
      CHUNK_SIZE: '100',
      LOG_LEVEL: 'warn',
      DIGIT_TIMEOUT_MS: String(CLIENT_TIMEOUT_MS),
      DIGIT_SEARCH_CONSISTENCY_MS: String(CONSISTENCY_MS),
      DIGIT_ATTEMPT_STAMP_MAX_AGE_MS: String(STAMP_MAX_AGE_MS),
      STEP_MAX_ATTEMPTS: '10',
      // As deployed (the tests' 3 keep their rebalances short): a step runs as many chunks at once as its
      // worker's concurrency, not one per partition, so one slow chunk holds back a twelfth of the step.
      KAFKA_TOPIC_PARTITIONS: '12',
      // A process killed without leaving its consumer groups holds them until its session expires: the
      // short session (Kafka's minimum) a deployment that expects its pods to be killed would choose.
      KAFKA_SESSION_TIMEOUT_MS: String(SESSION_TIMEOUT_MS),
      KAFKA_HEARTBEAT_INTERVAL_MS: '200',
    },
  });
  return { infrastructure, services };
}

/** Polls progress until the campaign is created or failed, riding out a status service being down. */
async function waitForCampaign(
  services: TestServices,
  id: string,
  log: (line: string) => void,
  note: () => string,
): Promise<string> {
  const deadline = Date.now() + 3_600_000;
  let last = '';
  let lastAt = 0;
  while (Date.now() < deadline) {
    try {
      const client = new CampaignClient(services.url('intake'), services.url('status'));
      const { campaign, steps } = await client.progress(id);
      const line = steps
        .filter((step) => step.step !== 'end')
        .map((step) => `${step.step} ${step.chunks.completed}/${step.chunks.total}`)
        .join(' | ');
      if (line !== last || Date.now() - lastAt > 10_000) {
        log(`  ${line}${note()}`);
        last = line;
        lastAt = Date.now();
      }
      if (campaign.status === 'created' || campaign.status === 'failed') return campaign.status;
    } catch {
      // the status service is being restarted
    }
    // Often: the time measured is the poll that saw the campaign created.
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return 'timed out';
}

function elapsed(since: number): string {
  return ` · ${((Date.now() - since) / 1000).toFixed(1)} s`;
}

async function entityCounts(infrastructure: TestInfrastructure): Promise<EntityCountsByKind> {
  const counts = await infrastructure.digit.client.counts();
  return Object.fromEntries(ENTITY_KINDS.map((kind) => [kind, counts[kind]])) as EntityCountsByKind;
}

const PRODUCT_VARIANTS = ['PVAR-2026-01-01-000001'];

/** The campaign a run measures: its create request and, for an update, what DIGIT must hold after it. */
interface MeasuredCampaign {
  details: Record<string, unknown>;
  expectedMappings?: string[];
}

/**
 * An update a campaign manager would make on a running campaign: new targets for every tenth boundary,
 * every twentieth facility and user deactivated, every twentieth user (another one) moved to another
 * boundary, 50 facilities and 100 users added.
 */
function updateEdits(sheets: CampaignSheetRows, context: SheetContext): CampaignSheetRows {
  const key = context.projectType.targetColumns[0]?.key as string;
  const leaves = sheets.targets.map((row) => row.boundaryCode);
  const leafAt = (index: number) => leaves[index % leaves.length] as string;
  const phones = new Set(sheets.users.map((row) => row.phone));
  const newPhones: string[] = [];
  for (let n = 0; newPhones.length < 100; n++) {
    const phone = `8${String(n).padStart(9, '0')}`;
    if (!phones.has(phone)) newPhones.push(phone);
  }
  return {
    targets: sheets.targets.map((row, index) =>
      index % 10 === 0 ? { ...row, values: { ...row.values, [key]: (row.values[key] ?? 0) + 7 } } : row,
    ),
    facilities: [
      ...sheets.facilities.map((row, index) =>
        index % 20 === 0 ? { ...row, usage: 'Inactive' as const } : row,
      ),
      ...Array.from({ length: 50 }, (_, index) => ({
        name: `Update store ${index}`,
        type: 'Warehouse' as const,
        status: 'Permanent' as const,
        capacity: 500,
        boundaryCodes: [leafAt(index * 7)],
        usage: 'Active' as const,
        rowNumber: 0,
      })),
    ],
    users: [
      ...sheets.users.map((row, index) =>
        index % 20 === 0
          ? { ...row, usage: 'Inactive' as const }
          : index % 20 === 10
            ? { ...row, boundaryCodes: [leafAt(index * 13)] }
            : row,
      ),
      ...newPhones.map((phone, index) => ({
        name: `Update distributor ${index}`,
        phone,
        roles: ['DISTRIBUTOR' as const],
        employmentType: 'Temporary' as const,
        usage: 'Active' as const,
        boundaryCodes: [leafAt(index * 11)],
        rowNumber: 0,
      })),
    ],
  };
}

/** Makes the sheets and, for an update, creates the parent campaign, all without faults. */
async function prepareCampaign(
  run: { infrastructure: TestInfrastructure; services: TestServices },
  options: Pick<ChaosOptions, 'size' | 'update'>,
  log: (line: string) => void,
): Promise<MeasuredCampaign> {
  const { infrastructure, services } = run;
  await infrastructure.digit.client.setBehaviour({ '*': LATENCY });
  const fixture = await campaignFixture({
    digitUrl: infrastructure.digit.url,
    facilities: CAMPAIGN_SIZES[options.size].facilities,
    users: CAMPAIGN_SIZES[options.size].users,
    productVariants: PRODUCT_VARIANTS,
    seed: 3,
  });
  if (!options.update) return { details: fixture.details };
  const client = new CampaignClient(services.url('intake'), services.url('status'));
  const answer = await client.create(fixture.details);
  const parentId = answer.data.CampaignDetails?.id as string;
  const parent = await client.waitForStatus(parentId, ['created', 'failed'], { timeoutMs: 3_600_000 });
  if (parent.campaign.status !== 'created')
    throw new Error(`the parent campaign ended ${parent.campaign.status}`);
  log(`  parent campaign ${parent.campaign.campaignNumber} created; its sheets edited for the update`);
  const context = await sheetContext(infrastructure.digit.url);
  const sheets = updateEdits(await consolidatedSheets(client, context, parentId), context);
  return {
    details: await childCampaignDetails(context, fixture.details, parentId, sheets, []),
    expectedMappings: expectedMappingState(sheets, context.hierarchy, context.projectType, PRODUCT_VARIANTS),
  };
}

const isProjectOrMapping = (line: string) => line.startsWith('project ') || line.includes(' mapping ');

async function runCampaign(
  label: string,
  run: { infrastructure: TestInfrastructure; services: TestServices },
  campaign: MeasuredCampaign,
  log: (line: string) => void,
  during: (id: string) => { note: () => string; stop: () => Promise<void> },
  beforeCreate: () => Promise<unknown> = async () => undefined,
): Promise<RunResult> {
  const { infrastructure, services } = run;
  const client = new CampaignClient(services.url('intake'), services.url('status'));
  await beforeCreate();
  const started = Date.now();
  const answer = await client.create(campaign.details);
  if (answer.status !== 200) throw new Error(`${label}: create answered ${answer.status}`);
  const acceptedSeconds = (Date.now() - started) / 1000;
  const id = answer.data.CampaignDetails?.id as string;
  log(`${label}: campaign ${answer.data.CampaignDetails?.campaignNumber} accepted`);
  const chaos = during(id);
  let status: string;
  let seconds: number;
  try {
    status = await waitForCampaign(services, id, log, () => `${elapsed(started)}${chaos.note()}`);
    // Before the chaos stops: waiting for the restarts still under way is not the campaign's time.
    seconds = (Date.now() - started) / 1000;
  } finally {
    await chaos.stop();
  }
  const state = await digitCampaignState(infrastructure.digit.client);
  return {
    seconds,
    acceptedSeconds,
    status,
    counts: await entityCounts(infrastructure),
    duplicateGroups: (await infrastructure.digit.client.duplicates()).total,
    state,
    ...(campaign.expectedMappings
      ? { updateDifferences: stateDifferences(state.filter(isProjectOrMapping), campaign.expectedMappings) }
      : {}),
  };
}

/** Starts a process again and again, as a supervisor does, until it is up (a start fails while the broker is down). */
async function startUntilUp(services: TestServices, instance: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await services.startInstance(instance);
      return;
    } catch (error) {
      if (attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

/**
 * Starts every service process that exits again at once, as Kubernetes or the local stack's supervisor
 * does: one the bench killed, and one that stopped of its own accord (a service whose consumer kafkajs
 * will not restart exits with code 1). With `killEveryMs` it also SIGKILLs a random process at that
 * interval, never one still starting.
 */
function serviceSupervisor(services: TestServices, killEveryMs: number, log: (line: string) => void) {
  const restarting = new Set<string>();
  const restarts: Promise<unknown>[] = [];
  const downtimes: number[] = [];
  const killedAt = new Map<string, number>();
  let kills = 0;
  let stopping = false;
  const supervise = (name: string) => {
    const current = services.instances.get(name)?.process;
    if (!current) return;
    void current.exited.then((code) => {
      if (stopping) return;
      const killed = killedAt.get(name);
      killedAt.delete(name);
      if (killed === undefined) log(`  chaos: ${name} exited by itself (${String(code)}), started again`);
      restarting.add(name);
      restarts.push(
        startUntilUp(services, name)
          .then(() => {
            if (killed !== undefined) downtimes.push((performance.now() - killed) / 1000);
            supervise(name);
          })
          .finally(() => restarting.delete(name)),
      );
    });
  };
  for (const name of services.instances.keys()) supervise(name);
  const timer =
    killEveryMs > 0
      ? setInterval(() => {
          const candidates = [...services.instances.keys()].filter((instance) => !restarting.has(instance));
          const name = candidates[Math.floor(Math.random() * candidates.length)];
          const victim = name ? services.instances.get(name)?.process : undefined;
          if (!name || !victim) return;
          restarting.add(name);
          kills++;
          killedAt.set(name, performance.now());
          victim.child.kill('SIGKILL');
          // Until it has exited, for stop() to wait for its restart too.
          restarts.push(victim.exited);
        }, killEveryMs)
      : undefined;
  return {
    kills: () => kills,
    downtimes: () => downtimes,
    // The restarts under way, and those of processes killed but not yet exited, which their exits add.
    stop: async () => {
      clearInterval(timer);
      await Promise.allSettled(restarts);
      stopping = true;
      await Promise.allSettled(restarts);
    },
  };
}

/** A kafkajs client of the bench's own, logging nothing. */
function quietKafka(infrastructure: TestInfrastructure, clientId: string) {
  return new kafkajs.Kafka({
    brokers: infrastructure.kafka.brokers,
    clientId,
    logLevel: kafkajs.logLevel.NOTHING,
  });
}

/** Confluent wire format with a schema id the registry never gave out. */
const UNKNOWN_SCHEMA_PREFIX = Buffer.from([0x00, 0x7f, 0xff, 0xff, 0xff]);
/** Not the wire format at all: no magic byte. */
const NOT_AVRO_PREFIX = Buffer.from([0xff]);

const POISON_STEPS = Object.keys(STEP_TOPICS) as Exclude<StepName, 'end'>[];
const POISON_KINDS = ['unknown campaign', 'bad fields', 'unknown schema', 'not avro'] as const;

/** The n-th poison message: its kind and topic, round-robin over the kinds and the step topics. */
function poisonPlan(index: number) {
  const step = POISON_STEPS[index % POISON_STEPS.length] as Exclude<StepName, 'end'>;
  const kind = POISON_KINDS[index % POISON_KINDS.length] as (typeof POISON_KINDS)[number];
  return { step, kind, topic: kind === 'not avro' ? Topic.requests : STEP_TOPICS[step] };
}

/** Where a poison message was written: its topic, partition and offset. */
interface PoisonPlace {
  topic: string;
  partition: number;
  offset: string;
}

/**
 * Poison on the request topic and the step topics: bad Avro, bad fields, commands of no campaign. Where
 * each one was written goes into `places`, by index.
 */
async function sendPoison(
  infrastructure: TestInfrastructure,
  total: number,
  places: Map<number, PoisonPlace>,
): Promise<number> {
  const codec = new AvroCodec(infrastructure.kafka.registryUrl);
  await codec.registerTopics([...STEP_COMMAND_TOPICS]);
  const kafka = quietKafka(infrastructure, 'chaos-poison');
  const producer = kafka.producer();
  await producer.connect();
  const command = (step: StepName, campaignId: string): StepCommand => ({
    commandId: randomUUID(),
    campaignId,
    tenantId: 'mz',
    step,
    attempt: 1,
    chunk: { index: 0, count: 1 },
    issuedAt: Date.now(),
  });
  try {
    for (let sent = 0; sent < total;) {
      const batch = Math.min(50, total - sent);
      for (let i = 0; i < batch; i++, sent++) {
        const { step, kind, topic } = poisonPlan(sent);
        const value =
          kind === 'unknown campaign'
            ? await codec.encode(topic, command(step, randomUUID()))
            : kind === 'bad fields'
              ? await codec.encode(topic, command(step, `not-a-campaign-${sent}`))
              : kind === 'unknown schema'
                ? Buffer.concat([UNKNOWN_SCHEMA_PREFIX, randomBytes(20)])
                : Buffer.concat([NOT_AVRO_PREFIX, randomBytes(20)]);
        const [written] = await producer.send({ topic, messages: [{ key: `poison-${sent}`, value }] });
        if (written?.baseOffset !== undefined)
          places.set(sent, { topic, partition: written.partition, offset: written.baseOffset });
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    await producer.disconnect();
  }
  return total;
}

/** Each consumer group's committed offset at the place of a poison message that was never dead-lettered. */
async function committedAt(infrastructure: TestInfrastructure, place: PoisonPlace): Promise<string> {
  const kafka = quietKafka(infrastructure, 'chaos-offsets');
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { groups } = await admin.listGroups();
    const committed: string[] = [];
    for (const { groupId } of groups) {
      const offsets = await admin.fetchOffsets({ groupId, topics: [place.topic] });
      const at = offsets[0]?.partitions.find((entry) => entry.partition === place.partition);
      if (at && at.offset !== '-1') committed.push(`${groupId} committed ${at.offset}`);
    }
    return committed.join(', ') || 'no group committed there';
  } finally {
    await admin.disconnect();
  }
}

/**
 * The poison messages found on campaign.dlq, each once (a consumer killed after dead-lettering repeats
 * it), and the messages there that were not poison of ours, described.
 */
async function distinctDeadLetters(
  infrastructure: TestInfrastructure,
  expected: number,
): Promise<{ distinct: number; poison: Set<string>; notPoison: string[] }> {
  const kafka = quietKafka(infrastructure, 'chaos-dlq');
  const originals = new Set<string>();
  const notPoison = new Map<string, string>();
  const consumer = kafka.consumer({ groupId: `chaos-dlq-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topic: Topic.dlq, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const header = (name: string) => message.headers?.[name]?.toString() ?? '';
      const original = `${header('dlq-original-topic')}/${header('dlq-original-partition')}/${header('dlq-original-offset')}`;
      const key = message.key?.toString() ?? '';
      // By the poison message's own key: a producer retry during a broker restart may write it twice.
      if (key.startsWith('poison-')) originals.add(key);
      else notPoison.set(original, `${original} ${header('dlq-reason')}: ${header('dlq-detail')}`);
    },
  });
  const deadline = Date.now() + 90_000;
  let stableSince = Date.now();
  let previous = -1;
  while (Date.now() < deadline) {
    if (originals.size !== previous) {
      previous = originals.size;
      stableSince = Date.now();
    }
    if (originals.size >= expected && Date.now() - stableSince > 3000) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  await consumer.disconnect();
  return { distinct: originals.size + notPoison.size, poison: originals, notPoison: [...notPoison.values()] };
}

export async function runChaosBench(
  options: ChaosOptions,
  log: (line: string) => void,
): Promise<ChaosResult> {
  const what = options.update ? 'update of a campaign' : 'campaign';
  log(`baseline: ${what} ${options.size} without faults`);
  const quiet = await startRun(options.size);
  let baseline: RunResult;
  try {
    const campaign = await prepareCampaign(quiet, options, log);
    baseline = await runCampaign('baseline', quiet, campaign, log, () => ({
      note: () => '',
      stop: async () => undefined,
    }));
  } finally {
    await quiet.services.stop();
    await quiet.infrastructure.stop();
  }
  log(`baseline: ${baseline.status} in ${baseline.seconds.toFixed(1)} s`);

  log(`chaos: ${what} ${options.size} under faults, kills and poison`);
  const run = await startRun(options.size);
  let brokerRestarts = 0;
  let poisonSent = 0;
  const poisonPlaces = new Map<number, PoisonPlace>();
  let supervisor: ReturnType<typeof serviceSupervisor> | undefined;
  try {
    const campaign = await prepareCampaign(run, options, log);
    const chaos = await runCampaign(
      'chaos',
      run,
      campaign,
      log,
      () => {
        supervisor = serviceSupervisor(run.services, options.killEveryMs, log);
        const poison = sendPoison(run.infrastructure, options.poison, poisonPlaces).then(
          (sent) => (poisonSent = sent),
        );
        // The broker dies at even intervals over the time the baseline took from acceptance (the timers
        // start now, once this campaign is accepted), each time once it is back from the time before.
        const afterAcceptanceMs = (baseline.seconds - baseline.acceptedSeconds) * 1000;
        let broker: Promise<void> = Promise.resolve();
        const brokerKills = Array.from({ length: options.brokerRestarts }, (_, index) =>
          setTimeout(
            () => {
              broker = broker
                .then(async () => {
                  const killedAt = performance.now();
                  await run.infrastructure.restartBroker();
                  brokerRestarts++;
                  log(
                    `  chaos: broker SIGKILLed, serving again after ${((performance.now() - killedAt) / 1000).toFixed(1)} s`,
                  );
                })
                .catch((error: unknown) => log(`  chaos: the broker did not come back: ${String(error)}`));
            },
            ((index + 1) * afterAcceptanceMs) / (options.brokerRestarts + 1),
          ),
        );
        return {
          note: () => ` · kills ${supervisor?.kills() ?? 0}, broker restarts ${brokerRestarts}`,
          stop: async () => {
            brokerKills.forEach(clearTimeout);
            await broker;
            await supervisor?.stop();
            await poison;
          },
        };
      },
      // The sheets (and the parent of an update) are made first: the faults are for what is measured.
      () => run.infrastructure.digit.client.setBehaviour(chaosBehaviour()),
    );
    await run.infrastructure.digit.client.setBehaviour({
      '*': { faults: [], latency: { fixedMs: 0, jitterMs: 0 } },
    });
    const dead = await distinctDeadLetters(run.infrastructure, poisonSent);
    for (const line of dead.notPoison) log(`  dead-lettered, not poison: ${line}`);
    for (let index = 0; index < poisonSent; index++) {
      if (dead.poison.has(`poison-${index}`)) continue;
      const { kind } = poisonPlan(index);
      const place = poisonPlaces.get(index);
      log(
        place
          ? `  not dead-lettered: poison-${index} (${kind}) at ${place.topic}/${place.partition}@${place.offset}; ${await committedAt(run.infrastructure, place)}`
          : `  not dead-lettered: poison-${index} (${kind}), its write not acknowledged`,
      );
    }
    const dlqDistinct = dead.distinct;
    const result: ChaosResult = {
      options,
      baseline,
      chaos: {
        ...chaos,
        kills: supervisor?.kills() ?? 0,
        downtimes: supervisor?.downtimes() ?? [],
        brokerRestarts,
        poisonSent,
        dlqDistinct,
      },
      problems: [],
    };
    result.problems = problemsOf(result);
    if (result.problems.length > 0) {
      // The run's folder goes with its infrastructure: the services' logs are what explains a failure.
      const kept = path.join(os.tmpdir(), `campaign-pipeline-chaos-logs-${Date.now()}`);
      await cp(path.join(run.infrastructure.dir, 'logs'), kept, { recursive: true });
      log(`  the chaos run's service logs are kept in ${kept}`);
    }
    return result;
  } finally {
    await run.services.stop();
    await run.infrastructure.stop();
  }
}

function problemsOf(result: ChaosResult): string[] {
  const { baseline, chaos } = result;
  const problems: string[] = [];
  if (baseline.status !== 'created') problems.push(`baseline ended ${baseline.status}`);
  if (chaos.status !== 'created') problems.push(`chaos run ended ${chaos.status}`);
  for (const kind of ENTITY_KINDS) {
    if (chaos.counts[kind] !== baseline.counts[kind])
      problems.push(`${kind}: ${chaos.counts[kind]} under chaos, ${baseline.counts[kind]} without`);
  }
  const differences = stateDifferences(chaos.state, baseline.state);
  if (differences.total > 0)
    problems.push(
      `DIGIT's state differs from the baseline's in ${differences.total} lines: missing ${JSON.stringify(differences.missing)}, unexpected ${JSON.stringify(differences.unexpected)}`,
    );
  for (const [label, run] of [
    ['baseline', baseline],
    ['chaos run', chaos],
  ] as const) {
    const update = run.updateDifferences;
    if (update && update.total > 0)
      problems.push(
        `${label}: DIGIT differs from what the update asks in ${update.total} lines: missing ${JSON.stringify(update.missing)}, unexpected ${JSON.stringify(update.unexpected)}`,
      );
  }
  if (chaos.duplicateGroups > 0) problems.push(`${chaos.duplicateGroups} duplicate groups in DIGIT`);
  if (chaos.dlqDistinct !== chaos.poisonSent)
    problems.push(`${chaos.dlqDistinct} messages in the DLQ for ${chaos.poisonSent} poison sent`);
  if (chaos.seconds > 3 * baseline.seconds)
    problems.push(`chaos took ${(chaos.seconds / baseline.seconds).toFixed(2)}× the baseline (target ≤ 3×)`);
  if (chaos.brokerRestarts < result.options.brokerRestarts)
    problems.push(
      `the broker was restarted ${chaos.brokerRestarts} of ${result.options.brokerRestarts} times`,
    );
  return problems;
}

/** Median and longest time a killed service took to be ready again. */
function downtimeSummary(seconds: readonly number[]): string {
  if (seconds.length === 0) return 'never';
  const sorted = [...seconds].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return `median ${median.toFixed(1)} s, longest ${sorted.at(-1)!.toFixed(1)} s`;
}

export function formatChaosResult(result: ChaosResult): string {
  const { baseline, chaos } = result;
  const lines = [
    `chaos ${result.options.update ? 'update ' : ''}${result.options.size}: baseline ${baseline.seconds.toFixed(1)} s (${baseline.status}), chaos ${chaos.seconds.toFixed(1)} s (${chaos.status}), ratio ${(chaos.seconds / baseline.seconds).toFixed(2)}`,
    `  service kills ${chaos.kills} (down ${downtimeSummary(chaos.downtimes)}), broker restarts ${chaos.brokerRestarts}, poison sent ${chaos.poisonSent}, distinct in DLQ ${chaos.dlqDistinct}, duplicate groups ${chaos.duplicateGroups}`,
    '  entity               baseline      chaos',
    ...ENTITY_KINDS.map(
      (kind) =>
        `  ${kind.padEnd(18)} ${String(baseline.counts[kind]).padStart(10)} ${String(chaos.counts[kind]).padStart(10)}`,
    ),
    result.problems.length === 0
      ? `  PASS: same entities${result.options.update ? ', as the update asks' : ''}, none twice, every poison message dead-lettered`
      : '',
    ...result.problems.map((problem) => `  FAIL: ${problem}`),
  ];
  return lines.filter(Boolean).join('\n');
}
