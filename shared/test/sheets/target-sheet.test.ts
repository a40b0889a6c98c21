import { describe, expect, it } from '@jest/globals';

import type { SheetError } from '../../src/sheets/errors.ts';
import { readTargetSheet } from '../../src/sheets/target-sheet.ts';
import type { TargetRow } from '../../src/sheets/target-sheet.ts';
import { CONTEXT, TARGET_KEYS, buildWorkbook, target } from './fixtures.ts';
import type { SheetSpec } from './fixtures.ts';

const CODE = 'HCM_ADMIN_CONSOLE_BOUNDARY_CODE';
const HOUSEHOLD = 'HCM_ADMIN_CONSOLE_TARGET';
const INDIVIDUAL = 'HCM_ADMIN_CONSOLE_TARGET_BEDNET_COLUMN_2';
const EXTRA = 'HCM_ADMIN_CONSOLE_TARGET_BEDNET_COLUMN_3';

const README: SheetSpec = {
  name: 'Readme',
  keys: ['HOW TO FILL THIS WORKBOOK'],
  rows: [{ 'HOW TO FILL THIS WORKBOOK': 'x' }],
};

async function read(sheets: SheetSpec[], maxErrors?: number) {
  const parsed: TargetRow[] = [];
  const summary = await readTargetSheet(await buildWorkbook(...sheets), CONTEXT, {
    onRows: (batch) => void parsed.push(...batch),
    ...(maxErrors === undefined ? {} : { maxErrors }),
  });
  return { summary, rows: parsed };
}

function sheet(name: string, rows: SheetSpec['rows'], keys: readonly string[] = TARGET_KEYS): SheetSpec {
  return { name, keys, rows };
}

function located(errors: SheetError[]) {
  return errors.map(({ sheet, row, column, code }) => ({ sheet, row, column, code }));
}

const VALID_P1 = [target('D1', 100, 400, 5), target('D2', 200, 800)];
const VALID_P2 = [target('D3', 300, 1200, 0)];

