import path from 'node:path';
import {
  fetchHierarchy,
  SERVICE_NAMES,
  type CallReport,
  type ServiceName,
} from '@campaign-pipeline/dev-digit';
import { BULK_REQUEST_MAX_BYTES, SEARCH_PAGE, type FlowName, type StepName } from '@campaign-pipeline/shared';
import {
  CampaignClient,
  campaignFixture,
  startTestInfrastructure,
  startTestServices,
  type StepProgress,
} from '@campaign-pipeline/dev-stack';
import {
  lowerBound,
  type DigitServiceName,
  type LowerBound,
  type ServiceModel,
  type StepDemand,
} from './lower-bound.ts';
import { shareOnTheWay, slotTimeBeyondWork, summedCallMs, type SlotTimeBeyondWork } from './call-time.ts';
import { machineCpu, peakRssMb, processCpu } from './process-usage.ts';
import {
  FULL_SHARE,
  UTILIZATION_STRETCH_S,
  idleCapacity,
  utilization,
  utilizationTimeline,
  type IdleCapacity,
} from './utilization.ts';

// One campaign end to end against the simulator with a fixed latency per DIGIT service and a capacity of
// exactly the concurrency the services are configured with, which all of them together must keep to:
// time, rows per second per step, DIGIT calls per entity, peak memory per service, the ratio to the
// lower bound (see lower-bound.ts): per step, in total, and calls made per DIGIT service against the
// fewest the campaign needs, and the calls the simulator refused for capacity (none while the
// deployment's budget of DIGIT calls holds).

export interface CampaignBenchOptions {
  size: keyof typeof CAMPAIGN_SIZES;
  flow: FlowName;
  latencyMs: number;
  concurrency: number;
  chunkSize: number;
  /** Items per DIGIT bulk create and project array (DIGIT_BULK_BATCH_SIZE). */
  bulkBatchSize: number;
  /** Employees in the first HRMS create (DIGIT_HRMS_BATCH_SIZE), and in any (DIGIT_HRMS_BATCH_MAX). */
  hrmsBatchSize: number;
  hrmsBatchMax: number;
}

export const CAMPAIGN_SIZES = {
  S: { seed: 'S', facilities: 50, users: 100 },
  M: { seed: 'M', facilities: 1000, users: 2000 },
  // The target scale: 100,000 localities (about 111,000 boundaries), 15,000 facilities, 30,000 users.
  L: { seed: 'L', facilities: 15_000, users: 30_000 },
} as const;

