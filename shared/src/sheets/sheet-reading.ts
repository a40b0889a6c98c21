// What every sheet reader shares: options and summary, the key row, blank-row skipping, per-row error
// reporting, and handing parsed rows to the caller in batches while reading.
import { cellText, normaliseCell } from './cell.ts';
import type { CellScalar } from './cell.ts';
import { ErrorCollector, SheetErrorCode, sheetError } from './errors.ts';
import type { SheetError } from './errors.ts';
import { FIRST_DATA_ROW, HEADER_KEY_ROW } from './format.ts';
import type { SheetLimits } from './limits.ts';
import type { UnreadableWorkbookError } from './workbook-error.ts';
import type { RawRow, RawSheet } from './workbook-input.ts';
import { columnNumber } from './worksheet-xml.ts';
import type { FormulaWithoutValue } from './worksheet-xml.ts';

export const DEFAULT_MAX_ERRORS = 100;
export const DEFAULT_BATCH_SIZE = 500;

export interface ReadOptions<Row> {
  /**
   * Receives the valid rows in batches, in sheet order, while the sheet is read: a batch is handed over
   * once the one before it is done, and the next is read meanwhile. A failure fails the read.
   */
  onRows?: (rows: Row[]) => Promise<void> | void;
  batchSize?: number;
  /** Errors kept in the summary; further ones are only counted (and still given to onError). */
  maxErrors?: number;
  /** Receives every error, including those beyond maxErrors. */
  onError?: (error: SheetError) => void;
  /** What the workbook may hold; DEFAULT_SHEET_LIMITS when absent. */
  limits?: SheetLimits;
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
  /** Keys row 1 holds more than once (the first column of each is the one read). */
  repeatedKeys: ReadonlySet<string>;
  dataRows: AsyncIterable<RawRow>;
}

interface HeaderKeys {
  columns: Map<string, number>;
  repeated: Set<string>;
}

/** Column keys of row 1 → column number; the first column wins when a key repeats. */
export function headerKeys(row: RawRow | undefined): HeaderKeys {
  const columns = new Map<string, number>();
  const repeated = new Set<string>();
  if (row?.number !== HEADER_KEY_ROW) return { columns, repeated };
  row.cells.forEach((value, column) => {
    const key = cellText(normaliseCell(value));
    if (key === undefined) return;
    if (columns.has(key)) repeated.add(key);
    else columns.set(key, column);
  });
  return { columns, repeated };
}

export function isBlankRow(row: RawRow): boolean {
  return row.cells.every((value) => normaliseCell(value) === undefined);
}

export async function keyedSheet(sheet: RawSheet): Promise<KeyedSheet> {
  const rows = sheet.rows[Symbol.asyncIterator]();
  const first = await rows.next();
  const firstRow = first.done ? undefined : first.value;
  const { columns, repeated } = headerKeys(firstRow);
  async function* dataRows(): AsyncGenerator<RawRow> {
    if (firstRow !== undefined && columns.size === 0 && firstRow.number >= FIRST_DATA_ROW) {
      if (!isBlankRow(firstRow)) yield firstRow;
    }
    for (let next = await rows.next(); !next.done; next = await rows.next()) {
      if (next.value.number >= FIRST_DATA_ROW && !isBlankRow(next.value)) yield next.value;
    }
  }
  return { name: sheet.name, columns, repeatedKeys: repeated, dataRows: dataRows() };
}

/**
 * Reports each required column missing from the key row, and each column the reader uses that row 1
 * names twice (which of the two holds the data is a guess); true when all required columns are there.
 */
export function checkColumns(
  sheet: KeyedSheet,
  required: readonly string[],
  errors: ErrorCollector,
  used: readonly string[] = required,
): boolean {
  for (const column of used) {
    if (!sheet.repeatedKeys.has(column)) continue;
    errors.add(
      sheetError(
        { sheet: sheet.name, row: HEADER_KEY_ROW, column },
        SheetErrorCode.duplicateColumn,
        `the column key ${column} appears more than once in row 1; keep one column of it`,
      ),
    );
  }
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
  /** Columns already reported as formulas without a value, so a field check does not report them again. */
  readonly #formulas = new Set<string>();

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
    if (index === undefined) return undefined;
    const raw = this.#row.cells[index];
    if (isFormulaWithoutValue(raw) && !this.#formulas.has(column)) {
      this.report(
        column,
        SheetErrorCode.formulaWithoutValue,
        `the cell holds the formula =${raw.formula} but no value; type the value, or save the file in Excel so the result is stored`,
      );
      this.#formulas.add(column);
    }
    return normaliseCell(raw);
  }

  text(column: string): string | undefined {
    return cellText(this.value(column));
  }

  report(column: string, code: SheetErrorCode, detail: string): void {
    this.invalid = true;
    if (this.#formulas.has(column)) return;
    this.#errors.add(sheetError({ sheet: this.sheet, row: this.number, column }, code, detail));
  }
}

