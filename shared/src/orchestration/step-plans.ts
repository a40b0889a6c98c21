import type { DigitServiceName } from '../config/service-config.ts';
import type { FlowName, StepName } from '../flow/flow.ts';

interface StepPlan {
  /** The DIGIT service the step's calls go to. */
  service: DigitServiceName;
  /** The entity table whose rows the step syncs. */
  table: string;
  /** Which of the table's rows are the step's (columns of the row `c`). */
  filter: string;
  /** A row's wave (column of `c`): chunks are dispatched in wave order. */
  wave: string;
  /** Rows that must wait for another row of the same table: its key column and the parent's key column. */
  tree?: { key: string; parent: string };
  /**
   * Rows that wait for a row of the step this one follows (FlowStep.follows): that step's table, its key
   * column, and the column of this table naming the row waited for.
   */
  follows?: { table: string; key: string; on: string };
}

const PROJECT_OF_MAPPING = { table: 'campaign_project', key: 'boundary_code', on: 'boundary_code' };

/**
 * Where each step's work lives: the entity table whose rows it syncs, the chunk and wave of each row, and
 * which rows wait for others (projects for their parent project). A chunk is dispatched once the chunks
 * holding its rows' parents are completed; chunks run in parallel over the worker's replicas. Table and
 * column names are fixed here, never taken from input.
 */
export const STEP_PLANS: Record<Exclude<StepName, 'end'>, StepPlan> = {
  'project-creation': {
    service: 'project',
    table: 'campaign_project',
    filter: '',
    wave: 'c.level',
    tree: { key: 'boundary_code', parent: 'parent_boundary_code' },
  },
  'facility-creation': { service: 'facility', table: 'campaign_facility', filter: '', wave: '0' },
  'user-creation': { service: 'hrms', table: 'campaign_user', filter: '', wave: '0' },
  'facility-mapping': {
    service: 'project',
    table: 'campaign_mapping',
    filter: `AND c.kind = 'facility'`,
    wave: '0',
    follows: PROJECT_OF_MAPPING,
  },
  'user-mapping': {
    service: 'project',
    table: 'campaign_mapping',
    filter: `AND c.kind = 'staff'`,
    wave: '0',
    follows: PROJECT_OF_MAPPING,
  },
  'product-mapping': {
    service: 'project',
    table: 'campaign_mapping',
    filter: `AND c.kind = 'resource'`,
    wave: '0',
    follows: PROJECT_OF_MAPPING,
  },
};

/**
 * SQL giving (chunk, wave, depends_on, waits_for) of every chunk of the step that still has unfinished
 * rows: depends_on lists the other chunks holding unfinished parents of its rows, waits_for (when the
 * campaign's flow has the step follow another) the chunks of the followed step holding the unfinished rows
 * its rows wait for.
 */
export function chunkPlanQuery(step: Exclude<StepName, 'end'>, followsAStep: boolean): string {
  const plan = STEP_PLANS[step];
  const tree = plan.tree;
  const follows = followsAStep ? plan.follows : undefined;
  const dependsOn = tree
    ? `coalesce(array_agg(DISTINCT p.chunk) FILTER (WHERE p.chunk IS NOT NULL AND p.chunk <> c.chunk), '{}')`
    : `'{}'::int[]`;
  const parents = tree
    ? `LEFT JOIN ${plan.table} p ON p.campaign_id = c.campaign_id AND p.${tree.key} = c.${tree.parent} AND NOT p.done`
    : '';
  const waitsFor = follows
    ? `coalesce(array_agg(DISTINCT f.chunk) FILTER (WHERE f.chunk IS NOT NULL), '{}')`
    : `'{}'::int[]`;
  const followed = follows
    ? `LEFT JOIN ${follows.table} f ON f.campaign_id = c.campaign_id AND f.${follows.key} = c.${follows.on} AND NOT f.done`
    : '';
  return `SELECT c.chunk, min(${plan.wave})::int AS wave, ${dependsOn} AS depends_on, ${waitsFor} AS waits_for
          FROM ${plan.table} c ${parents} ${followed}
          WHERE c.campaign_id = $1 AND NOT c.done ${plan.filter} GROUP BY c.chunk ORDER BY c.chunk`;
}

export interface PlannedChunk {
  chunk: number;
  wave: number;
  status: string;
  /** Chunks of the same step that must be completed before this one runs. */
  dependsOn: readonly number[];
  /** Chunks of the followed step that must be completed before this one runs. */
  waitsFor: readonly number[];
}

