// Random access to the entries of a zip archive through its central directory, so that entries can be read
// in whatever order a reader needs them, whatever order the writer stored them in. Covers what xlsx files
// use: stored and deflated entries, with Zip64 sizes and offsets; entry data is streamed, never held whole.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { createInflateRaw } from 'node:zlib';

/** The bytes are not a zip archive this reader can read. */
export class ZipFormatError extends Error {
  override readonly name = 'ZipFormatError';
}

interface ZipSource {
  size: number;
  read(position: number, length: number): Promise<Buffer>;
  /** The bytes from `start` to `end` (exclusive). */
  stream(start: number, end: number): Readable;
  close(): Promise<void>;
}

interface ZipEntry {
  path: string;
  flags: number;
  method: number;
  compressedSize: number;
  localHeaderOffset: number;
}

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const ZIP64_END_LOCATOR = 0x07064b50;
const ZIP64_END_OF_CENTRAL_DIRECTORY = 0x06064b50;
const CENTRAL_DIRECTORY_HEADER = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;
const END_RECORD_LENGTH = 22;
const MAX_COMMENT_LENGTH = 0xffff;
const ZIP64_EXTRA_FIELD = 0x0001;
const STORED = 0;
const DEFLATED = 8;
const ENCRYPTED_FLAG = 0x1;

function bufferSource(bytes: Buffer): ZipSource {
  return {
    size: bytes.length,
    read: (position, length) => Promise.resolve(bytes.subarray(position, position + length)),
    stream: (start, end) => Readable.from([bytes.subarray(start, end)], { objectMode: false }),
    close: () => Promise.resolve(),
  };
}

