import type { Database, DatabaseClient } from '../db/database.ts';
import { sleep } from '../retry/backoff.ts';

/** A chunk run's lock; `held` turns false when the connection holding it was lost. */
export interface ChunkLock {
  readonly held: boolean;
  release(): Promise<void>;
}

/**
 * One run of a chunk at a time across every process: a PostgreSQL session advisory lock per chunk. All the
 * locks of a process live on one connection, so a worker running many chunks at once keeps the rest of its
 * pool for their queries (a connection per lock starved the pool, and could deadlock it). A lock taken by
 * another session is waited for by polling: waiting on the shared connection would block every other lock.
 * When the connection breaks, PostgreSQL frees its locks; the runs that held them see `held` false.
 */
export class ChunkLocks {
  readonly #db: Database;
  #connection: Promise<{ client: DatabaseClient; lost: { value: boolean } }> | undefined;
  /** Keys held by this process: a session advisory lock is re-entrant, so the process checks itself. */
  readonly #held = new Set<string>();

  constructor(db: Database) {
    this.#db = db;
  }

  async acquire(key: string, signal?: AbortSignal): Promise<ChunkLock> {
    for (let delay = 20; ; delay = Math.min(delay * 2, 500)) {
      if (!this.#held.has(key)) {
        const connection = await this.#connect();
        const { rows } = await connection.client.query<{ locked: boolean }>(
          'SELECT pg_try_advisory_lock(hashtext($1)) AS locked',
          [key],
        );
        if (rows[0]?.locked) {
          this.#held.add(key);
          return this.#lock(key, connection);
        }
      }
      await sleep(delay, signal);
    }
  }

  /** Gives the connection back; PostgreSQL releases whatever locks it still holds. */
  async close(): Promise<void> {
    const connection = await this.#connection?.catch(() => undefined);
    this.#connection = undefined;
    if (connection === undefined || connection.lost.value) return;
    connection.lost.value = true;
    connection.client.release();
  }

  #lock(key: string, connection: { client: DatabaseClient; lost: { value: boolean } }): ChunkLock {
    let released = false;
    return {
      get held() {
        return !released && !connection.lost.value;
      },
      release: async () => {
        if (released) return;
        released = true;
        this.#held.delete(key);
        if (connection.lost.value) return;
        await connection.client
          .query('SELECT pg_advisory_unlock(hashtext($1))', [key])
          .catch(() => undefined);
      },
    };
  }

  #connect(): Promise<{ client: DatabaseClient; lost: { value: boolean } }> {
    this.#connection ??= this.#db.connect().then(
      (client) => {
        const lost = { value: false };
        const drop = () => {
          if (lost.value) return;
          lost.value = true;
          this.#connection = undefined;
          client.release(true);
        };
        client.on('error', drop);
        client.on('end', drop);
        return { client, lost };
      },
      (error: unknown) => {
        this.#connection = undefined;
        throw error;
      },
    );
    return this.#connection;
  }
}
