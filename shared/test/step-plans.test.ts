import { describe, expect, it } from '@jest/globals';
import { assignChunks, readyChunks, rowsPerChunk, treeChunks, type PlannedChunk } from '../src/index.ts';

/** Chunks of exactly `rows` rows, however many the step has. */
const fixed = (rows: number) => ({ maxRows: rows, minRows: rows, spreadOver: 1 });

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
    const chunks = assignChunks(TREE, (boundary) => boundary.level, fixed(10));
    expect(new Set(TREE.map((boundary) => `${boundary.level}:${chunks.get(boundary)}`)).size).toBe(3);
    expect([...new Set(chunks.values())]).toEqual([0, 1, 2]);
  });

  it('keeps siblings together, in the order of their parents, when given the tree', () => {
    const tree = {
      key: (boundary: Boundary) => boundary.code,
      parent: (boundary: Boundary) => boundary.parent,
    };
    const chunks = assignChunks(TREE, (boundary) => boundary.level, fixed(2), tree);
    // P1 and P2 share chunk 1; P1's districts fill chunk 2, P2's chunk 3.
    expect(chunkOf(chunks, 'D1a')).toBe(2);
    expect(chunkOf(chunks, 'D1b')).toBe(2);
    expect(chunkOf(chunks, 'D2a')).toBe(3);
    expect(chunkOf(chunks, 'D2b')).toBe(3);
  });

  it('without the tree keeps the sheet order, mixing the provinces in each chunk', () => {
    const chunks = assignChunks(TREE, (boundary) => boundary.level, fixed(2));
    expect(chunkOf(chunks, 'D1a')).toBe(chunkOf(chunks, 'D2a'));
  });
});

describe('rows per chunk', () => {
  const sizing = { maxRows: 2000, minRows: 500, spreadOver: 8 };

  it('fills chunks up to the maximum when the step has rows for every concurrent call', () => {
    expect(rowsPerChunk(101_111, sizing)).toBe(2000);
    expect(rowsPerChunk(16_000, sizing)).toBe(2000);
  });

  it('cuts a smaller step into one chunk per concurrent call', () => {
    expect(rowsPerChunk(12_000, sizing)).toBe(1500);
    expect(rowsPerChunk(6001, sizing)).toBe(751);
  });

  it('never cuts chunks below the minimum, nor above the maximum when that is smaller', () => {
    expect(rowsPerChunk(2000, sizing)).toBe(500);
    expect(rowsPerChunk(30, sizing)).toBe(500);
    expect(rowsPerChunk(2000, { ...sizing, maxRows: 10 })).toBe(10);
    expect(rowsPerChunk(0, sizing)).toBe(500);
  });

  it('spreads the tree level by level, each level by its own rows', () => {
    const chunks = assignChunks(TREE, (boundary) => boundary.level, {
      maxRows: 10,
      minRows: 1,
      spreadOver: 2,
    });
    // One country; two provinces in two chunks; four districts in two chunks of two.
    expect([...new Set(TREE.map((boundary) => chunks.get(boundary)))].sort()).toEqual([0, 1, 2, 3, 4]);
    expect(chunkOf(chunks, 'D1a')).toBe(chunkOf(chunks, 'D2a'));
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
      [[3, 1, 4], 4, { maxRows: 5, minRows: 2, spreadOver: 3 }],
      [[2, 5], 5, { maxRows: 7, minRows: 1, spreadOver: 8 }],
      [[6], 3, { maxRows: 2000, minRows: 500, spreadOver: 8 }],
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

  it('lets the small top levels share one chunk, as long as they hold no more than minRows together', () => {
    // Levels of 1, 3, 9, 27 and 81 rows.
    const rows = depthFirst([3], 4);
    const levels = rows.map((row) => row.level);
    const chunks = treeChunks(levels, { maxRows: 40, minRows: 15, spreadOver: 2 }, true);
    const chunksOfLevel = (level: number) =>
      [...new Set(chunks.filter((_, index) => levels[index] === level))].sort((a, b) => a - b);
    // 1 + 3 + 9 rows share chunk 0; 27 more would pass 15, so level 3 is cut on its own (2 chunks of at
    // least 15), and level 4 into chunks of at most 40.
    expect([0, 1, 2].map(chunksOfLevel)).toEqual([[0], [0], [0]]);
    expect(chunksOfLevel(3)).toEqual([1, 2]);
    expect(chunksOfLevel(4)).toEqual([3, 4, 5]);
    // A maximum below the minimum bounds the sharing too: a level cut into several chunks shares none.
    const capped = treeChunks(levels, { maxRows: 3, minRows: 500, spreadOver: 1 }, true);
    const cappedOfLevel = (level: number) =>
      [...new Set(capped.filter((_, index) => levels[index] === level))].sort((a, b) => a - b);
    expect([0, 1, 2].map(cappedOfLevel)).toEqual([[0], [1], [2, 3, 4]]);
    // Without sharing, every level has chunks of its own.
    const apart = treeChunks(levels, { maxRows: 40, minRows: 15, spreadOver: 2 });
    expect(new Set(apart.filter((_, index) => levels[index]! <= 2)).size).toBe(3);
  });

  it("keeps each province's districts together in the example tree listed depth first", () => {
    const listed = [TREE[0], TREE[1], TREE[3], TREE[5], TREE[2], TREE[4], TREE[6]] as Boundary[];
    expect(
      treeChunks(
        listed.map((row) => row.level),
        { maxRows: 2, minRows: 2, spreadOver: 1 },
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
