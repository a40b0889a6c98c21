import { describe, expect, it } from '@jest/globals';
import {
  assignChunks,
  chunkRows,
  readyChunks,
  requestRows,
  treeChunks,
  type PlannedChunk,
  type StepLoad,
} from '../src/index.ts';

interface Boundary {
  code: string;
  parent: string | null;
  level: number;
}

/** A country, two provinces, each with districts; the sheet lists the districts interleaved. */
const TREE: Boundary[] = [
  { code: 'C', parent: null, level: 0 },
  { code: 'P1', parent: 'C', level: 1 },
  { code: 'P2', parent: 'C', level: 1 },
  { code: 'D1a', parent: 'P1', level: 2 },
  { code: 'D2a', parent: 'P2', level: 2 },
  { code: 'D1b', parent: 'P1', level: 2 },
  { code: 'D2b', parent: 'P2', level: 2 },
];

const chunkOf = (chunks: Map<Boundary, number>, code: string) =>
  chunks.get(TREE.find((boundary) => boundary.code === code)!);

describe('chunk assignment', () => {
  it('never puts two levels in one chunk', () => {
    const chunks = assignChunks(TREE, (boundary) => boundary.level, 10);
    expect(new Set(TREE.map((boundary) => `${boundary.level}:${chunks.get(boundary)}`)).size).toBe(3);
    expect([...new Set(chunks.values())]).toEqual([0, 1, 2]);
  });

  it('keeps siblings together, in the order of their parents, when given the tree', () => {
    const tree = {
      key: (boundary: Boundary) => boundary.code,
      parent: (boundary: Boundary) => boundary.parent,
    };
    const chunks = assignChunks(TREE, (boundary) => boundary.level, 2, tree);
    // P1 and P2 share chunk 1; P1's districts fill chunk 2, P2's chunk 3.
    expect(chunkOf(chunks, 'D1a')).toBe(2);
    expect(chunkOf(chunks, 'D1b')).toBe(2);
    expect(chunkOf(chunks, 'D2a')).toBe(3);
    expect(chunkOf(chunks, 'D2b')).toBe(3);
  });

  it('without the tree keeps the sheet order, mixing the provinces in each chunk', () => {
    const chunks = assignChunks(TREE, (boundary) => boundary.level, 2);
    expect(chunkOf(chunks, 'D1a')).toBe(chunkOf(chunks, 'D2a'));
  });
});

describe('rows per request', () => {
  it('fits as many of the largest item as the bytes allow, counting a comma each', () => {
    expect(requestRows(99, 1000)).toBe(10);
    expect(requestRows(100, 1000)).toBe(9);
  });

  it('carries one item at least, even one larger than a request', () => {
    expect(requestRows(5000, 1000)).toBe(1);
  });
});

