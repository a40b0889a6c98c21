import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { createClient, type Client, type ResultSet, type Transaction } from '@libsql/client';
import { drizzle } from 'drizzle-orm/libsql';
import { migrate } from 'drizzle-orm/libsql/migrator';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import * as schema from './schema';

export type Db = ReturnType<typeof openDatabase>;
/** A database or an open transaction: every query helper accepts either. */
export type Queryable = BaseSQLiteDatabase<'async', ResultSet, typeof schema>;

const queued = new Set<PropertyKey>(['execute', 'batch', 'migrate', 'executeMultiple']);

/**
 * Lets one statement or transaction at a time reach the file. The driver is synchronous and gives each
 * transaction its own connection: a second writer would wait for the lock inside a blocking call, so
 * the first could never commit. Queued here, it simply runs after the first one finished.
 */
function oneAtATime(client: Client): Client {
  let tail: Promise<void> = Promise.resolve();
  const turn = async (): Promise<() => void> => {
    let release!: () => void;
    const done = new Promise<void>((resolve) => (release = resolve));
    const previous = tail;
    tail = previous.then(() => done);
    await previous;
    return release;
  };
  const transaction = async (...args: Parameters<Client['transaction']>): Promise<Transaction> => {
    const release = await turn();
    try {
      const tx = await client.transaction(...args);
      const settle =
        <T>(end: () => Promise<T>) =>
        async () => {
          try {
            return await end();
          } finally {
            release();
          }
        };
      return Object.assign(tx, {
        commit: settle(tx.commit.bind(tx)),
        rollback: settle(tx.rollback.bind(tx)),
        close: () => {
          tx.close();
          release();
        },
      });
    } catch (error) {
      release();
      throw error;
    }
  };
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property === 'transaction') return transaction;
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      if (!queued.has(property)) return value.bind(target);
      return async (...args: unknown[]) => {
        const release = await turn();
        try {
          return await value.apply(target, args);
        } finally {
          release();
        }
      };
    },
  });
}

export function openDatabase(file: string) {
  mkdirSync(path.dirname(file), { recursive: true });
  // The busy timeout covers other processes using the same file (a second server, drizzle-kit).
  const client = createClient({ url: `file:${file}`, timeout: 5_000 });
  return drizzle(oneAtATime(client), { schema });
}

export async function applyMigrations(db: Db, migrationsFolder: string): Promise<void> {
  await migrate(db, { migrationsFolder });
}
