import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { createClient, type ResultSet } from '@libsql/client';
import { drizzle } from 'drizzle-orm/libsql';
import { migrate } from 'drizzle-orm/libsql/migrator';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import * as schema from './schema';

export type Db = ReturnType<typeof openDatabase>;
/** A database or an open transaction: every query helper accepts either. */
export type Queryable = BaseSQLiteDatabase<'async', ResultSet, typeof schema>;

export function openDatabase(file: string) {
  mkdirSync(path.dirname(file), { recursive: true });
  const client = createClient({ url: `file:${file}` });
  return drizzle(client, { schema });
}

export async function applyMigrations(db: Db, migrationsFolder: string): Promise<void> {
  await migrate(db, { migrationsFolder });
}
