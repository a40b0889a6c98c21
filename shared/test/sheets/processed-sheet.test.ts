import { describe, expect, it } from '@jest/globals';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ERROR_DETAILS_COLUMN, STATUS_COLUMN, USER_SHEET, UserColumn } from '../../src/sheets/format.ts';
import { invalidRowOutcomes, writeProcessedSheet } from '../../src/sheets/processed-sheet.ts';
import type { RowOutcome } from '../../src/sheets/processed-sheet.ts';
import { readUserSheet } from '../../src/sheets/user-sheet.ts';
import type { UserRow } from '../../src/sheets/user-sheet.ts';
import { CONTEXT, USER_KEYS, buildWorkbook, readBack, user } from './fixtures.ts';

const README = { name: 'Readme', keys: ['NOTE'], rows: [{ NOTE: 'Fill one row per person' }] };

async function uploadedUsers(): Promise<Buffer> {
  return buildWorkbook(README, {
    name: USER_SHEET,
    keys: USER_KEYS,
    rows: [
      user(),
      user({ [UserColumn.phone]: '123', [UserColumn.role]: 'CHIEF' }),
      null,
      user({
        [UserColumn.phone]: '8123456702',
        [UserColumn.name]: { richText: [{ text: 'Rui ' }, { text: 'Z' }] },
      }),
    ],
  });
}

describe('writeProcessedSheet', () => {
  it('adds #status# and #errorDetails# to each data row of a rejected upload', async () => {
    const workbook = await uploadedUsers();
    const valid: UserRow[] = [];
    const summary = await readUserSheet(workbook, CONTEXT, { onRows: (rows) => void valid.push(...rows) });
    const outcomes = invalidRowOutcomes(summary.errors);
    const users = outcomes.get(USER_SHEET) ?? new Map<number, RowOutcome>();
    for (const row of valid) users.set(row.rowNumber, { status: 'valid', errors: [] });
    outcomes.set(USER_SHEET, users);

    const sheets = await readBack(await writeProcessedSheet(workbook, outcomes));

    expect([...sheets.keys()]).toEqual(['Readme', USER_SHEET]);
    expect(sheets.get('Readme')).toEqual([['NOTE'], ['NOTE'], ['Fill one row per person']]);
    const rows = sheets.get(USER_SHEET) ?? [];
    const status = USER_KEYS.length;
    expect(rows[0]?.slice(status)).toEqual([STATUS_COLUMN, ERROR_DETAILS_COLUMN]);
    expect(rows[1]?.slice(status)).toEqual(['Status', 'Error Details']);
    expect(rows[2]?.slice(status)).toEqual(['valid']);
    expect(rows[3]?.slice(status)).toEqual([
      'invalid',
      `column ${UserColumn.phone}: "123" is not a 10-digit phone number; ` +
        `column ${UserColumn.role}: "CHIEF" is not one of DISTRIBUTOR, REGISTRAR, SUPERVISOR, DISTRICT_SUPERVISOR`,
    ]);
    expect(rows[4]).toEqual([]);
    expect(rows[5]?.slice(0, 2)).toEqual(['Rui Z', '8123456702']);
    expect(rows[5]?.slice(status)).toEqual(['valid']);
    expect(rows[2]?.slice(0, status)).toEqual(USER_KEYS.map((key) => user()[key]));
  });

  it('reuses the status columns of a sheet processed before and can write to a stream', async () => {
    const first = await writeProcessedSheet(
      await uploadedUsers(),
      new Map([[USER_SHEET, new Map([[3, { status: 'failed' as const, errors: ['HRMS timed out'] }]])]]),
    );
    const dir = await mkdtemp(join(tmpdir(), 'processed-'));
    try {
      const path = join(dir, 'users.xlsx');
      await writeProcessedSheet(
        first,
        new Map([[USER_SHEET, new Map([[6, { status: 'created' as const, errors: [] }]])]]),
        createWriteStream(path),
      );
      const rows = (await readBack(await readFile(path))).get(USER_SHEET) ?? [];
      expect(rows[0]?.slice(USER_KEYS.length)).toEqual([STATUS_COLUMN, ERROR_DETAILS_COLUMN]);
      expect(rows[2]?.length).toBe(USER_KEYS.length - 2);
      expect(rows[5]?.slice(USER_KEYS.length)).toEqual(['created']);
      const summary = await readUserSheet(await readFile(path), CONTEXT);
      expect(summary.rowCount).toBe(3);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
