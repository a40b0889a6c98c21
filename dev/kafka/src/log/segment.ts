// Where a partition's batches live: a file of batches back to back (Kafka's own .log layout) or memory.
import { closeSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';

export type SegmentStorage = {
  /** Appends bytes; returns the position they start at. */
  append(bytes: Buffer): number;
  /** The `length` bytes at `position`, as one or more buffers. */
  read(position: number, length: number): Buffer[];
  size(): number;
  fd(): number | null;
  close(): void;
};

export class FileSegment implements SegmentStorage {
  private handle: number | null;
  private end: number;

  constructor(path: string, validLength: number) {
    this.handle = openSync(path, 'r+');
    ftruncateSync(this.handle, validLength);
    this.end = validLength;
  }

  append(bytes: Buffer): number {
    const fd = this.requireOpen();
    const at = this.end;
    let written = 0;
    try {
      while (written < bytes.length) {
        written += writeSync(fd, bytes, written, bytes.length - written, at + written);
      }
    } catch (e) {
      // leave no partial batch behind a failed write (e.g. a full disk)
      ftruncateSync(fd, at);
      throw e;
    }
    this.end += bytes.length;
    return at;
  }

  read(position: number, length: number): Buffer[] {
    const fd = this.requireOpen();
    const out = Buffer.allocUnsafe(length);
    let got = 0;
    while (got < length) {
      const n = readSync(fd, out, got, length - got, position + got);
      if (n === 0) throw new Error(`segment ended at ${position + got}, expected ${position + length}`);
      got += n;
    }
    return [out];
  }

  size(): number {
    return this.end;
  }

  fd(): number | null {
    return this.handle;
  }

  close(): void {
    if (this.handle !== null) closeSync(this.handle);
    this.handle = null;
  }

  private requireOpen(): number {
    if (this.handle === null) throw new Error('segment is closed');
    return this.handle;
  }
}

export class MemorySegment implements SegmentStorage {
  private chunks: Buffer[] = [];
  private starts: number[] = [];
  private end = 0;

  append(bytes: Buffer): number {
    const at = this.end;
    // keep the request's own bytes unless they would pin a much larger buffer (small frames share one)
    this.chunks.push(bytes.buffer.byteLength > 2 * bytes.length ? Buffer.from(bytes) : bytes);
    this.starts.push(at);
    this.end += bytes.length;
    return at;
  }

  read(position: number, length: number): Buffer[] {
    let i = lowerBound(this.starts, position);
    const parts: Buffer[] = [];
    let remaining = length;
    while (remaining > 0) {
      const chunk = this.chunks[i];
      if (!chunk) throw new Error(`memory segment has no bytes at ${position}`);
      parts.push(chunk);
      remaining -= chunk.length;
      i++;
    }
    return parts;
  }

  size(): number {
    return this.end;
  }

  fd(): number | null {
    return null;
  }

  close(): void {
    this.chunks = [];
    this.starts = [];
  }
}

function lowerBound(sorted: number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
