// Validation errors of resource sheets, phrased for the campaign manager who filled the sheet in.

export const SheetErrorCode = {
  sheetMissing: 'SHEET_MISSING',
  columnMissing: 'COLUMN_MISSING',
  required: 'REQUIRED',
  invalidName: 'INVALID_NAME',
  invalidPhone: 'INVALID_PHONE',
  duplicatePhone: 'DUPLICATE_PHONE',
  invalidUserName: 'INVALID_USER_NAME',
  duplicateUserName: 'DUPLICATE_USER_NAME',
  invalidRole: 'INVALID_ROLE',
  invalidEmploymentType: 'INVALID_EMPLOYMENT_TYPE',
  invalidUsage: 'INVALID_USAGE',
  invalidFacilityType: 'INVALID_FACILITY_TYPE',
  invalidFacilityStatus: 'INVALID_FACILITY_STATUS',
  invalidCapacity: 'INVALID_CAPACITY',
  duplicateFacilityName: 'DUPLICATE_FACILITY_NAME',
  duplicateFacilityCode: 'DUPLICATE_FACILITY_CODE',
  unknownBoundary: 'UNKNOWN_BOUNDARY',
  notLeafBoundary: 'NOT_LEAF_BOUNDARY',
  duplicateBoundary: 'DUPLICATE_BOUNDARY',
  missingBoundary: 'MISSING_BOUNDARY',
  /** An Active facility row with no boundary code: it would be mapped nowhere. */
  boundaryRequired: 'BOUNDARY_REQUIRED',
  invalidTarget: 'INVALID_TARGET',
  noActiveRow: 'NO_ACTIVE_ROW',
  /** Not an xlsx file at all (not a zip archive), or its source failed while it was read. */
  unreadableWorkbook: 'UNREADABLE_WORKBOOK',
  corruptWorkbook: 'CORRUPT_WORKBOOK',
  encryptedWorkbook: 'ENCRYPTED_WORKBOOK',
  unsupportedCompression: 'UNSUPPORTED_COMPRESSION',
  partMissing: 'WORKBOOK_PART_MISSING',
  malformedXml: 'MALFORMED_XML',
  dtdNotAllowed: 'DTD_NOT_ALLOWED',
  fileTooLarge: 'FILE_TOO_LARGE',
  partTooLarge: 'PART_TOO_LARGE',
  workbookTooLarge: 'WORKBOOK_TOO_LARGE',
  compressionRatioTooHigh: 'COMPRESSION_RATIO_TOO_HIGH',
  tooManySharedStrings: 'TOO_MANY_SHARED_STRINGS',
  sharedStringsTooLong: 'SHARED_STRINGS_TOO_LONG',
  tooManySheets: 'TOO_MANY_SHEETS',
  tooManyRows: 'TOO_MANY_ROWS',
  tooManyColumns: 'TOO_MANY_COLUMNS',
  cellTooLong: 'CELL_TOO_LONG',
  cellOutOfRange: 'CELL_OUT_OF_RANGE',
  duplicateRow: 'DUPLICATE_ROW',
  duplicateColumn: 'DUPLICATE_COLUMN',
  sheetHidden: 'SHEET_HIDDEN',
  mergedCells: 'MERGED_CELLS',
  formulaWithoutValue: 'FORMULA_WITHOUT_VALUE',
} as const;
export type SheetErrorCode = (typeof SheetErrorCode)[keyof typeof SheetErrorCode];

/** Codes that stop the reading of a workbook: no row after them was read, so no processed sheet is made. */
export const UNREADABLE_WORKBOOK_CODES: ReadonlySet<SheetErrorCode> = new Set([
  SheetErrorCode.unreadableWorkbook,
  SheetErrorCode.corruptWorkbook,
  SheetErrorCode.encryptedWorkbook,
  SheetErrorCode.unsupportedCompression,
  SheetErrorCode.partMissing,
  SheetErrorCode.malformedXml,
  SheetErrorCode.dtdNotAllowed,
  SheetErrorCode.fileTooLarge,
  SheetErrorCode.partTooLarge,
  SheetErrorCode.workbookTooLarge,
  SheetErrorCode.compressionRatioTooHigh,
  SheetErrorCode.tooManySharedStrings,
  SheetErrorCode.sharedStringsTooLong,
  SheetErrorCode.tooManySheets,
  SheetErrorCode.tooManyRows,
  SheetErrorCode.tooManyColumns,
  SheetErrorCode.cellTooLong,
  SheetErrorCode.cellOutOfRange,
  SheetErrorCode.duplicateRow,
]);

/**
 * One problem found in a sheet. `row` is the Excel row number and `column` the column key of row 1;
 * both are absent when the problem is not about one cell (a missing sheet or column, a boundary with no
 * row); `sheet` is absent only for problems of the target workbook as a whole.
 */
export interface SheetError {
  sheet?: string;
  row?: number;
  column?: string;
  code: SheetErrorCode;
  message: string;
}

export type SheetErrorLocation = Pick<SheetError, 'sheet' | 'row' | 'column'>;

function locationPrefix({ sheet, row, column }: SheetErrorLocation): string {
  const parts = [
    sheet === undefined ? 'Target workbook' : `Sheet ${sheet}`,
    row === undefined ? undefined : `row ${row}`,
    column === undefined ? undefined : `column ${column}`,
  ];
  return parts.filter((part) => part !== undefined).join(', ');
}

export function sheetError(location: SheetErrorLocation, code: SheetErrorCode, detail: string): SheetError {
  return { ...location, code, message: `${locationPrefix(location)}: ${detail}` };
}

/** The message without its sheet and row, for the error cell of the row it belongs to. */
export function errorDetail(error: SheetError): string {
  const rest = error.message.slice(locationPrefix({ sheet: error.sheet, row: error.row }).length);
  return rest.replace(/^(, |: )/, '');
}

/** Quotes a cell value the way messages show it. */
export function quoted(value: string | number): string {
  return JSON.stringify(String(value));
}

export function listing(values: readonly string[]): string {
  return values.join(', ');
}

export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}

/**
 * Keeps every error up to a cap, counts the rest, and hands each one (capped or not) to an optional
 * listener so a caller can annotate rows beyond the cap.
 */
export class ErrorCollector {
  readonly errors: SheetError[] = [];
  omitted = 0;
  readonly #max: number;
  readonly #listener: ((error: SheetError) => void) | undefined;

  constructor(max: number, listener?: (error: SheetError) => void) {
    this.#max = max;
    this.#listener = listener;
  }

  add(error: SheetError): void {
    if (this.errors.length < this.#max) this.errors.push(error);
    else this.omitted++;
    this.#listener?.(error);
  }

  get total(): number {
    return this.errors.length + this.omitted;
  }
}