/**
 * The pending chunks that may be dispatched now, in wave order: those whose prerequisites are completed.
 * `unfinished` holds every chunk of the step not completed yet, `followedUnfinished` every chunk of the
 * step it follows not completed yet; a prerequisite absent from them is completed (or had nothing left to
 * do when the step started).
 */
export function readyChunks(
  unfinished: readonly PlannedChunk[],
  followedUnfinished: ReadonlySet<number> = new Set(),
): PlannedChunk[] {
  const waiting = new Set(unfinished.map((chunk) => chunk.chunk));
  return unfinished
    .filter(
      (chunk) =>
        chunk.status === 'pending' &&
        chunk.dependsOn.every((other) => !waiting.has(other)) &&
        chunk.waitsFor.every((other) => !followedUnfinished.has(other)),
    )
    .sort((a, b) => a.wave - b.wave || a.chunk - b.chunk);
}

/** A row's place in a tree: its key, and its parent's key (null at the root). */
export interface RowTree<T> {
  key: (row: T) => string;
  parent: (row: T) => string | null;
}

/**
 * Items of one kind that one DIGIT request carries: as many of the kind's largest item as fit in
 * `maxBytes`, each counted with its separating comma, as bulkBatches counts them. (The configured batch
 * sizes cut a chunk's requests smaller where a DIGIT service takes fewer items at once.)
 */
export function requestRows(largestItemBytes: number, maxBytes: number): number {
  return Math.max(1, Math.floor(maxBytes / (largestItemBytes + 1)));
}

/** A step's share of a campaign's work, as chunk sizing sees it. */
export interface StepLoad {
  step: Exclude<StepName, 'end'>;
  rows: number;
  /** Rows one DIGIT request of the step carries (requestRows), or on average where items differ in size. */
  requestRows: number;
  /**
   * Items one search answers, for steps that learn by search what DIGIT saved (bulk creates answer
   * without ids): their chunks hold whole pages, so that their searches go out full too.
   */
  searchPage?: number;
}

export interface ChunkLimits {
  /** Rows a chunk carries at most (CHUNK_SIZE): what a worker holds at once. */
  maxRows: number;
  /** Rows a chunk carries at least (CHUNK_MIN_ROWS): below, the cost per chunk outweighs its calls. */
  minRows: number;
  /** Calls DIGIT takes at once per service (DIGIT_CONCURRENCY). */
  concurrency: number;
}

/** In the parallel flow, chunks each concurrent call gets at least over the stretch a step runs in. */
const CHUNKS_PER_CALL_SLOT = 4;

/**
 * Rows per chunk of each step. A chunk carries what one DIGIT request of its step carries, so that each
 * chunk is one create (and whole search pages where that costs no calls): the fewest calls.
 *
 * In the parallel flow every step runs beside the others, for as long as the busiest DIGIT service is
 * busy: a chunk is never more than a quarter of what each concurrent call carries over that stretch, so
 * that the last chunks add little after the rest. A large campaign then has request-sized chunks
 * everywhere, even at a service with little work, whose calls are then fewer rather than quicker: they
 * finish long before the busiest service does; where such a step searches after its creates, its chunks
 * may hold several requests, when whole search pages then make its calls fewer.
 *
 * In the linear flow a step runs alone and its stretch is its own: each concurrent call gets a chunk of it
 * at least. Rounds of request-sized chunks keep its calls few: at 15,000 facilities, quarter shares made
 * 60 facility calls where 26 do, and the L campaign 511 project calls where 457 do, at the cost of under a
 * second (the last round's searches wait for DIGIT to persist more at once). A step one round of calls
 * covers keeps to one round: cutting its chunks to whole search pages must not add a second.
 *
 * A chunk is never less than `minRows` (unless one request carries fewer): a small campaign has small
 * chunks.
 */
