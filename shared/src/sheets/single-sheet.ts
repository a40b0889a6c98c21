// The reading loop of the facility and user sheets: one named sheet of a workbook, rows with a usage
// column, and at least one of them Active.
import { SheetErrorCode, sheetError } from './errors.ts';
import type { Usage } from './format.ts';
import { RowBatcher, RowCells, checkColumns, collectorFor, keyedSheet, summaryOf } from './sheet-reading.ts';
import type { ReadOptions, SheetReadSummary } from './sheet-reading.ts';
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
  let rowCount = 0;
  let activeRowCount = 0;
  try {
    for await (const raw of readRawSheets(input)) {
      if (raw.name !== spec.sheet || sheets.length > 0) continue;
      sheets.push(raw.name);
      const sheet = await keyedSheet(raw);
      checkColumns(sheet, spec.requiredColumns, errors);
      const parse = spec.createParser();
      for await (const row of sheet.dataRows) {
        rowCount++;
        const cells = new RowCells(sheet, row, errors);
        const { row: parsed, usage } = parse(cells);
        if (usage === 'Active') activeRowCount++;
        if (parsed !== undefined && !cells.invalid) await batcher.add(parsed);
      }
    }
    if (sheets.length === 0) {
      errors.add(
        sheetError(
          { sheet: spec.sheet },
          SheetErrorCode.sheetMissing,
          'the sheet is missing from the workbook',
        ),
      );
    } else if (activeRowCount === 0) {
      const detail = 'no row has usage Active; at least one Active row is needed';
      errors.add(sheetError({ sheet: spec.sheet }, SheetErrorCode.noActiveRow, detail));
    }
  } catch (error) {
    if (!(error instanceof UnreadableWorkbookError)) throw error;
    errors.add(sheetError({ sheet: spec.sheet }, SheetErrorCode.unreadableWorkbook, error.message));
  }
  await batcher.flush();
  return summaryOf({ sheets, rowCount, validRowCount: batcher.count }, errors);
}
