// What every sheet reader shares: options and summary, the key row, blank-row skipping, per-row error
// reporting, and handing parsed rows to the caller in batches while reading.
import { cellText, normaliseCell } from './cell.ts';
import type { CellScalar } from './cell.ts';
import { ErrorCollector, SheetErrorCode, sheetError } from './errors.ts';
import type { SheetError } from './errors.ts';
import { FIRST_DATA_ROW } from './format.ts';
import { headerKeys } from './workbook-input.ts';
import type { RawRow, RawSheet } from './workbook-input.ts';

export const DEFAULT_MAX_ERRORS = 100;
export const DEFAULT_BATCH_SIZE = 500;

export interface ReadOptions<Row> {
  /** Receives the valid rows in batches, in sheet order, while the sheet is read; awaited. */
  onRows?: (rows: Row[]) => Promise<void> | void;
  batchSize?: number;
  /** Errors kept in the summary; further ones are only counted (and still given to onError). */
  maxErrors?: number;
  /** Receives every error, including those beyond maxErrors. */
  onError?: (error: SheetError) => void;
}

export interface SheetReadSummary {
  /** Sheets whose rows were read. */
  sheets: string[];
  /** Non-blank data rows. */
  rowCount: number;
  validRowCount: number;
  invalidRowCount: number;
  errors: SheetError[];
  /** Errors found beyond maxErrors. */
  omittedErrorCount: number;
}

export function collectorFor(options: Pick<ReadOptions<unknown>, 'maxErrors' | 'onError'>): ErrorCollector {
  return new ErrorCollector(options.maxErrors ?? DEFAULT_MAX_ERRORS, options.onError);
}

export function summaryOf(
  counts: Pick<SheetReadSummary, 'sheets' | 'rowCount' | 'validRowCount'>,
  errors: ErrorCollector,
): SheetReadSummary {
  return {
    ...counts,
    invalidRowCount: counts.rowCount - counts.validRowCount,
    errors: errors.errors,
    omittedErrorCount: errors.omitted,
  };
}

/** A sheet whose key row has been read: its columns by key and its non-blank data rows. */
export interface KeyedSheet {
  name: string;
  columns: ReadonlyMap<string, number>;
  dataRows: AsyncIterable<RawRow>;
}

export function isBlankRow(row: RawRow): boolean {
  return row.cells.every((value) => normaliseCell(value) === undefined);
}

export async function keyedSheet(sheet: RawSheet): Promise<KeyedSheet> {
  const rows = sheet.rows[Symbol.asyncIterator]();
  const first = await rows.next();
  const firstRow = first.done ? undefined : first.value;
  const columns = headerKeys(firstRow);
  async function* dataRows(): AsyncGenerator<RawRow> {
    if (firstRow !== undefined && columns.size === 0 && firstRow.number >= FIRST_DATA_ROW) {
      if (!isBlankRow(firstRow)) yield firstRow;
    }
    for (let next = await rows.next(); !next.done; next = await rows.next()) {
      if (next.value.number >= FIRST_DATA_ROW && !isBlankRow(next.value)) yield next.value;
    }
  }
  return { name: sheet.name, columns, dataRows: dataRows() };
}

/** Reports each required column missing from the key row; true when all are there. */
export function checkColumns(
  sheet: KeyedSheet,
  required: readonly string[],
  errors: ErrorCollector,
): boolean {
  let complete = true;
  for (const column of required) {
    if (sheet.columns.has(column)) continue;
    complete = false;
    errors.add(
      sheetError(
        { sheet: sheet.name, column },
        SheetErrorCode.columnMissing,
        `the required column ${column} is missing (row 1 must hold the column keys)`,
      ),
    );
  }
  return complete;
}

/** The cells of one data row, by column key, and the errors found in it. */
export class RowCells {
  readonly sheet: string;
  readonly number: number;
  /** Set when any check of the row failed, including a required column missing from the sheet. */
  invalid = false;
  readonly #row: RawRow;
  readonly #columns: ReadonlyMap<string, number>;
  readonly #errors: ErrorCollector;

  constructor(sheet: KeyedSheet, row: RawRow, errors: ErrorCollector) {
    this.sheet = sheet.name;
    this.number = row.number;
    this.#row = row;
    this.#columns = sheet.columns;
    this.#errors = errors;
  }

  has(column: string): boolean {
    return this.#columns.has(column);
  }

  value(column: string): CellScalar | undefined {
    const index = this.#columns.get(column);
    return index === undefined ? undefined : normaliseCell(this.#row.cells[index]);
  }

  text(column: string): string | undefined {
    return cellText(this.value(column));
  }

  report(column: string, code: SheetErrorCode, detail: string): void {
    this.invalid = true;
    this.#errors.add(sheetError({ sheet: this.sheet, row: this.number, column }, code, detail));
  }
}

/** Collects parsed rows and hands them to the caller's callback batch by batch. */
export class RowBatcher<Row> {
  readonly #onRows: ((rows: Row[]) => Promise<void> | void) | undefined;
  readonly #size: number;
  #batch: Row[] = [];
  count = 0;

  constructor(options: ReadOptions<Row>) {
    this.#onRows = options.onRows;
    this.#size = Math.max(1, options.batchSize ?? DEFAULT_BATCH_SIZE);
  }

  async add(row: Row): Promise<void> {
    this.count++;
    if (this.#onRows === undefined) return;
    this.#batch.push(row);
    if (this.#batch.length >= this.#size) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.#onRows === undefined || this.#batch.length === 0) return;
    const batch = this.#batch;
    this.#batch = [];
    await this.#onRows(batch);
  }
}