export function chunkRows(
  steps: readonly StepLoad[],
  limits: ChunkLimits,
  flow: FlowName,
): Map<StepLoad['step'], number> {
  const perService = new Map<DigitServiceName, number>();
  for (const { step, rows } of steps) {
    const service = STEP_PLANS[step].service;
    perService.set(service, (perService.get(service) ?? 0) + rows);
  }
  const busiest = Math.max(0, ...perService.values());
  const calls = Math.max(1, limits.concurrency);
  return new Map(
    steps.map((load) => {
      const share =
        flow === 'linear'
          ? Math.ceil(load.rows / calls)
          : Math.ceil(busiest / (calls * CHUNKS_PER_CALL_SLOT));
      const most = Math.max(1, Math.min(limits.maxRows, Math.max(limits.minRows, share)));
      const rows = Math.min(most, load.requestRows);
      if (load.searchPage === undefined) return [load.step, rows];
      // The busiest service's steps keep a chunk within a request, so that their work pipelines.
      const quieter = flow === 'parallel' && (perService.get(STEP_PLANS[load.step].service) ?? 0) < busiest;
      const oneRound = flow === 'linear' && Math.ceil(load.rows / rows) <= calls ? calls : undefined;
      return [load.step, inSearchPages(load, rows, quieter ? most : rows, load.searchPage, oneRound)];
    }),
  );
}

/**
 * A step that searches after its creates gets chunks of whole search pages, so that its searches go out
 * full too, unless cutting a chunk down to whole pages makes the step's calls more: a chunk of 1,900 rows
 * where a request carries 1,900 (`rows`) is one create and two searches, where two chunks of 1,000 are two
 * creates and two searches. Chunks of more pages, up to `most` rows, are taken where they make fewer calls
 * still: several requests each, and no page left part empty. With `atMostChunks`, a cut into more chunks
 * than that is not taken.
 */
function inSearchPages(
  load: StepLoad,
  rows: number,
  most: number,
  page: number,
  atMostChunks = Number.POSITIVE_INFINITY,
): number {
  const chunkCalls = (chunk: number) => Math.ceil(chunk / load.requestRows) + Math.ceil(chunk / page);
  const stepCalls = (chunk: number) =>
    Math.floor(load.rows / chunk) * chunkCalls(chunk) +
    (load.rows % chunk > 0 ? chunkCalls(load.rows % chunk) : 0);
  const paged = rows - (rows % page);
  const fits = (chunk: number) => Math.ceil(load.rows / chunk) <= atMostChunks;
  let best = paged > 0 && stepCalls(paged) <= stepCalls(rows) && fits(paged) ? paged : rows;
  for (let chunk = paged + page; chunk <= most; chunk += page) {
    if (stepCalls(chunk) < stepCalls(best)) best = chunk;
  }
  return best;
}

/**
 * Where a wave's chunks start and how many of its rows each takes; `head`: the wave's first rows that go
 * to an earlier chunk instead (see waveChunks).
 */
interface WaveChunks {
  first: number;
  size: number;
  head?: { chunk: number; rows: number };
}

/** The chunk of a wave's row at `index` (its place among the wave's rows, in their order). */
function chunkAt(wave: WaveChunks, index: number): number {
  const head = wave.head?.rows ?? 0;
  if (index < head) return (wave.head as { chunk: number }).chunk;
  return wave.first + Math.floor((index - head) / wave.size);
}

/** How a tree's levels (waves) are cut into chunks, beyond `rowsPerChunk`: for a new campaign's projects. */
export interface WaveCutting {
  /** Consecutive small waves share one chunk (the top of a boundary tree). */
  shareSmallWaves?: boolean;
  /** Calls the step's DIGIT service takes at once: an inner wave is spread over as many chunks. */
  spreadInnerWaves?: number;
}

/**
 * The chunks of each wave, numbered in wave order. A wave's rows are cut into chunks of `rowsPerChunk`,
 * and a chunk never spans two waves, except that with `shareSmallWaves` consecutive waves that together
 * hold no more than `rowsPerChunk` rows share one chunk: the top levels of a boundary tree (a country, its
 * provinces, their districts) are then created one after the other by one run instead of a dispatch each,
 * where each dispatch would cost a round through Kafka and the status service for a handful of rows.
 *
 * With `spreadInnerWaves`, an inner wave (one with a wave after it) too large for one chunk is cut into
 * that many chunks, or into chunks of `rowsPerChunk` when they would be larger: the whole wave goes out in
 * one round of calls, and the next wave, which waits for it, is ready sooner. Its first chunk (the rows
 * left over from its whole chunks, else one chunk's worth, taken from its first rows) goes in the shared
 * chunk when it fits, so that its children are ready as soon as the shared chunk is done, beside the
 * wave's other chunks, instead of a round later; else in a chunk of its own, before the others. Being the
 * smallest, it is done first, and its children, which come first in the next wave, run first: chunks run
 * in the order of their numbers, so the chunks numbered last are the last to run.
 */