/**
 * Collects parsed rows and hands them to the caller's callback batch by batch. The next batch is read
 * while the callback works on one (an insert runs in PostgreSQL while the sheet is parsed here), and at
 * most two batches are held: a full batch waits for the one before it.
 */
export class RowBatcher<Row> {
  readonly #onRows: ((rows: Row[]) => Promise<void> | void) | undefined;
  readonly #size: number;
  #batch: Row[] = [];
  #handing: Promise<void> | undefined;
  count = 0;

  constructor(options: ReadOptions<Row>) {
    this.#onRows = options.onRows;
    this.#size = Math.max(1, options.batchSize ?? DEFAULT_BATCH_SIZE);
  }

  async add(row: Row): Promise<void> {
    this.count++;
    if (this.#onRows === undefined) return;
    this.#batch.push(row);
    if (this.#batch.length >= this.#size) await this.#handOver(this.#onRows);
  }

  /** Hands over the rows collected so far, and waits until every batch is done. */
  async flush(): Promise<void> {
    if (this.#onRows !== undefined && this.#batch.length > 0) await this.#handOver(this.#onRows);
    await this.#handing;
  }

  async #handOver(onRows: (rows: Row[]) => Promise<void> | void): Promise<void> {
    // The batch before this one first: its failure is thrown here, and its rows stay in order.
    await this.#handing;
    const batch = this.#batch;
    this.#batch = [];
    const handing = (async () => onRows(batch))();
    // Thrown by the next hand-over or the flush; until then it is no unhandled rejection.
    handing.catch(() => undefined);
    this.#handing = handing;
  }
}

function isFormulaWithoutValue(value: unknown): value is FormulaWithoutValue {
  return (
    typeof value === 'object' &&
    value !== null &&
    'formula' in value &&
    (value as FormulaWithoutValue).result === undefined
  );
}

/** Column key of a column number, when row 1 names it. */
function keyOfColumn(sheet: KeyedSheet | undefined, column: number | undefined): string | undefined {
  if (sheet === undefined || column === undefined) return undefined;
  for (const [key, number] of sheet.columns) if (number === column) return key;
  return undefined;
}

/**
 * A workbook that could not be read to the end, as a sheet error with its code and where it happened:
 * the sheet (else `sheetName`), row and column key. `current` is the sheet being read, for its keys.
 */
export function unreadableProblem(
  error: UnreadableWorkbookError,
  sheetName: string | undefined,
  current?: KeyedSheet,
): SheetError {
  const { location } = error;
  const sheet = location.sheet ?? sheetName;
  const column = keyOfColumn(current?.name === sheet ? current : undefined, location.column);
  return sheetError({ sheet, row: location.row, column }, error.code, error.message);
}

/** "C12:D14" → its first and last row and its first column; undefined for what is not a range. */
function rangeOf(reference: string): { firstRow: number; lastRow: number; firstColumn: number } | undefined {
  const match = /^([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?$/.exec(reference);
  if (match === null) return undefined;
  const firstColumn = columnNumber(match[1] ?? '') ?? 0;
  const firstRow = Number(match[2]);
  return { firstRow, lastRow: Number(match[4] ?? firstRow), firstColumn };
}

/** Reports merged ranges that reach the data rows: a merged range keeps a value in its first cell only. */
export function checkMerges(sheet: KeyedSheet, merges: readonly string[], errors: ErrorCollector): void {
  for (const reference of merges) {
    const range = rangeOf(reference);
    if (range !== undefined && range.lastRow < FIRST_DATA_ROW) continue;
    const row = range === undefined ? undefined : Math.max(range.firstRow, FIRST_DATA_ROW);
    errors.add(
      sheetError(
        { sheet: sheet.name, row, column: keyOfColumn(sheet, range?.firstColumn) },
        SheetErrorCode.mergedCells,
        `the cells ${reference} are merged; only the first cell of a merged range keeps a value, so unmerge them and fill in each cell`,
      ),
    );
  }
}

/** Reports a sheet the reader would use that is hidden: what the sheet's author did not see is not read. */
export function checkVisible(sheet: RawSheet, errors: ErrorCollector): boolean {
  if (sheet.state === 'visible') return true;
  errors.add(
    sheetError(
      { sheet: sheet.name },
      SheetErrorCode.sheetHidden,
      `the sheet is ${sheet.state === 'veryHidden' ? 'very hidden' : 'hidden'}; unhide it (or remove it) and upload the file again`,
    ),
  );
  return false;
}
