// A small zip writer for hostile test files: it writes exactly the headers it is told to, including ones
// that lie (sizes, flags, compression methods), which no zip library would produce. It also writes zip
// bombs to disk quickly: the deflate stream of one block of XML is computed once, ended with a full flush
// so it stands alone, and written again and again; the CRC-32 of the repetition is computed from the
// block's CRC by combination, never by reading gigabytes.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { constants, crc32, deflateRawSync } from 'node:zlib';

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_DIRECTORY = 0x06054b50;
const ZIP64_EXTRA = 0x0001;
const ZIP64_MARK = 0xffffffff;

export interface ZipEntrySpec {
  name: string;
  /** The uncompressed content. */
  data: Buffer;
  /** 8 (deflate, the default) or 0 (stored); any other number is written as is, with stored bytes. */
  method?: number;
  /** General-purpose flags (bit 0: encrypted). */
  flags?: number;
  /** Overrides the uncompressed size both headers declare. */
  declaredSize?: number;
}

interface WrittenEntry {
  name: Buffer;
  method: number;
  flags: number;
  crc: number;
  compressedSize: number;
  size: number;
  offset: number;
}

function localHeader(entry: WrittenEntry): Buffer {
  const zip64 = entry.size >= ZIP64_MARK;
  const extra = zip64 ? Buffer.alloc(20) : Buffer.alloc(0);
  if (zip64) {
    extra.writeUInt16LE(ZIP64_EXTRA, 0);
    extra.writeUInt16LE(16, 2);
    extra.writeBigUInt64LE(BigInt(entry.size), 4);
    extra.writeBigUInt64LE(BigInt(entry.compressedSize), 12);
  }
  const header = Buffer.alloc(30);
  header.writeUInt32LE(LOCAL_HEADER, 0);
  header.writeUInt16LE(zip64 ? 45 : 20, 4);
  header.writeUInt16LE(entry.flags, 6);
  header.writeUInt16LE(entry.method, 8);
  header.writeUInt32LE(0, 10);
  header.writeUInt32LE(entry.crc, 14);
  header.writeUInt32LE(zip64 ? ZIP64_MARK : entry.compressedSize, 18);
  header.writeUInt32LE(zip64 ? ZIP64_MARK : entry.size, 22);
  header.writeUInt16LE(entry.name.length, 26);
  header.writeUInt16LE(extra.length, 28);
  return Buffer.concat([header, entry.name, extra]);
}

function centralHeader(entry: WrittenEntry): Buffer {
  const zip64 = entry.size >= ZIP64_MARK;
  const extra = zip64 ? Buffer.alloc(12) : Buffer.alloc(0);
  if (zip64) {
    extra.writeUInt16LE(ZIP64_EXTRA, 0);
    extra.writeUInt16LE(8, 2);
    extra.writeBigUInt64LE(BigInt(entry.size), 4);
  }
  const header = Buffer.alloc(46);
  header.writeUInt32LE(CENTRAL_HEADER, 0);
  header.writeUInt16LE(zip64 ? 45 : 20, 4);
  header.writeUInt16LE(zip64 ? 45 : 20, 6);
  header.writeUInt16LE(entry.flags, 8);
  header.writeUInt16LE(entry.method, 10);
  header.writeUInt32LE(0, 12);
  header.writeUInt32LE(entry.crc, 16);
  header.writeUInt32LE(entry.compressedSize, 20);
  header.writeUInt32LE(zip64 ? ZIP64_MARK : entry.size, 24);
  header.writeUInt16LE(entry.name.length, 28);
  header.writeUInt16LE(extra.length, 30);
  header.writeUInt32LE(entry.offset, 42);
  return Buffer.concat([header, entry.name, extra]);
}

function endOfDirectory(count: number, size: number, offset: number): Buffer {
  const end = Buffer.alloc(22);
  end.writeUInt32LE(END_OF_DIRECTORY, 0);
  end.writeUInt16LE(count, 8);
  end.writeUInt16LE(count, 10);
  end.writeUInt32LE(size, 12);
  end.writeUInt32LE(offset, 16);
  return end;
}

/** A zip archive of the entries, in order, as their specs say. */
export function zipArchive(specs: readonly ZipEntrySpec[]): Buffer {
  const parts: Buffer[] = [];
  const written: WrittenEntry[] = [];
  let offset = 0;
  for (const spec of specs) {
    const method = spec.method ?? 8;
    const body = method === 8 ? deflateRawSync(spec.data) : spec.data;
    const entry: WrittenEntry = {
      name: Buffer.from(spec.name),
      method,
      flags: spec.flags ?? 0,
      crc: crc32(spec.data),
      compressedSize: body.length,
      size: spec.declaredSize ?? spec.data.length,
      offset,
    };
    const header = localHeader(entry);
    parts.push(header, body);
    written.push(entry);
    offset += header.length + body.length;
  }
  const directory = Buffer.concat(written.map(centralHeader));
  return Buffer.concat([...parts, directory, endOfDirectory(written.length, directory.length, offset)]);
}

