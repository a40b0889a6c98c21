import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  SessionLocks,
  createDatabase,
  createLogger,
  takeChunkLock,
  type Database,
} from '@campaign-pipeline/shared';
import { startScratchPostgres, type ScratchPostgres } from './support/scratch-postgres.ts';

// Two SessionLocks on their own pools stand for two worker processes.
const chunk = (step: string, index: number) => ({ campaignId: 'campaign', step, index });

describe('chunk locks', () => {
  let postgres: ScratchPostgres;
  let first: Database;
  let second: Database;

  beforeAll(async () => {
    postgres = await startScratchPostgres('chunk-locks');
    const logger = createLogger('chunk-locks-test', 'silent');
    first = createDatabase(postgres.url, 2, logger);
    second = createDatabase(postgres.url, 2, logger);
  });

  afterAll(async () => {
    // A client still checked out would keep end() waiting: give each pool a bounded time.
    const ended = (pool: Database | undefined) =>
      Promise.race([pool?.end(), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
    await Promise.allSettled([ended(first), ended(second)]);
    await postgres?.stop();
  });

  it('lets one run of a chunk hold it at a time, in one process or across processes', async () => {
    const inProcess = new SessionLocks(first);
    const otherProcess = new SessionLocks(second);
    const order: string[] = [];
    const held = await takeChunkLock(inProcess, chunk('project-creation', 0));
    const sameProcess = takeChunkLock(inProcess, chunk('project-creation', 0)).then((lock) => {
      order.push('same process');
      return lock;
    });
    const elsewhere = takeChunkLock(otherProcess, chunk('project-creation', 0)).then((lock) => {
      order.push('other process');
      return lock;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(order).toEqual([]);
    order.push('released');
    await held.release();
    const next = await Promise.race([sameProcess, elsewhere]);
    expect(order).toHaveLength(2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(order).toHaveLength(2);
    await next.release();
    const last = await (order[1] === 'same process' ? elsewhere : sameProcess);
    expect(order).toHaveLength(3);
    await last.release();
    await Promise.all([inProcess.close(), otherProcess.close()]);
  });

  it('holds many chunks on one connection, leaving the pool for the chunks queries', async () => {
    const locks = new SessionLocks(first);
    const many = await Promise.all(
      Array.from({ length: 20 }, (_, index) => takeChunkLock(locks, chunk('user-mapping', index))),
    );
    // A pool of two: one connection holds the twenty locks, the other still answers.
    const { rows } = await first.query<{ answer: number }>('SELECT 1 AS answer');
    expect(rows[0]?.answer).toBe(1);
    expect(many.every((lock) => lock.held)).toBe(true);
    await Promise.all(many.map((lock) => lock.release()));
    await locks.close();
  });

  it('opens its connection ahead when asked, and takes its locks on that one', async () => {
    const locks = new SessionLocks(second);
    await locks.open();
    // The session holds its connection before any lock is taken: the first take finds it open.
    expect(second.totalCount - second.idleCount).toBe(1);
    const lock = await takeChunkLock(locks, chunk('facility-mapping', 0));
    expect(second.totalCount - second.idleCount).toBe(1);
    expect(lock.held).toBe(true);
    await lock.release();
    await locks.close();
    expect(second.totalCount - second.idleCount).toBe(0);
  });

  it('sends its connection one query at a time, releases and takes alike', async () => {
    // The pool's connection, watched: how many of its queries ever ran at once.
    let running = 0;
    let mostAtOnce = 0;
    const watched = {
      connect: async () => {
        const client = await first.connect();
        const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
        const counted = (...args: unknown[]) => {
          running++;
          mostAtOnce = Math.max(mostAtOnce, running);
          return query(...args).finally(() => running--);
        };
        return Object.assign(client, { query: counted });
      },
    } as unknown as Database;
    const locks = new SessionLocks(watched);
    const held = await Promise.all(
      Array.from({ length: 10 }, (_, index) => takeChunkLock(locks, chunk('product-mapping', index))),
    );
    await Promise.all([
      ...held.map((lock) => lock.release()),
      ...Array.from({ length: 10 }, (_, index) =>
        takeChunkLock(locks, chunk('product-mapping', 10 + index)).then((lock) => lock.release()),
      ),
    ]);
    expect(mostAtOnce).toBe(1);
    await locks.close();
  });

  it('reports a lock as no longer held once its connection is gone, and another process takes it', async () => {
    const locks = new SessionLocks(first);
    const lock = await takeChunkLock(locks, chunk('facility-mapping', 3));
    const { rows } = await second.query<{ pid: number }>(
      `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objid = 3 AND objsubid = 2`,
    );
    expect(rows).toHaveLength(1);
    await second.query('SELECT pg_terminate_backend($1)', [rows[0]?.pid]);
    const otherProcess = new SessionLocks(second);
    const taken = await takeChunkLock(otherProcess, chunk('facility-mapping', 3));
    for (let tries = 0; lock.held && tries < 50; tries++)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(lock.held).toBe(false);
    expect(taken.held).toBe(true);
    await lock.release();
    await taken.release();
    const again = await takeChunkLock(locks, chunk('facility-mapping', 4));
    expect(again.held).toBe(true);
    await again.release();
    await Promise.all([locks.close(), otherProcess.close()]);
  });
});
