// Reads and checks the target workbook of a campaign: one or more sheets of lowest-level boundaries with
// their targets, which together must cover every lowest-level boundary of the campaign exactly once.
import { detached } from './cell.ts';
import type { SheetValidationContext } from './context.ts';
import { SheetErrorCode, quoted, sheetError } from './errors.ts';
import type { ErrorCollector } from './errors.ts';
import { requiredText, wholeNumber } from './fields.ts';
import { OPTIONAL_TARGET_RANGE, TARGET_RANGE, TargetColumn } from './format.ts';
import {
  RowBatcher,
  RowCells,
  checkColumns,
  checkMerges,
  checkVisible,
  collectorFor,
  keyedSheet,
  summaryOf,
  unreadableProblem,
} from './sheet-reading.ts';
import type { KeyedSheet, ReadOptions, SheetReadSummary } from './sheet-reading.ts';
import { UnreadableWorkbookError, readRawSheets } from './workbook-input.ts';
import type { SheetInput } from './workbook-input.ts';

export interface TargetRow {
  rowNumber: number;
  sheet: string;
  boundaryCode: string;
  /** Target column key → value; optional columns left empty are absent. */
  values: Record<string, number>;
}

type TargetContext = Pick<SheetValidationContext, 'boundaries' | 'targetColumns' | 'partialTargets'>;

/**
 * Where each boundary's row was found, kept compact for 100,000 boundaries: one number per boundary,
 * sheet index × MAX_ROWS + row.
 */
class RowPlaces {
  static readonly MAX_ROWS = 1_048_576;
  readonly #sheets: string[] = [];
  readonly #places = new Map<string, number>();

  startSheet(name: string): void {
    this.#sheets.push(name);
  }

  has(code: string): boolean {
    return this.#places.has(code);
  }

  get(code: string): { sheet: string; row: number } | undefined {
    const place = this.#places.get(code);
    if (place === undefined) return undefined;
    const sheet = this.#sheets[Math.floor(place / RowPlaces.MAX_ROWS)] ?? '';
    return { sheet, row: place % RowPlaces.MAX_ROWS };
  }

  set(code: string, row: number): void {
    this.#places.set(detached(code), (this.#sheets.length - 1) * RowPlaces.MAX_ROWS + row);
  }
}

function checkBoundary(cells: RowCells, context: TargetContext, placeOf: RowPlaces): string | undefined {
  const column = TargetColumn.boundaryCode;
  const code = requiredText(cells, column);
  if (code === undefined) return undefined;
  const { codes, leafCodes } = context.boundaries;
  if (!codes.has(code)) {
    cells.report(
      column,
      SheetErrorCode.unknownBoundary,
      `boundary ${quoted(code)} is not part of this campaign`,
    );
    return undefined;
  }
  if (!leafCodes.has(code)) {
    const detail = `boundary ${quoted(code)} is not a lowest-level boundary of this campaign; only those take targets`;
    cells.report(column, SheetErrorCode.notLeafBoundary, detail);
    return undefined;
  }
  const earlier = placeOf.get(code);
  if (earlier !== undefined) {
    const where =
      earlier.sheet === cells.sheet ? `row ${earlier.row}` : `sheet ${earlier.sheet}, row ${earlier.row}`;
    cells.report(
      column,
      SheetErrorCode.duplicateBoundary,
      `boundary ${quoted(code)} already has targets in ${where}`,
    );
    return undefined;
  }
  placeOf.set(code, cells.number);
  return code;
}

function targetValues(cells: RowCells, context: TargetContext): Record<string, number> {
  const values: Record<string, number> = {};
  for (const { key, required } of context.targetColumns) {
    if (!cells.has(key)) {
      if (required) cells.invalid = true;
      continue;
    }
    const range = required ? TARGET_RANGE : OPTIONAL_TARGET_RANGE;
    const value = wholeNumber(cells, key, range, SheetErrorCode.invalidTarget, required);
    if (value !== undefined) values[key] = value;
  }
  return values;
}

async function readTargetRows(
  sheet: KeyedSheet,
  context: TargetContext,
  placeOf: RowPlaces,
  errors: ErrorCollector,
  batcher: RowBatcher<TargetRow>,
): Promise<number> {
  let rowCount = 0;
  for await (const row of sheet.dataRows) {
    rowCount++;
    const cells = new RowCells(sheet, row, errors);
    const boundaryCode = checkBoundary(cells, context, placeOf);
    const values = targetValues(cells, context);
    if (boundaryCode !== undefined && !cells.invalid) {
      await batcher.add({ rowNumber: row.number, sheet: sheet.name, boundaryCode, values });
    }
  }
  return rowCount;
}

function reportMissingBoundaries(context: TargetContext, placeOf: RowPlaces, errors: ErrorCollector): void {
  for (const code of context.boundaries.leafCodes) {
    if (placeOf.has(code)) continue;
    const detail = `boundary ${quoted(code)} of the campaign has no row; every lowest-level boundary needs targets`;
    errors.add(sheetError({}, SheetErrorCode.missingBoundary, detail));
  }
}

/**
 * Reads the target workbook (resource type boundaryWithTarget), streaming. Every sheet whose key row
 * holds HCM_ADMIN_CONSOLE_BOUNDARY_CODE is a target sheet; other sheets (a readme) are ignored. Valid
 * rows go to `options.onRows` in batches; the summary lists every error found (up to `maxErrors`).
 */
export async function readTargetSheet(
  input: SheetInput,
  context: TargetContext,
  options: ReadOptions<TargetRow> = {},
): Promise<SheetReadSummary> {
  const errors = collectorFor(options);
  const batcher = new RowBatcher(options);
  const placeOf = new RowPlaces();
  const requiredColumns = context.targetColumns
    .filter((column) => column.required)
    .map((column) => column.key);
  const usedColumns = [TargetColumn.boundaryCode, ...context.targetColumns.map((column) => column.key)];
  const sheets: string[] = [];
  let rowCount = 0;
  let hidden = false;
  let current: KeyedSheet | undefined;
  try {
    for await (const raw of readRawSheets(input, options.limits)) {
      const sheet = await keyedSheet(raw);
      current = sheet;
      if (!sheet.columns.has(TargetColumn.boundaryCode)) continue;
      if (!checkVisible(raw, errors)) {
        hidden = true;
        continue;
      }
      sheets.push(sheet.name);
      placeOf.startSheet(sheet.name);
      checkColumns(sheet, requiredColumns, errors, usedColumns);
      rowCount += await readTargetRows(sheet, context, placeOf, errors, batcher);
      checkMerges(sheet, raw.merges, errors);
    }
    if (sheets.length === 0 && !hidden) {
      const detail = `no sheet has the column ${TargetColumn.boundaryCode} in row 1; the workbook holds no targets`;
      errors.add(sheetError({}, SheetErrorCode.sheetMissing, detail));
    } else if (!context.partialTargets && !hidden) {
      reportMissingBoundaries(context, placeOf, errors);
    }
  } catch (error) {
    if (!(error instanceof UnreadableWorkbookError)) throw error;
    errors.add(unreadableProblem(error, undefined, current));
  }
  await batcher.flush();
  return summaryOf({ sheets, rowCount, validRowCount: batcher.count }, errors);
}
