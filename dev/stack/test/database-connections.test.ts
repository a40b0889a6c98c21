import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createDatabase, createLogger, openConnections, type Database } from '@campaign-pipeline/shared';
import { startScratchPostgres, type ScratchPostgres } from './support/scratch-postgres.ts';

// A service opens the connections its pool keeps once it is ready, so that a campaign's first chunks find
// them open; against a real PostgreSQL, which counts the sessions.

const logger = createLogger('test', 'silent');

let database: ScratchPostgres;
let admin: Database;

beforeAll(async () => {
  database = await startScratchPostgres('database-connections');
  admin = createDatabase(database.url, 1, logger);
});

afterAll(async () => {
  await admin?.end();
  await database?.stop();
});

/** Sessions PostgreSQL holds for clients, the admin pool's own included. */
async function sessions(): Promise<number> {
  const { rows } = await admin.query<{ count: number }>(
    `SELECT count(*)::int AS count FROM pg_stat_activity WHERE backend_type = 'client backend'`,
  );
  return rows[0]?.count ?? 0;
}

describe('opening the kept connections', () => {
  it('leaves the pool holding that many open and idle, which stay open', async () => {
    const before = await sessions();
    const pool = createDatabase(database.url, 10, logger, 4);
    try {
      await openConnections(pool, 4);
      expect(pool.totalCount).toBe(4);
      expect(pool.idleCount).toBe(4);
      expect(await sessions()).toBe(before + 4);
      // Opening again finds them open: none more.
      await openConnections(pool, 4);
      expect(await sessions()).toBe(before + 4);
      // A query uses one of them instead of opening a fifth.
      await pool.query('SELECT 1');
      expect(pool.totalCount).toBe(4);
    } finally {
      await pool.end();
    }
  });

  it('opens no more than the pool may hold', async () => {
    const pool = createDatabase(database.url, 2, logger, 2);
    try {
      await openConnections(pool, 5);
      expect(pool.totalCount).toBe(2);
      expect(pool.idleCount).toBe(2);
    } finally {
      await pool.end();
    }
  });
});