describe('rows per chunk', () => {
  const limits = { maxRows: 20_000, minRows: 500, concurrency: 8 };
  /** The target scale's steps: 101,111 projects, 15,000 facilities, 30,000 users and their mappings. */
  const large: StepLoad[] = [
    { step: 'project-creation', rows: 101_111, requestRows: 1512 },
    { step: 'facility-creation', rows: 15_000, requestRows: 3836, searchPage: 1000 },
    { step: 'user-creation', rows: 30_000, requestRows: 2344 },
    { step: 'facility-mapping', rows: 17_984, requestRows: 9058, searchPage: 1000 },
    { step: 'user-mapping', rows: 30_000, requestRows: 5645, searchPage: 1000 },
    { step: 'product-mapping', rows: 101_111, requestRows: 4365, searchPage: 1000 },
  ];

  it('gives a large campaign one request a chunk, in whole search pages where the step searches after', () => {
    // In the order of `large`: projects, facilities, users, then facility, user and product mappings.
    expect([...chunkRows(large, limits, 'parallel').values()]).toEqual([1512, 3000, 2344, 7000, 5000, 4000]);
  });

  it('keeps a chunk that a request carries whole where cutting it to whole search pages costs calls', () => {
    // 15,000 facilities at 1,883 a request: 8 chunks of 1,883 make 8 creates and 16 searches; chunks cut
    // to one page would make 15 creates and 15 searches.
    const facilities: StepLoad = {
      step: 'facility-creation',
      rows: 15_000,
      requestRows: 1883,
      searchPage: 1000,
    };
    expect(chunkRows([...large.slice(0, 1), facilities], limits, 'parallel').get('facility-creation')).toBe(
      1883,
    );
  });

  it('gives a quieter service chunks of several requests where whole search pages then save calls', () => {
    // 15,000 facilities at 1,770 a request. One request a chunk: 9 creates and 17 searches; chunks of 5,000
    // rows: 3 creates and 5 searches each, 24 calls in all, as few as chunks of 7,000 make.
    const facilities: StepLoad = {
      step: 'facility-creation',
      rows: 15_000,
      requestRows: 1770,
      searchPage: 1000,
    };
    const steps = large.map((load) => (load.step === 'facility-creation' ? facilities : load));
    expect(chunkRows(steps, limits, 'parallel').get('facility-creation')).toBe(5000);
    // The busiest service's steps keep within a request (30,000 user mappings at 2,406 a request would make
    // 43 calls in chunks of 7,000 rows, against 45 in chunks of 2,000), and so does every step in the
    // linear flow.
    const userMappings = large.map((load) =>
      load.step === 'user-mapping' ? { ...load, requestRows: 2406 } : load,
    );
    expect(chunkRows(userMappings, limits, 'parallel').get('user-mapping')).toBe(2000);
    expect(chunkRows(steps, { ...limits, minRows: 10_000 }, 'linear').get('facility-creation')).toBe(1770);
  });

  it("keeps a chunk within a quarter of each concurrent call's share of the busiest service", () => {
    // The project service carries 250,206 rows: 8 calls × 4 chunks, 7,819 rows a chunk at most.
    expect(chunkRows(large, limits, 'parallel').get('facility-mapping')).toBe(7000);
    const quieter = large.map((load) => ({ ...load, rows: Math.ceil(load.rows / 10) }));
    // 25,022 rows at the project service: 782 rows a chunk, whole pages where the step searches after.
    expect(Object.fromEntries(chunkRows(quieter, limits, 'parallel'))).toMatchObject({
      'project-creation': 782,
      'user-creation': 782,
      'product-mapping': 782,
    });
  });

  it('in the linear flow, where each step runs alone, gives each call a chunk of the step itself at least', () => {
    // Users alone: 30,000 rows over 8 calls, 3,750 a call, cut to the 2,344 a request carries.
    expect(chunkRows(large, limits, 'linear').get('user-creation')).toBe(2344);
    // 101,111 product mappings in chunks of 4,000 (whole pages): 128 calls, where request-sized chunks
    // make 140, and chunks of a quarter of each call's share (3,000 rows, whole pages) 136.
    expect(chunkRows(large, limits, 'linear').get('product-mapping')).toBe(4000);
  });

  it('keeps a step of the linear flow that one round of calls covers to one round', () => {
    // 17,984 facility mappings: 8 chunks of 2,248 rows are one round of calls; chunks of 2,000 (whole
    // pages) would be 9, and the ninth a second round, for 27 calls instead of 32.
    expect([...chunkRows(large, limits, 'linear').values()]).toEqual([1512, 1875, 2344, 2248, 3750, 4000]);
  });

  it('never cuts below the minimum unless a request carries fewer, nor above the maximum', () => {
    const small = large.map((load) => ({ ...load, rows: 40 }));
    expect(new Set(chunkRows(small, limits, 'parallel').values())).toEqual(new Set([500]));
    expect(
      chunkRows([{ step: 'user-creation', rows: 40, requestRows: 25 }], limits, 'parallel').get(
        'user-creation',
      ),
    ).toBe(25);
    expect(chunkRows(large, { ...limits, maxRows: 1200 }, 'parallel').get('product-mapping')).toBe(1000);
  });
});

