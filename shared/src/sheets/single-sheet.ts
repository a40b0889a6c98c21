// The reading loop of the facility and user sheets: one named sheet of a workbook, rows with a usage
// column, and at least one of them Active.
import { SheetErrorCode, sheetError } from './errors.ts';
import type { Usage } from './format.ts';
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

/**
 * Parses the cells of one row into the row (undefined, or ignored while `cells.invalid` is set, for a bad
 * row) and its usage, which counts towards the sheet's Active rows even when the row is bad.
 */
export type RowParser<Row> = (cells: RowCells) => { row: Row | undefined; usage: Usage | undefined };

export interface SingleSheetSpec<Row> {
  sheet: string;
  requiredColumns: readonly string[];
  /** A fresh parser per read, holding the keys seen so far for the sheet's uniqueness checks. */
  createParser: () => RowParser<Row>;
}

export async function readSingleSheet<Row>(
  input: SheetInput,
  spec: SingleSheetSpec<Row>,
  options: ReadOptions<Row>,
): Promise<SheetReadSummary> {
  const errors = collectorFor(options);
  const batcher = new RowBatcher(options);
  const sheets: string[] = [];
  const seen: string[] = [];
  let rowCount = 0;
  let activeRowCount = 0;
  let current: KeyedSheet | undefined;
  let hidden = false;
  try {
    for await (const raw of readRawSheets(input, options.limits)) {
      seen.push(raw.name);
      if (raw.name !== spec.sheet || sheets.length > 0) continue;
      sheets.push(raw.name);
      hidden = !checkVisible(raw, errors);
      if (hidden) continue;
      const sheet = await keyedSheet(raw);
      current = sheet;
      checkColumns(sheet, spec.requiredColumns, errors);
      const parse = spec.createParser();
      for await (const row of sheet.dataRows) {
        rowCount++;
        const cells = new RowCells(sheet, row, errors);
        const { row: parsed, usage } = parse(cells);
        if (usage === 'Active') activeRowCount++;
        if (parsed !== undefined && !cells.invalid) await batcher.add(parsed);
      }
      checkMerges(sheet, raw.merges, errors);
    }
    if (sheets.length === 0) {
      const found = seen.length === 0 ? 'it has no sheets' : `its sheets are ${seen.join(', ')}`;
      errors.add(
        sheetError(
          { sheet: spec.sheet },
          SheetErrorCode.sheetMissing,
          `the sheet is missing from the workbook (${found}); sheet names must match exactly`,
        ),
      );
    } else if (activeRowCount === 0 && !hidden) {
      const detail = 'no row has usage Active; at least one Active row is needed';
      errors.add(sheetError({ sheet: spec.sheet }, SheetErrorCode.noActiveRow, detail));
    }
  } catch (error) {
    if (!(error instanceof UnreadableWorkbookError)) throw error;
    errors.add(unreadableProblem(error, spec.sheet, current));
  }
  await batcher.flush();
  return summaryOf({ sheets, rowCount, validRowCount: batcher.count }, errors);
}
