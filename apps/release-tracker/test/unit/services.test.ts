import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../lib/db/client';
import { customerSteps, releases, stepHistory, stepTemplates } from '../../lib/db/schema';
import { ConflictError, InvalidInputError, NotFoundError, RuleError } from '../../lib/errors';
import { createCluster, deleteCluster, listClusters, restoreCluster } from '../../lib/services/clusters';
import {
  createCustomer,
  deleteCustomer,
  restoreCustomer,
  updateCustomer,
} from '../../lib/services/customers';
import {
  addCustomStep,
  addNote,
  bulkMarkDone,
  getStepDetail,
  markStepDone,
  markStepReverted,
  overrideStepContent,
  resetToTemplate,
  skipStep,
} from '../../lib/services/customer-steps';
import { matrixCsv, matrixJson } from '../../lib/services/export';
import { getReleaseMatrix } from '../../lib/services/matrix';
import { activateRelease, addCustomersToRelease, createRelease } from '../../lib/services/releases';
import { seedExampleOnce } from '../../lib/services/seed';
import { addTemplateStep, reorderTemplateSteps, updateTemplateStep } from '../../lib/services/templates';
import { OPERATOR, example, freshDb } from './helpers';

let db: Db;
let cleanup: () => void;

beforeEach(async () => {
  ({ db, cleanup } = await freshDb());
});
afterEach(() => cleanup());

async function stepsOf(releaseId: number, customerId: number, category: 'deploy' | 'verify' = 'deploy') {
  return db.query.customerSteps.findMany({
    where: and(
      eq(customerSteps.releaseId, releaseId),
      eq(customerSteps.customerId, customerId),
      eq(customerSteps.category, category),
    ),
    orderBy: asc(customerSteps.orderIndex),
  });
}

async function templateNames(releaseId: number) {
  const rows = await db.query.stepTemplates.findMany({
    where: and(eq(stepTemplates.releaseId, releaseId), eq(stepTemplates.category, 'deploy')),
    orderBy: asc(stepTemplates.orderIndex),
  });
  return rows.map((row) => row.name);
}

describe('clusters and customers', () => {
  it('names the conflict when a namespace is already used in the cluster', async () => {
    const { east } = await example(db);
    const attempt = createCustomer(db, { clusterId: east.id, name: 'Other', namespace: 'alpha' });
    await expect(attempt).rejects.toThrow(ConflictError);
    await expect(attempt).rejects.toThrow(
      'Namespace "alpha" is already used in cluster "east" by customer "Alpha"',
    );
  });

  it('allows the same namespace in another cluster and rejects invalid namespaces', async () => {
    const { west } = await example(db);
    await expect(
      createCustomer(db, { clusterId: west.id, name: 'A2', namespace: 'alpha' }),
    ).resolves.toBeDefined();
    await expect(
      createCustomer(db, { clusterId: west.id, name: 'Bad', namespace: 'Not_Valid' }),
    ).rejects.toThrow(InvalidInputError);
  });

  it('checks the namespace on update too', async () => {
    const { east, beta } = await example(db);
    await expect(
      updateCustomer(db, beta.id, { clusterId: east.id, name: 'Beta', namespace: 'alpha' }),
    ).rejects.toThrow(/already used in cluster "east"/);
  });

  it('refuses to delete a cluster with active customers and says which', async () => {
    const { west, gamma } = await example(db);
    await expect(deleteCluster(db, west.id)).rejects.toThrow(
      'Cluster "west" still has 1 active customer: Gamma (gamma). Delete those customers first.',
    );
    await deleteCustomer(db, gamma.id);
    await deleteCluster(db, west.id);
    expect((await listClusters(db)).map((cluster) => cluster.name)).toEqual(['east']);
  });

  it('points to a deleted customer holding the namespace, and restores it only in a live cluster', async () => {
    const { west, gamma } = await example(db);
    await deleteCustomer(db, gamma.id);
    await expect(createCustomer(db, { clusterId: west.id, name: 'New', namespace: 'gamma' })).rejects.toThrow(
      `Namespace "gamma" is already used in cluster "west" by customer "Gamma", which is deleted (restore it on /customers/${gamma.id})`,
    );
    await deleteCluster(db, west.id);
    await expect(restoreCustomer(db, gamma.id)).rejects.toThrow('Cluster "west" is deleted');
    await restoreCluster(db, west.id);
    await restoreCustomer(db, gamma.id);
    await expect(deleteCluster(db, west.id)).rejects.toThrow(/still has 1 active customer/);
  });

  it('answers unknown ids with a not-found error', async () => {
    await expect(deleteCluster(db, 999)).rejects.toThrow(NotFoundError);
    await expect(createCustomer(db, { clusterId: 999, name: 'X', namespace: 'x' })).rejects.toThrow(
      'Cluster 999 does not exist',
    );
  });
});

