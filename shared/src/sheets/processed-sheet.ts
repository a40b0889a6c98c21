// Writes the processed copy of an uploaded workbook: every sheet as it was, and in the sheets that have
// outcomes two more columns, #status# and #errorDetails#, telling a person what happened to each row.
// Read and written row by row, so a sheet of 100,000 rows is never held in memory.
import type { CellValue, WorksheetState } from 'exceljs';
import type { Writable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';

import { errorDetail } from './errors.ts';
import type { SheetError } from './errors.ts';
import {
  ERROR_DETAILS_COLUMN,
  ERROR_DETAILS_COLUMN_LABEL,
  FIRST_DATA_ROW,
  HEADER_KEY_ROW,
  HEADER_LABEL_ROW,
  STATUS_COLUMN,
  STATUS_COLUMN_LABEL,
} from './format.ts';
import { headerKeys } from './sheet-reading.ts';
import { readRawSheets } from './workbook-input.ts';
import type { RawRow, RawSheet, SheetInput } from './workbook-input.ts';
import { writeWorkbook } from './workbook-output.ts';
import type { WorkbookWriter, WorksheetWriter } from './workbook-output.ts';

export type RowStatus =
  'valid' | 'invalid' | 'created' | 'updated' | 'deactivated' | 'unchanged' | 'skipped' | 'failed';

export interface RowOutcome {
  status: RowStatus;
  errors: readonly string[];
}

/** Sheet name → Excel row number → outcome. Data rows without an outcome keep empty status cells. */
export type SheetOutcomes = ReadonlyMap<string, ReadonlyMap<number, RowOutcome>>;

/** Outcomes of the rows named by errors: each such row is invalid, with the details of its errors. */
export function invalidRowOutcomes(errors: Iterable<SheetError>): Map<string, Map<number, RowOutcome>> {
  const outcomes = new Map<string, Map<number, RowOutcome>>();
  for (const error of errors) {
    if (error.sheet === undefined || error.row === undefined) continue;
    let rows = outcomes.get(error.sheet);
    if (rows === undefined) outcomes.set(error.sheet, (rows = new Map()));
    const details = rows.get(error.row)?.errors ?? [];
    rows.set(error.row, { status: 'invalid', errors: [...details, errorDetail(error)] });
  }
  return outcomes;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** The value to write for a value read: rich text becomes its plain text, as the readers see it. */
function copyOf(value: unknown): unknown {
  if (!isRecord(value) || !Array.isArray(value.richText)) return value;
  return value.richText
    .map((run: unknown) => (isRecord(run) && typeof run.text === 'string' ? run.text : ''))
    .join('');
}

const ROWS_PER_TURN = 1_000;

interface OutcomeColumns {
  status: number;
  errors: number;
}

/** Reuses the columns of an earlier processing, else appends them after the last keyed column. */
function outcomeColumns(firstRow: RawRow): OutcomeColumns {
  const keys = headerKeys(firstRow).columns;
  const next = Math.max(firstRow.cells.length, 1);
  const status = keys.get(STATUS_COLUMN) ?? next;
  const errors = keys.get(ERROR_DETAILS_COLUMN) ?? (status === next ? next + 1 : next);
  return { status, errors };
}

function outcomeCells(row: RawRow, outcome: RowOutcome | undefined): [unknown, unknown] {
  if (row.number === HEADER_KEY_ROW) return [STATUS_COLUMN, ERROR_DETAILS_COLUMN];
  if (row.number === HEADER_LABEL_ROW) return [STATUS_COLUMN_LABEL, ERROR_DETAILS_COLUMN_LABEL];
  if (row.number < FIRST_DATA_ROW || outcome === undefined) return [null, null];
  return [outcome.status, outcome.errors.length > 0 ? outcome.errors.join('; ') : null];
}

function writeRow(target: WorksheetWriter, row: RawRow, extra: Map<number, unknown>): void {
  const copy = target.getRow(row.number);
  row.cells.forEach((value, column) => {
    if (value !== undefined && value !== null) copy.getCell(column).value = copyOf(value) as CellValue;
  });
  for (const [column, value] of extra) copy.getCell(column).value = value as CellValue;
  if (row.number === HEADER_KEY_ROW) copy.hidden = true;
  copy.commit();
}

async function copySheet(
  workbook: WorkbookWriter,
  sheet: RawSheet,
  outcomes: ReadonlyMap<number, RowOutcome> | undefined,
): Promise<void> {
  const target = workbook.addWorksheet(sheet.name, { state: sheet.state as WorksheetState });
  let columns: OutcomeColumns | undefined;
  let index = 0;
  for await (const row of sheet.rows) {
    const extra = new Map<number, unknown>();
    if (outcomes !== undefined) {
      columns ??= outcomeColumns(row);
      const [status, errors] = outcomeCells(row, outcomes.get(row.number));
      extra.set(columns.status, status).set(columns.errors, errors);
    }
    writeRow(target, row, extra);
    if (++index % ROWS_PER_TURN === 0) await nextTurn();
  }
  target.commit();
}

/**
 * Writes a copy of the workbook with #status# and #errorDetails# filled in for each data row of the
 * sheets named in `outcomes`; other sheets are copied as they are. Values are copied (a formula as its
 * result), styles are not.
 */
export function writeProcessedSheet(input: SheetInput, outcomes: SheetOutcomes): Promise<Buffer>;
export function writeProcessedSheet(
  input: SheetInput,
  outcomes: SheetOutcomes,
  output: Writable,
): Promise<void>;
export async function writeProcessedSheet(
  input: SheetInput,
  outcomes: SheetOutcomes,
  output?: Writable,
): Promise<Buffer | void> {
  return writeWorkbook(output, async (workbook) => {
    for await (const sheet of readRawSheets(input))
      await copySheet(workbook, sheet, outcomes.get(sheet.name));
  });
}
