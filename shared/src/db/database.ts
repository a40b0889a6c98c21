import pg from 'pg';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../logging/logger.ts';
import { sleep } from '../retry/backoff.ts';

export type Database = pg.Pool;
export type DatabaseClient = pg.PoolClient;
/** Anything that runs a query: the pool, or a client inside a transaction. */
export type Queryable = Pick<pg.ClientBase, 'query'>;

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations', import.meta.url));

/**
 * A pool of at most `poolSize` connections, of which `keepOpen`, once opened, stay open while idle: a new
 * connection costs PostgreSQL a process and an authentication, 100–300 ms on a busy machine, and each
 * campaign's first chunks would pay it again for each query they run side by side.
 */
export function createDatabase(url: string, poolSize: number, logger: Logger, keepOpen = 0): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    min: Math.min(keepOpen, poolSize),
    idleTimeoutMillis: 30_000,
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', (error) => logger.warn({ err: error }, 'idle database connection failed'));
  return pool;
}

/**
 * Opens connections of the pool, one after the other, until it holds `count`, and gives them back to it
 * idle. Run once the service is ready: otherwise the first chunks after a start each opened their own
 * connection side by side, and at M the last of eight waited 270 ms for PostgreSQL to start it.
 */
export async function openConnections(pool: Database, count: number): Promise<void> {
  const held: DatabaseClient[] = [];
  try {
    while (pool.totalCount < Math.min(count, pool.options.max)) held.push(await pool.connect());
  } finally {
    for (const client of held) client.release();
  }
}

/**
 * Whether the database holds every migration in `dir` (a newer release's as well, which the runner also
 * leaves alone), asked in one query: then a service
 * starting (or restarting after a crash) has nothing to apply and need not load the migration runner.
 */
async function upToDate(url: string, dir: string): Promise<boolean> {
  const files = await readdir(dir);
  const expected = new Set(
    files.filter((file) => file.endsWith('.sql')).map((file) => path.parse(file).name),
  );
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const table = await client.query<{ exists: boolean }>(
      "SELECT to_regclass('pgmigrations') IS NOT NULL AS exists",
    );
    if (!table.rows[0]?.exists) return false;
    const { rows } = await client.query<{ name: string }>('SELECT name FROM pgmigrations');
    const applied = new Set(rows.map((row) => row.name));
    return [...expected].every((name) => applied.has(name));
  } finally {
    await client.end();
  }
}

/**
 * Applies pending migrations. node-pg-migrate holds an advisory lock, so services starting together
 * apply them once. The runner is loaded only when a migration is missing, so its checks (the order of
 * those applied) still apply whenever there is anything to do.
 */
export async function migrate(url: string, logger: Logger, dir = MIGRATIONS_DIR): Promise<string[]> {
  if (await upToDate(url, dir)) return [];
  const { runner } = await import('node-pg-migrate');
  const applied = await runner({
    databaseUrl: url,
    dir,
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