describe('readTargetSheet', () => {
  it('reads every target sheet, ignoring a readme, into rows of target values', async () => {
    const { summary, rows } = await read([README, sheet('P1', VALID_P1), sheet('P2', [null, ...VALID_P2])]);
    expect(summary).toEqual({
      sheets: ['P1', 'P2'],
      rowCount: 3,
      validRowCount: 3,
      invalidRowCount: 0,
      errors: [],
      omittedErrorCount: 0,
    });
    expect(rows).toEqual([
      {
        rowNumber: 3,
        sheet: 'P1',
        boundaryCode: 'D1',
        values: { [HOUSEHOLD]: 100, [INDIVIDUAL]: 400, [EXTRA]: 5 },
      },
      { rowNumber: 4, sheet: 'P1', boundaryCode: 'D2', values: { [HOUSEHOLD]: 200, [INDIVIDUAL]: 800 } },
      {
        rowNumber: 4,
        sheet: 'P2',
        boundaryCode: 'D3',
        values: { [HOUSEHOLD]: 300, [INDIVIDUAL]: 1200, [EXTRA]: 0 },
      },
    ]);
  });

  it('accepts a sheet without the optional target column', async () => {
    const keys = TARGET_KEYS.filter((key) => key !== EXTRA);
    const { summary, rows } = await read([sheet('P1', [...VALID_P1, ...VALID_P2], keys)]);
    expect(summary.errors).toEqual([]);
    expect(rows.map((row) => row.values)).toEqual([
      { [HOUSEHOLD]: 100, [INDIVIDUAL]: 400 },
      { [HOUSEHOLD]: 200, [INDIVIDUAL]: 800 },
      { [HOUSEHOLD]: 300, [INDIVIDUAL]: 1200 },
    ]);
  });

  const badCases: [string, Record<string, unknown>, string, string][] = [
    ['a required target of 0', target('D2', 0, 800), HOUSEHOLD, 'INVALID_TARGET'],
    ['a required target above 1,000,000', target('D2', 1_000_001, 800), HOUSEHOLD, 'INVALID_TARGET'],
    ['a fractional target', target('D2', 200, 80.5), INDIVIDUAL, 'INVALID_TARGET'],
    ['a target in words', target('D2', 'many', 800), HOUSEHOLD, 'INVALID_TARGET'],
    ['an empty required target', target('D2', undefined, 800), HOUSEHOLD, 'REQUIRED'],
    ['a negative optional target', target('D2', 200, 800, -1), EXTRA, 'INVALID_TARGET'],
    ['an empty boundary code', { ...target('D2', 200, 800), [CODE]: ' ' }, CODE, 'REQUIRED'],
  ];

  it.each(badCases)('rejects %s with sheet, row, column and code', async (_name, row, column, code) => {
    const { summary, rows } = await read([sheet('P1', [VALID_P1[0]!, row]), sheet('P2', VALID_P2)]);
    const errors = located(summary.errors).filter((error) => error.code !== 'MISSING_BOUNDARY');
    expect(errors).toEqual([{ sheet: 'P1', row: 4, column, code }]);
    expect(rows.map((parsed) => parsed.boundaryCode)).toEqual(['D1', 'D3']);
  });

  it('explains a bad target', async () => {
    const { summary } = await read([
      sheet('P1', [VALID_P1[0]!, target('D2', 0, 800)]),
      sheet('P2', VALID_P2),
    ]);
    expect(summary.errors.map((error) => error.message)).toEqual([
      `Sheet P1, row 4, column ${HOUSEHOLD}: "0" is not a whole number between 1 and 1,000,000`,
    ]);
  });

  it('rejects a boundary outside the campaign and one that is not of the lowest level', async () => {
    const { summary } = await read([
      sheet('P1', [
        ...VALID_P1,
        { ...target('D1', 1, 1), [CODE]: 'P1' },
        { ...target('D1', 1, 1), [CODE]: 'ZZ' },
      ]),
      sheet('P2', VALID_P2),
    ]);
    expect(summary.errors).toEqual([
      {
        sheet: 'P1',
        row: 5,
        column: CODE,
        code: 'NOT_LEAF_BOUNDARY',
        message: `Sheet P1, row 5, column ${CODE}: boundary "P1" is not a lowest-level boundary of this campaign; only those take targets`,
      },
      {
        sheet: 'P1',
        row: 6,
        column: CODE,
        code: 'UNKNOWN_BOUNDARY',
        message: `Sheet P1, row 6, column ${CODE}: boundary "ZZ" is not part of this campaign`,
      },
    ]);
  });

  it('rejects a boundary listed twice across sheets, on the second row', async () => {
    const { summary, rows } = await read([
      sheet('P1', VALID_P1),
      sheet('P2', [...VALID_P2, target('D1', 5, 5)]),
    ]);
    expect(summary.errors).toEqual([
      {
        sheet: 'P2',
        row: 4,
        column: CODE,
        code: 'DUPLICATE_BOUNDARY',
        message: `Sheet P2, row 4, column ${CODE}: boundary "D1" already has targets in sheet P1, row 3`,
      },
    ]);
    expect(rows).toHaveLength(3);
  });

  it('reports each lowest-level boundary without a row', async () => {
    const { summary } = await read([sheet('P1', [VALID_P1[1]!])]);
    expect(summary.errors).toEqual([
      {
        code: 'MISSING_BOUNDARY',
        message:
          'Target workbook: boundary "D1" of the campaign has no row; every lowest-level boundary needs targets',
      },
      {
        code: 'MISSING_BOUNDARY',
        message:
          'Target workbook: boundary "D3" of the campaign has no row; every lowest-level boundary needs targets',
      },
    ]);
  });

  it('caps the missing-boundary errors like any other', async () => {
    const { summary } = await read([sheet('P1', [])], 1);
    expect(summary.errors.map((error) => error.code)).toEqual(['MISSING_BOUNDARY']);
    expect(summary.omittedErrorCount).toBe(2);
  });

  it('reports a missing required target column once per sheet', async () => {
    const keys = TARGET_KEYS.filter((key) => key !== INDIVIDUAL);
    const { summary, rows } = await read([sheet('P1', VALID_P1, keys), sheet('P2', VALID_P2)]);
    expect(located(summary.errors)).toEqual([
      { sheet: 'P1', row: undefined, column: INDIVIDUAL, code: 'COLUMN_MISSING' },
    ]);
    expect(rows.map((row) => row.boundaryCode)).toEqual(['D3']);
  });

  it('needs at least one sheet with the boundary code column', async () => {
    const { summary } = await read([README]);
    expect(summary.errors).toEqual([
      {
        code: 'SHEET_MISSING',
        message: `Target workbook: no sheet has the column ${CODE} in row 1; the workbook holds no targets`,
      },
    ]);
  });

  it('reports all errors across sheets in one pass', async () => {
    const { summary } = await read([
      sheet('P1', [target('D1', 'x', 400), target('D2', 200, -5)]),
      sheet('P2', [target('D3', 300, 1200, 'y'), target('D3', 1, 1)]),
    ]);
    expect(located(summary.errors)).toEqual([
      { sheet: 'P1', row: 3, column: HOUSEHOLD, code: 'INVALID_TARGET' },
      { sheet: 'P1', row: 4, column: INDIVIDUAL, code: 'INVALID_TARGET' },
      { sheet: 'P2', row: 3, column: EXTRA, code: 'INVALID_TARGET' },
      { sheet: 'P2', row: 4, column: CODE, code: 'DUPLICATE_BOUNDARY' },
    ]);
  });
});