// CRC-32 of a concatenation from the CRCs of its parts (zlib's crc32_combine, over GF(2)).
function matrixTimes(matrix: Uint32Array, vector: number): number {
  let sum = 0;
  for (let index = 0, rest = vector >>> 0; rest !== 0; index++, rest >>>= 1) {
    if (rest & 1) sum ^= matrix[index] ?? 0;
  }
  return sum >>> 0;
}

function matrixSquare(square: Uint32Array, matrix: Uint32Array): void {
  for (let n = 0; n < 32; n++) square[n] = matrixTimes(matrix, matrix[n] ?? 0);
}

/** The CRC-32 of A followed by B, from crc(A), crc(B) and B's length. */
export function crc32Combine(crcA: number, crcB: number, lengthB: number): number {
  if (lengthB <= 0) return crcA;
  const even = new Uint32Array(32);
  const odd = new Uint32Array(32);
  odd[0] = 0xedb88320;
  for (let n = 1, row = 1; n < 32; n++, row <<= 1) odd[n] = row >>> 0;
  matrixSquare(even, odd);
  matrixSquare(odd, even);
  let crc = crcA >>> 0;
  for (let rest = lengthB; rest > 0;) {
    matrixSquare(even, odd);
    if (rest % 2 === 1) crc = matrixTimes(even, crc);
    rest = Math.floor(rest / 2);
    if (rest === 0) break;
    matrixSquare(odd, even);
    if (rest % 2 === 1) crc = matrixTimes(odd, crc);
    rest = Math.floor(rest / 2);
  }
  return (crc ^ crcB) >>> 0;
}

/** The CRC-32 of `count` copies of a block, by doubling. */
export function repeatedCrc32(blockCrc: number, blockLength: number, count: number): number {
  let crc = 0;
  let power = blockCrc;
  let powerLength = blockLength;
  for (let rest = count; rest > 0; rest = Math.floor(rest / 2)) {
    if (rest % 2 === 1) crc = crc32Combine(crc, power, powerLength);
    power = crc32Combine(power, power, powerLength);
    powerLength *= 2;
  }
  return crc;
}

export interface RepeatedPart {
  name: string;
  head: Buffer;
  /** Written `count` times between head and tail. */
  block: Buffer;
  count: number;
  tail: Buffer;
}

const fullFlush = (data: Buffer): Buffer =>
  deflateRawSync(data, { level: 9, finishFlush: constants.Z_FULL_FLUSH });

/**
 * Writes a zip of `entries` followed by one huge deflated part, streaming to `path`: memory stays at one
 * compressed block whatever the part inflates to. Returns the file's size and the part's inflated size.
 */
export async function writeRepeatedZip(
  path: string,
  entries: readonly ZipEntrySpec[],
  part: RepeatedPart,
): Promise<{ fileBytes: number; partBytes: number }> {
  const small = zipArchive(entries);
  const directoryStart = small.readUInt32LE(small.length - 6);
  const head = fullFlush(part.head);
  const block = fullFlush(part.block);
  const tail = deflateRawSync(part.tail, { level: 9 });
  const size = part.head.length + part.block.length * part.count + part.tail.length;
  let crc = crc32(part.head);
  crc = crc32Combine(
    crc,
    repeatedCrc32(crc32(part.block), part.block.length, part.count),
    part.block.length * part.count,
  );
  crc = crc32Combine(crc, crc32(part.tail), part.tail.length);
  const entry: WrittenEntry = {
    name: Buffer.from(part.name),
    method: 8,
    flags: 0,
    crc,
    compressedSize: head.length + block.length * part.count + tail.length,
    size,
    offset: directoryStart,
  };
  const directory = small.subarray(directoryStart, small.length - 22);
  const out = createWriteStream(path);
  const write = async (bytes: Buffer) => {
    if (!out.write(bytes)) await once(out, 'drain');
  };
  await write(small.subarray(0, directoryStart));
  const local = localHeader(entry);
  await write(local);
  await write(head);
  for (let index = 0; index < part.count; index++) await write(block);
  await write(tail);
  const newDirectory = Buffer.concat([directory, centralHeader(entry)]);
  const entryCount = small.readUInt16LE(small.length - 12) + 1;
  const directoryOffset = directoryStart + local.length + entry.compressedSize;
  await write(
    Buffer.concat([newDirectory, endOfDirectory(entryCount, newDirectory.length, directoryOffset)]),
  );
  out.end();
  await once(out, 'finish');
  return { fileBytes: directoryOffset + newDirectory.length + 22, partBytes: size };
}
