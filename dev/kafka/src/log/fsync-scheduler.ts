// Group commit for fsync: every caller that needs its writes durable waits for the next round, and one round
// syncs each dirty file once, however many requests touched it.
import { fdatasync } from 'node:fs';

export type Syncable = { fd(): number | null };

export class FsyncScheduler {
  private pending = new Set<Syncable>();
  private waiters: { resolve: () => void; reject: (e: Error) => void }[] = [];
  private running = false;
  private scheduled = false;

  /** Resolves once every write made to `file` before this call is on stable storage. */
  sync(file: Syncable): Promise<void> {
    this.pending.add(file);
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.running || this.scheduled) return;
    this.scheduled = true;
    // setImmediate lets the other requests already read from sockets join this round
    setImmediate(() => {
      this.scheduled = false;
      void this.round();
    });
  }

  private async round(): Promise<void> {
    this.running = true;
    const files = [...this.pending];
    const waiters = this.waiters;
    this.pending = new Set();
    this.waiters = [];
    try {
      await Promise.all(files.map((f) => syncOne(f)));
      for (const w of waiters) w.resolve();
    } catch (e) {
      for (const w of waiters) w.reject(e as Error);
    } finally {
      this.running = false;
      if (this.waiters.length > 0) this.schedule();
    }
  }
}

function syncOne(file: Syncable): Promise<void> {
  const fd = file.fd();
  if (fd === null) return Promise.resolve();
  return new Promise((resolve, reject) => fdatasync(fd, (err) => (err ? reject(err) : resolve())));
}
