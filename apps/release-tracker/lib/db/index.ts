import path from 'node:path';
import { applyMigrations, openDatabase, type Db } from './client';
import { seedExampleOnce } from '../services/seed';

/** Where the database lives: RELEASE_TRACKER_DB, or data/release-tracker.db next to the app. */
export function databaseFile(): string {
  return process.env.RELEASE_TRACKER_DB ?? path.join(process.cwd(), 'data', 'release-tracker.db');
}

export function migrationsFolder(): string {
  return path.join(process.cwd(), 'lib', 'db', 'migrations');
}

// Kept on globalThis so that module reloads in development share one connection and one migration run.
const holder = globalThis as typeof globalThis & { releaseTrackerDb?: Promise<Db> };

async function prepare(): Promise<Db> {
  const db = openDatabase(databaseFile());
  await applyMigrations(db, migrationsFolder());
  await seedExampleOnce(db);
  return db;
}

/** The migrated and seeded database of this server. */
export function getDb(): Promise<Db> {
  holder.releaseTrackerDb ??= prepare().catch((error: unknown) => {
    holder.releaseTrackerDb = undefined;
    throw error;
  });
  return holder.releaseTrackerDb;
}
