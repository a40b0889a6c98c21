import { describe, expect, it } from '@jest/globals';

import { readFacilitySheet } from '../../src/sheets/facility-sheet.ts';
import type { FacilityRow } from '../../src/sheets/facility-sheet.ts';
import { FACILITY_SHEET, FacilityColumn } from '../../src/sheets/format.ts';
import type { SheetReadSummary } from '../../src/sheets/sheet-reading.ts';
import { CONTEXT, FACILITY_KEYS, buildWorkbook, facility } from './fixtures.ts';

async function read(
  rows: (Record<string, unknown> | null)[],
  keys: readonly string[] = FACILITY_KEYS,
  options: { maxErrors?: number; batchSize?: number } = {},
): Promise<{ summary: SheetReadSummary; rows: FacilityRow[]; batches: number }> {
  const workbook = await buildWorkbook({ name: FACILITY_SHEET, keys, rows });
  const parsed: FacilityRow[] = [];
  let batches = 0;
  const summary = await readFacilitySheet(workbook, CONTEXT, {
    ...options,
    onRows: (batch) => {
      batches++;
      parsed.push(...batch);
    },
  });
  return { summary, rows: parsed, batches };
}

describe('readFacilitySheet', () => {
  it('parses valid rows into facilities, skipping blank rows and ignoring extra columns', async () => {
    const { summary, rows } = await read(
      [
        facility({ [FacilityColumn.code]: 'F-0001', NOTES: 'ignored' }),
        null,
        facility({
          [FacilityColumn.name]: '  Clinic Norte ',
          [FacilityColumn.type]: 'health facility',
          [FacilityColumn.status]: 'Temporary',
          [FacilityColumn.capacity]: '250',
          [FacilityColumn.boundaryCodes]: 'D1, D2,,D1',
          [FacilityColumn.usage]: 'Inactive',
        }),
      ],
      [...FACILITY_KEYS, 'NOTES'],
    );
    expect(summary).toEqual({
      sheets: [FACILITY_SHEET],
      rowCount: 2,
      validRowCount: 2,
      invalidRowCount: 0,
      errors: [],
      omittedErrorCount: 0,
    });
    expect(rows).toEqual([
      {
        rowNumber: 3,
        facilityId: 'F-0001',
        name: 'Central Warehouse',
        type: 'Warehouse',
        status: 'Permanent',
        capacity: 5000,
        boundaryCodes: ['P1'],
        usage: 'Active',
      },
      {
        rowNumber: 5,
        name: 'Clinic Norte',
        type: 'Health Facility',
        status: 'Temporary',
        capacity: 250,
        boundaryCodes: ['D1', 'D2'],
        usage: 'Inactive',
      },
    ]);
  });

  it('hands rows over in batches of the requested size', async () => {
    const many = Array.from({ length: 7 }, (_v, index) =>
      facility({ [FacilityColumn.name]: `Store ${index}` }),
    );
    const { summary, rows, batches } = await read(many, FACILITY_KEYS, { batchSize: 3 });
    expect(summary.validRowCount).toBe(7);
    expect(rows.map((row) => row.rowNumber)).toEqual([3, 4, 5, 6, 7, 8, 9]);
    expect(batches).toBe(3);
  });

  const badCases: [string, Record<string, unknown>, string, string][] = [
    ['an empty name', { [FacilityColumn.name]: '  ' }, FacilityColumn.name, 'REQUIRED'],
    [
      'an unknown facility type',
      { [FacilityColumn.type]: 'Shop' },
      FacilityColumn.type,
      'INVALID_FACILITY_TYPE',
    ],
    [
      'an unknown status',
      { [FacilityColumn.status]: 'Forever' },
      FacilityColumn.status,
      'INVALID_FACILITY_STATUS',
    ],
    ['an unknown usage', { [FacilityColumn.usage]: 'Maybe' }, FacilityColumn.usage, 'INVALID_USAGE'],
    ['a capacity of 0', { [FacilityColumn.capacity]: 0 }, FacilityColumn.capacity, 'INVALID_CAPACITY'],
    [
      'a capacity too large',
      { [FacilityColumn.capacity]: 100_000_001 },
      FacilityColumn.capacity,
      'INVALID_CAPACITY',
    ],
    [
      'a capacity in words',
      { [FacilityColumn.capacity]: 'lots' },
      FacilityColumn.capacity,
      'INVALID_CAPACITY',
    ],
    [
      'a fractional capacity',
      { [FacilityColumn.capacity]: 10.5 },
      FacilityColumn.capacity,
      'INVALID_CAPACITY',
    ],
    ['an empty capacity', { [FacilityColumn.capacity]: undefined }, FacilityColumn.capacity, 'REQUIRED'],
    [
      'a boundary outside the campaign',
      { [FacilityColumn.boundaryCodes]: 'P1,XX' },
      FacilityColumn.boundaryCodes,
      'UNKNOWN_BOUNDARY',
    ],
    [
      'an Active row with no boundary',
      { [FacilityColumn.boundaryCodes]: undefined },
      FacilityColumn.boundaryCodes,
      'BOUNDARY_REQUIRED',
    ],
    [
      'an Active row with only commas as boundaries',
      { [FacilityColumn.boundaryCodes]: ' , ' },
      FacilityColumn.boundaryCodes,
      'BOUNDARY_REQUIRED',
    ],
    [
      'an Inactive row naming a boundary outside the campaign',
      { [FacilityColumn.boundaryCodes]: 'XX', [FacilityColumn.usage]: 'Inactive' },
      FacilityColumn.boundaryCodes,
      'UNKNOWN_BOUNDARY',
    ],
    [
      'an Inactive row with an empty capacity',
      {
        [FacilityColumn.capacity]: undefined,
        [FacilityColumn.boundaryCodes]: undefined,
        [FacilityColumn.usage]: 'Inactive',
      },
      FacilityColumn.capacity,
      'REQUIRED',
    ],
  ];

  it.each(badCases)('rejects %s with sheet, row, column and code', async (_name, overrides, column, code) => {
    const { summary, rows } = await read([facility({ [FacilityColumn.name]: 'Good' }), facility(overrides)]);
    expect(summary.errors).toEqual([
      {
        sheet: FACILITY_SHEET,
        row: 4,
        column,
        code,
        message: expect.stringMatching(`^Sheet ${FACILITY_SHEET}, row 4, column ${column}: `),
      },
    ]);
    expect(rows.map((row) => row.rowNumber)).toEqual([3]);
    expect(summary.invalidRowCount).toBe(1);
  });

  it("lets an Inactive row leave its boundary empty, as a template lists the tenant's facilities", async () => {
    const { summary, rows } = await read([
      facility({ [FacilityColumn.name]: 'In use' }),
      facility({
        [FacilityColumn.code]: 'F-2026-01-01-000007',
        [FacilityColumn.name]: 'Existing Depot',
        [FacilityColumn.boundaryCodes]: undefined,
        [FacilityColumn.usage]: 'Inactive',
      }),
      facility({
        [FacilityColumn.name]: 'Spare Store',
        [FacilityColumn.boundaryCodes]: ' , ',
        [FacilityColumn.usage]: 'inactive',
      }),
    ]);
    expect(summary.errors).toEqual([]);
    expect(rows.slice(1)).toEqual([
      {
        rowNumber: 4,
        facilityId: 'F-2026-01-01-000007',
        name: 'Existing Depot',
        type: 'Warehouse',
        status: 'Permanent',
        capacity: 5000,
        boundaryCodes: [],
        usage: 'Inactive',
      },
      expect.objectContaining({ rowNumber: 5, boundaryCodes: [], usage: 'Inactive' }),
    ]);
  });

  it('says why an Active row needs a boundary code, naming sheet, row and column', async () => {
    const { summary } = await read([facility({ [FacilityColumn.boundaryCodes]: undefined })]);
    expect(summary.errors).toEqual([
      {
        sheet: FACILITY_SHEET,
        row: 3,
        column: FacilityColumn.boundaryCodes,
        code: 'BOUNDARY_REQUIRED',
        message: `Sheet ${FACILITY_SHEET}, row 3, column ${FacilityColumn.boundaryCodes}: an Active facility needs at least one boundary code; only an Inactive row may leave it empty`,
      },
    ]);
  });

  it('asks for a boundary code when the usage is not Inactive, even when the usage is wrong', async () => {
    const { summary } = await read([
      facility({ [FacilityColumn.name]: 'Good' }),
      facility({ [FacilityColumn.boundaryCodes]: undefined, [FacilityColumn.usage]: 'Actve' }),
    ]);
    expect(summary.errors.map(({ row, column, code }) => ({ row, column, code }))).toEqual([
      { row: 4, column: FacilityColumn.usage, code: 'INVALID_USAGE' },
      { row: 4, column: FacilityColumn.boundaryCodes, code: 'BOUNDARY_REQUIRED' },
    ]);
  });

  it('reports the missing boundary column once, not a missing boundary on every row', async () => {
    const keys = FACILITY_KEYS.filter((key) => key !== FacilityColumn.boundaryCodes);
    const { summary, rows } = await read([facility(), facility({ [FacilityColumn.name]: 'B' })], keys);
    expect(summary.errors.map(({ row, column, code }) => ({ row, column, code }))).toEqual([
      { row: undefined, column: FacilityColumn.boundaryCodes, code: 'COLUMN_MISSING' },
    ]);
    expect(rows).toEqual([]);
  });

  it('explains a wrong value in words a campaign manager understands', async () => {
    const { summary } = await read([
      facility({ [FacilityColumn.capacity]: 'lots', [FacilityColumn.type]: 'Shop' }),
    ]);
    expect(summary.errors.map((error) => error.message)).toEqual([
      `Sheet ${FACILITY_SHEET}, row 3, column ${FacilityColumn.type}: "Shop" is not one of Warehouse, Health Facility, Storing Resource`,
      `Sheet ${FACILITY_SHEET}, row 3, column ${FacilityColumn.capacity}: "lots" is not a whole number between 1 and 100,000,000`,
    ]);
  });

  it('rejects a facility name used twice, whatever the case and spaces, on the later row', async () => {
    const { summary, rows } = await read([
      facility({ [FacilityColumn.name]: 'Depot A' }),
      facility({ [FacilityColumn.name]: ' depot a ' }),
    ]);
    expect(summary.errors).toEqual([
      {
        sheet: FACILITY_SHEET,
        row: 4,
        column: FacilityColumn.name,
        code: 'DUPLICATE_FACILITY_NAME',
        message: `Sheet ${FACILITY_SHEET}, row 4, column ${FacilityColumn.name}: facility name "depot a" is already used in row 3`,
      },
    ]);
    expect(rows).toHaveLength(1);
  });

  it('rejects an existing facility code listed twice', async () => {
    const { summary } = await read([
      facility({ [FacilityColumn.name]: 'A', [FacilityColumn.code]: 'F-1' }),
      facility({ [FacilityColumn.name]: 'B', [FacilityColumn.code]: 'F-1' }),
    ]);
    expect(summary.errors.map(({ row, column, code }) => ({ row, column, code }))).toEqual([
      { row: 4, column: FacilityColumn.code, code: 'DUPLICATE_FACILITY_CODE' },
    ]);
  });

  it('reports every error of every row, not only the first', async () => {
    const { summary, rows } = await read([
      facility({ [FacilityColumn.type]: 'Shop', [FacilityColumn.capacity]: -1 }),
      facility({ [FacilityColumn.name]: 'Second' }),
      facility({
        [FacilityColumn.name]: 'Third',
        [FacilityColumn.boundaryCodes]: 'ZZ',
        [FacilityColumn.usage]: '',
      }),
    ]);
    expect(summary.errors.map(({ row, column, code }) => ({ row, column, code }))).toEqual([
      { row: 3, column: FacilityColumn.type, code: 'INVALID_FACILITY_TYPE' },
      { row: 3, column: FacilityColumn.capacity, code: 'INVALID_CAPACITY' },
      { row: 5, column: FacilityColumn.boundaryCodes, code: 'UNKNOWN_BOUNDARY' },
      { row: 5, column: FacilityColumn.usage, code: 'REQUIRED' },
    ]);
    expect(rows.map((row) => row.rowNumber)).toEqual([4]);
  });
});
