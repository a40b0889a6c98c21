// Streams the sheets and rows of an xlsx workbook with exceljs's streaming reader, so a sheet of
// 100,000 rows never sits in memory: only the current row (and the shared-strings table) does.
import ExcelJS from 'exceljs';
import { Readable } from 'node:stream';

import { cellText, normaliseCell } from './cell.ts';
import { HEADER_KEY_ROW } from './format.ts';
import { worksheetRows } from './worksheet-xml.ts';

/** A workbook as bytes, a readable stream of its bytes, or a file path. */
export type SheetInput = Readable | Buffer | Uint8Array | string;

/** One row as read: `cells[c]` is the value of column number c (1-based, sparse), as exceljs models values. */
export interface RawRow {
  number: number;
  cells: readonly unknown[];
}

export interface RawSheet {
  name: string;
  /** 'visible', 'hidden' or 'veryHidden'. */
  state: string;
  /** Rows in order; must be consumed before the next sheet is asked for (left-overs are drained). */
  rows: AsyncIterable<RawRow>;
}

// What exceljs's workbook reader hands over for each worksheet (its typings omit these): the sheet's
// name and visibility, and its XML as a stream of chunks.
interface WorksheetEntry {
  name: string;
  state?: string;
  iterator: AsyncIterable<Buffer | string>;
}

interface WorkbookEvent {
  eventType: string;
  value: unknown;
}

/** The workbook could not be read as xlsx at all (not a zip, truncated, or the source failed). */
export class UnreadableWorkbookError extends Error {
  override readonly name = 'UnreadableWorkbookError';
}

const ZIP_SIGNATURE = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

async function* chunksOf(input: Readable | Buffer | Uint8Array): AsyncGenerator<Buffer> {
  if (!(input instanceof Readable)) {
    yield Buffer.isBuffer(input) ? input : Buffer.from(input);
    return;
  }
  for await (const chunk of input) yield Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
}

/**
 * Checks the zip signature up front (exceljs waits forever on an empty input) and ends the stream
 * cleanly when the source fails, because exceljs pipes the input and a pipe does not forward errors;
 * the recorded failure is rethrown once the reader stops.
 */
function guardedStream(input: Readable | Buffer | Uint8Array): { stream: Readable; failure: () => unknown } {
  let failure: unknown;
  async function* guarded(): AsyncGenerator<Buffer> {
    const head: Buffer[] = [];
    let headLength = 0;
    try {
      const chunks = chunksOf(input);
      for await (const chunk of chunks) {
        if (headLength < ZIP_SIGNATURE.length) {
          head.push(chunk);
          headLength += chunk.length;
          if (headLength < ZIP_SIGNATURE.length) continue;
          const start = Buffer.concat(head);
          if (!start.subarray(0, ZIP_SIGNATURE.length).equals(ZIP_SIGNATURE)) {
            failure = new UnreadableWorkbookError('the file is not an xlsx workbook');
            return;
          }
          yield start;
          continue;
        }
        yield chunk;
      }
      if (headLength < ZIP_SIGNATURE.length) {
        failure = new UnreadableWorkbookError('the file is empty or not an xlsx workbook');
      }
    } catch (error) {
      failure = error;
    }
  }
  const stream = Readable.from(guarded());
  return { stream, failure: () => failure };
}

async function drain(iterator: AsyncIterator<unknown>): Promise<void> {
  let next = await iterator.next();
  while (!next.done) next = await iterator.next();
}

/**
 * The sheets of a workbook in file order. Failures to parse the file come out as
 * UnreadableWorkbookError; errors thrown by the consumer while handling a row pass through unchanged.
 */
export async function* readRawSheets(input: SheetInput): AsyncGenerator<RawSheet> {
  const source =
    typeof input === 'string' ? { stream: input, failure: () => undefined } : guardedStream(input);
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(source.stream as Readable, {
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'ignore',
    worksheets: 'emit',
    entries: 'ignore',
  });
  const events = reader.parse() as AsyncIterator<WorkbookEvent>;
  // Shared strings are complete by the time a worksheet's rows are read (exceljs parks sheets stored
  // before them in temporary files).
  const sharedStrings = (): readonly unknown[] =>
    (reader as { sharedStrings?: unknown[] }).sharedStrings ?? [];
  const unreadable = (error: unknown): UnreadableWorkbookError => {
    const cause = source.failure() ?? error;
    if (cause instanceof UnreadableWorkbookError) return cause;
    const reason = cause instanceof Error ? cause.message : String(cause);
    return new UnreadableWorkbookError(`the file could not be read as an xlsx workbook (${reason})`, {
      cause,
    });
  };
  const step = async <T>(next: () => Promise<T>): Promise<T> => {
    try {
      return await next();
    } catch (error) {
      throw unreadable(error);
    }
  };
  for (;;) {
    const next = await step(() => events.next());
    if (next.done) break;
    if (next.value.eventType !== 'worksheet') continue;
    const entry = next.value.value as WorksheetEntry;
    const iterator = worksheetRows(entry.iterator, sharedStrings());
    async function* rows(): AsyncGenerator<RawRow> {
      for (let row = await step(() => iterator.next()); !row.done; row = await step(() => iterator.next())) {
        yield row.value;
      }
    }
    yield { name: entry.name, state: entry.state ?? 'visible', rows: rows() };
    // The zip entry must be read to its end before the workbook reader can move on.
    await step(() => drain(iterator));
  }
  const failure = source.failure();
  if (failure !== undefined) throw unreadable(failure);
}

/** Column keys of row 1 → column number; the first column wins when a key repeats. */
export function headerKeys(row: RawRow | undefined): Map<string, number> {
  const keys = new Map<string, number>();
  if (row?.number !== HEADER_KEY_ROW) return keys;
  row.cells.forEach((value, column) => {
    const key = cellText(normaliseCell(value));
    if (key !== undefined && !keys.has(key)) keys.set(key, column);
  });
  return keys;
}
