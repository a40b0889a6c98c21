import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { applyMigrations, openDatabase, type Db } from '../../lib/db/client';
import { createCluster } from '../../lib/services/clusters';
import { createCustomer } from '../../lib/services/customers';
import { createRelease } from '../../lib/services/releases';
import { addTemplateStep } from '../../lib/services/templates';

export const OPERATOR = 'tester';

/** A fresh, migrated SQLite file in a temporary folder. */
export async function freshDb(): Promise<{ db: Db; cleanup: () => void }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'release-tracker-test-'));
  const db = openDatabase(path.join(dir, 'test.db'));
  await applyMigrations(db, path.join(import.meta.dirname, '../../lib/db/migrations'));
  return { db, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Two clusters, three customers, a draft release with three deploy steps and one verify step. */
export async function example(db: Db) {
  const east = await createCluster(db, { name: 'east' });
  const west = await createCluster(db, { name: 'west' });
  const alpha = await createCustomer(db, { clusterId: east.id, name: 'Alpha', namespace: 'alpha' });
  const beta = await createCustomer(db, { clusterId: east.id, name: 'Beta', namespace: 'beta' });
  const gamma = await createCustomer(db, { clusterId: west.id, name: 'Gamma', namespace: 'gamma' });
  const release = await createRelease(db, { name: 'R1', type: 'release', versionNumber: '1.2.3' });
  const step = (name: string, category: 'deploy' | 'verify' = 'deploy') =>
    addTemplateStep(
      db,
      release.id,
      { name, category, type: 'bash', content: `echo ${name} {{namespace}}` },
      OPERATOR,
    );
  const templates = [
    await step('one'),
    await step('two'),
    await step('three'),
    await step('check', 'verify'),
  ];
  return { east, west, alpha, beta, gamma, release, templates };
}
