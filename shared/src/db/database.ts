import pg from 'pg';
import { runner } from 'node-pg-migrate';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../logging/logger.ts';
import { sleep } from '../retry/backoff.ts';

export type Database = pg.Pool;
export type DatabaseClient = pg.PoolClient;
/** Anything that runs a query: the pool, or a client inside a transaction. */
export type Queryable = Pick<pg.ClientBase, 'query'>;

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations', import.meta.url));

export function createDatabase(url: string, poolSize: number, logger: Logger): Database {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, idleTimeoutMillis: 30_000 });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', (error) => logger.warn({ err: error }, 'idle database connection failed'));
  return pool;
}

/**
 * Applies pending migrations. node-pg-migrate holds an advisory lock, so services starting together
 * apply them once.
 */
export async function migrate(url: string, logger: Logger): Promise<string[]> {
  const applied = await runner({
    databaseUrl: url,
    dir: MIGRATIONS_DIR,
    direction: 'up',
    migrationsTable: 'pgmigrations',
    // Replicas starting together wait for the one applying migrations instead of failing.
    advisoryLockMode: 'wait',
    count: Infinity,
    log: (message: string) => logger.debug({ migration: message }, 'migration'),
  });
  const names = applied.map((migration) => migration.name);
  if (names.length > 0) logger.info({ migrations: names }, 'database migrations applied');
  return names;
}

/** Runs `work` in one transaction; rolls back when it throws. */
export async function inTransaction<T>(
  db: Database,
  work: (client: DatabaseClient) => Promise<T>,
): Promise<T> {
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * A value as JSON text for a jsonb parameter. PostgreSQL cannot store the NUL character in jsonb (nor in
 * text), and an error message or a caller's field may hold one: it is dropped rather than failing the
 * write.
 */
export function jsonb(value: unknown): string {
  return JSON.stringify(value, (_key, field: unknown) =>
    typeof field === 'string' && field.includes('\0') ? field.replaceAll('\0', '') : field,
  );
}

/**
 * Runs `work` again when PostgreSQL chose it as a deadlock's victim (40P01), a few times with a short
 * random pause: the other transaction has gone through by then. For idempotent setup (creating what may
 * exist), where processes starting together take the same locks in different orders.
 */
export async function retryOnDeadlock<T>(work: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if ((error as { code?: unknown }).code !== '40P01' || attempt >= attempts) throw error;
      await sleep(50 + Math.random() * 200 * attempt);
    }
  }
}
