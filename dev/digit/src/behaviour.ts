// How each simulated service behaves besides answering correctly: latency, capacity, injected faults and
// how long a created entity stays invisible to search. Adjustable at start and at run time.

export const SERVICE_NAMES = [
  'boundary',
  'mdms',
  'filestore',
  'project',
  'facility',
  'hrms',
  'product',
  'idgen',
] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/**
 * Faults before the service does anything (`error`, `timeout`, `reset`), and faults after it has applied
 * the call (`lost-answer`: the socket is destroyed instead of answering; `applied-then-error`: a gateway
 * answers 502 or 504; `late-apply`: the request is held past the caller's timeout, then applied). The
 * latter are what make a write's outcome unknown to its caller. `drop-items` strikes items of a bulk
 * create rather than the call: answered 202 as usual, the items it hits are dropped at processing, as
 * DIGIT's asynchronous validation drops an item it cannot validate at that moment.
 */
export const FAULT_KINDS = [
  'error',
  'timeout',
  'reset',
  'lost-answer',
  'applied-then-error',
  'late-apply',
  'drop-items',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/**
 * The endpoints a campaign's creation writes to, by simulated service: where faults after the write
 * matter.
 */
export const CAMPAIGN_WRITE_PATHS = {
  project: [
    '/health-project/v1/_create',
    '/health-project/v1/_update',
    '/health-project/facility/v1/_create',
    '/health-project/staff/v1/_create',
    '/health-project/resource/v1/_create',
    '/health-project/facility/v1/bulk/_create',
    '/health-project/staff/v1/bulk/_create',
    '/health-project/resource/v1/bulk/_create',
  ],
  facility: ['/facility/v1/_create', '/facility/v1/bulk/_create'],
  hrms: ['/health-hrms/employees/_create'],
} as const satisfies Partial<Record<ServiceName, readonly string[]>>;

/** The bulk creates, by simulated service: the only endpoints a `drop-items` fault applies to. */
export const BULK_CREATE_PATHS = {
  project: [
    '/health-project/facility/v1/bulk/_create',
    '/health-project/staff/v1/bulk/_create',
    '/health-project/resource/v1/bulk/_create',
  ],
  facility: ['/facility/v1/bulk/_create'],
} as const satisfies Partial<Record<ServiceName, readonly string[]>>;

const ALL_BULK_CREATE_PATHS: readonly string[] = Object.values(BULK_CREATE_PATHS).flat();

export function isBulkCreatePath(path: string): boolean {
  return ALL_BULK_CREATE_PATHS.includes(path);
}

function bulkCreatePathsOf(service: ServiceName): readonly string[] {
  const byService: Partial<Record<ServiceName, readonly string[]>> = BULK_CREATE_PATHS;
  return byService[service] ?? [];
}

/**
 * One injected fault. `path` (without query string) narrows it to one endpoint; `count` makes it hit the
 * next N matching calls and then expire; otherwise it hits a matching call with probability `rate`. A
 * `drop-items` fault counts and draws items of bulk creates instead of calls: `count` drops the next N
 * items, `rate` each item with that probability.
 */
export interface FaultRule {
  kind: FaultKind;
  path?: string;
  rate?: number;
  count?: number;
  /** HTTP status of an `error` fault (default 500) or an `applied-then-error` one (default 502). */
  status?: number;
  /** Error code of an `error` fault (default INTERNAL_SERVER_ERROR). */
  code?: string;
  message?: string;
  /**
   * How long a `timeout` fault holds the request before dropping the connection (default 30 s), or a
   * `late-apply` one before applying it (default 20 s, past the callers' default timeout of 15 s).
   */
  holdMs?: number;
}

/**
 * A call costs `fixedMs`, plus `perItemMs` for each item of the list it carries (a batch is not free: the
 * service validates, enriches and serialises every item), plus a uniform draw of up to `jitterMs`.
 */
export interface Latency {
  fixedMs: number;
  jitterMs: number;
  perItemMs: number;
}

export interface ServiceBehaviour {
  latency: Latency;
  /** Calls in flight beyond this fail at once with 503, as an exhausted connection pool does; null = no limit. */
  capacity: number | null;
  faults: FaultRule[];
  /** A created entity becomes visible to search (and to reference checks) only after this delay. */
  visibilityDelayMs: number;
  /**
   * The most items a search answers in one page, whatever limit it was asked for; null = the limit
   * asked. DIGIT's project service silently caps its project search at `project.search.max.limit` (200
   * as shipped), below the 1,000 its URL parameters accept, and says how many there are in TotalCount.
   */
  searchPageMax: number | null;
}

export type Behaviour = Record<ServiceName, ServiceBehaviour>;

export interface ServiceBehaviourPatch {
  latency?: Partial<ServiceBehaviour['latency']>;
  capacity?: number | null;
  faults?: FaultRule[];
  visibilityDelayMs?: number;
  searchPageMax?: number | null;
}
export type BehaviourPatch = Partial<Record<ServiceName | '*', ServiceBehaviourPatch>>;

export function defaultServiceBehaviour(): ServiceBehaviour {
  return {
    latency: { fixedMs: 0, jitterMs: 0, perItemMs: 1 },
    capacity: null,
    faults: [],
    visibilityDelayMs: 0,
    searchPageMax: null,
  };
}

/** The project service's project search pages hold at most this many (its `project.search.max.limit`). */
export const PROJECT_SEARCH_PAGE_MAX = 200;

/**
 * The simulated latency of one call to a service carrying `items` list items; `jitterDraw` in 0..1 picks
 * the jitter (0 gives the least the call can take, what a lower bound needs). The gate delays calls by it.
 */
export function callLatencyMs(
  behaviour: Pick<ServiceBehaviour, 'latency'>,
  items: number,
  jitterDraw = 0,
): number {
  const { fixedMs, perItemMs, jitterMs } = behaviour.latency;
  return fixedMs + perItemMs * items + jitterDraw * jitterMs;
}

export function defaultBehaviour(): Behaviour {
  const behaviour = {} as Behaviour;
  for (const name of SERVICE_NAMES) behaviour[name] = defaultServiceBehaviour();
  behaviour.project.searchPageMax = PROJECT_SEARCH_PAGE_MAX;
  return behaviour;
}

export function isServiceName(value: string): value is ServiceName {
  return (SERVICE_NAMES as readonly string[]).includes(value);
}

/** Applies a patch in place; the `*` entry applies to every service before the named ones. */
export function applyBehaviourPatch(behaviour: Behaviour, patch: BehaviourPatch): Behaviour {
  const all = patch['*'];
  for (const name of SERVICE_NAMES) {
    if (all) patchService(behaviour[name], all);
    const own = patch[name];
    if (own) patchService(behaviour[name], own);
  }
  return behaviour;
}

function patchService(target: ServiceBehaviour, patch: ServiceBehaviourPatch): void {
  if (patch.latency) target.latency = { ...target.latency, ...patch.latency };
  if (patch.capacity !== undefined) target.capacity = patch.capacity;
  if (patch.faults) target.faults = patch.faults.map((rule) => ({ ...rule }));
  if (patch.visibilityDelayMs !== undefined) target.visibilityDelayMs = patch.visibilityDelayMs;
  if (patch.searchPageMax !== undefined) target.searchPageMax = patch.searchPageMax;
}

/** Validates a patch received over HTTP; returns a reason when it is unusable. */
export function behaviourPatchProblem(patch: unknown): string | null {
  if (!isRecord(patch)) return 'behaviour patch must be an object';
  for (const [name, value] of Object.entries(patch)) {
    if (name !== '*' && !isServiceName(name)) return `unknown service ${name}`;
    if (!isRecord(value)) return `${name} must be an object`;
    const { latency, capacity, faults, visibilityDelayMs, searchPageMax } = value;
    if (latency !== undefined) {
      if (!isRecord(latency)) return `${name}.latency must be an object`;
      for (const key of ['fixedMs', 'jitterMs', 'perItemMs']) {
        if (latency[key] !== undefined && !isNonNegative(latency[key])) return `${name}.latency.${key}`;
      }
    }
    if (capacity !== undefined && capacity !== null && !(isNonNegative(capacity) && capacity >= 1)) {
      return `${name}.capacity must be null or a number >= 1`;
    }
    if (visibilityDelayMs !== undefined && !isNonNegative(visibilityDelayMs)) {
      return `${name}.visibilityDelayMs must be a number >= 0`;
    }
    if (
      searchPageMax !== undefined &&
      searchPageMax !== null &&
      !(Number.isInteger(searchPageMax) && Number(searchPageMax) >= 1)
    ) {
      return `${name}.searchPageMax must be null or an integer >= 1`;
    }
    if (faults !== undefined) {
      if (!Array.isArray(faults)) return `${name}.faults must be a list`;
      for (const rule of faults) {
        if (!isRecord(rule) || !(FAULT_KINDS as readonly string[]).includes(String(rule.kind))) {
          return `${name}.faults: kind must be one of ${FAULT_KINDS.join(', ')}`;
        }
        if (rule.rate === undefined && rule.count === undefined)
          return `${name}.faults: rate or count needed`;
        if (rule.rate !== undefined && !(isNonNegative(rule.rate) && rule.rate <= 1)) {
          return `${name}.faults: rate must be within 0..1`;
        }
        if (rule.count !== undefined && !isNonNegative(rule.count))
          return `${name}.faults: count must be >= 0`;
        if (rule.kind === 'drop-items') {
          const problem = dropItemsProblem(name, rule.path);
          if (problem) return `${name}.faults: ${problem}`;
        }
      }
    }
  }
  return null;
}

/** A `drop-items` rule must reach bulk creates: of its service, or of any service under `*`. */
function dropItemsProblem(name: string, path: unknown): string | null {
  const paths = isServiceName(name) ? bulkCreatePathsOf(name) : ALL_BULK_CREATE_PATHS;
  if (paths.length === 0) return `drop-items applies only to bulk creates, and ${name} has none`;
  if (path !== undefined && !paths.includes(String(path))) {
    return `drop-items applies only to bulk creates (${paths.join(', ')}), not ${String(path)}`;
  }
  return null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNonNegative(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}
