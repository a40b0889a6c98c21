import { describe, expect, it } from '@jest/globals';
import {
  BoundaryTree,
  BoundaryTreeAnswerError,
  readBoundaryTreeAnswer,
  type BoundaryNode,
} from '../src/index.ts';

/** Every node of a tree as a row: code, type, parent's code, and the codes its subtree spans. */
function rows(tree: BoundaryTree): string[][] {
  const listed: string[][] = [];
  for (let node = 0; node < tree.size; node++) {
    const parent = tree.parent(node);
    listed.push([
      tree.code(node),
      tree.boundaryType(node),
      parent === -1 ? '-' : tree.code(parent),
      tree.code(tree.end(node) - 1),
    ]);
  }
  return listed;
}

/** A hierarchy of `branching` children per level, codes with accents and non-Latin letters. */
function hierarchy(branching: number[], code = 'MZ-Zambézia', level = 0): BoundaryNode {
  const children: BoundaryNode[] = [];
  for (let index = 0; index < (branching[level] ?? 0); index++)
    children.push(hierarchy(branching, `${code}/ниже${index}`, level + 1));
  return { code, boundaryType: `LEVEL_${level}`, children };
}

const answer = (boundary: unknown, note = ''): Buffer =>
  Buffer.from(
    JSON.stringify({
      ResponseInfo: { apiId: 'boundary', status: 'successful', note },
      TenantBoundary: [{ tenantId: 'mz', hierarchyType: 'ADMIN', boundary }],
    }),
  );

/** An answer's bytes as a socket hands them over: chunks of 64 KiB, a character cut where it falls. */
const CHUNK_BYTES = 64 * 1024;
const chunked = (bytes: Buffer): Buffer[] =>
  Array.from({ length: Math.ceil(bytes.length / CHUNK_BYTES) }, (_, index) =>
    bytes.subarray(index * CHUNK_BYTES, (index + 1) * CHUNK_BYTES),
  );

/** Bytes the reader tokenizes between two turns of the event loop. */
const SLICE_BYTES = 256 * 1024;

/** Read from one chunk holding the whole answer. */
const readWhole = (text: string) => readBoundaryTreeAnswer([Buffer.from(text)]);

describe('boundary tree', () => {
  it('numbers the nodes depth first, each with its parent and the end of its subtree', () => {
    const tree = BoundaryTree.of([
      {
        code: 'MZ',
        boundaryType: 'COUNTRY',
        children: [
          {
            code: 'P1',
            boundaryType: 'PROVINCE',
            children: [{ code: 'D1', boundaryType: 'DISTRICT', children: [] }],
          },
          { code: 'P2', boundaryType: 'PROVINCE', children: [] },
        ],
      },
    ]);
    expect(rows(tree)).toEqual([
      ['MZ', 'COUNTRY', '-', 'P2'],
      ['P1', 'PROVINCE', 'MZ', 'D1'],
      ['D1', 'DISTRICT', 'P1', 'D1'],
      ['P2', 'PROVINCE', 'MZ', 'P2'],
    ]);
    expect(tree.find(['P2', 'D1', 'XX'])).toEqual(
      new Map([
        ['P2', 3],
        ['D1', 2],
      ]),
    );
  });
});

