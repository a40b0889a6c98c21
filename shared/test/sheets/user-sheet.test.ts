import { describe, expect, it } from '@jest/globals';

import { FACILITY_SHEET, USER_SHEET, UserColumn } from '../../src/sheets/format.ts';
import { readUserSheet } from '../../src/sheets/user-sheet.ts';
import type { UserRow } from '../../src/sheets/user-sheet.ts';
import type { SheetError } from '../../src/sheets/errors.ts';
import { CONTEXT, FACILITY_KEYS, USER_KEYS, buildWorkbook, facility, user } from './fixtures.ts';

async function read(
  rows: (Record<string, unknown> | null)[],
  keys: readonly string[] = USER_KEYS,
  options: { maxErrors?: number; onError?: (error: SheetError) => void } = {},
) {
  const workbook = await buildWorkbook({ name: USER_SHEET, keys, rows });
  const parsed: UserRow[] = [];
  const summary = await readUserSheet(workbook, CONTEXT, {
    ...options,
    onRows: (batch) => void parsed.push(...batch),
  });
  return { summary, rows: parsed };
}

function located(errors: SheetError[]) {
  return errors.map(({ sheet, row, column, code }) => ({ sheet, row, column, code }));
}

describe('readUserSheet', () => {
  it('parses valid rows into users', async () => {
    const { summary, rows } = await read([
      user({ [UserColumn.userName]: 'ana.m', [UserColumn.userServiceUuid]: 'uuid-1' }),
      user({
        [UserColumn.name]: 'Rui',
        [UserColumn.phone]: 8123456702,
        [UserColumn.role]: 'supervisor, DISTRIBUTOR',
        [UserColumn.employmentType]: 'permanent',
        [UserColumn.usage]: 'Inactive',
        [UserColumn.boundaryCodes]: 'P1,D3',
      }),
    ]);
    expect(summary.errors).toEqual([]);
    expect(rows).toEqual([
      {
        rowNumber: 3,
        name: 'Ana Mabunda',
        phone: '8123456701',
        roles: ['DISTRIBUTOR'],
        employmentType: 'Temporary',
        usage: 'Active',
        boundaryCodes: ['D1'],
        userName: 'ana.m',
        userServiceUuid: 'uuid-1',
      },
      {
        rowNumber: 4,
        name: 'Rui',
        phone: '8123456702',
        roles: ['SUPERVISOR', 'DISTRIBUTOR'],
        employmentType: 'Permanent',
        usage: 'Inactive',
        boundaryCodes: ['P1', 'D3'],
      },
    ]);
  });

  const badCases: [string, Record<string, unknown>, string, string][] = [
    ['a one-letter name', { [UserColumn.name]: 'A' }, UserColumn.name, 'INVALID_NAME'],
    ['a 129-letter name', { [UserColumn.name]: 'x'.repeat(129) }, UserColumn.name, 'INVALID_NAME'],
    ['an empty phone', { [UserColumn.phone]: undefined }, UserColumn.phone, 'REQUIRED'],
    ['a short phone', { [UserColumn.phone]: '12345' }, UserColumn.phone, 'INVALID_PHONE'],
    ['a phone with letters', { [UserColumn.phone]: '81234567AB' }, UserColumn.phone, 'INVALID_PHONE'],
    ['an unknown role', { [UserColumn.role]: 'DISTRIBUTOR,CHIEF' }, UserColumn.role, 'INVALID_ROLE'],
    ['no role', { [UserColumn.role]: ',' }, UserColumn.role, 'REQUIRED'],
    [
      'an unknown employment type',
      { [UserColumn.employmentType]: 'Volunteer' },
      UserColumn.employmentType,
      'INVALID_EMPLOYMENT_TYPE',
    ],
    ['an empty usage', { [UserColumn.usage]: undefined }, UserColumn.usage, 'REQUIRED'],
    [
      'a boundary outside the campaign',
      { [UserColumn.boundaryCodes]: 'D9' },
      UserColumn.boundaryCodes,
      'UNKNOWN_BOUNDARY',
    ],
    [
      'a user name starting with a digit',
      { [UserColumn.userName]: '9lives' },
      UserColumn.userName,
      'INVALID_USER_NAME',
    ],
    ['a user name too short', { [UserColumn.userName]: 'ab' }, UserColumn.userName, 'INVALID_USER_NAME'],
  ];

  it.each(badCases)('rejects %s with sheet, row, column and code', async (_name, overrides, column, code) => {
    const { summary, rows } = await read([user(), user({ [UserColumn.phone]: '8123456799', ...overrides })]);
    expect(located(summary.errors)).toEqual([{ sheet: USER_SHEET, row: 4, column, code }]);
    expect(summary.errors[0]?.message).toMatch(`Sheet ${USER_SHEET}, row 4, column ${column}: `);
    expect(rows.map((row) => row.rowNumber)).toEqual([3]);
  });

  it('says which phone is wrong and why', async () => {
    const rows = [
      user(),
      ...Array.from({ length: 10 }, (_v, i) => user({ [UserColumn.phone]: `81234567${10 + i}` })),
    ];
    rows.push(user({ [UserColumn.phone]: '12345' }));
    const { summary } = await read(rows);
    expect(summary.errors.map((error) => error.message)).toEqual([
      `Sheet ${USER_SHEET}, row 14, column ${UserColumn.phone}: "12345" is not a 10-digit phone number`,
    ]);
  });

  it('rejects a phone number used twice, on the later row, naming the earlier one', async () => {
    const { summary, rows } = await read([
      user(),
      user({ [UserColumn.phone]: '8123456702' }),
      user({ [UserColumn.phone]: 8123456701 }),
    ]);
    expect(summary.errors).toEqual([
      {
        sheet: USER_SHEET,
        row: 5,
        column: UserColumn.phone,
        code: 'DUPLICATE_PHONE',
        message: `Sheet ${USER_SHEET}, row 5, column ${UserColumn.phone}: phone number "8123456701" is already used in row 3`,
      },
    ]);
    expect(rows.map((row) => row.rowNumber)).toEqual([3, 4]);
  });

  it('rejects a user name used twice', async () => {
    const { summary } = await read([
      user({ [UserColumn.userName]: 'field.one' }),
      user({ [UserColumn.phone]: '8123456702', [UserColumn.userName]: 'Field.One' }),
    ]);
    expect(located(summary.errors)).toEqual([
      { sheet: USER_SHEET, row: 4, column: UserColumn.userName, code: 'DUPLICATE_USER_NAME' },
    ]);
  });

  it('needs at least one Active row', async () => {
    const { summary, rows } = await read([user({ [UserColumn.usage]: 'Inactive' })]);
    expect(summary.errors).toEqual([
      {
        sheet: USER_SHEET,
        code: 'NO_ACTIVE_ROW',
        message: `Sheet ${USER_SHEET}: no row has usage Active; at least one Active row is needed`,
      },
    ]);
    expect(rows).toHaveLength(1);
  });

  it('needs the user sheet', async () => {
    const workbook = await buildWorkbook({ name: FACILITY_SHEET, keys: FACILITY_KEYS, rows: [facility()] });
    const summary = await readUserSheet(workbook, CONTEXT);
    expect(summary.sheets).toEqual([]);
    expect(summary.errors).toEqual([
      {
        sheet: USER_SHEET,
        code: 'SHEET_MISSING',
        message: `Sheet ${USER_SHEET}: the sheet is missing from the workbook (its sheets are ${FACILITY_SHEET}); sheet names must match exactly`,
      },
    ]);
  });

  it('reports each missing required column once, and still checks the other columns', async () => {
    const keys = USER_KEYS.filter((key) => key !== UserColumn.phone && key !== UserColumn.role);
    const { summary, rows } = await read([user(), user({ [UserColumn.usage]: 'Sometimes' })], keys);
    expect(located(summary.errors)).toEqual([
      { sheet: USER_SHEET, row: undefined, column: UserColumn.phone, code: 'COLUMN_MISSING' },
      { sheet: USER_SHEET, row: undefined, column: UserColumn.role, code: 'COLUMN_MISSING' },
      { sheet: USER_SHEET, row: 4, column: UserColumn.usage, code: 'INVALID_USAGE' },
    ]);
    expect(summary.errors[0]?.message).toBe(
      `Sheet ${USER_SHEET}, column ${UserColumn.phone}: the required column ${UserColumn.phone} is missing (row 1 must hold the column keys)`,
    );
    expect(rows).toEqual([]);
    expect(summary.invalidRowCount).toBe(2);
  });

  it('keeps errors up to the cap, counts the rest, and still hands every one to onError', async () => {
    const bad = Array.from({ length: 8 }, (_v, i) => user({ [UserColumn.phone]: `bad-${i}` }));
    const seen: SheetError[] = [];
    const { summary } = await read([user(), ...bad], USER_KEYS, {
      maxErrors: 5,
      onError: (e) => seen.push(e),
    });
    expect(summary.errors.map((error) => error.row)).toEqual([4, 5, 6, 7, 8]);
    expect(summary.omittedErrorCount).toBe(3);
    expect(seen.map((error) => error.row)).toEqual([4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('reports a file that is not a workbook instead of failing', async () => {
    for (const bytes of [Buffer.from('name,phone\nAna,8123456701\n'), Buffer.alloc(0)]) {
      const summary = await readUserSheet(bytes, CONTEXT);
      expect(located(summary.errors)).toEqual([
        { sheet: USER_SHEET, row: undefined, column: undefined, code: 'UNREADABLE_WORKBOOK' },
      ]);
    }
  });

  it('passes on a failure of the row callback rather than hiding it as a sheet error', async () => {
    const workbook = await buildWorkbook({ name: USER_SHEET, keys: USER_KEYS, rows: [user()] });
    const failing = readUserSheet(workbook, CONTEXT, {
      onRows: () => {
        throw new Error('database is down');
      },
    });
    await expect(failing).rejects.toThrow('database is down');
  });

  it('reads on while the callback works on a batch, and hands the batches over in order, one at a time', async () => {
    const phones = ['8123456701', '8123456702', '12345', '8123456704', '8123456705'];
    const workbook = await buildWorkbook({
      name: USER_SHEET,
      keys: USER_KEYS,
      rows: phones.map((phone) => user({ [UserColumn.phone]: phone })),
    });
    // The first batch (rows 1-2) is done only once the reader has reached the invalid third row: a
    // reader waiting for its callback would never get there.
    let reachedThirdRow: () => void = () => undefined;
    const thirdRowRead = new Promise<void>((resolve) => (reachedThirdRow = resolve));
    const notWithin = new Promise<never>((_resolve, reject) =>
      setTimeout(() => reject(new Error('the reader waited for its callback')), 2000).unref(),
    );
    const handed: string[][] = [];
    let working = 0;
    let mostAtOnce = 0;
    const summary = await readUserSheet(workbook, CONTEXT, {
      batchSize: 2,
      onError: reachedThirdRow,
      onRows: async (batch) => {
        working++;
        mostAtOnce = Math.max(mostAtOnce, working);
        if (handed.length === 0) await Promise.race([thirdRowRead, notWithin]);
        await new Promise((resolve) => setTimeout(resolve, 20));
        handed.push(batch.map((row) => row.phone));
        working--;
      },
    });
    expect(located(summary.errors)).toEqual([
      { sheet: USER_SHEET, row: 5, column: UserColumn.phone, code: 'INVALID_PHONE' },
    ]);
    expect(handed).toEqual([
      ['8123456701', '8123456702'],
      ['8123456704', '8123456705'],
    ]);
    expect(mostAtOnce).toBe(1);
  });

  it('fails the read when a batch handed over earlier fails while the next is read', async () => {
    const workbook = await buildWorkbook({
      name: USER_SHEET,
      keys: USER_KEYS,
      rows: ['8123456701', '8123456702', '8123456703'].map((phone) => user({ [UserColumn.phone]: phone })),
    });
    let batches = 0;
    const failing = readUserSheet(workbook, CONTEXT, {
      batchSize: 1,
      onRows: async () => {
        batches++;
        await new Promise((resolve) => setTimeout(resolve, 10));
        throw new Error('the insert failed');
      },
    });
    await expect(failing).rejects.toThrow('the insert failed');
    expect(batches).toBe(1);
  });
});
