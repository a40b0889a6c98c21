import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import type { Queryable } from '../db/client';
import {
  customers,
  customerSteps,
  releases,
  stepTemplates,
  type Release,
  type StepStatus,
} from '../db/schema';
import { calculateProgress, type Progress } from '../domain/progress';
import { NotFoundError, RuleError } from '../errors';
import { idList, parse, releaseInput } from '../validation';
import { copyTemplatesToCustomers, customerIdsInRelease, followTemplateOrder } from './sequencing';

export async function getRelease(db: Queryable, id: number): Promise<Release> {
  const release = await db.query.releases.findFirst({ where: eq(releases.id, id) });
  if (!release) throw new NotFoundError('Release', id);
  return release;
}

export async function createRelease(db: Queryable, input: unknown): Promise<Release> {
  const data = parse(releaseInput, input);
  const [release] = await db.insert(releases).values(data).returning();
  return release!;
}

export async function updateRelease(db: Queryable, id: number, input: unknown): Promise<Release> {
  const data = parse(releaseInput, input);
  const release = await getRelease(db, id);
  if (release.status === 'archived') throw new RuleError(`Release "${release.name}" is archived`);
  const [updated] = await db
    .update(releases)
    .set({ ...data, updatedAt: new Date() })
    .where(eq(releases.id, id))
    .returning();
  return updated!;
}

/** Active customers by id; any id that is unknown or retired fails the whole request. */
async function activeCustomers(db: Queryable, ids: readonly number[]) {
  const found = await db.query.customers.findMany({
    where: and(inArray(customers.id, [...ids]), eq(customers.isActive, true)),
    with: { cluster: true },
  });
  const missing = ids.find((id) => !found.some((customer) => customer.id === id));
  if (missing !== undefined) throw new NotFoundError('Active customer', missing);
  return found;
}

/** Gives each chosen customer a pending copy of every template step and makes the release active, all or nothing. */
export async function activateRelease(db: Queryable, releaseId: number, customerIds: unknown): Promise<void> {
  const ids = [...new Set(parse(idList, customerIds))];
  await db.transaction(async (tx) => {
    const release = await getRelease(tx, releaseId);
    if (release.status !== 'draft') {
      throw new RuleError(
        `Release "${release.name}" is ${release.status}; only a draft release can be activated`,
      );
    }
    const templates = await tx.query.stepTemplates.findMany({
      where: eq(stepTemplates.releaseId, releaseId),
      orderBy: [asc(stepTemplates.category), asc(stepTemplates.orderIndex)],
    });
    if (templates.length === 0)
      throw new RuleError(`Release "${release.name}" has no steps yet; add steps first`);
    await activeCustomers(tx, ids);
    await copyTemplatesToCustomers(tx, releaseId, templates, ids);
    await followTemplateOrder(tx, releaseId, ids, 'deploy');
    await followTemplateOrder(tx, releaseId, ids, 'verify');
    await tx
      .update(releases)
      .set({ status: 'active', updatedAt: new Date() })
      .where(eq(releases.id, releaseId));
  });
}

/** Brings more customers into an active release with the current template steps, all or nothing. */
export async function addCustomersToRelease(
  db: Queryable,
  releaseId: number,
  customerIds: unknown,
): Promise<void> {
  const ids = [...new Set(parse(idList, customerIds))];
  await db.transaction(async (tx) => {
    const release = await getRelease(tx, releaseId);
    if (release.status !== 'active') {
      throw new RuleError(
        `Release "${release.name}" is ${release.status}; customers join only an active release`,
      );
    }
    const chosen = await activeCustomers(tx, ids);
    const present = new Set(await customerIdsInRelease(tx, releaseId));
    const already = chosen.filter((customer) => present.has(customer.id));
    if (already.length > 0) {
      const names = already.map(
        (customer) => `${customer.name} (${customer.cluster.name}/${customer.namespace})`,
      );
      throw new RuleError(`Already in this release: ${names.join(', ')}`);
    }
    const templates = await tx.query.stepTemplates.findMany({
      where: eq(stepTemplates.releaseId, releaseId),
    });
    await copyTemplatesToCustomers(tx, releaseId, templates, ids);
    await followTemplateOrder(tx, releaseId, ids, 'deploy');
    await followTemplateOrder(tx, releaseId, ids, 'verify');
    await tx.update(releases).set({ updatedAt: new Date() }).where(eq(releases.id, releaseId));
  });
}

export async function archiveRelease(db: Queryable, id: number): Promise<void> {
  await getRelease(db, id);
  await db.update(releases).set({ status: 'archived', updatedAt: new Date() }).where(eq(releases.id, id));
}

export type ReleaseSummary = Release & { progress: Progress; customerCount: number };

export async function listReleases(db: Queryable): Promise<ReleaseSummary[]> {
  const all = await db.query.releases.findMany({ orderBy: [desc(releases.createdAt), desc(releases.id)] });
  const steps = await db
    .select({
      releaseId: customerSteps.releaseId,
      customerId: customerSteps.customerId,
      status: customerSteps.status,
    })
    .from(customerSteps);
  return all.map((release) => {
    const own = steps.filter((step) => step.releaseId === release.id);
    const statuses: StepStatus[] = own.map((step) => step.status);
    return {
      ...release,
      progress: calculateProgress(statuses),
      customerCount: new Set(own.map((step) => step.customerId)).size,
    };
  });
}

/** The releases a customer takes part in, with the customer's own progress in each. */
export async function releasesForCustomer(db: Queryable, customerId: number) {
  const steps = await db
    .select({ releaseId: customerSteps.releaseId, status: customerSteps.status })
    .from(customerSteps)
    .where(eq(customerSteps.customerId, customerId));
  const ids = [...new Set(steps.map((step) => step.releaseId))];
  if (ids.length === 0) return [];
  const found = await db.query.releases.findMany({
    where: inArray(releases.id, ids),
    orderBy: desc(releases.id),
  });
  return found.map((release) => ({
    ...release,
    progress: calculateProgress(
      steps.filter((step) => step.releaseId === release.id).map((step) => step.status),
    ),
  }));
}
