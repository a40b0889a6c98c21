// Writes facility, user and target sheets in the create format, so the current state of a campaign can
// be downloaded, edited and uploaded again. The readers of this package accept what these write.
import type { Writable } from 'node:stream';

import type { TargetColumnDefinition } from '../domain/project-type.ts';
import type { FacilityRow } from './facility-sheet.ts';
import {
  FACILITY_COLUMN_LABELS,
  FACILITY_SHEET,
  FacilityColumn,
  TARGET_BOUNDARY_CODE_LABEL,
  TargetColumn,
  USER_COLUMN_LABELS,
  USER_SHEET,
  UserColumn,
} from './format.ts';
import type { UserRow } from './user-sheet.ts';
import { checkSheetName, writeDataRow, writeHeader, writeWorkbook } from './workbook-output.ts';
import type { RowSource, WorkbookWriter, WorksheetWriter } from './workbook-output.ts';

export type FacilitySheetRow = Omit<FacilityRow, 'rowNumber'>;
export type UserSheetRow = Omit<UserRow, 'rowNumber'>;

export interface TargetSheetRow {
  /** The sheet the row goes to (DIGIT: one sheet per boundary of the split level). */
  sheet: string;
  boundaryCode: string;
  /** Codes of the row's boundary and its ancestors, top level first, one per boundary type. */
  path?: readonly string[];
  values: Readonly<Record<string, number>>;
}

const FACILITY_KEYS = Object.values(FacilityColumn);
const USER_KEYS = Object.values(UserColumn);

/** The sheet written when a target workbook has no rows at all. */
export const EMPTY_TARGET_SHEET = 'Targets';

function list(values: readonly string[]): string {
  return values.join(',');
}

async function writeSheet<Row>(
  workbook: WorkbookWriter,
  name: string,
  keys: readonly string[],
  labels: Readonly<Record<string, string>>,
  rows: RowSource<Row>,
  cellsOf: (row: Row) => Record<string, unknown>,
): Promise<void> {
  const sheet = workbook.addWorksheet(name);
  writeHeader(
    sheet,
    keys,
    keys.map((key) => labels[key] ?? key),
  );
  let index = 0;
  for await (const row of rows) {
    const cells = cellsOf(row);
    await writeDataRow(
      sheet,
      keys.map((key) => cells[key]),
      index++,
    );
  }
  sheet.commit();
}

export function writeFacilitySheet(rows: RowSource<FacilitySheetRow>): Promise<Buffer>;
export function writeFacilitySheet(rows: RowSource<FacilitySheetRow>, output: Writable): Promise<void>;
export async function writeFacilitySheet(
  rows: RowSource<FacilitySheetRow>,
  output?: Writable,
): Promise<Buffer | void> {
  return writeWorkbook(output, (workbook) =>
    writeSheet(workbook, FACILITY_SHEET, FACILITY_KEYS, FACILITY_COLUMN_LABELS, rows, (row) => ({
      [FacilityColumn.code]: row.facilityId,
      [FacilityColumn.name]: row.name,
      [FacilityColumn.type]: row.type,
      [FacilityColumn.status]: row.status,
      [FacilityColumn.capacity]: row.capacity,
      [FacilityColumn.boundaryCodes]: list(row.boundaryCodes),
      [FacilityColumn.usage]: row.usage,
    })),
  );
}

export function writeUserSheet(rows: RowSource<UserSheetRow>): Promise<Buffer>;
export function writeUserSheet(rows: RowSource<UserSheetRow>, output: Writable): Promise<void>;
export async function writeUserSheet(
  rows: RowSource<UserSheetRow>,
  output?: Writable,
): Promise<Buffer | void> {
  return writeWorkbook(output, (workbook) =>
    writeSheet(workbook, USER_SHEET, USER_KEYS, USER_COLUMN_LABELS, rows, (row) => ({
      [UserColumn.name]: row.name,
      // Written as text so that Excel keeps a leading zero and never shows an exponent.
      [UserColumn.phone]: row.phone,
      [UserColumn.role]: list(row.roles),
      [UserColumn.employmentType]: row.employmentType,
      [UserColumn.usage]: row.usage,
      [UserColumn.boundaryCodes]: list(row.boundaryCodes),
      [UserColumn.userName]: row.userName,
      [UserColumn.userServiceUuid]: row.userServiceUuid,
    })),
  );
}

async function fillTargetWorkbook(
  workbook: WorkbookWriter,
  rows: RowSource<TargetSheetRow>,
  boundaryTypes: readonly string[],
  targetColumns: readonly TargetColumnDefinition[],
): Promise<void> {
  const keys = [...boundaryTypes, TargetColumn.boundaryCode, ...targetColumns.map((column) => column.key)];
  const labels = [
    ...boundaryTypes,
    TARGET_BOUNDARY_CODE_LABEL,
    ...targetColumns.map((column) => `Target (${column.beneficiaryType})`),
  ];
  const written = new Set<string>();
  let sheet: WorksheetWriter | undefined;
  let index = 0;
  const open = (name: string): WorksheetWriter => {
    checkSheetName(name);
    if (written.has(name)) {
      throw new Error(
        `target rows of sheet ${JSON.stringify(name)} must come together, not after another sheet`,
      );
    }
    written.add(name);
    sheet?.commit();
    const opened = workbook.addWorksheet(name);
    writeHeader(opened, keys, labels);
    return opened;
  };
  for await (const row of rows) {
    if (sheet === undefined || sheet.name !== row.sheet) sheet = open(row.sheet);
    const path = boundaryTypes.map((_type, level) => row.path?.[level]);
    const targets = targetColumns.map((column) => row.values[column.key]);
    await writeDataRow(sheet, [...path, row.boundaryCode, ...targets], index++);
  }
  (sheet ?? open(EMPTY_TARGET_SHEET)).commit();
}

/**
 * Writes a target workbook. Rows must come grouped by sheet (e.g. ordered by sheet): a streaming writer
 * finishes one sheet before it starts the next.
 */
export function writeTargetWorkbook(
  rows: RowSource<TargetSheetRow>,
  boundaryTypes: readonly string[],
  targetColumns: readonly TargetColumnDefinition[],
): Promise<Buffer>;
export function writeTargetWorkbook(
  rows: RowSource<TargetSheetRow>,
  boundaryTypes: readonly string[],
  targetColumns: readonly TargetColumnDefinition[],
  output: Writable,
): Promise<void>;
export async function writeTargetWorkbook(
  rows: RowSource<TargetSheetRow>,
  boundaryTypes: readonly string[],
  targetColumns: readonly TargetColumnDefinition[],
  output?: Writable,
): Promise<Buffer | void> {
  return writeWorkbook(output, (workbook) =>
    fillTargetWorkbook(workbook, rows, boundaryTypes, targetColumns),
  );
}