/** Which step makes the calls of a DIGIT route. */
const STEP_OF_ROUTE: [RegExp, StepName][] = [
  [/\/health-project\/facility\//, 'facility-mapping'],
  [/\/health-project\/staff\//, 'user-mapping'],
  [/\/health-project\/resource\//, 'product-mapping'],
  [/\/health-project\/v1\//, 'project-creation'],
  [/^POST \/facility\//, 'facility-creation'],
  [/\/health-hrms\//, 'user-creation'],
];

export interface CampaignBenchResult {
  options: CampaignBenchOptions;
  seconds: number;
  /** Until the create was answered: the sheets read, validated and stored, before any DIGIT write. */
  intakeSeconds: number;
  lowerBoundSeconds: number;
  /** Items one 1 MiB request carries at most, by kind, as the run sent them: the minimal calls' batches. */
  requestCapacity: RequestCapacity;
  /** Chunks run, over every step: what the pipeline's own time is spread over. */
  chunks: number;
  steps: {
    step: string;
    seconds: number;
    boundSeconds: number;
    rows: number;
    rowsPerSecond: number;
    calls: number;
    callsPerRow: number;
  }[];
  services: {
    service: DigitServiceName;
    calls: number;
    minimalCalls: number;
    /** Share of the service's concurrency our calls kept busy from acceptance to creation. */
    utilization: number;
    /** The same, for each stretch of `UTILIZATION_STRETCH_S` seconds from the request on. */
    utilizationOverTime: number[];
    /** Where the concurrency our calls left idle from acceptance to creation lies. */
    idleCapacity: IdleCapacity;
    /** Share of the calls' time beyond the simulator's latency model: its own work on this machine. */
    beyondModel: number;
    /**
     * Share of the calls' time as the services timed them spent outside the simulator: requests and
     * answers on their way, waiting for a busy process to write or read them.
     */
    onTheWay: number;
    /** Its slot time from acceptance to creation beyond the model's work, by where it went. */
    slotTimeBeyondWork: SlotTimeBeyondWork;
  }[];
  /** Calls each simulated DIGIT service refused with 503 for being at capacity. */
  refusedForCapacity: Record<ServiceName, number>;
  peakMemoryMb: Record<string, number>;
  /**
   * CPU seconds each process used from acceptance to creation: the services, the simulator (the bench's
   * own process) and PostgreSQL.
   */
  cpuSeconds: Record<string, number>;
  /** Share of the machine's CPU time in use from acceptance to creation, every process counted. */
  machineCpuBusy: number;
}

/**
 * Items of each kind one request carries at most: what fits in DIGIT's 1 MiB per Kafka message, both as
 * the request (a bulk controller pushes it as received) and as the items saved (enriched, beside the
 * RequestInfo), whichever is the larger.
 */
export interface RequestCapacity {
  project: number;
  facility: number;
  employee: number;
  mapping: { facility: number; staff: number; resource: number };
}

/** The create each kind of item goes out through, as the simulator counts its calls. */
const CREATE_ROUTE = {
  project: 'POST /health-project/v1/_create',
  facility: 'POST /facility/v1/bulk/_create',
  employee: 'POST /health-hrms/employees/_create',
  facilityMapping: 'POST /health-project/facility/v1/bulk/_create',
  staffMapping: 'POST /health-project/staff/v1/bulk/_create',
  resourceMapping: 'POST /health-project/resource/v1/bulk/_create',
} as const;

/**
 * Approximate JSON sizes of one item as DIGIT saves it, for a kind the run created none of: a project
 * with its targets, address and hierarchy ~1,400 bytes, a facility ~550, an employee with roles and
 * jurisdiction ~1,300, a mapping ~450.
 */
const ESTIMATED_ITEM_BYTES = {
  project: 1400,
  facility: 550,
  employee: 1300,
  facilityMapping: 450,
  staffMapping: 450,
  resourceMapping: 450,
};

/**
 * Items one message can carry within DIGIT's 1 MiB, from the size of an item as the run's creates sent
 * it and as the services saved it (bytes over items, the envelope spread over them), whichever is the
 * larger, or the estimate when the run created none of that kind.
 */
export function requestCapacity(calls: CallReport, maxBytes: number): RequestCapacity {
  const perItem = (counted: { items: number; bytes: number } | undefined) =>
    counted && counted.items > 0 ? counted.bytes / counted.items : 0;
  const fits = (kind: keyof typeof CREATE_ROUTE) => {
    const route = CREATE_ROUTE[kind];
    const measured = Object.values(calls).map((service) =>
      Math.max(perItem(service.carried[route]), perItem(service.pushed[route])),
    );
    const itemBytes = Math.max(0, ...measured) || ESTIMATED_ITEM_BYTES[kind];
    return Math.max(1, Math.floor(maxBytes / itemBytes));
  };
  return {
    project: fits('project'),
    facility: fits('facility'),
    employee: fits('employee'),
    mapping: {
      facility: fits('facilityMapping'),
      staff: fits('staffMapping'),
      resource: fits('resourceMapping'),
    },
  };
}

/**
 * The fewest calls the campaign needs: creates at the request limit (projects level by level), and for
 * the creates DIGIT answers without ids and saves later (facilities, mappings) one search per page to
 * learn what it saved.
 */
export function campaignDemands(
  shape: {
    projectsPerLevel: number[];
    facilities: number;
    users: number;
    pairs: { facility: number; staff: number; resource: number };
  },
  capacity: RequestCapacity,
): StepDemand[] {
  const savedLater = (items: number, batch: number) => [
    [{ what: 'bulk create', items, batch }],
    [{ what: 'search', items, batch: SEARCH_PAGE, perItem: false }],
  ];
  return [
    {
      step: 'project-creation',
      service: 'project',
      phases: shape.projectsPerLevel.map((items) => [{ what: 'create', items, batch: capacity.project }]),
    },
    {
      step: 'facility-creation',
      service: 'facility',
      phases: savedLater(shape.facilities, capacity.facility),
    },
    {
      step: 'user-creation',
      service: 'hrms',
      phases: [[{ what: 'create', items: shape.users, batch: capacity.employee }]],
    },
    {
      step: 'facility-mapping',
      service: 'project',
      phases: savedLater(shape.pairs.facility, capacity.mapping.facility),
    },
    {
      step: 'user-mapping',
      service: 'project',
      phases: savedLater(shape.pairs.staff, capacity.mapping.staff),
    },
    {
      step: 'product-mapping',
      service: 'project',
      phases: savedLater(shape.pairs.resource, capacity.mapping.resource),
    },
  ];
}

export async function runCampaignBench(
  options: CampaignBenchOptions,
  log: (line: string) => void,
): Promise<CampaignBenchResult> {
  const size = CAMPAIGN_SIZES[options.size];
  const infrastructure = await startTestInfrastructure({
    // The broker in a process of its own, as deployed: in this one it would share the simulator's event
    // loop and delay DIGIT's answers beyond the latency the bound assumes.
    killableBroker: true,
    digit: {
      seed: { size: size.seed },
      behaviour: {
        // The limit every service's DIGIT clients are given below: together they must stay within it.
        '*': { latency: { fixedMs: options.latencyMs, jitterMs: 0 }, capacity: options.concurrency },
      },
    },
  });
  try {
    const services = await startTestServices(infrastructure, {
      bundled: true,
      env: {
        CAMPAIGN_FLOW: options.flow,
        CHUNK_SIZE: String(options.chunkSize),
        DIGIT_BULK_BATCH_SIZE: String(options.bulkBatchSize),
        DIGIT_HRMS_BATCH_SIZE: String(options.hrmsBatchSize),
        DIGIT_HRMS_BATCH_MAX: String(options.hrmsBatchMax),
        DIGIT_CONCURRENCY: String(options.concurrency),
        LOG_LEVEL: 'warn',
        DIGIT_SEARCH_CONSISTENCY_MS: '1000',
        // The services' default: the tests' 5 s cuts off a bulk create of 5,000 mappings (5 s at 1 ms an
        // item) whenever the machine is busy, and its reconciliation is then measured instead.
        DIGIT_TIMEOUT_MS: '15000',
        // The services' default: the tests' 300 ms stamps nearly every write's rows again in its slot.
        DIGIT_ATTEMPT_STAMP_MAX_AGE_MS: '5000',
        // The services' own default, not the tests' small topics (chunks in hand follow DIGIT_CONCURRENCY).
        KAFKA_TOPIC_PARTITIONS: '12',
      },
    });
    try {
      const client = new CampaignClient(services.url('intake'), services.url('status'));
      log(`${options.size}/${options.flow}: generating sheets`);
      const fixture = await campaignFixture({
        digitUrl: infrastructure.digit.url,
        facilities: size.facilities,
        users: size.users,
        seed: 3,
      });
      await infrastructure.digit.client.resetCalls();
      const started = Date.now();
      const answer = await client.create(fixture.details);
      if (answer.status !== 200)
        throw new Error(`create answered ${answer.status}: ${JSON.stringify(answer.data.Errors)}`);
      const id = answer.data.CampaignDetails?.id as string;
      const intakeSeconds = (Date.now() - started) / 1000;
      const cpuAtAcceptance = await machineCpu();
      const postgresData = path.join(infrastructure.dir, 'postgres', 'pgdata');
      const processCpuAtAcceptance = await processCpu(services.processes, postgresData);
      let last = '';
      const done = await client.waitForStatus(id, ['created', 'failed'], {
        timeoutMs: 3_600_000,
        // The looks only show progress: the time is taken from the status service's record of the end
        // (below); the CPU counters are read when the end is seen, up to one look later. Each look costs
        // the status service, PostgreSQL and this process CPU the services need: at 50 ms about 3.5 CPU
        // seconds of an L run.
        intervalMs: 250,
        onProgress: (steps) => {
          const line = steps.map((s) => `${s.step} ${s.chunks.completed}/${s.chunks.total}`).join(' | ');
          if (line !== last) log(`  ${line}`);
          last = line;
        },
      });
      if (done.campaign.status !== 'created') throw new Error(`campaign ended ${done.campaign.status}`);
      const seconds = (createdAt(done.steps) - started) / 1000;
      const cpuAtCreation = await machineCpu();
      const processCpuAtCreation = await processCpu(services.processes, postgresData);
      const calls = await infrastructure.digit.client.calls();
      const callsByStep = new Map<string, number>();
      for (const service of Object.values(calls)) {
        for (const [route, count] of Object.entries(service.byRoute)) {
          const step = STEP_OF_ROUTE.find(([pattern]) => pattern.test(route))?.[1];
          if (step) callsByStep.set(step, (callsByStep.get(step) ?? 0) + count);
        }
      }
      const steps = done.steps
        .filter((step) => step.step !== 'end')
        .map((step: StepProgress) => {
          const rows = Object.values(step.counts).reduce((total, value) => total + value, 0);
          const stepSeconds = (step.durationMs ?? 0) / 1000;
          const stepCalls = callsByStep.get(step.step) ?? 0;
          return {
            step: step.step,
            seconds: stepSeconds,
            rows,
            rowsPerSecond: stepSeconds > 0 ? rows / stepSeconds : 0,
            calls: stepCalls,
            callsPerRow: rows > 0 ? stepCalls / rows : 0,
          };
        });
      const servicesCallMs = summedCallMs(
        await Promise.all(
          [...services.processes.values()].map(async (process) =>
            (await fetch(`${process.url}/metrics`)).text(),
          ),
        ),
      );
      const peakMemoryMb: Record<string, number> = {};
      for (const [name, process] of services.processes)
        peakMemoryMb[name] = await peakRssMb(process.child.pid);
      const cpuSeconds = Object.fromEntries(
        Object.entries(processCpuAtCreation).map(([name, used]) => [
          name,
          used - (processCpuAtAcceptance[name] ?? 0),
        ]),
      );
      const hierarchy = await fetchHierarchy(infrastructure.digit.url, 'mz', 'ADMIN');
      const projectsPerLevel: number[] = [];
      for (const { depth } of hierarchy.byCode.values())
        projectsPerLevel[depth] = (projectsPerLevel[depth] ?? 0) + 1;
      const rowsOf = (name: string) => steps.find((step) => step.step === name)?.rows ?? 0;
      const capacity = requestCapacity(calls, BULK_REQUEST_MAX_BYTES);
      const demands = campaignDemands(
        {
          projectsPerLevel,
          facilities: rowsOf('facility-creation'),
          users: rowsOf('user-creation'),
          pairs: {
            facility: rowsOf('facility-mapping'),
            staff: rowsOf('user-mapping'),
            resource: rowsOf('product-mapping'),
          },
        },
        capacity,
      );
      const behaviour = await infrastructure.digit.client.behaviour();
      const model = (service: DigitServiceName): ServiceModel => ({
        fixedMs: behaviour[service].latency.fixedMs,
        perItemMs: behaviour[service].latency.perItemMs,
        concurrency: options.concurrency,
      });
      const bound = lowerBound(options.flow, demands, {
        project: model('project'),
        facility: model('facility'),
        hrms: model('hrms'),
      });
      return {
        options,
        seconds,
        intakeSeconds,
        lowerBoundSeconds: bound.ms / 1000,
        requestCapacity: capacity,
        chunks: done.steps.reduce((total, step) => total + step.chunks.total, 0),
        steps: steps.map((step) => ({ ...step, boundSeconds: stepBound(bound, step.step) })),
        services: bound.services.map((service) => ({
          service: service.service,
          calls: calls[service.service].total,
          minimalCalls: service.calls,
          ...utilization(calls[service.service], options.concurrency, intakeSeconds, seconds),
          idleCapacity: idleCapacity(calls[service.service], options.concurrency, intakeSeconds, seconds),
          beyondModel: 1 - calls[service.service].latencyMs / Math.max(calls[service.service].busyMs, 1),
          onTheWay: shareOnTheWay(servicesCallMs.get(service.service) ?? 0, calls[service.service].busyMs),
          slotTimeBeyondWork: slotTimeBeyondWork(
            (seconds - intakeSeconds) * 1000,
            options.concurrency,
            calls[service.service],
            servicesCallMs.get(service.service) ?? 0,
          ),
        })),
        refusedForCapacity: Object.fromEntries(
          SERVICE_NAMES.map((service) => [service, calls[service].rejected]),
        ) as Record<ServiceName, number>,
        peakMemoryMb,
        cpuSeconds,
        machineCpuBusy:
          (cpuAtCreation.busy - cpuAtAcceptance.busy) /
          Math.max(cpuAtCreation.total - cpuAtAcceptance.total, 1),
      };
    } finally {
      await services.stop();
    }
  } finally {
    await infrastructure.stop();
  }
}

function stepBound(bound: LowerBound, step: string): number {
  return (bound.steps.find((entry) => entry.step === step)?.ms ?? 0) / 1000;
}

/**
 * What the pipeline adds to DIGIT's own time, per chunk: the time from the campaign's acceptance to its
 * creation above the lower bound, spread over the chunks run. Measured at 0 ms latency (`--latency 0`) it
 * is the pipeline's cost of a chunk. Intake's reading of the sheets comes before any chunk and is printed
 * on its own.
 */
export function pipelineOverheadMs(result: CampaignBenchResult): number {
  return (
    (Math.max(0, acceptedToCreated(result) - result.lowerBoundSeconds) * 1000) / Math.max(result.chunks, 1)
  );
}

/**
 * The slot time of the DIGIT service with the most work beyond that work, per chunk as the overhead is:
 * no call in flight, calls in the simulator beyond its model, calls on their way. Where the bound is that
 * service's work over its slots (L's parallel flow), the three add up to the overhead.
 */
function overheadBySlotTime(result: CampaignBenchResult): string {
  const busiest = result.services.reduce((most, service) =>
    service.slotTimeBeyondWork.workMs > most.slotTimeBeyondWork.workMs ? service : most,
  );
  const { noCall, inDigit, onTheWay } = busiest.slotTimeBeyondWork;
  const perChunk = (slotMs: number) =>
    (slotMs / result.options.concurrency / Math.max(result.chunks, 1)).toFixed(1);
  return `    the ${busiest.service} service's slots beyond its work, per chunk: no call in flight ${perChunk(noCall)} ms, calls in DIGIT beyond its model ${perChunk(inDigit)} ms, calls on their way ${perChunk(onTheWay)} ms`;
}

/** When the campaign was created, as the status service recorded it: the end step's finish. */
export function createdAt(steps: readonly Pick<StepProgress, 'step' | 'finishedAt'>[]): number {
  const finishedAt = steps.find((step) => step.step === 'end')?.finishedAt;
  if (!finishedAt) throw new Error('the created campaign has no finished end step');
  return Date.parse(finishedAt);
}

type FlowTimes = Pick<CampaignBenchResult, 'seconds' | 'intakeSeconds'>;

/** Seconds from the campaign's acceptance (its sheets stored) to its creation. */
export function acceptedToCreated(result: FlowTimes): number {
  return result.seconds - result.intakeSeconds;
}

/** How much faster the parallel flow ran than the linear one, from acceptance and end to end. */
export interface FlowComparison {
  fromAcceptance: number;
  endToEnd: number;
}

export function compareFlows(parallel: FlowTimes, linear: FlowTimes): FlowComparison {
  return {
    fromAcceptance: acceptedToCreated(linear) / acceptedToCreated(parallel),
    endToEnd: linear.seconds / parallel.seconds,
  };
}

export function formatFlowComparison(parallel: FlowTimes, linear: FlowTimes): string {
  const { fromAcceptance, endToEnd } = compareFlows(parallel, linear);
  const seconds = (value: number) => `${value.toFixed(1)} s`;
  return (
    `parallel flow against the linear flow, same settings: ${fromAcceptance.toFixed(2)}x as fast from acceptance ` +
    `to creation (${seconds(acceptedToCreated(parallel))} against ${seconds(acceptedToCreated(linear))}), ` +
    `${endToEnd.toFixed(2)}x end to end (${seconds(parallel.seconds)} against ${seconds(linear.seconds)})`
  );
}

/** Calls the simulator refused for capacity, over every DIGIT service: the limit was not kept if any. */
export function refusedForCapacity(result: CampaignBenchResult): number {
  return Object.values(result.refusedForCapacity).reduce((total, refused) => total + refused, 0);
}

function formatIdleCapacity(idle: IdleCapacity): string {
  const total = idle.beforeFull + idle.betweenFull + idle.afterFull;
  if (!idle.ranFull) return `${total.toFixed(0)}, never full`;
  return (
    `${total.toFixed(0)}: ${idle.beforeFull.toFixed(0)} before it first ran full (the first ${idle.secondsBeforeFull.toFixed(1)} s), ` +
    `${idle.betweenFull.toFixed(0)} between, ${idle.afterFull.toFixed(0)} after it last did (the last ${idle.secondsAfterFull.toFixed(1)} s)`
  );
}

export function formatCampaignResult(result: CampaignBenchResult): string {
  const { options } = result;
  const lines = [
    `campaign ${options.size} (${options.flow} flow, ${options.latencyMs} ms per DIGIT call, ${options.concurrency} concurrent calls per service, chunks of ${options.chunkSize}, bulk batches of ${options.bulkBatchSize}, HRMS batches from ${options.hrmsBatchSize} up to ${options.hrmsBatchMax})`,
    `  end to end ${result.seconds.toFixed(1)} s, lower bound ${result.lowerBoundSeconds.toFixed(1)} s, ratio ${(result.seconds / Math.max(result.lowerBoundSeconds, 0.001)).toFixed(2)}`,
    `  intake (sheets read, checked and stored) ${result.intakeSeconds.toFixed(1)} s; accepted to created ${acceptedToCreated(result).toFixed(1)} s, ratio to the bound ${(acceptedToCreated(result) / Math.max(result.lowerBoundSeconds, 0.001)).toFixed(2)}`,
    `  pipeline overhead ${pipelineOverheadMs(result).toFixed(1)} ms per chunk ((accepted to created − bound) / ${result.chunks} chunks)`,
    overheadBySlotTime(result),
    '  step                 seconds   bound s   ratio      rows   rows/s   DIGIT calls   calls/row',
    ...result.steps.map(
      (step) =>
        `  ${step.step.padEnd(18)} ${step.seconds.toFixed(1).padStart(9)} ${step.boundSeconds.toFixed(2).padStart(9)} ${(step.seconds / Math.max(step.boundSeconds, 0.001)).toFixed(1).padStart(7)} ${String(step.rows).padStart(9)} ${step.rowsPerSecond.toFixed(0).padStart(8)} ${String(step.calls).padStart(13)} ${step.callsPerRow.toFixed(2).padStart(11)}`,
    ),
    `  items per 1 MiB message, as sent or saved (the minimal calls' batches): projects ${result.requestCapacity.project}, facilities ${result.requestCapacity.facility}, employees ${result.requestCapacity.employee}, mappings ${result.requestCapacity.mapping.facility} / ${result.requestCapacity.mapping.staff} / ${result.requestCapacity.mapping.resource} (facility / staff / resource)`,
    "  DIGIT service   calls made   minimal calls   ratio   busy (accepted to created)   of the calls' time, beyond the latency model   on the way",
    ...result.services.map(
      (service) =>
        `  ${service.service.padEnd(15)} ${String(service.calls).padStart(10)} ${String(service.minimalCalls).padStart(15)} ${(service.calls / Math.max(service.minimalCalls, 1)).toFixed(1).padStart(7)} ${`${(service.utilization * 100).toFixed(0)} %`.padStart(8)} ${`${(service.beyondModel * 100).toFixed(0)} %`.padStart(47)} ${`${(service.onTheWay * 100).toFixed(0)} %`.padStart(12)}`,
    ),
    `  busy over time, ${UTILIZATION_STRETCH_S} s a character from the request ('.' idle, 1–9 tenths, '#' full):`,
    ...result.services.map(
      (service) => `    ${service.service.padEnd(9)} ${utilizationTimeline(service.utilizationOverTime)}`,
    ),
    `  call slots left idle from acceptance to creation, in slot-seconds (a second is full at ${FULL_SHARE * 100} % busy):`,
    ...result.services.map(
      (service) => `    ${service.service.padEnd(9)} ${formatIdleCapacity(service.idleCapacity)}`,
    ),
    `  calls refused for capacity (must be 0): ${Object.entries(result.refusedForCapacity)
      .map(([service, refused]) => `${service} ${refused}`)
      .join(', ')}`,
    `  machine CPU busy from acceptance to creation: ${(result.machineCpuBusy * 100).toFixed(0)} %; CPU seconds: ${Object.entries(
      result.cpuSeconds,
    )
      .map(([name, seconds]) => `${name} ${seconds.toFixed(1)}`)
      .join(', ')}`,
    `  peak memory (MB): ${Object.entries(result.peakMemoryMb)
      .map(([name, mb]) => `${name} ${mb}`)
      .join(', ')}`,
  ];
  return lines.join('\n');
}
