import { Topic, type AvroTopic } from '../kafka/topology.ts';

// The process flow is data: a DAG of steps, each run by one worker once the steps it needs are done.

export const STEPS = [
  'project-creation',
  'facility-creation',
  'user-creation',
  'facility-mapping',
  'user-mapping',
  'product-mapping',
  'end',
] as const;
export type StepName = (typeof STEPS)[number];

export const WORKERS = ['project-sync', 'facility-sync', 'user-sync', 'mapping-sync', 'status'] as const;
export type WorkerName = (typeof WORKERS)[number];

export interface FlowStep {
  step: StepName;
  worker: WorkerName;
  /** Steps that must be done before this one starts. */
  needs: StepName[];
  /**
   * A step this one overlaps: it starts once that step has started, and each of its chunks waits only for
   * the chunks of that step holding what its rows map (a mapping waits for its boundary's project, not
   * for every project), so one slow chunk there holds back only the chunks that need it.
   */
  follows?: StepName;
}

export type Flow = readonly FlowStep[];

/** Creation steps in parallel, each mapping as soon as what it maps exists (design §3). */
export const PARALLEL_FLOW: Flow = [
  { step: 'project-creation', worker: 'project-sync', needs: [] },
  { step: 'facility-creation', worker: 'facility-sync', needs: [] },
  { step: 'user-creation', worker: 'user-sync', needs: [] },
  {
    step: 'facility-mapping',
    worker: 'mapping-sync',
    needs: ['facility-creation'],
    follows: 'project-creation',
  },
  { step: 'user-mapping', worker: 'mapping-sync', needs: ['user-creation'], follows: 'project-creation' },
  { step: 'product-mapping', worker: 'mapping-sync', needs: [], follows: 'project-creation' },
  // Project creation too: a step only followed may still run when its followers have nothing left.
  {
    step: 'end',
    worker: 'status',
    needs: ['project-creation', 'facility-mapping', 'user-mapping', 'product-mapping'],
  },
];

/** The spec's process flow configuration: one step after the other. */
export const LINEAR_FLOW: Flow = [
  { step: 'project-creation', worker: 'project-sync', needs: [] },
  { step: 'facility-creation', worker: 'facility-sync', needs: ['project-creation'] },
  { step: 'user-creation', worker: 'user-sync', needs: ['facility-creation'] },
  { step: 'facility-mapping', worker: 'mapping-sync', needs: ['user-creation'] },
  { step: 'user-mapping', worker: 'mapping-sync', needs: ['facility-mapping'] },
  { step: 'product-mapping', worker: 'mapping-sync', needs: ['user-mapping'] },
  { step: 'end', worker: 'status', needs: ['product-mapping'] },
];

export const FLOWS = { parallel: PARALLEL_FLOW, linear: LINEAR_FLOW } as const;
export type FlowName = keyof typeof FLOWS;

/**
 * Where each step's commands are published: a topic per step, so steps that one worker runs (the three
 * mappings) are consumed independently and never queue behind each other.
 */
export const STEP_TOPICS: Record<Exclude<StepName, 'end'>, AvroTopic> = {
  'project-creation': Topic.stepProject,
  'facility-creation': Topic.stepFacility,
  'user-creation': Topic.stepUser,
  'facility-mapping': Topic.stepFacilityMapping,
  'user-mapping': Topic.stepUserMapping,
  'product-mapping': Topic.stepProductMapping,
};

/**
 * The consumer group of a worker for one of its steps: the worker's name when it runs one step, else
 * `<worker>.<step>`, so each step has its own offsets and its own lag.
 */
export function consumerGroup(worker: WorkerName, step: StepName): string {
  const steps = PARALLEL_FLOW.filter((entry) => entry.worker === worker);
  return steps.length === 1 ? worker : `${worker}.${step}`;
}

export type StepStatus = 'pending' | 'started' | 'completed' | 'failed' | 'skipped';

/** Problems that make a flow unusable: unknown or missing steps, and cycles. */
export function validateFlow(flow: Flow): string[] {
  const problems: string[] = [];
  const names = new Set(flow.map((entry) => entry.step));
  for (const step of STEPS) if (!names.has(step)) problems.push(`step ${step} is missing`);
  if (names.size !== flow.length) problems.push('a step appears more than once');
  for (const entry of flow) {
    for (const need of entry.needs) {
      if (!names.has(need)) problems.push(`step ${entry.step} needs unknown step ${need}`);
    }
    if (entry.follows !== undefined && !names.has(entry.follows))
      problems.push(`step ${entry.step} follows unknown step ${entry.follows}`);
  }
  const visiting = new Set<StepName>();
  const done = new Set<StepName>();
  const byName = new Map(flow.map((entry) => [entry.step, entry]));
  const visit = (step: StepName, path: StepName[]): void => {
    if (done.has(step)) return;
    if (visiting.has(step)) {
      problems.push(`cycle: ${[...path, step].join(' → ')}`);
      return;
    }
    visiting.add(step);
    for (const need of prerequisites(byName.get(step))) visit(need, [...path, step]);
    visiting.delete(step);
    done.add(step);
  };
  for (const entry of flow) visit(entry.step, []);
  return problems;
}

/** The steps a step waits for in some way: those it needs and the one it follows. */
function prerequisites(entry: FlowStep | undefined): StepName[] {
  if (!entry) return [];
  return entry.follows === undefined ? entry.needs : [...entry.needs, entry.follows];
}

const DONE: ReadonlySet<StepStatus> = new Set(['completed', 'skipped']);
const STARTED_OR_DONE: ReadonlySet<StepStatus> = new Set(['started', ...DONE]);

/** Steps that can start now: pending, with every step they need done and the one they follow started. */
export function readySteps(flow: Flow, statuses: ReadonlyMap<StepName, StepStatus>): FlowStep[] {
  return flow.filter(
    (entry) =>
      (statuses.get(entry.step) ?? 'pending') === 'pending' &&
      entry.needs.every((need) => DONE.has(statuses.get(need) ?? 'pending')) &&
      (entry.follows === undefined || STARTED_OR_DONE.has(statuses.get(entry.follows) ?? 'pending')),
  );
}

/** The step `step` follows in the flow (see FlowStep.follows), if any. */
export function followedStep(flow: Flow, step: StepName): StepName | undefined {
  return flow.find((entry) => entry.step === step)?.follows;
}

/** The steps of the flow that follow `step` (see FlowStep.follows). */
export function followersOf(flow: Flow, step: StepName): StepName[] {
  return flow.filter((entry) => entry.follows === step).map((entry) => entry.step);
}

export function isFlowComplete(flow: Flow, statuses: ReadonlyMap<StepName, StepStatus>): boolean {
  return flow.every((entry) => DONE.has(statuses.get(entry.step) ?? 'pending'));
}

export function isStepName(value: string): value is StepName {
  return (STEPS as readonly string[]).includes(value);
}