describe('reading the boundary service answer', () => {
  it('reads the same tree as the parsed answer, across chunks and multi-byte characters', async () => {
    const root = hierarchy([4, 6, 5, 40]);
    // Padded until the first chunk ends inside a two-byte character.
    let bytes = answer([root]);
    for (let pad = 1; ((bytes[CHUNK_BYTES] as number) & 0xc0) !== 0x80 && pad < 200; pad++)
      bytes = answer([root], 'x'.repeat(pad));
    expect((bytes[CHUNK_BYTES] as number) & 0xc0).toBe(0x80);
    const tree = await readBoundaryTreeAnswer(
      (async function* () {
        yield* chunked(bytes);
      })(),
      bytes.length,
    );
    expect(tree.size).toBe(1 + 4 + 24 + 120 + 4800);
    expect(rows(tree)).toEqual(rows(BoundaryTree.of([root])));
  });

  it('lets other work run while it reads a large answer whose chunks are all there already', async () => {
    const bytes = answer([hierarchy([4, 6, 5, 80])]);
    expect(bytes.length).toBeGreaterThan(3 * SLICE_BYTES);
    let turns = 0;
    let reading = true;
    const turn = () => {
      turns++;
      if (reading) setImmediate(turn);
    };
    setImmediate(turn);
    await readBoundaryTreeAnswer(chunked(bytes), bytes.length).finally(() => (reading = false));
    // One turn of the event loop at least per slice the reader tokenizes.
    expect(turns).toBeGreaterThanOrEqual(3);
  });

  it('ignores what a boundary holds besides its code, type and children, in any order of keys', async () => {
    const text = `{"TenantBoundary":[{"tenantId":"mz","boundary":[
      {"id":"1","children":[{"boundaryType":"PROVINCE","code":"P1","children":null,
         "additionalDetails":{"children":[{"code":"NOT-A-BOUNDARY"}],"code":"X"},"geometry":[[1.5,2],[3,4]]}],
       "auditDetails":{"createdBy":"u","createdTime":1},"code":"MZ","boundaryType":"COUNTRY","active":true}]},
      {"tenantId":"other","boundary":[{"code":"OTHER","boundaryType":"COUNTRY","children":[]}]}]}`;
    const tree = await readWhole(text);
    expect(rows(tree)).toEqual([
      ['MZ', 'COUNTRY', '-', 'P1'],
      ['P1', 'PROVINCE', 'MZ', 'P1'],
    ]);
  });

  it('reads an answer without tenants as an empty tree', async () => {
    expect((await readWhole('{"TenantBoundary":[]}')).size).toBe(0);
    expect((await readWhole('{"ResponseInfo":{}}')).size).toBe(0);
  });

  it('reads a hierarchy nested 100,000 levels deep without running out of stack', async () => {
    const depth = 100_000;
    const open = Array.from(
      { length: depth },
      (_, level) => `{"code":"B${level}","boundaryType":"L","children":[`,
    );
    const text = `{"TenantBoundary":[{"boundary":[${open.join('')}${']}'.repeat(depth)}]}]}`;
    const tree = await readWhole(text);
    expect(tree.size).toBe(depth);
    expect(tree.parent(depth - 1)).toBe(depth - 2);
    expect(tree.end(0)).toBe(depth);
  });

  it.each([
    ['not JSON', '<html>502 Bad Gateway</html>', 'is not JSON'],
    [
      'cut short',
      '{"TenantBoundary":[{"boundary":[{"code":"MZ","boundaryType":"C"',
      'ends before its JSON does',
    ],
    ['two values without a comma', '{"TenantBoundary":[{"boundary":[{"code" "MZ"}]}]}', 'unexpected STRING'],
    [
      'a trailing comma',
      '{"TenantBoundary":[{"boundary":[{"code":"MZ","boundaryType":"C",}]}]}',
      'unexpected RIGHT_BRACE',
    ],
    ['an array at the top', '[{"code":"MZ"}]', 'is not a JSON object'],
    [
      'a boundary without a code',
      '{"TenantBoundary":[{"boundary":[{"boundaryType":"C"}]}]}',
      'without a code',
    ],
    [
      'a boundary without a type',
      '{"TenantBoundary":[{"boundary":[{"code":"MZ"}]}]}',
      'MZ without a boundaryType',
    ],
    ['a boundary that is text', '{"TenantBoundary":[{"boundary":["MZ"]}]}', 'not an object: "MZ"'],
    [
      'a second value after the answer',
      '{"TenantBoundary":[]} {"TenantBoundary":[]}',
      'is not a JSON object',
    ],
  ])('refuses an answer with %s', async (_case, text, message) => {
    const reading = readWhole(text);
    await expect(reading).rejects.toThrow(BoundaryTreeAnswerError);
    await expect(readWhole(text)).rejects.toThrow(message);
  });
});