async function fileSource(path: string): Promise<ZipSource> {
  const handle: FileHandle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    return {
      size,
      read: async (position, length) => {
        const buffer = Buffer.alloc(length);
        const { bytesRead } = await handle.read(buffer, 0, length, position);
        return buffer.subarray(0, bytesRead);
      },
      // A stream of its own per entry (fs end is inclusive), closed when the entry is done or abandoned.
      stream: (start, end) =>
        end > start
          ? createReadStream(path, { start, end: end - 1 })
          : Readable.from([], { objectMode: false }),
      close: () => handle.close(),
    };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

async function readExactly(source: ZipSource, position: number, length: number): Promise<Buffer> {
  if (position < 0 || position + length > source.size) {
    throw new ZipFormatError('the zip archive is truncated');
  }
  const bytes = await source.read(position, length);
  if (bytes.length !== length) throw new ZipFormatError('the zip archive is truncated');
  return bytes;
}

interface CentralDirectory {
  entryCount: number;
  size: number;
  offset: number;
}

async function centralDirectory(source: ZipSource): Promise<CentralDirectory> {
  const tailLength = Math.min(source.size, END_RECORD_LENGTH + MAX_COMMENT_LENGTH);
  const tailStart = source.size - tailLength;
  const tail = await readExactly(source, tailStart, tailLength);
  let at = tail.length - END_RECORD_LENGTH;
  while (at >= 0 && tail.readUInt32LE(at) !== END_OF_CENTRAL_DIRECTORY) at--;
  if (at < 0) throw new ZipFormatError('the zip archive has no central directory (truncated?)');
  const directory = {
    entryCount: tail.readUInt16LE(at + 10),
    size: tail.readUInt32LE(at + 12),
    offset: tail.readUInt32LE(at + 16),
  };
  const usesZip64 =
    directory.entryCount === 0xffff || directory.size === 0xffffffff || directory.offset === 0xffffffff;
  if (!usesZip64) return directory;
  const locator = await readExactly(source, tailStart + at - 20, 20);
  if (locator.readUInt32LE(0) !== ZIP64_END_LOCATOR) throw new ZipFormatError('the Zip64 locator is missing');
  const record = await readExactly(source, Number(locator.readBigUInt64LE(8)), 56);
  if (record.readUInt32LE(0) !== ZIP64_END_OF_CENTRAL_DIRECTORY) {
    throw new ZipFormatError('the Zip64 end of central directory is missing');
  }
  return {
    entryCount: Number(record.readBigUInt64LE(32)),
    size: Number(record.readBigUInt64LE(40)),
    offset: Number(record.readBigUInt64LE(48)),
  };
}

/** Sizes and offset that do not fit 32 bits sit in the Zip64 extra field, in this order, when present. */
function applyZip64(extra: Buffer, entry: ZipEntry, uncompressedSize: number): void {
  for (let at = 0; at + 4 <= extra.length;) {
    const id = extra.readUInt16LE(at);
    const length = extra.readUInt16LE(at + 2);
    if (id === ZIP64_EXTRA_FIELD) {
      let field = at + 4;
      const next = (): number => {
        const value = Number(extra.readBigUInt64LE(field));
        field += 8;
        return value;
      };
      if (uncompressedSize === 0xffffffff) next();
      if (entry.compressedSize === 0xffffffff) entry.compressedSize = next();
      if (entry.localHeaderOffset === 0xffffffff) entry.localHeaderOffset = next();
      return;
    }
    at += 4 + length;
  }
}

function parseEntries(records: Buffer, count: number): ZipEntry[] {
  const entries: ZipEntry[] = [];
  let at = 0;
  for (let index = 0; index < count; index++) {
    if (at + 46 > records.length || records.readUInt32LE(at) !== CENTRAL_DIRECTORY_HEADER) {
      throw new ZipFormatError('the zip central directory is damaged');
    }
    const nameLength = records.readUInt16LE(at + 28);
    const extraLength = records.readUInt16LE(at + 30);
    const commentLength = records.readUInt16LE(at + 32);
    const nameStart = at + 46;
    const entry: ZipEntry = {
      path: records.toString('utf8', nameStart, nameStart + nameLength),
      flags: records.readUInt16LE(at + 8),
      method: records.readUInt16LE(at + 10),
      compressedSize: records.readUInt32LE(at + 20),
      localHeaderOffset: records.readUInt32LE(at + 42),
    };
    const extraStart = nameStart + nameLength;
    applyZip64(records.subarray(extraStart, extraStart + extraLength), entry, records.readUInt32LE(at + 24));
    entries.push(entry);
    at = extraStart + extraLength + commentLength;
  }
  return entries;
}

/** Inflates `compressed` into a stream that fails when either side fails and releases both when done. */
function inflated(compressed: Readable, method: number): Readable {
  if (method === STORED) return compressed;
  const inflater = createInflateRaw();
  compressed.on('error', (error) => inflater.destroy(error));
  inflater.on('close', () => compressed.destroy());
  return compressed.pipe(inflater);
}

export class ZipArchive {
  readonly #source: ZipSource;
  /** Entry by lower-case path: parts of an Office package are named case-insensitively. */
  readonly #entries: Map<string, ZipEntry>;

  private constructor(source: ZipSource, entries: ZipEntry[]) {
    this.#source = source;
    this.#entries = new Map(entries.map((entry) => [entry.path.toLowerCase(), entry]));
  }

  static async fromBuffer(bytes: Buffer): Promise<ZipArchive> {
    return ZipArchive.#read(bufferSource(bytes));
  }

  static async fromFile(path: string): Promise<ZipArchive> {
    return ZipArchive.#read(await fileSource(path));
  }

  static async #read(source: ZipSource): Promise<ZipArchive> {
    try {
      const directory = await centralDirectory(source);
      const records = await readExactly(source, directory.offset, directory.size);
      return new ZipArchive(source, parseEntries(records, directory.entryCount));
    } catch (error) {
      await source.close();
      throw error;
    }
  }

  has(path: string): boolean {
    return this.#entries.has(path.toLowerCase());
  }

  /** The uncompressed content of an entry, streamed; destroy the stream to stop early. */
  async open(path: string): Promise<Readable> {
    const entry = this.#entries.get(path.toLowerCase());
    if (entry === undefined) throw new ZipFormatError(`the zip archive has no entry ${path}`);
    if (entry.flags & ENCRYPTED_FLAG) throw new ZipFormatError(`the zip entry ${path} is encrypted`);
    if (entry.method !== STORED && entry.method !== DEFLATED) {
      throw new ZipFormatError(`the zip entry ${path} uses unsupported compression method ${entry.method}`);
    }
    const header = await readExactly(this.#source, entry.localHeaderOffset, 30);
    if (header.readUInt32LE(0) !== LOCAL_FILE_HEADER) {
      throw new ZipFormatError(`the zip entry ${path} has no local header`);
    }
    const start = entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
    const end = start + entry.compressedSize;
    if (end > this.#source.size) throw new ZipFormatError('the zip archive is truncated');
    return inflated(this.#source.stream(start, end), entry.method);
  }

  close(): Promise<void> {
    return this.#source.close();
  }
}
