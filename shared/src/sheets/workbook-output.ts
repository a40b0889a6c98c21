// Writes an xlsx workbook with exceljs's streaming writer, row by row, into a stream or a Buffer.
import type ExcelJS from 'exceljs';
import { PassThrough } from 'node:stream';
import type { Writable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';

import { INVALID_SHEET_NAME_CHARACTERS, MAX_SHEET_NAME_LENGTH } from './format.ts';

export type WorkbookWriter = ExcelJS.stream.xlsx.WorkbookWriter;
export type WorksheetWriter = ExcelJS.Worksheet;

/** Rows for a writer: an array, a generator, or an async source such as a database cursor. */
export type RowSource<Row> = Iterable<Row> | AsyncIterable<Row>;

const ROWS_PER_TURN = 1_000;

/**
 * Calls `fill` with a streaming workbook, then finishes the file into `output`, or into a Buffer when
 * no output is given.
 */
export async function writeWorkbook(
  output: Writable | undefined,
  fill: (workbook: WorkbookWriter) => Promise<void>,
): Promise<Buffer | undefined> {
  // Loaded on first use: exceljs takes a third of a second to load, and most services never write a
  // workbook; a service restarted after a crash is back that much sooner.
  const { default: excel } = await import('exceljs');
  const chunks: Buffer[] = [];
  const sink = output ?? new PassThrough();
  if (output === undefined) sink.on('data', (chunk: Buffer) => chunks.push(chunk));
  const workbook = new excel.stream.xlsx.WorkbookWriter({
    stream: sink,
    useSharedStrings: false,
    useStyles: false,
  });
  try {
    await fill(workbook);
  } catch (error) {
    // The file is incomplete: close the caller's stream without 'finish', so it is not taken for one.
    output?.destroy();
    throw error;
  }
  await workbook.commit();
  return output === undefined ? Buffer.concat(chunks) : undefined;
}

/** Excel's rules for sheet names; a writer refuses a name Excel would refuse to open. */
export function checkSheetName(name: string): void {
  if (name === '' || name.length > MAX_SHEET_NAME_LENGTH || INVALID_SHEET_NAME_CHARACTERS.test(name)) {
    throw new Error(
      `invalid sheet name ${JSON.stringify(name)}: 1 to ${MAX_SHEET_NAME_LENGTH} characters, none of [ ] : * ? / \\`,
    );
  }
}

/** Writes the key row (hidden, as in DIGIT's templates) and the label row. */
export function writeHeader(
  sheet: WorksheetWriter,
  keys: readonly string[],
  labels: readonly string[],
): void {
  const keyRow = sheet.addRow([...keys]);
  keyRow.hidden = true;
  keyRow.commit();
  sheet.addRow([...labels]).commit();
}

/**
 * Appends a data row and commits it. Every so often it yields to the event loop so the zip stream can
 * compress what was written: a synchronous source would otherwise pile the whole sheet up in memory.
 */
export async function writeDataRow(
  sheet: WorksheetWriter,
  values: readonly unknown[],
  index: number,
): Promise<void> {
  sheet.addRow([...values]).commit();
  if (index % ROWS_PER_TURN === ROWS_PER_TURN - 1) await nextTurn();
}
