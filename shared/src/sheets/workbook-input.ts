// Streams the sheets and rows of an xlsx workbook. The zip's central directory gives random access to its
// entries, so the workbook, its relationships and the shared strings are read first whatever order the
// writer stored them in, then each worksheet's XML is streamed: only the current rows (and the
// shared-strings table) sit in memory, never a whole sheet of 100,000 rows. A stream is spooled to a
// temporary file first, since the central directory sits at the end of the archive.
import { createWriteStream } from 'node:fs';
import { mkdtemp, open, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { posix } from 'node:path';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import { SheetErrorCode } from './errors.ts';
import { DEFAULT_SHEET_LIMITS, limitText } from './limits.ts';
import type { SheetLimits } from './limits.ts';
import { UnreadableWorkbookError, unreadable } from './workbook-error.ts';
import { parseRelationships, parseSharedStrings, parseWorkbookSheets } from './workbook-xml.ts';
import type { Relationship, SharedString } from './workbook-xml.ts';
import { worksheetRows } from './worksheet-xml.ts';
import { ZipArchive } from './zip-archive.ts';

export { UnreadableWorkbookError } from './workbook-error.ts';

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
  /** Merged ranges such as "A3:B4", known once the rows have all been read (Excel writes them last). */
  merges: readonly string[];
}

const ZIP_SIGNATURE = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const EMPTY_ZIP_SIGNATURE = Buffer.from([0x50, 0x4b, 0x05, 0x06]);
/** An OLE compound file: what Excel saves a password-protected workbook as, and the old .xls format. */
const COMPOUND_FILE_SIGNATURE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
const ENCRYPTION_INFO = Buffer.from('EncryptionInfo', 'utf16le');
const HEAD_LENGTH = COMPOUND_FILE_SIGNATURE.length;

function printable(head: Buffer): string {
  return JSON.stringify(head.toString('latin1').replace(/[^\x20-\x7e]/g, '.'));
}

/** Refuses what is not a zip archive, telling an encrypted workbook and an old .xls file apart. */
function checkSignature(head: Buffer, whole: () => Promise<Buffer>): Promise<void> {
  if (head.length === 0) {
    return Promise.reject(
      new UnreadableWorkbookError(SheetErrorCode.unreadableWorkbook, 'the file is empty'),
    );
  }
  if (head.subarray(0, ZIP_SIGNATURE.length).equals(ZIP_SIGNATURE)) return Promise.resolve();
  if (head.subarray(0, EMPTY_ZIP_SIGNATURE.length).equals(EMPTY_ZIP_SIGNATURE)) {
    return Promise.reject(
      new UnreadableWorkbookError(
        SheetErrorCode.partMissing,
        'the file is an empty zip archive, with no workbook in it',
      ),
    );
  }
  if (!head.subarray(0, COMPOUND_FILE_SIGNATURE.length).equals(COMPOUND_FILE_SIGNATURE)) {
    return Promise.reject(
      new UnreadableWorkbookError(
        SheetErrorCode.unreadableWorkbook,
        `the file is not an xlsx workbook (not a zip archive; it starts with ${printable(head)})`,
      ),
    );
  }
  return whole().then((bytes) => {
    throw bytes.includes(ENCRYPTION_INFO)
      ? new UnreadableWorkbookError(
          SheetErrorCode.encryptedWorkbook,
          'the workbook is password-protected (encrypted); save it without a password',
        )
      : new UnreadableWorkbookError(
          SheetErrorCode.unreadableWorkbook,
          'the file is an Excel 97-2003 workbook (.xls); save it as .xlsx',
        );
  });
}

function tooLarge(size: number, limits: SheetLimits): UnreadableWorkbookError {
  return new UnreadableWorkbookError(
    SheetErrorCode.fileTooLarge,
    `the file has ${size.toLocaleString('en-US')} bytes or more, more than the limit of ${limitText(limits, 'maxFileBytes', 'bytes')}`,
  );
}

async function fileHead(path: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(HEAD_LENGTH);
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

async function openFile(path: string, limits: SheetLimits): Promise<ZipArchive> {
  const { size } = await stat(path);
  if (size > limits.maxFileBytes) throw tooLarge(size, limits);
  await checkSignature(await fileHead(path), () => readFile(path));
  return ZipArchive.open(path, limits);
}

/** Counts the bytes going through and fails once there are more than `max`. */
function sizeLimit(max: number, limits: SheetLimits): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      done(seen > max ? tooLarge(seen, limits) : null, chunk);
    },
  });
}

/** Spools a stream to a temporary file: the zip's directory sits at its end. */
async function openStream(input: Readable, limits: SheetLimits): Promise<OpenArchive> {
  const folder = await mkdtemp(join(tmpdir(), 'workbook-'));
  const removeFolder = (): Promise<void> => rm(folder, { recursive: true, force: true });
  try {
    const path = join(folder, 'workbook.xlsx');
    try {
      await pipeline(input, sizeLimit(limits.maxFileBytes, limits), createWriteStream(path));
    } catch (error) {
      if (error instanceof UnreadableWorkbookError) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw new UnreadableWorkbookError(
        SheetErrorCode.unreadableWorkbook,
        `the file could not be read (${reason})`,
        {},
        { cause: error },
      );
    }
    const archive = await openFile(path, limits);
    return {
      archive,
      release: async () => {
        archive.close();
        await removeFolder();
      },
    };
  } catch (error) {
    await removeFolder();
    throw error;
  }
}

