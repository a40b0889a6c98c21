// CRC-32C (Castagnoli), which record batches carry over bytes 21..end. Slicing-by-16 over aligned 32-bit
// little-endian words: the produce path checks every byte a client sends, so this loop is the hot spot.
import { endianness } from 'node:os';

const POLY = 0x82f63b78;
const SLICES = 16;
const TABLE = new Int32Array(SLICES * 256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
  TABLE[n] = c;
}
for (let n = 0; n < 256; n++) {
  let c = TABLE[n]!;
  for (let k = 1; k < SLICES; k++) {
    c = TABLE[c & 0xff]! ^ (c >>> 8);
    TABLE[k * 256 + n] = c;
  }
}
const LITTLE_ENDIAN = endianness() === 'LE';

function bytewise(crc: number, buf: Uint8Array, start: number, end: number): number {
  const t = TABLE;
  for (let i = start; i < end; i++) crc = t[(crc ^ buf[i]!) & 0xff]! ^ (crc >>> 8);
  return crc;
}

export function crc32c(buf: Uint8Array, start = 0, end = buf.length): number {
  const t = TABLE;
  let crc = ~0;
  let i = start;
  if (LITTLE_ENDIAN && end - start >= 32) {
    const head = i + ((4 - ((buf.byteOffset + i) & 3)) & 3);
    crc = bytewise(crc, buf, i, head);
    i = head;
    const blocks = (end - i) >>> 4;
    const words = new Uint32Array(buf.buffer, buf.byteOffset + i, blocks * 4);
    for (let k = 0; k < words.length; k += 4) {
      const a = words[k]! ^ crc;
      const b = words[k + 1]!;
      const c = words[k + 2]!;
      const d = words[k + 3]!;
      crc =
        t[3840 + (a & 0xff)]! ^
        t[3584 + ((a >>> 8) & 0xff)]! ^
        t[3328 + ((a >>> 16) & 0xff)]! ^
        t[3072 + (a >>> 24)]! ^
        t[2816 + (b & 0xff)]! ^
        t[2560 + ((b >>> 8) & 0xff)]! ^
        t[2304 + ((b >>> 16) & 0xff)]! ^
        t[2048 + (b >>> 24)]! ^
        t[1792 + (c & 0xff)]! ^
        t[1536 + ((c >>> 8) & 0xff)]! ^
        t[1280 + ((c >>> 16) & 0xff)]! ^
        t[1024 + (c >>> 24)]! ^
        t[768 + (d & 0xff)]! ^
        t[512 + ((d >>> 8) & 0xff)]! ^
        t[256 + ((d >>> 16) & 0xff)]! ^
        t[d >>> 24]!;
    }
    i += blocks * 16;
  }
  return ~bytewise(crc, buf, i, end) >>> 0;
}
