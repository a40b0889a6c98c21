// Streams the sheets and rows of an xlsx workbook. The zip's central directory gives random access to its
// entries, so the workbook, its relationships and the shared strings are read first whatever order the
// writer stored them in, then each worksheet's XML is streamed: only the current rows (and the
// shared-strings table) sit in memory, never a whole sheet of 100,000 rows. A stream is spooled to a
// temporary file first, since the central directory sits at the end of the archive.
import { createWriteStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { posix } from 'node:path';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import { cellText, normaliseCell } from './cell.ts';
import { HEADER_KEY_ROW } from './format.ts';
import { parseRelationships, parseSharedStrings, parseWorkbookSheets } from './workbook-xml.ts';
import type { Relationship, SharedString } from './workbook-xml.ts';
import { worksheetRows } from './worksheet-xml.ts';
import { ZipArchive } from './zip-archive.ts';

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
  /** Rows in order; can be read only until the next sheet is asked for (the rest is then skipped). */
  rows: AsyncIterable<RawRow>;
}

/** The workbook could not be read as xlsx at all (not a zip, truncated, or the source failed). */
export class UnreadableWorkbookError extends Error {
  override readonly name = 'UnreadableWorkbookError';
}

function unreadable(cause: unknown): UnreadableWorkbookError {
  if (cause instanceof UnreadableWorkbookError) return cause;
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new UnreadableWorkbookError(`the file could not be read as an xlsx workbook (${reason})`, { cause });
}

const ZIP_SIGNATURE = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

function checkSignature(head: Buffer): void {
  if (head.length === 0) throw new UnreadableWorkbookError('the file is empty or not an xlsx workbook');
  if (!head.subarray(0, ZIP_SIGNATURE.length).equals(ZIP_SIGNATURE)) {
    throw new UnreadableWorkbookError('the file is not an xlsx workbook');
  }
}

async function fileHead(path: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(ZIP_SIGNATURE.length);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

interface OpenArchive {
  archive: ZipArchive;
  release: () => Promise<void>;
}

async function openFile(path: string): Promise<ZipArchive> {
  checkSignature(await fileHead(path));
  return ZipArchive.fromFile(path);
}

async function openArchive(input: SheetInput): Promise<OpenArchive> {
  if (typeof input === 'string') {
    const archive = await openFile(input);
    return { archive, release: () => archive.close() };
  }
  if (!(input instanceof Readable)) {
    const bytes = Buffer.isBuffer(input)
      ? input
      : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    checkSignature(bytes);
    const archive = await ZipArchive.fromBuffer(bytes);
    return { archive, release: () => archive.close() };
  }
  const folder = await mkdtemp(join(tmpdir(), 'workbook-'));
  const removeFolder = (): Promise<void> => rm(folder, { recursive: true, force: true });
  try {
    const path = join(folder, 'workbook.xlsx');
    await pipeline(input, createWriteStream(path));
    const archive = await openFile(path);
    return {
      archive,
      release: async () => {
        await archive.close();
        await removeFolder();
      },
    };
  } catch (error) {
    await removeFolder();
    throw error;
  }
}

/** The package path a relationship of `part` points to. */
function targetOf(part: string, relationship: Relationship): string {
  const { target } = relationship;
  const path = target.startsWith('/') ? target : posix.join(posix.dirname(part), target);
  return posix.normalize(path).replace(/^\/+/, '');
}

/** The relationships of `part` ('' for the package itself), none when it has no relationships part. */
async function relationshipsOf(archive: ZipArchive, part: string): Promise<Map<string, Relationship>> {
  const path = posix.join(posix.dirname(part), '_rels', `${posix.basename(part)}.rels`);
  if (!archive.has(path)) return new Map();
  return parseRelationships(await archive.open(path));
}

const relationshipType = (relationship: Relationship, type: string): boolean =>
  relationship.type.endsWith(`/${type}`);

interface WorksheetPart {
  name: string;
  state: string;
  path: string;
}

interface WorkbookLayout {
  sheets: WorksheetPart[];
  sharedStrings: SharedString[];
}

const DEFAULT_WORKBOOK_PART = 'xl/workbook.xml';

/** Where the worksheets are and what they are called, in tab order, with the shared strings they use. */
async function workbookLayout(archive: ZipArchive): Promise<WorkbookLayout> {
  const packageRelationships = [...(await relationshipsOf(archive, '')).values()];
  const document = packageRelationships.find((relationship) =>
    relationshipType(relationship, 'officeDocument'),
  );
  const workbookPart = document === undefined ? DEFAULT_WORKBOOK_PART : targetOf('', document);
  if (!archive.has(workbookPart)) throw new UnreadableWorkbookError(`the file has no workbook part`);
  const listed = await parseWorkbookSheets(await archive.open(workbookPart));
  const relationships = await relationshipsOf(archive, workbookPart);
  const sheets: WorksheetPart[] = [];
  for (const sheet of listed) {
    const relationship = relationships.get(sheet.relationshipId);
    // Chart sheets and dialog sheets hold no rows.
    if (relationship === undefined || !relationshipType(relationship, 'worksheet')) continue;
    const path = targetOf(workbookPart, relationship);
    if (!archive.has(path)) throw new UnreadableWorkbookError(`the sheet ${sheet.name} is missing its data`);
    sheets.push({ name: sheet.name, state: sheet.state, path });
  }
  const strings = [...relationships.values()].find((relationship) =>
    relationshipType(relationship, 'sharedStrings'),
  );
  const stringsPart = strings === undefined ? undefined : targetOf(workbookPart, strings);
  const sharedStrings =
    stringsPart !== undefined && archive.has(stringsPart)
      ? await parseSharedStrings(await archive.open(stringsPart))
      : [];
  return { sheets, sharedStrings };
}

async function* sheetRows(
  archive: ZipArchive,
  path: string,
  sharedStrings: readonly SharedString[],
): AsyncGenerator<RawRow> {
  let xml: Readable | undefined;
  try {
    xml = await archive.open(path);
    yield* worksheetRows(xml, sharedStrings);
  } catch (error) {
    // Only reading fails here: a consumer's own errors are thrown in its loop, not into this generator.
    throw unreadable(error);
  } finally {
    xml?.destroy();
  }
}

/**
 * The sheets of a workbook in tab order. Failures to parse the file come out as
 * UnreadableWorkbookError; errors thrown by the consumer while handling a row pass through unchanged.
 */
export async function* readRawSheets(input: SheetInput): AsyncGenerator<RawSheet> {
  let opened: OpenArchive;
  let layout: WorkbookLayout;
  try {
    opened = await openArchive(input);
  } catch (error) {
    throw unreadable(error);
  }
  try {
    try {
      layout = await workbookLayout(opened.archive);
    } catch (error) {
      throw unreadable(error);
    }
    for (const sheet of layout.sheets) {
      const rows = sheetRows(opened.archive, sheet.path, layout.sharedStrings);
      try {
        yield { name: sheet.name, state: sheet.state, rows };
      } finally {
        await rows.return(undefined);
      }
    }
  } finally {
    await opened.release();
  }
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