describe('activation', () => {
  it('gives only the chosen customers pending copies of the template, in order', async () => {
    const { release, alpha, gamma, beta } = await example(db);
    await activateRelease(db, release.id, [alpha.id, gamma.id]);
    expect((await stepsOf(release.id, alpha.id)).map((step) => step.name)).toEqual(['one', 'two', 'three']);
    expect(await stepsOf(release.id, beta.id)).toHaveLength(0);
    expect((await db.query.releases.findFirst({ where: eq(releases.id, release.id) }))?.status).toBe(
      'active',
    );
  });

  it('writes nothing when one customer is unknown', async () => {
    const { release, alpha } = await example(db);
    await expect(activateRelease(db, release.id, [alpha.id, 999])).rejects.toThrow(
      'Active customer 999 does not exist',
    );
    expect(await db.query.customerSteps.findMany()).toHaveLength(0);
    expect((await db.query.releases.findFirst({ where: eq(releases.id, release.id) }))?.status).toBe('draft');
  });

  it('refuses a release without steps and a second activation', async () => {
    const { release, alpha } = await example(db);
    const empty = await createRelease(db, { name: 'Empty', type: 'hotfix' });
    await expect(activateRelease(db, empty.id, [alpha.id])).rejects.toThrow(/has no steps/);
    await activateRelease(db, release.id, [alpha.id]);
    await expect(activateRelease(db, release.id, [alpha.id])).rejects.toThrow(RuleError);
  });

  it('adds customers to an active release all or nothing', async () => {
    const { release, alpha, beta, gamma } = await example(db);
    await activateRelease(db, release.id, [alpha.id]);
    await expect(addCustomersToRelease(db, release.id, [beta.id, alpha.id])).rejects.toThrow(
      'Already in this release: Alpha (east/alpha)',
    );
    expect(await stepsOf(release.id, beta.id)).toHaveLength(0);
    await addCustomersToRelease(db, release.id, [beta.id, gamma.id]);
    expect((await stepsOf(release.id, gamma.id)).map((step) => step.name)).toEqual(['one', 'two', 'three']);
  });
});

describe('reordering the template', () => {
  it('fails mid-way with the one-by-one update of the specification under the unique order index', async () => {
    const { release, templates } = await example(db);
    const [one, two] = templates;
    // The specification's loop: each row moves straight to its new place, so a swap collides.
    const specReorder = async (orderedIds: number[]) => {
      for (const [index, id] of orderedIds.entries()) {
        await db.update(stepTemplates).set({ orderIndex: index }).where(eq(stepTemplates.id, id));
      }
    };
    const failure = await specReorder([two!.id, one!.id, templates[2]!.id]).catch((error: Error) => error);
    expect(String((failure as Error).cause)).toMatch(/UNIQUE constraint failed/);
    expect(await templateNames(release.id)).toEqual(['one', 'two', 'three']);
  });

  it('swaps in two phases and carries every customer along, custom steps staying in place', async () => {
    const { release, templates, alpha, beta } = await example(db);
    await activateRelease(db, release.id, [alpha.id, beta.id]);
    await addCustomStep(
      db,
      release.id,
      alpha.id,
      { name: 'own', category: 'deploy', type: 'text', content: 'x', insertPosition: 1 },
      OPERATOR,
    );
    const [one, two, three] = templates;
    await reorderTemplateSteps(db, {
      releaseId: release.id,
      category: 'deploy',
      orderedIds: [three!.id, one!.id, two!.id],
    });
    expect(await templateNames(release.id)).toEqual(['three', 'one', 'two']);
    expect((await stepsOf(release.id, alpha.id)).map((step) => step.name)).toEqual([
      'three',
      'one',
      'own',
      'two',
    ]);
    expect((await stepsOf(release.id, beta.id)).map((step) => step.name)).toEqual(['three', 'one', 'two']);
  });

  it('changes nothing when the new order is not a permutation', async () => {
    const { release, templates } = await example(db);
    await expect(
      reorderTemplateSteps(db, { releaseId: release.id, category: 'deploy', orderedIds: [templates[1]!.id] }),
    ).rejects.toThrow(/exactly once/);
    expect(await templateNames(release.id)).toEqual(['one', 'two', 'three']);
  });
});