async function openArchive(input: SheetInput, limits: SheetLimits): Promise<OpenArchive> {
  if (input instanceof Readable) return openStream(input, limits);
  let archive: ZipArchive;
  if (typeof input === 'string') {
    archive = await openFile(input, limits);
  } else {
    const bytes = Buffer.isBuffer(input)
      ? input
      : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    if (bytes.length > limits.maxFileBytes) throw tooLarge(bytes.length, limits);
    await checkSignature(bytes.subarray(0, HEAD_LENGTH), () => Promise.resolve(bytes));
    archive = await ZipArchive.open(bytes, limits);
  }
  return { archive, release: () => Promise.resolve(archive.close()) };
}

/** The package path a relationship of `part` points to. */
function targetOf(part: string, relationship: Relationship): string {
  const { target } = relationship;
  const path = target.startsWith('/') ? target : posix.join(posix.dirname(part), target);
  return posix.normalize(path).replace(/^\/+/, '');
}

interface Package {
  archive: ZipArchive;
  limits: SheetLimits;
}

async function partOf({ archive, limits }: Package, path: string) {
  return { path, chunks: await archive.open(path), limits };
}

/** The relationships of `part` ('' for the package itself), none when it has no relationships part. */
async function relationshipsOf(pkg: Package, part: string): Promise<Map<string, Relationship>> {
  const path = posix.join(posix.dirname(part), '_rels', `${posix.basename(part)}.rels`);
  if (!pkg.archive.has(path)) return new Map();
  return parseRelationships(await partOf(pkg, path));
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

function partMissing(message: string, part: string, sheet?: string): UnreadableWorkbookError {
  return new UnreadableWorkbookError(SheetErrorCode.partMissing, message, { part, sheet });
}

/** Where the worksheets are and what they are called, in tab order, with the shared strings they use. */
async function workbookLayout(pkg: Package): Promise<WorkbookLayout> {
  const { archive } = pkg;
  const packageRelationships = [...(await relationshipsOf(pkg, '')).values()];
  const document = packageRelationships.find((relationship) =>
    relationshipType(relationship, 'officeDocument'),
  );
  const workbookPart = document === undefined ? DEFAULT_WORKBOOK_PART : targetOf('', document);
  if (!archive.has(workbookPart)) {
    throw partMissing(
      `the file has no workbook part (${workbookPart}); it is not an xlsx workbook`,
      workbookPart,
    );
  }
  const listed = await parseWorkbookSheets(await partOf(pkg, workbookPart));
  const relationships = await relationshipsOf(pkg, workbookPart);
  const sheets: WorksheetPart[] = [];
  for (const sheet of listed) {
    const relationship = relationships.get(sheet.relationshipId);
    if (relationship === undefined) {
      throw partMissing(
        `the sheet ${sheet.name} refers to relationship ${sheet.relationshipId}, which the workbook's relationships do not define`,
        workbookPart,
        sheet.name,
      );
    }
    // Chart sheets and dialog sheets hold no rows.
    if (!relationshipType(relationship, 'worksheet')) continue;
    const path = targetOf(workbookPart, relationship);
    if (!archive.has(path))
      throw partMissing(`the sheet ${sheet.name} is missing its data (${path})`, path, sheet.name);
    sheets.push({ name: sheet.name, state: sheet.state, path });
  }
  const strings = [...relationships.values()].find((relationship) =>
    relationshipType(relationship, 'sharedStrings'),
  );
  const stringsPart = strings === undefined ? undefined : targetOf(workbookPart, strings);
  const sharedStrings =
    stringsPart !== undefined && archive.has(stringsPart)
      ? await parseSharedStrings(await partOf(pkg, stringsPart))
      : [];
  return { sheets, sharedStrings };
}

async function* sheetRows(
  pkg: Package,
  sheet: WorksheetPart,
  sharedStrings: readonly SharedString[],
  merges: string[],
): AsyncGenerator<RawRow> {
  let xml: Readable | undefined;
  try {
    xml = await pkg.archive.open(sheet.path);
    yield* worksheetRows(
      { path: sheet.path, chunks: xml, limits: pkg.limits, sheet: sheet.name },
      sharedStrings,
      { merges },
    );
  } catch (error) {
    // Only reading fails here: a consumer's own errors are thrown in its loop, not into this generator.
    throw unreadable(error, { part: sheet.path, sheet: sheet.name });
  } finally {
    xml?.destroy();
  }
}

/**
 * The sheets of a workbook in tab order, read within `limits`. Failures to parse the file come out as
 * UnreadableWorkbookError, with a code and a location; errors thrown by the consumer while handling a row
 * pass through unchanged.
 */
export async function* readRawSheets(
  input: SheetInput,
  limits: SheetLimits = DEFAULT_SHEET_LIMITS,
): AsyncGenerator<RawSheet> {
  let opened: OpenArchive;
  let layout: WorkbookLayout;
  try {
    opened = await openArchive(input, limits);
  } catch (error) {
    throw unreadable(error);
  }
  try {
    const pkg = { archive: opened.archive, limits };
    try {
      layout = await workbookLayout(pkg);
    } catch (error) {
      throw unreadable(error);
    }
    for (const sheet of layout.sheets) {
      const merges: string[] = [];
      const rows = sheetRows(pkg, sheet, layout.sharedStrings, merges);
      try {
        yield { name: sheet.name, state: sheet.state, rows, merges };
      } finally {
        await rows.return(undefined);
      }
    }
  } finally {
    await opened.release();
  }
}
