// Intake cuts facilities, users and mappings into chunks in SQL, and projects level by level in
// TypeScript: both must follow the one rule of rowsPerChunk.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { rowsPerChunk, rowsPerChunkSql } from '@campaign-pipeline/shared';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { onFreePort, startPostgresProcess, type EmbeddedDatabase } from '../src/index.ts';

describe('rows per chunk in SQL', () => {
  let dir: string;
  let postgres: EmbeddedDatabase;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'chunk-sizing-'));
    await chmod(dir, 0o755);
    postgres = await onFreePort((port) => startPostgresProcess({ dataDir: path.join(dir, 'pg'), port }));
  });

  afterAll(async () => {
    await postgres?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('agrees with rowsPerChunk for every kind of step size', async () => {
    const sizings = [
      { maxRows: 2000, minRows: 500, spreadOver: 8 },
      { maxRows: 10, minRows: 500, spreadOver: 8 },
      { maxRows: 3, minRows: 1, spreadOver: 4 },
      { maxRows: 1000, minRows: 1, spreadOver: 0 },
    ];
    const rows = [0, 1, 7, 30, 499, 2000, 4001, 6001, 12_000, 16_000, 101_111];
    const client = new pg.Client({ connectionString: postgres.url });
    await client.connect();
    try {
      for (const sizing of sizings) {
        const sql = rowsPerChunkSql('r', { maxRows: '$1', minRows: '$2', spreadOver: '$3' });
        const answer = await client.query<{ r: number; size: number }>(
          `SELECT r, ${sql} AS size FROM unnest($4::int[]) AS r`,
          [sizing.maxRows, sizing.minRows, sizing.spreadOver, rows],
        );
        expect(answer.rows.map((row) => [row.r, row.size])).toEqual(
          rows.map((count) => [count, rowsPerChunk(count, sizing)]),
        );
      }
    } finally {
      await client.end();
    }
  });
});