describe('custom steps', () => {
  it('inserts a custom step for one customer at the chosen position', async () => {
    const { release, alpha, beta } = await example(db);
    await activateRelease(db, release.id, [alpha.id, beta.id]);
    const step = await addCustomStep(
      db,
      release.id,
      alpha.id,
      { name: 'own', category: 'deploy', type: 'bash', content: 'echo', insertPosition: 0 },
      OPERATOR,
    );
    expect(step.isCustom).toBe(true);
    expect((await stepsOf(release.id, alpha.id)).map((s) => s.name)).toEqual(['own', 'one', 'two', 'three']);
    expect(await stepsOf(release.id, beta.id)).toHaveLength(3);
  });

  it('adds to the template for the customers of this release only, not every active customer', async () => {
    const { release, alpha, beta, gamma } = await example(db);
    await activateRelease(db, release.id, [alpha.id, beta.id]);
    await addCustomStep(
      db,
      release.id,
      alpha.id,
      {
        name: 'shared',
        category: 'deploy',
        type: 'bash',
        content: 'echo',
        insertPosition: 2,
        addToTemplate: true,
      },
      OPERATOR,
    );
    expect(await templateNames(release.id)).toEqual(['one', 'two', 'shared', 'three']);
    expect((await stepsOf(release.id, alpha.id)).map((s) => s.name)).toEqual([
      'one',
      'two',
      'shared',
      'three',
    ]);
    expect((await stepsOf(release.id, beta.id)).map((s) => s.name)).toEqual([
      'one',
      'two',
      'shared',
      'three',
    ]);
    expect(await stepsOf(release.id, gamma.id)).toHaveLength(0);
  });
});

describe('template edits', () => {
  it('reach pending, non-overridden steps for every changed field', async () => {
    const { release, templates, alpha, beta, gamma } = await example(db);
    await activateRelease(db, release.id, [alpha.id, beta.id, gamma.id]);
    const one = templates[0]!;
    const [alphaOne] = await stepsOf(release.id, alpha.id);
    const [betaOne] = await stepsOf(release.id, beta.id);
    await markStepDone(db, alphaOne!.id, null, OPERATOR);
    await overrideStepContent(db, betaOne!.id, { content: 'custom' }, OPERATOR);
    const result = await updateTemplateStep(
      db,
      one.id,
      { name: 'renamed', type: 'sql', content: 'select 1;' },
      OPERATOR,
    );
    expect(result.updatedCustomerSteps).toBe(1);
    const [gammaOne] = await stepsOf(release.id, gamma.id);
    expect(gammaOne).toMatchObject({ name: 'renamed', type: 'sql', content: 'select 1;' });
    expect((await stepsOf(release.id, alpha.id))[0]).toMatchObject({ name: 'one', type: 'bash' });
    expect((await stepsOf(release.id, beta.id))[0]).toMatchObject({ name: 'one', content: 'custom' });
  });
});