function waveChunks(
  rowsPerWave: ReadonlyMap<number, number>,
  rowsPerChunk: number,
  cutting: WaveCutting = {},
): Map<number, WaveChunks> {
  const size = Math.max(1, rowsPerChunk);
  const chunks = new Map<number, WaveChunks>();
  const waves = [...rowsPerWave.keys()].sort((a, b) => a - b);
  const deepest = waves[waves.length - 1];
  let next = 0;
  let shared: { chunk: number; rows: number } | undefined;
  for (const wave of waves) {
    const rows = rowsPerWave.get(wave) as number;
    if (cutting.shareSmallWaves && shared && shared.rows + rows <= size) {
      shared.rows += rows;
      chunks.set(wave, { first: shared.chunk, size: Math.max(1, rows) });
      continue;
    }
    if (cutting.spreadInnerWaves !== undefined && wave !== deepest && rows > size) {
      const waveSize = Math.min(size, Math.ceil(rows / Math.max(1, cutting.spreadInnerWaves)));
      const head = rows % waveSize || waveSize;
      const headChunk = shared && shared.rows + head <= size ? shared.chunk : next++;
      chunks.set(wave, { first: next, size: waveSize, head: { chunk: headChunk, rows: head } });
      next += Math.ceil((rows - head) / waveSize);
      shared = undefined;
      continue;
    }
    chunks.set(wave, { first: next, size });
    shared = cutting.shareSmallWaves && rows <= size ? { chunk: next, rows } : undefined;
    next += Math.ceil(rows / size);
  }
  return chunks;
}

/**
 * Chunk numbers for rows ordered within their waves, a chunk never spanning two (see waveChunks): child
 * campaigns use it, whose changes run before their creates, so their levels never share a chunk. With a
 * tree, a wave's rows are ordered as their parents were (siblings together), so a chunk's rows have their
 * parents in one or two chunks of the wave before and it can start as soon as those are done.
 */
export function assignChunks<T>(
  rows: T[],
  waveOf: (row: T) => number,
  rowsPerChunk: number,
  tree?: RowTree<T>,
): Map<T, number> {
  const byWave = new Map<number, T[]>();
  for (const row of rows) {
    const wave = waveOf(row);
    const list = byWave.get(wave) ?? [];
    list.push(row);
    byWave.set(wave, list);
  }
  const numbering = waveChunks(new Map([...byWave].map(([wave, list]) => [wave, list.length])), rowsPerChunk);
  const chunks = new Map<T, number>();
  const position = new Map<string, number>();
  for (const wave of [...byWave.keys()].sort((a, b) => a - b)) {
    let list = byWave.get(wave) ?? [];
    if (tree) {
      const parentPosition = (row: T) => {
        const parent = tree.parent(row);
        return parent === null ? -1 : (position.get(parent) ?? -1);
      };
      // Array.prototype.sort is stable: siblings keep their order.
      list = [...list].sort((a, b) => parentPosition(a) - parentPosition(b));
    }
    const numbered = numbering.get(wave) as WaveChunks;
    for (let index = 0; index < list.length; index++) {
      const row = list[index] as T;
      chunks.set(row, chunkAt(numbered, index));
      if (tree) position.set(tree.key(row), position.size);
    }
  }
  return chunks;
}

/**
 * Chunk numbers for rows listed in depth-first order of their tree (each row after its parent, a
 * subtree's rows together), `levels` giving each row's depth. Within a level that order already keeps
 * siblings together in their parents' order, so this numbers the rows as assignChunks does with the tree,
 * from two counters per level instead of maps of the rows: a level's rows fill its chunks in order. A new
 * campaign's levels are cut as `cutting` says (see waveChunks).
 */
export function treeChunks(
  levels: readonly number[],
  rowsPerChunk: number,
  cutting: WaveCutting = {},
): number[] {
  const rowsAt = new Map<number, number>();
  for (const level of levels) rowsAt.set(level, (rowsAt.get(level) ?? 0) + 1);
  const numbering = waveChunks(rowsAt, rowsPerChunk, cutting);
  const placed = new Map<number, number>();
  return levels.map((level) => {
    const index = placed.get(level) ?? 0;
    placed.set(level, index + 1);
    return chunkAt(numbering.get(level) as WaveChunks, index);
  });
}
