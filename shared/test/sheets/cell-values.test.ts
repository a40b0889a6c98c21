import { describe, expect, it } from '@jest/globals';
import ExcelJS from 'exceljs';
import { PassThrough, Readable } from 'node:stream';

import { cellText, normaliseCell } from '../../src/sheets/cell.ts';
import { readFacilitySheet } from '../../src/sheets/facility-sheet.ts';
import { FACILITY_SHEET, FacilityColumn, USER_SHEET, UserColumn } from '../../src/sheets/format.ts';
import { readUserSheet } from '../../src/sheets/user-sheet.ts';
import type { UserRow } from '../../src/sheets/user-sheet.ts';
import { CONTEXT, FACILITY_KEYS, USER_KEYS, buildWorkbook, facility, user } from './fixtures.ts';

describe('cell values', () => {
  it('reduces every kind of cell to the text or number a person sees', () => {
    expect(normaliseCell(42)).toBe(42);
    expect(normaliseCell('  Depot  ')).toBe('Depot');
    expect(normaliseCell('   ')).toBeUndefined();
    expect(normaliseCell(null)).toBeUndefined();
    expect(normaliseCell({ richText: [{ text: 'Depot ' }, { font: { bold: true }, text: 'Norte' }] })).toBe(
      'Depot Norte',
    );
    expect(normaliseCell({ formula: 'A1*2', result: 84 })).toBe(84);
    expect(normaliseCell({ sharedFormula: 'B3', result: 'Active' })).toBe('Active');
    expect(normaliseCell({ formula: 'A1' })).toBeUndefined();
    expect(normaliseCell({ text: 'Clinic', hyperlink: 'https://example.org' })).toBe('Clinic');
    expect(normaliseCell({ error: '#N/A' })).toBe('#N/A');
    expect(normaliseCell(true)).toBe('TRUE');
    expect(cellText(8123456701)).toBe('8123456701');
    expect(cellText(2.5)).toBe('2.5');
  });

  it('reads rich text, formulas, hyperlinks and numbers from a workbook as their values', async () => {
    const workbook = await buildWorkbook({
      name: USER_SHEET,
      keys: USER_KEYS,
      rows: [
        user({
          [UserColumn.name]: { richText: [{ text: 'Ana ' }, { font: { italic: true }, text: 'Mabunda' }] },
          [UserColumn.phone]: { formula: '8123456700+1', result: 8123456701 },
          [UserColumn.role]: { text: 'REGISTRAR', hyperlink: 'https://example.org/roles' },
          [UserColumn.usage]: { formula: 'IF(TRUE,"Active","Inactive")', result: 'Active' },
          [UserColumn.boundaryCodes]: { richText: [{ text: 'D1,' }, { text: 'D2' }] },
        }),
      ],
    });
    const rows: UserRow[] = [];
    const summary = await readUserSheet(workbook, CONTEXT, { onRows: (batch) => void rows.push(...batch) });
    expect(summary.errors).toEqual([]);
    expect(rows).toEqual([
      {
        rowNumber: 3,
        name: 'Ana Mabunda',
        phone: '8123456701',
        roles: ['REGISTRAR'],
        employmentType: 'Temporary',
        usage: 'Active',
        boundaryCodes: ['D1', 'D2'],
      },
    ]);
  });

  it('reads inline rich text, as streaming writers store it, with every run', async () => {
    const sink = new PassThrough();
    const chunks: Buffer[] = [];
    sink.on('data', (chunk: Buffer) => chunks.push(chunk));
    const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: sink });
    const sheet = writer.addWorksheet(FACILITY_SHEET);
    sheet.addRow([...FACILITY_KEYS]).commit();
    sheet.addRow([...FACILITY_KEYS]).commit();
    const row = facility({ [FacilityColumn.name]: { richText: [{ text: 'Depot ' }, { text: 'Sul' }] } });
    sheet.addRow(FACILITY_KEYS.map((key) => row[key])).commit();
    sheet.commit();
    await writer.commit();
    const names: string[] = [];
    await readFacilitySheet(Buffer.concat(chunks), CONTEXT, {
      onRows: (rows) => void names.push(...rows.map((r) => r.name)),
    });
    expect(names).toEqual(['Depot Sul']);
  });

  it('reads from a stream that delivers the file in small pieces', async () => {
    const workbook = await buildWorkbook({ name: FACILITY_SHEET, keys: FACILITY_KEYS, rows: [facility()] });
    const pieces = Array.from({ length: Math.ceil(workbook.length / 100) }, (_v, i) =>
      workbook.subarray(i * 100, (i + 1) * 100),
    );
    const summary = await readFacilitySheet(Readable.from(pieces), CONTEXT);
    expect(summary).toMatchObject({ rowCount: 1, validRowCount: 1, errors: [] });
  });

  it('reports a stream that fails part-way as an unreadable workbook', async () => {
    const workbook = await buildWorkbook({ name: FACILITY_SHEET, keys: FACILITY_KEYS, rows: [facility()] });
    async function* failing(): AsyncGenerator<Buffer> {
      yield workbook.subarray(0, 200);
      throw new Error('connection reset');
    }
    const summary = await readFacilitySheet(Readable.from(failing()), CONTEXT);
    expect(summary.errors).toEqual([
      expect.objectContaining({
        code: 'UNREADABLE_WORKBOOK',
        message: expect.stringContaining('connection reset'),
      }),
    ]);
  });

  it('matches columns by their key in row 1, whatever their order', async () => {
    const keys = [...FACILITY_KEYS].reverse();
    const workbook = await buildWorkbook({
      name: FACILITY_SHEET,
      keys,
      rows: [facility({ [FacilityColumn.capacity]: '  7 ' })],
    });
    const capacities: number[] = [];
    await readFacilitySheet(workbook, CONTEXT, {
      onRows: (batch) => void capacities.push(...batch.map((r) => r.capacity)),
    });
    expect(capacities).toEqual([7]);
  });
});
