import { crc32c } from './src/protocol/crc32c.ts';
const POLY = 0x82f63b78;
const T = new Int32Array(16 * 256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
  T[n] = c;
}
for (let n = 0; n < 256; n++) {
  let c = T[n]!;
  for (let k = 1; k < 16; k++) {
    c = T[c & 0xff]! ^ (c >>> 8);
    T[k * 256 + n] = c;
  }
}
function crc16(buf: Uint8Array, start: number, end: number): number {
  let crc = ~0;
  let i = start;
  const words = buf.byteOffset + start;
  // align
  while (i < end && ((buf.byteOffset + i) & 3) !== 0) crc = T[(crc ^ buf[i++]!) & 0xff]! ^ (crc >>> 8);
  const n = (end - i) >>> 4;
  const u32 = new Uint32Array(buf.buffer, buf.byteOffset + i, n * 4);
  for (let k = 0; k < n * 4; k += 4) {
    const a = u32[k]! ^ crc,
      b = u32[k + 1]!,
      c = u32[k + 2]!,
      d = u32[k + 3]!;
    crc =
      T[15 * 256 + (a & 0xff)]! ^
      T[14 * 256 + ((a >>> 8) & 0xff)]! ^
      T[13 * 256 + ((a >>> 16) & 0xff)]! ^
      T[12 * 256 + (a >>> 24)]! ^
      T[11 * 256 + (b & 0xff)]! ^
      T[10 * 256 + ((b >>> 8) & 0xff)]! ^
      T[9 * 256 + ((b >>> 16) & 0xff)]! ^
      T[8 * 256 + (b >>> 24)]! ^
      T[7 * 256 + (c & 0xff)]! ^
      T[6 * 256 + ((c >>> 8) & 0xff)]! ^
      T[5 * 256 + ((c >>> 16) & 0xff)]! ^
      T[4 * 256 + (c >>> 24)]! ^
      T[3 * 256 + (d & 0xff)]! ^
      T[2 * 256 + ((d >>> 8) & 0xff)]! ^
      T[256 + ((d >>> 16) & 0xff)]! ^
      T[d >>> 24]!;
  }
  i += n * 16;
  while (i < end) crc = T[(crc ^ buf[i++]!) & 0xff]! ^ (crc >>> 8);
  void words;
  return ~crc >>> 0;
}
const b = Buffer.alloc(512 * 1024);
for (let i = 0; i < b.length; i++) b[i] = (i * 31) & 255;
const sub = b.subarray(21);
console.log(
  crc32c(sub).toString(16),
  crc16(sub, 0, sub.length).toString(16),
  crc16(Buffer.from('123456789'), 0, 9).toString(16),
);
for (const [name, f] of [
  ['cur', () => crc32c(sub)],
  ['s16', () => crc16(sub, 0, sub.length)],
] as const) {
  for (let i = 0; i < 50; i++) f();
  const t = performance.now();
  for (let i = 0; i < 200; i++) f();
  console.log(name, 'ms per 512KB', ((performance.now() - t) / 200).toFixed(3));
}
