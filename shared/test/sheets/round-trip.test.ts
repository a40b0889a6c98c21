import { describe, expect, it } from '@jest/globals';

import { readFacilitySheet } from '../../src/sheets/facility-sheet.ts';
import type { FacilityRow } from '../../src/sheets/facility-sheet.ts';
import { FACILITY_SHEET, TargetColumn, USER_SHEET } from '../../src/sheets/format.ts';
import {
  EMPTY_TARGET_SHEET,
  writeFacilitySheet,
  writeTargetWorkbook,
  writeUserSheet,
} from '../../src/sheets/sheet-writers.ts';
import type { FacilitySheetRow, TargetSheetRow, UserSheetRow } from '../../src/sheets/sheet-writers.ts';
import { readTargetSheet } from '../../src/sheets/target-sheet.ts';
import type { TargetRow } from '../../src/sheets/target-sheet.ts';
import { readUserSheet } from '../../src/sheets/user-sheet.ts';
import type { UserRow } from '../../src/sheets/user-sheet.ts';
import { CONTEXT, TARGET_COLUMNS, readBack } from './fixtures.ts';

const FACILITIES: FacilitySheetRow[] = [
  {
    facilityId: 'F-77',
    name: 'Depot Norte',
    type: 'Warehouse',
    status: 'Permanent',
    capacity: 90_000,
    boundaryCodes: ['P1', 'D3'],
    usage: 'Active',
  },
  {
    name: 'Clinic 2',
    type: 'Health Facility',
    status: 'Temporary',
    capacity: 1,
    boundaryCodes: ['D2'],
    usage: 'Inactive',
  },
  {
    facilityId: 'F-78',
    name: 'Store Sul',
    type: 'Storing Resource',
    status: 'Temporary',
    capacity: 300,
    boundaryCodes: [],
    usage: 'Inactive',
  },
];

const USERS: UserSheetRow[] = [
  {
    name: 'Ana Mabunda',
    phone: '0123456789',
    roles: ['DISTRIBUTOR', 'REGISTRAR'],
    employmentType: 'Temporary',
    usage: 'Active',
    boundaryCodes: ['D1'],
    userName: 'ana.mabunda',
    userServiceUuid: '5f0c2a1e-0000-4000-8000-000000000001',
  },
  {
    name: 'Rui',
    phone: '8123456702',
    roles: ['SUPERVISOR'],
    employmentType: 'Permanent',
    usage: 'Inactive',
    boundaryCodes: ['MZ'],
  },
];

async function* asyncRows<T>(rows: T[]): AsyncGenerator<T> {
  for (const row of rows) yield row;
}

describe('sheet writers', () => {
  it('write a facility sheet the facility reader reads back unchanged', async () => {
    const buffer = await writeFacilitySheet(FACILITIES);
    const read: FacilityRow[] = [];
    const summary = await readFacilitySheet(buffer, CONTEXT, { onRows: (rows) => void read.push(...rows) });
    expect(summary.errors).toEqual([]);
    expect(read).toEqual(FACILITIES.map((row, index) => ({ rowNumber: index + 3, ...row })));
    const sheet = (await readBack(buffer)).get(FACILITY_SHEET);
    expect(sheet?.[1]?.[1]).toBe('Facility Name');
  });

  it('write a user sheet from an async source that the user reader reads back unchanged', async () => {
    const buffer = await writeUserSheet(asyncRows(USERS));
    const read: UserRow[] = [];
    const summary = await readUserSheet(buffer, CONTEXT, { onRows: (rows) => void read.push(...rows) });
    expect(summary.errors).toEqual([]);
    expect(read).toEqual(USERS.map((row, index) => ({ rowNumber: index + 3, ...row })));
    expect((await readBack(buffer)).get(USER_SHEET)?.[2]?.[1]).toBe('0123456789');
  });

  it('write a target workbook, one sheet per group, that the target reader reads back unchanged', async () => {
    const rows: TargetSheetRow[] = [
      {
        sheet: 'P1',
        boundaryCode: 'D1',
        path: ['MZ', 'P1', 'D1'],
        values: { HCM_ADMIN_CONSOLE_TARGET: 10, HCM_ADMIN_CONSOLE_TARGET_BEDNET_COLUMN_2: 40 },
      },
      {
        sheet: 'P1',
        boundaryCode: 'D2',
        path: ['MZ', 'P1', 'D2'],
        values: {
          HCM_ADMIN_CONSOLE_TARGET: 20,
          HCM_ADMIN_CONSOLE_TARGET_BEDNET_COLUMN_2: 80,
          HCM_ADMIN_CONSOLE_TARGET_BEDNET_COLUMN_3: 0,
        },
      },
      {
        sheet: 'P2',
        boundaryCode: 'D3',
        values: { HCM_ADMIN_CONSOLE_TARGET: 30, HCM_ADMIN_CONSOLE_TARGET_BEDNET_COLUMN_2: 120 },
      },
    ];
    const buffer = await writeTargetWorkbook(rows, CONTEXT.boundaryTypes, TARGET_COLUMNS);
    const read: TargetRow[] = [];
    const summary = await readTargetSheet(buffer, CONTEXT, { onRows: (batch) => void read.push(...batch) });
    expect(summary.errors).toEqual([]);
    expect(read).toEqual([
      { rowNumber: 3, sheet: 'P1', boundaryCode: 'D1', values: rows[0]?.values },
      { rowNumber: 4, sheet: 'P1', boundaryCode: 'D2', values: rows[1]?.values },
      { rowNumber: 3, sheet: 'P2', boundaryCode: 'D3', values: rows[2]?.values },
    ]);
    const p1 = (await readBack(buffer)).get('P1');
    expect(p1?.[0]).toEqual([
      'COUNTRY',
      'PROVINCE',
      'DISTRICT',
      TargetColumn.boundaryCode,
      ...TARGET_COLUMNS.map((c) => c.key),
    ]);
    expect(p1?.[2]?.slice(0, 4)).toEqual(['MZ', 'P1', 'D1', 'D1']);
  });

  it('refuse target rows of one sheet split around another, and sheet names Excel refuses', async () => {
    const row = (sheet: string): TargetSheetRow => ({ sheet, boundaryCode: 'D1', values: {} });
    await expect(writeTargetWorkbook([row('A'), row('B'), row('A')], [], TARGET_COLUMNS)).rejects.toThrow(
      'must come together',
    );
    await expect(writeTargetWorkbook([row('x'.repeat(32))], [], TARGET_COLUMNS)).rejects.toThrow(
      'invalid sheet name',
    );
    await expect(writeTargetWorkbook([row('a/b')], [], TARGET_COLUMNS)).rejects.toThrow('invalid sheet name');
  });

  it('write a target workbook with no rows as one empty target sheet', async () => {
    const buffer = await writeTargetWorkbook([], CONTEXT.boundaryTypes, TARGET_COLUMNS);
    const summary = await readTargetSheet(buffer, CONTEXT);
    expect(summary.sheets).toEqual([EMPTY_TARGET_SHEET]);
    expect(summary.errors.map((error) => error.code)).toEqual([
      'MISSING_BOUNDARY',
      'MISSING_BOUNDARY',
      'MISSING_BOUNDARY',
    ]);
  });
});