describe('status changes and history', () => {
  it('records every status change, override, reset and note with operator and time', async () => {
    const { release, alpha } = await example(db);
    await activateRelease(db, release.id, [alpha.id]);
    const [first, second] = await stepsOf(release.id, alpha.id);
    await markStepDone(db, first!.id, 'went fine', 'ana');
    await markStepReverted(db, first!.id, 'rolled back', 'ben');
    await skipStep(db, second!.id, 'not needed here', 'ana');
    await overrideStepContent(db, first!.id, { content: 'echo other' }, 'ana');
    await resetToTemplate(db, first!.id, 'ben');
    await addNote(db, first!.id, 'checked with the tenant', 'ana');
    const history = await db.query.stepHistory.findMany({ orderBy: asc(stepHistory.id) });
    expect(history.map((entry) => [entry.action, entry.toStatus, entry.operator])).toEqual([
      ['status', 'done', 'ana'],
      ['status', 'reverted', 'ben'],
      ['status', 'skipped', 'ana'],
      ['override', null, 'ana'],
      ['reset', null, 'ben'],
      ['note', null, 'ana'],
    ]);
    expect(history.every((entry) => entry.createdAt instanceof Date)).toBe(true);
    const detail = await getStepDetail(db, first!.id);
    expect(detail.history[0]?.action).toBe('note');
    expect(detail.resolvedContent).toBe('echo one alpha');
  });

  it('stamps who did a step and refuses a skip without reason and impossible changes', async () => {
    const { release, alpha } = await example(db);
    await activateRelease(db, release.id, [alpha.id]);
    const [first] = await stepsOf(release.id, alpha.id);
    await expect(skipStep(db, first!.id, '  ', OPERATOR)).rejects.toThrow(
      'A reason for skipping is required',
    );
    await expect(markStepReverted(db, first!.id, null, OPERATOR)).rejects.toThrow(/cannot become reverted/);
    const done = await markStepDone(db, first!.id, null, 'ana');
    expect(done).toMatchObject({ status: 'done', executedBy: 'ana' });
    await expect(markStepDone(db, 9999, null, OPERATOR)).rejects.toThrow('Step 9999 does not exist');
  });

  it('takes changes that arrive at the same time one after another instead of failing them', async () => {
    const { release, alpha, beta } = await example(db);
    await activateRelease(db, release.id, [alpha.id, beta.id]);
    const steps = [...(await stepsOf(release.id, alpha.id)), ...(await stepsOf(release.id, beta.id))];
    await Promise.all(steps.map((step) => markStepDone(db, step.id, null, OPERATOR)));
    expect((await db.query.customerSteps.findMany()).filter((step) => step.status === 'done')).toHaveLength(
      steps.length,
    );
  });

  it('marks many steps done in one transaction, or none when one id is unknown', async () => {
    const { release, alpha, beta } = await example(db);
    await activateRelease(db, release.id, [alpha.id, beta.id]);
    const ids = [...(await stepsOf(release.id, alpha.id)), ...(await stepsOf(release.id, beta.id))].map(
      (s) => s.id,
    );
    await expect(bulkMarkDone(db, [...ids, 9999], OPERATOR)).rejects.toThrow(NotFoundError);
    expect((await db.query.customerSteps.findMany()).every((step) => step.status === 'pending')).toBe(true);
    await markStepDone(db, ids[0]!, null, OPERATOR);
    expect(await bulkMarkDone(db, ids, OPERATOR)).toEqual({ updated: 5, unchanged: 1 });
  });
});

/** Makes the database refuse a write the way a full disk or a crash mid-way would, once the trigger's condition holds. */
async function failWhen(table: string, event: 'INSERT' | 'UPDATE', condition: string) {
  await db.run(
    sql.raw(
      `CREATE TRIGGER fail_${table}_${event.toLowerCase()} BEFORE ${event} ON ${table} WHEN ${condition} BEGIN SELECT RAISE(ABORT, 'disk full'); END`,
    ),
  );
}

const count = async (table: 'customer_steps' | 'step_history' | 'step_templates') =>
  (await db.all<{ n: number }>(sql.raw(`SELECT count(*) AS n FROM ${table}`)))[0]!.n;

describe('one transaction each: nothing half-written when a write fails', () => {
  it('activation leaves no customer steps behind when the release cannot be marked active', async () => {
    const { release, alpha, beta } = await example(db);
    // The specification inserts the copies, then updates the release: a failure there strands the copies.
    await failWhen('releases', 'UPDATE', "NEW.status = 'active'");
    await expect(activateRelease(db, release.id, [alpha.id, beta.id])).rejects.toThrow();
    expect(await count('customer_steps')).toBe(0);
    expect((await db.query.releases.findFirst({ where: eq(releases.id, release.id) }))?.status).toBe('draft');
  });

  it('adding customers leaves none of them in the release when the last write fails', async () => {
    const { release, alpha, beta, gamma } = await example(db);
    await activateRelease(db, release.id, [alpha.id]);
    await failWhen('releases', 'UPDATE', '1');
    await expect(addCustomersToRelease(db, release.id, [beta.id, gamma.id])).rejects.toThrow();
    expect(await stepsOf(release.id, beta.id)).toHaveLength(0);
    expect(await stepsOf(release.id, gamma.id)).toHaveLength(0);
  });

  it('add to template leaves neither the template step nor any copy when recording the history fails', async () => {
    const { release, alpha, beta } = await example(db);
    await activateRelease(db, release.id, [alpha.id, beta.id]);
    const templatesBefore = await count('step_templates');
    const stepsBefore = await count('customer_steps');
    await failWhen('step_history', 'INSERT', "NEW.action = 'added'");
    await expect(
      addCustomStep(
        db,
        release.id,
        alpha.id,
        {
          name: 'shared',
          category: 'deploy',
          type: 'bash',
          content: 'x',
          insertPosition: 0,
          addToTemplate: true,
        },
        OPERATOR,
      ),
    ).rejects.toThrow();
    expect(await count('step_templates')).toBe(templatesBefore);
    expect(await count('customer_steps')).toBe(stepsBefore);
    expect(await templateNames(release.id)).toEqual(['one', 'two', 'three']);
  });

  it('bulk done leaves every step pending when one of the updates fails', async () => {
    const { release, alpha, beta } = await example(db);
    await activateRelease(db, release.id, [alpha.id, beta.id]);
    const ids = (await db.query.customerSteps.findMany()).map((step) => step.id);
    // The specification marks them one by one, so the steps before the failing one stay done.
    await failWhen('customer_steps', 'UPDATE', `NEW.id = ${ids.at(-1)} AND NEW.status = 'done'`);
    await expect(bulkMarkDone(db, ids, OPERATOR)).rejects.toThrow();
    expect((await db.query.customerSteps.findMany()).map((step) => step.status)).toEqual(
      ids.map(() => 'pending'),
    );
    expect(await count('step_history')).toBe(0);
  });

  it('reordering leaves template and customer order as they were when a customer step cannot move', async () => {
    const { release, templates, alpha } = await example(db);
    await activateRelease(db, release.id, [alpha.id]);
    await failWhen('customer_steps', 'UPDATE', 'NEW.order_index <> OLD.order_index');
    const [one, two, three] = templates;
    await expect(
      reorderTemplateSteps(db, {
        releaseId: release.id,
        category: 'deploy',
        orderedIds: [three!.id, two!.id, one!.id],
      }),
    ).rejects.toThrow();
    expect(await templateNames(release.id)).toEqual(['one', 'two', 'three']);
    expect((await stepsOf(release.id, alpha.id)).map((step) => step.name)).toEqual(['one', 'two', 'three']);
  });
});

