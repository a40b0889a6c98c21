// What a workbook may hold before reading it stops. An xlsx is a zip of XML parts: a few megabytes can
// inflate to gigabytes, and a shared-strings table is held in memory while the sheets are read. These
// bounds keep the memory and time of one read fixed whatever the file holds; the defaults leave room for
// a 100,000-row sheet (about 25 MB of XML, compressed about 7 to 1).

export interface SheetLimits {
  /** Bytes of the xlsx file itself. */
  maxFileBytes: number;
  /** Uncompressed bytes of one part (zip entry). */
  maxPartBytes: number;
  /** Uncompressed bytes of all parts together. */
  maxWorkbookBytes: number;
  /** Uncompressed ÷ compressed size of a part larger than a megabyte. */
  maxCompressionRatio: number;
  /** Entries of the shared-strings table. */
  maxSharedStrings: number;
  /** Characters of all shared strings together. */
  maxSharedStringsLength: number;
  /** Sheets listed in the workbook. */
  maxSheets: number;
  /** Rows of one sheet (the highest row number). */
  maxRows: number;
  /** Columns of one sheet (the highest column number). */
  maxColumns: number;
  /** Characters of one cell. */
  maxCellLength: number;
}

export const DEFAULT_SHEET_LIMITS: Readonly<SheetLimits> = {
  maxFileBytes: 50 * 2 ** 20,
  maxPartBytes: 256 * 2 ** 20,
  maxWorkbookBytes: 512 * 2 ** 20,
  maxCompressionRatio: 200,
  maxSharedStrings: 1_000_000,
  maxSharedStringsLength: 32 * 2 ** 20,
  maxSheets: 1000,
  maxRows: 300_000,
  maxColumns: 1000,
  maxCellLength: 32_767,
};

/** The environment variable that sets each limit: messages name it, so an operator knows what to raise. */
export const SHEET_LIMIT_VARIABLES: Readonly<Record<keyof SheetLimits, string>> = {
  maxFileBytes: 'SHEET_MAX_FILE_BYTES',
  maxPartBytes: 'SHEET_MAX_PART_BYTES',
  maxWorkbookBytes: 'SHEET_MAX_WORKBOOK_BYTES',
  maxCompressionRatio: 'SHEET_MAX_COMPRESSION_RATIO',
  maxSharedStrings: 'SHEET_MAX_SHARED_STRINGS',
  maxSharedStringsLength: 'SHEET_MAX_SHARED_STRINGS_LENGTH',
  maxSheets: 'SHEET_MAX_SHEETS',
  maxRows: 'SHEET_MAX_ROWS',
  maxColumns: 'SHEET_MAX_COLUMNS',
  maxCellLength: 'SHEET_MAX_CELL_LENGTH',
};

/** Parts smaller than this are never refused for their compression ratio: they cannot hurt. */
export const RATIO_CHECKED_FROM_BYTES = 2 ** 20;

/** The largest row and column Excel itself allows; a reference beyond them is not a real cell. */
export const EXCEL_MAX_ROW = 1_048_576;
export const EXCEL_MAX_COLUMN = 16_384;

/** "1,048,576 bytes (SHEET_MAX_PART_BYTES)": a limit as messages show it. */
export function limitText(limits: SheetLimits, limit: keyof SheetLimits, unit: string): string {
  return `${limits[limit].toLocaleString('en-US')} ${unit} (${SHEET_LIMIT_VARIABLES[limit]})`;
}
