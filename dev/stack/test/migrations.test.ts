import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createLogger, migrate } from '@campaign-pipeline/shared';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { onFreePort, startPostgresProcess, type EmbeddedDatabase } from '../src/index.ts';

// A folder of migrations of the test's own, so that a release adding one can be played out.
describe('database migrations', () => {
  let dir: string;
  let migrations: string;
  let postgres: EmbeddedDatabase;
  const logger = createLogger('migrations-test', 'silent');

  const query = async (sql: string) => {
    const client = new pg.Client({ connectionString: postgres.url });
    await client.connect();
    try {
      return (await client.query<Record<string, unknown>>(sql)).rows;
    } finally {
      await client.end();
    }
  };
  const addMigration = (name: string, table: string) =>
    writeFile(path.join(migrations, `${name}.sql`), `-- Up Migration\nCREATE TABLE ${table} (id int);\n`);
  const tableExists = async (table: string) =>
    (await query(`SELECT to_regclass('${table}') IS NOT NULL AS present`))[0]?.present;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'migrations-'));
    await chmod(dir, 0o755);
    migrations = path.join(dir, 'migrations');
    await mkdir(migrations);
    postgres = await onFreePort((port) => startPostgresProcess({ dataDir: path.join(dir, 'pg'), port }));
  });

  afterAll(async () => {
    await postgres?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('applies every migration to a new database, in order, and nothing to one up to date', async () => {
    await addMigration('1000_campaign', 'campaign');
    await addMigration('1001_campaign_step', 'campaign_step');
    expect(await migrate(postgres.url, logger, migrations)).toEqual(['1000_campaign', '1001_campaign_step']);
    expect(await migrate(postgres.url, logger, migrations)).toEqual([]);
    expect(await tableExists('campaign_step')).toBe(true);
  });

  it('applies the migration a new release brings', async () => {
    await addMigration('1002_consumer_group_member', 'consumer_group_member');
    expect(await migrate(postgres.url, logger, migrations)).toEqual(['1002_consumer_group_member']);
    expect(await tableExists('consumer_group_member')).toBe(true);
    expect(await migrate(postgres.url, logger, migrations)).toEqual([]);
  });

  it('leaves alone a database that also holds a migration of a newer release, as the runner does', async () => {
    await query("INSERT INTO pgmigrations (name, run_on) VALUES ('1003_from_a_newer_release', now())");
    expect(await migrate(postgres.url, logger, migrations)).toEqual([]);
  });

  it('refuses a database that lacks a migration older than one it holds, as the runner does', async () => {
    await query("DELETE FROM pgmigrations WHERE name = '1001_campaign_step'");
    await expect(migrate(postgres.url, logger, migrations)).rejects.toThrow(/1001_campaign_step/);
  });
});