describe('chunks of a tree listed depth first', () => {
  /** A tree of `width` children a boundary down to `depth` levels, listed depth first. */
  const depthFirst = (width: number[], depth: number): Boundary[] => {
    const rows: Boundary[] = [];
    const visit = (code: string, parent: string | null, level: number) => {
      rows.push({ code, parent, level });
      if (level === depth) return;
      const children = width[(code.length + level) % width.length] as number;
      for (let child = 0; child < children; child++) visit(`${code}.${child}`, code, level + 1);
    };
    visit('C', null, 0);
    return rows;
  };
  const tree = {
    key: (boundary: Boundary) => boundary.code,
    parent: (boundary: Boundary) => boundary.parent,
  };

  it('numbers every row as assignChunks does with the tree', () => {
    for (const [width, depth, sizing] of [
      [[3, 1, 4], 4, 5],
      [[2, 5], 5, 7],
      [[6], 3, 2000],
    ] as const) {
      const rows = depthFirst([...width], depth);
      const expected = assignChunks(rows, (row) => row.level, sizing, tree);
      expect(
        treeChunks(
          rows.map((row) => row.level),
          sizing,
        ),
      ).toEqual(rows.map((row) => expected.get(row)));
    }
  });

  it('lets the small top levels share one chunk, as long as they hold no more than a chunk together', () => {
    // Levels of 1, 3, 9, 27 and 81 rows.
    const rows = depthFirst([3], 4);
    const levels = rows.map((row) => row.level);
    const chunks = treeChunks(levels, 15, { shareSmallWaves: true });
    const chunksOfLevel = (level: number) =>
      [...new Set(chunks.filter((_, index) => levels[index] === level))].sort((a, b) => a - b);
    // 1 + 3 + 9 rows share chunk 0; 27 more would pass 15, so level 3 is cut on its own (2 chunks of 15
    // and 12), and level 4 into chunks of 15.
    expect([0, 1, 2].map(chunksOfLevel)).toEqual([[0], [0], [0]]);
    expect(chunksOfLevel(3)).toEqual([1, 2]);
    expect(chunksOfLevel(4)).toEqual([3, 4, 5, 6, 7, 8]);
    // Small chunks bound the sharing too: a level cut into several chunks shares none.
    const capped = treeChunks(levels, 3, { shareSmallWaves: true });
    const cappedOfLevel = (level: number) =>
      [...new Set(capped.filter((_, index) => levels[index] === level))].sort((a, b) => a - b);
    expect([0, 1, 2].map(cappedOfLevel)).toEqual([[0], [1], [2, 3, 4]]);
    // Without sharing, every level has chunks of its own.
    const apart = treeChunks(levels, 15);
    expect(new Set(apart.filter((_, index) => levels[index]! <= 2)).size).toBe(3);
  });

  it('spreads an inner level over one round of calls, its first chunk in the shared chunk when it fits', () => {
    // Levels of 1, 3, 9, 27 and 81 rows: 13 rows share chunk 0; level 3 is spread over 4 calls, in
    // chunks of 7 (27 = 6 + 3 × 7), the 6 left over first; level 4, the deepest, in whole chunks.
    const rows = depthFirst([3], 4);
    const levels = rows.map((row) => row.level);
    const fill = (chunk: number, times: number) => Array<number>(times).fill(chunk);
    const ofLevel = (chunks: number[], level: number) => chunks.filter((_, index) => levels[index] === level);
    // Chunks of 20: the 6 fit beside the 13.
    const joined = treeChunks(levels, 20, { shareSmallWaves: true, spreadInnerWaves: 4 });
    expect(ofLevel(joined, 3)).toEqual([...fill(0, 6), ...fill(1, 7), ...fill(2, 7), ...fill(3, 7)]);
    expect(ofLevel(joined, 4)).toEqual([...fill(4, 20), ...fill(5, 20), ...fill(6, 20), ...fill(7, 20), 8]);
    // The 18 children of the 6 rows in the shared chunk come first in level 4, in its first chunk.
    const childrenOfShared = rows.filter(
      (row, index) =>
        levels[index] === 4 && joined[rows.findIndex((parent) => parent.code === row.parent)] === 0,
    );
    expect(childrenOfShared).toHaveLength(18);
    expect(childrenOfShared.every((row) => joined[rows.indexOf(row)] === 4)).toBe(true);
    // Chunks of 15: 13 + 6 do not fit, so the 6 go in a chunk of their own, before the level's others.
    const apart = treeChunks(levels, 15, { shareSmallWaves: true, spreadInnerWaves: 4 });
    expect(ofLevel(apart, 3)).toEqual([...fill(1, 6), ...fill(2, 7), ...fill(3, 7), ...fill(4, 7)]);
    expect(new Set(ofLevel(apart, 4))).toEqual(new Set([5, 6, 7, 8, 9, 10]));
    // A level spread over more calls than chunks of 15 would make keeps chunks of 15.
    const wide = treeChunks(levels, 15, { shareSmallWaves: true, spreadInnerWaves: 1 });
    expect(ofLevel(wide, 3)).toEqual([...fill(1, 12), ...fill(2, 15)]);
  });

  it("keeps each province's districts together in the example tree listed depth first", () => {
    const listed = [TREE[0], TREE[1], TREE[3], TREE[5], TREE[2], TREE[4], TREE[6]] as Boundary[];
    expect(
      treeChunks(
        listed.map((row) => row.level),
        2,
      ),
    ).toEqual([0, 1, 2, 2, 1, 3, 3]);
  });
});

describe('ready chunks', () => {
  const chunk = (
    index: number,
    status: string,
    dependsOn: number[] = [],
    wave = 0,
    waitsFor: number[] = [],
  ): PlannedChunk => ({
    chunk: index,
    wave,
    status,
    dependsOn,
    waitsFor,
  });

  it('runs a chunk once the chunks holding its parents are completed, whatever else of their wave runs', () => {
    // Chunk 1 (a province chunk) is still running; chunk 2 needs only chunk 0, which is completed.
    const unfinished = [
      chunk(1, 'dispatched', [], 1),
      chunk(2, 'pending', [0], 2),
      chunk(3, 'pending', [1], 2),
    ];
    expect(readyChunks(unfinished).map((ready) => ready.chunk)).toEqual([2]);
  });

  it('runs a chunk once the chunks of the followed step holding what it maps are completed', () => {
    // Mapping chunks 0 and 1 wait for project chunks 4 and 5; only project chunk 5 is still unfinished.
    const unfinished = [chunk(0, 'pending', [], 0, [4]), chunk(1, 'pending', [], 0, [4, 5])];
    expect(readyChunks(unfinished, new Set([5])).map((ready) => ready.chunk)).toEqual([0]);
    expect(readyChunks(unfinished, new Set()).map((ready) => ready.chunk)).toEqual([0, 1]);
  });

  it('holds a chunk whose prerequisite failed and waits for a retry', () => {
    expect(readyChunks([chunk(4, 'failed'), chunk(5, 'pending', [4])])).toEqual([]);
  });

  it('dispatches in wave order and never again what is already dispatched', () => {
    const unfinished = [chunk(7, 'pending', [], 2), chunk(6, 'dispatched'), chunk(3, 'pending', [], 1)];
    expect(readyChunks(unfinished).map((ready) => ready.chunk)).toEqual([3, 7]);
  });
});
