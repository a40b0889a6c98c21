// Reads and checks the target workbook of a campaign: one or more sheets of lowest-level boundaries with
// their targets, which together must cover every lowest-level boundary of the campaign exactly once.
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
 * Where each lowest-level boundary's row was found, kept compact for 100,000 boundaries: one number per
 * boundary, by its place among them (see CampaignBoundaries), 0 until found, else sheet index × MAX_ROWS
 * + row (rows count from 1).
 */
class RowPlaces {
  static readonly MAX_ROWS = 1_048_576;
  readonly #sheets: string[] = [];
  readonly #places: Float64Array;

  constructor(leafCount: number) {
    this.#places = new Float64Array(leafCount);
  }

  startSheet(name: string): void {
    this.#sheets.push(name);
  }

  has(leaf: number): boolean {
    return this.#places[leaf] !== 0;
  }

  get(leaf: number): { sheet: string; row: number } | undefined {
    const place = this.#places[leaf] ?? 0;
    if (place === 0) return undefined;
    const sheet = this.#sheets[Math.floor(place / RowPlaces.MAX_ROWS)] ?? '';
    return { sheet, row: place % RowPlaces.MAX_ROWS };
  }

  set(leaf: number, row: number): void {
    this.#places[leaf] = (this.#sheets.length - 1) * RowPlaces.MAX_ROWS + row;
  }
}

function checkBoundary(cells: RowCells, context: TargetContext, placeOf: RowPlaces): string | undefined {
  const column = TargetColumn.boundaryCode;
  const code = requiredText(cells, column);
  if (code === undefined) return undefined;
  const { boundaries } = context;
  if (!boundaries.has(code)) {
    cells.report(
      column,
      SheetErrorCode.unknownBoundary,
      `boundary ${quoted(code)} is not part of this campaign`,
    );
    return undefined;
  }
  const leaf = boundaries.leafPlace(code);
  if (leaf === undefined) {
    const detail = `boundary ${quoted(code)} is not a lowest-level boundary of this campaign; only those take targets`;
    cells.report(column, SheetErrorCode.notLeafBoundary, detail);
    return undefined;
  }
  const earlier = placeOf.get(leaf);
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
  placeOf.set(leaf, cells.number);
  // The campaign's own text of the code, not the sheet's: a row kept in memory (an update's targets) does
  // not pin the XML it was read from.
  return boundaries.leafAt(leaf);
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
  const { boundaries } = context;
  for (let leaf = 0; leaf < boundaries.leafCount; leaf++) {
    if (placeOf.has(leaf)) continue;
    const code = boundaries.leafAt(leaf);
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
  const placeOf = new RowPlaces(context.boundaries.leafCount);
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
