// Why a workbook could not be read to the end, and where: the zip part, and for a worksheet the sheet, row
// and column (a number here; readers turn it into the column's key when row 1 names it).
import { SheetErrorCode } from './errors.ts';

export interface WorkbookErrorLocation {
  /** The zip entry, such as xl/sharedStrings.xml. */
  part?: string;
  sheet?: string;
  row?: number;
  column?: number;
}

/** The workbook could not be read: not an xlsx file, damaged, hostile, or over a limit. */
export class UnreadableWorkbookError extends Error {
  override readonly name = 'UnreadableWorkbookError';
  readonly code: SheetErrorCode;
  readonly location: WorkbookErrorLocation;

  constructor(
    code: SheetErrorCode,
    message: string,
    location: WorkbookErrorLocation = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.code = code;
    this.location = location;
  }
}

/** Any failure while reading, as an UnreadableWorkbookError (a damaged zip or deflate stream, a read error). */
export function unreadable(cause: unknown, location: WorkbookErrorLocation = {}): UnreadableWorkbookError {
  if (cause instanceof UnreadableWorkbookError) return cause;
  const reason = cause instanceof Error ? cause.message : String(cause);
  const where = location.part === undefined ? '' : ` in ${location.part}`;
  return new UnreadableWorkbookError(
    SheetErrorCode.corruptWorkbook,
    `the file is damaged or truncated: ${reason}${where}`,
    location,
    { cause },
  );
}

/** "AB" for column 28. */
export function columnLetters(column: number): string {
  let letters = '';
  for (let rest = column; rest > 0; rest = Math.floor((rest - 1) / 26)) {
    letters = String.fromCharCode(65 + ((rest - 1) % 26)) + letters;
  }
  return letters;
}
