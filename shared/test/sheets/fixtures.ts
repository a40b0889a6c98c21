// Builds small workbooks the way Excel saves them (shared strings, rich text, formulas), and a campaign
// to check them against: country MZ, provinces P1 and P2, districts D1, D2 (in P1) and D3 (in P2).
import ExcelJS from 'exceljs';

import { CampaignBoundaries, type SheetValidationContext } from '../../src/sheets/context.ts';
import { FacilityColumn, UserColumn } from '../../src/sheets/format.ts';
import type { TargetColumnDefinition } from '../../src/domain/project-type.ts';

export interface SheetSpec {
  name: string;
  keys: readonly string[];
  /** One object per data row from row 3 on, by column key; null leaves the row empty. */
  rows: readonly (Readonly<Record<string, unknown>> | null)[];
  /** Row 2; the keys themselves when absent. */
  labels?: readonly string[];
}

export async function buildWorkbook(...sheets: SheetSpec[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  for (const spec of sheets) {
    const sheet = workbook.addWorksheet(spec.name);
    sheet.getRow(1).values = [...spec.keys];
    sheet.getRow(1).hidden = true;
    sheet.getRow(2).values = [...(spec.labels ?? spec.keys)];
    spec.rows.forEach((row, index) => {
      if (row === null) return;
      const excelRow = sheet.getRow(index + 3);
      spec.keys.forEach((key, column) => {
        const value = row[key];
        if (value !== undefined) excelRow.getCell(column + 1).value = value as ExcelJS.CellValue;
      });
    });
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

export const TARGET_COLUMNS: TargetColumnDefinition[] = [
  { key: 'HCM_ADMIN_CONSOLE_TARGET', beneficiaryType: 'HOUSEHOLD', required: true },
  { key: 'HCM_ADMIN_CONSOLE_TARGET_BEDNET_COLUMN_2', beneficiaryType: 'INDIVIDUAL', required: true },
  { key: 'HCM_ADMIN_CONSOLE_TARGET_BEDNET_COLUMN_3', beneficiaryType: 'HOUSEHOLD', required: false },
];

export const PARENT_OF = new Map<string, string | null>([
  ['MZ', null],
  ['P1', 'MZ'],
  ['P2', 'MZ'],
  ['D1', 'P1'],
  ['D2', 'P1'],
  ['D3', 'P2'],
]);

export const CONTEXT: SheetValidationContext = {
  boundaries: new CampaignBoundaries(PARENT_OF.keys(), ['D1', 'D2', 'D3']),
  boundaryTypes: ['COUNTRY', 'PROVINCE', 'DISTRICT'],
  targetColumns: TARGET_COLUMNS,
};

export const FACILITY_KEYS = Object.values(FacilityColumn);
export const USER_KEYS = Object.values(UserColumn);

export function facility(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    [FacilityColumn.name]: 'Central Warehouse',
    [FacilityColumn.type]: 'Warehouse',
    [FacilityColumn.status]: 'Permanent',
    [FacilityColumn.capacity]: 5000,
    [FacilityColumn.boundaryCodes]: 'P1',
    [FacilityColumn.usage]: 'Active',
    ...overrides,
  };
}

export function user(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    [UserColumn.name]: 'Ana Mabunda',
    [UserColumn.phone]: '8123456701',
    [UserColumn.role]: 'DISTRIBUTOR',
    [UserColumn.employmentType]: 'Temporary',
    [UserColumn.usage]: 'Active',
    [UserColumn.boundaryCodes]: 'D1',
    ...overrides,
  };
}

export const TARGET_KEYS = [
  'COUNTRY',
  'PROVINCE',
  'DISTRICT',
  'HCM_ADMIN_CONSOLE_BOUNDARY_CODE',
  ...TARGET_COLUMNS.map((column) => column.key),
];

export function target(
  code: string,
  household: unknown,
  individual: unknown,
  extra?: unknown,
): Record<string, unknown> {
  const parent = PARENT_OF.get(code) ?? undefined;
  return {
    COUNTRY: 'MZ',
    PROVINCE: parent,
    DISTRICT: code,
    HCM_ADMIN_CONSOLE_BOUNDARY_CODE: code,
    HCM_ADMIN_CONSOLE_TARGET: household,
    HCM_ADMIN_CONSOLE_TARGET_BEDNET_COLUMN_2: individual,
    HCM_ADMIN_CONSOLE_TARGET_BEDNET_COLUMN_3: extra,
  };
}

/** Reads every row of a workbook (a test's view of a written file): sheet name → rows of values. */
export async function readBack(buffer: Buffer): Promise<Map<string, ExcelJS.CellValue[][]>> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(buffer as unknown as ArrayBuffer);
  const sheets = new Map<string, ExcelJS.CellValue[][]>();
  workbook.eachSheet((sheet) => {
    const rows: ExcelJS.CellValue[][] = [];
    sheet.eachRow({ includeEmpty: true }, (row, number) => {
      const values = row.values as ExcelJS.CellValue[];
      rows[number - 1] = values.slice(1);
    });
    sheets.set(sheet.name, rows);
  });
  return sheets;
}