describe('template steps', () => {
  it('adds a step at the end when the form leaves the position empty, and before a chosen step otherwise', async () => {
    const { release } = await example(db);
    const step = (name: string, position: string) =>
      addTemplateStep(
        db,
        release.id,
        { name, category: 'deploy', type: 'bash', content: 'x', position },
        OPERATOR,
      );
    await step('last', '');
    await step('first', '0');
    expect(await templateNames(release.id)).toEqual(['first', 'one', 'two', 'three', 'last']);
    await expect(step('bad', 'x')).rejects.toThrow('Position must be a number');
  });
});

describe('matrix and export', () => {
  it('groups by cluster, tracks progress and exports CSV and JSON', async () => {
    const { release, alpha, beta, gamma } = await example(db);
    await activateRelease(db, release.id, [alpha.id, beta.id, gamma.id]);
    const [first] = await stepsOf(release.id, gamma.id);
    await skipStep(db, first!.id, 'covered, by hand', OPERATOR);
    const matrix = await getReleaseMatrix(db, release.id);
    expect(matrix.clusters.map((group) => [group.cluster.name, group.customers.map((c) => c.name)])).toEqual([
      ['east', ['Alpha', 'Beta']],
      ['west', ['Gamma']],
    ]);
    expect(matrix.rows.map((row) => row.name)).toEqual(['one', 'two', 'three', 'check']);
    expect(matrix.clusters[1]!.progress.percentage).toBe(25);
    expect(matrix.progress).toMatchObject({ total: 12, skipped: 1 });
    const csv = matrixCsv(matrix).split('\r\n');
    expect(csv[0]).toBe(
      'cluster,namespace,customer,category,position,step,source,status,executed_at,executed_by,skip_reason,notes',
    );
    expect(csv).toContain('west,gamma,Gamma,deploy,1,one,template,skipped,,,"covered, by hand",');
    expect(matrixJson(matrix).steps).toHaveLength(12);
  });
});

describe('seed', () => {
  it('seeds the example once and never again', async () => {
    await seedExampleOnce(db);
    await seedExampleOnce(db);
    expect(await db.query.clusters.findMany()).toHaveLength(2);
    expect(await db.query.customers.findMany()).toHaveLength(5);
    const [release] = await db.query.releases.findMany();
    const matrix = await getReleaseMatrix(db, release!.id);
    expect(matrix.progress.total).toBe(35);
    expect(matrix.progress.done).toBeGreaterThan(0);
  });

  it('leaves no half example behind when seeding fails', async () => {
    await failWhen('step_history', 'INSERT', "NEW.action = 'status'");
    await expect(seedExampleOnce(db)).rejects.toThrow();
    expect(await db.query.clusters.findMany()).toHaveLength(0);
    expect(await db.query.appMeta.findMany()).toHaveLength(0);
  });

  it('leaves a database that already has data alone', async () => {
    await createCluster(db, { name: 'mine' });
    await seedExampleOnce(db);
    expect(await db.query.clusters.findMany()).toHaveLength(1);
  });
});
