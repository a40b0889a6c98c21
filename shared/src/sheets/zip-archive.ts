// Random access to the parts of an xlsx package (a zip archive) through yauzl, which reads the central
// directory, Zip64 included, and checks while inflating that no entry yields more bytes than its header
// declares. The declared sizes are therefore a bound: every part is checked against the limits before a
// byte of it is inflated, so a zip bomb is refused from its directory, in milliseconds.
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import type { Entry, ZipFile } from 'yauzl';

import { SheetErrorCode } from './errors.ts';
import { RATIO_CHECKED_FROM_BYTES, limitText } from './limits.ts';
import type { SheetLimits } from './limits.ts';
import { UnreadableWorkbookError, unreadable } from './workbook-error.ts';

const STORED = 0;
const DEFLATED = 8;
/** A package has a few parts per sheet (the sheet, its relationships, comments, drawings) and some more. */
const PARTS_PER_SHEET = 4;
const PACKAGE_PARTS = 64;

const OPTIONS: yauzl.Options = {
  lazyEntries: true,
  autoClose: false,
  validateEntrySizes: true,
  strictFileNames: false,
};

function openZip(source: Buffer | string): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    const done = (error: Error | null, zip: ZipFile | undefined) =>
      error || !zip ? reject(unreadable(error)) : resolve(zip);
    if (typeof source === 'string') yauzl.open(source, OPTIONS, done);
    else yauzl.fromBuffer(source, OPTIONS, done);
  });
}

const megabytes = (bytes: number): string => `${(bytes / 2 ** 20).toLocaleString('en-US')} MB`;

/** Refuses a part whose header alone shows it is encrypted, unreadable or too large. */
function checkEntry(entry: Entry, limits: SheetLimits): void {
  const part = entry.fileName;
  if (entry.isEncrypted()) {
    throw new UnreadableWorkbookError(
      SheetErrorCode.encryptedWorkbook,
      `the part ${part} is encrypted; save the workbook without a password`,
      { part },
    );
  }
  if (entry.compressionMethod !== STORED && entry.compressionMethod !== DEFLATED) {
    throw new UnreadableWorkbookError(
      SheetErrorCode.unsupportedCompression,
      `the part ${part} uses compression method ${entry.compressionMethod}; xlsx files use deflate (8) or none (0)`,
      { part },
    );
  }
  const size = entry.uncompressedSize;
  if (size > limits.maxPartBytes) {
    throw new UnreadableWorkbookError(
      SheetErrorCode.partTooLarge,
      `the part ${part} inflates to ${size.toLocaleString('en-US')} bytes (${megabytes(size)}), more than the limit of ${limitText(limits, 'maxPartBytes', 'bytes')}`,
      { part },
    );
  }
  const ratio = size / Math.max(1, entry.compressedSize);
  if (size >= RATIO_CHECKED_FROM_BYTES && ratio > limits.maxCompressionRatio) {
    throw new UnreadableWorkbookError(
      SheetErrorCode.compressionRatioTooHigh,
      `the part ${part} inflates ${Math.round(ratio).toLocaleString('en-US')} times (${entry.compressedSize.toLocaleString('en-US')} to ${size.toLocaleString('en-US')} bytes), more than the limit of ${limitText(limits, 'maxCompressionRatio', 'times')}`,
      { part },
    );
  }
}

/** Every entry of the archive, checked against the limits, by lower-case path. */
function readEntries(zip: ZipFile, limits: SheetLimits): Promise<Map<string, Entry>> {
  const maxEntries = limits.maxSheets * PARTS_PER_SHEET + PACKAGE_PARTS;
  if (zip.entryCount > maxEntries) {
    return Promise.reject(
      new UnreadableWorkbookError(
        SheetErrorCode.tooManySheets,
        `the file holds ${zip.entryCount.toLocaleString('en-US')} parts, more than a workbook within the limit of ${limitText(limits, 'maxSheets', 'sheets')} can have (${maxEntries.toLocaleString('en-US')})`,
      ),
    );
  }
  return new Promise((resolve, reject) => {
    const entries = new Map<string, Entry>();
    let total = 0;
    zip.on('entry', (entry: Entry) => {
      try {
        checkEntry(entry, limits);
        total += entry.uncompressedSize;
        if (total > limits.maxWorkbookBytes) {
          throw new UnreadableWorkbookError(
            SheetErrorCode.workbookTooLarge,
            `the parts of the file inflate to more than the limit of ${limitText(limits, 'maxWorkbookBytes', 'bytes')} (reached at ${entry.fileName})`,
            { part: entry.fileName },
          );
        }
        // Office parts are named case-insensitively.
        entries.set(entry.fileName.toLowerCase(), entry);
        zip.readEntry();
      } catch (error) {
        reject(error);
      }
    });
    zip.once('end', () => resolve(entries));
    zip.once('error', (error: Error) => reject(unreadable(error)));
    zip.readEntry();
  });
}

export class ZipArchive {
  readonly #zip: ZipFile;
  readonly #entries: Map<string, Entry>;

  private constructor(zip: ZipFile, entries: Map<string, Entry>) {
    this.#zip = zip;
    this.#entries = entries;
  }

  /** Opens an archive from its bytes or its path; fails with UnreadableWorkbookError. */
  static async open(source: Buffer | string, limits: SheetLimits): Promise<ZipArchive> {
    const zip = await openZip(source);
    try {
      return new ZipArchive(zip, await readEntries(zip, limits));
    } catch (error) {
      zip.close();
      throw error;
    }
  }

  has(path: string): boolean {
    return this.#entries.has(path.toLowerCase());
  }

  /** The uncompressed content of a part, streamed; destroy the stream to stop early. */
  open(path: string): Promise<Readable> {
    const entry = this.#entries.get(path.toLowerCase());
    if (entry === undefined) {
      return Promise.reject(
        new UnreadableWorkbookError(SheetErrorCode.partMissing, `the file has no part ${path}`, {
          part: path,
        }),
      );
    }
    return new Promise((resolve, reject) => {
      this.#zip.openReadStream(entry, (error, stream) =>
        error ? reject(unreadable(error, { part: entry.fileName })) : resolve(stream),
      );
    });
  }

  close(): void {
    this.#zip.close();
  }
}
