import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  DEFAULT_SHEET_LIMITS,
  readFacilitySheet,
  readTargetSheet,
  readUserSheet,
  type SheetReadSummary,
} from '@campaign-pipeline/shared';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import {
  HOSTILE_CONTEXT,
  ZIP_BOMBS,
  hostileWorkbooks,
  writeSharedStringsBomb,
  type HostileWorkbook,
} from '../src/index.ts';
import { repeatedCrc32 } from '../src/sheets/hostile/zip.ts';

let dir: string;
const corpus = hostileWorkbooks();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hostile-workbooks-'));
  for (const { file, bytes } of corpus) await writeFile(join(dir, file), bytes);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function read(workbook: Pick<HostileWorkbook, 'file' | 'resource' | 'limits'>): Promise<SheetReadSummary> {
  const path = join(dir, workbook.file);
  const options = { limits: { ...DEFAULT_SHEET_LIMITS, ...workbook.limits } };
  switch (workbook.resource) {
    case 'facility':
      return readFacilitySheet(path, HOSTILE_CONTEXT, options);
    case 'user':
      return readUserSheet(path, HOSTILE_CONTEXT, options);
    case 'boundaryWithTarget':
      return readTargetSheet(path, HOSTILE_CONTEXT, options);
  }
}

describe('the corpus of broken and hostile workbooks', () => {
  it('has at least 40 files, each with its own name', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(40);
    expect(new Set(corpus.map((workbook) => workbook.file)).size).toBe(corpus.length);
  });

  it.each(corpus.map((workbook) => [workbook.file, workbook] as const))(
    '%s gets its precise error, where it is',
    async (_file, workbook) => {
      const summary = await read(workbook);
      const { code, sheet, row, column } = workbook.expected;
      const found = summary.errors.map((error) => ({
        code: error.code,
        sheet: error.sheet,
        row: error.row,
        column: error.column,
      }));
      expect(found).toContainEqual({ code, sheet, row, column });
      for (const error of summary.errors) expect(error.message.length).toBeGreaterThan(20);
    },
  );
});

describe('zip bombs', () => {
  it('computes the CRC-32 of a repeated block as zlib does over the bytes', () => {
    const block = Buffer.from('<si><t>Health Post</t></si>   ');
    for (const count of [1, 2, 3, 7, 64, 1000]) {
      const whole = Buffer.concat(Array.from({ length: count }, () => block));
      expect(repeatedCrc32(crc32(block), block.length, count)).toBe(crc32(whole));
    }
  });

  it.each(ZIP_BOMBS.map((bomb) => [bomb.file, bomb.inflatedBytes] as const))(
    '%s is written in well under a second and refused from its directory, naming the part and the limit',
    async (file, inflatedBytes) => {
      const path = join(dir, file);
      const started = performance.now();
      const written = await writeSharedStringsBomb(path, inflatedBytes);
      const writtenMs = performance.now() - started;
      expect(written.partBytes).toBeGreaterThan(inflatedBytes * 0.99);
      expect(written.fileBytes).toBeLessThan(inflatedBytes / 400);
      expect(writtenMs).toBeLessThan(5000);
      const reading = performance.now();
      const summary = await read({ file, resource: 'facility' });
      expect(performance.now() - reading).toBeLessThan(500);
      expect(summary.errors).toEqual([
        expect.objectContaining({
          code: 'PART_TOO_LARGE',
          message: expect.stringMatching(/xl\/sharedStrings\.xml.*SHEET_MAX_PART_BYTES/),
        }),
      ]);
      await rm(path);
    },
  );
});
