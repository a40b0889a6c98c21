import { and, asc, eq } from 'drizzle-orm';
import type { Queryable } from '../db/client';
import { clusters, customers, type Cluster } from '../db/schema';
import { ConflictError, NotFoundError, RuleError } from '../errors';
import { clusterInput, parse } from '../validation';

async function assertNameFree(db: Queryable, name: string, exceptId?: number): Promise<void> {
  const existing = await db.query.clusters.findFirst({ where: eq(clusters.name, name) });
  if (existing && existing.id !== exceptId) {
    const state = existing.isActive ? '' : ` (deleted; restore it on /clusters/${existing.id})`;
    throw new ConflictError(`A cluster named "${name}" already exists${state}`);
  }
}

export async function getCluster(db: Queryable, id: number): Promise<Cluster> {
  const cluster = await db.query.clusters.findFirst({ where: eq(clusters.id, id) });
  if (!cluster) throw new NotFoundError('Cluster', id);
  return cluster;
}

export async function createCluster(db: Queryable, input: unknown): Promise<Cluster> {
  const data = parse(clusterInput, input);
  await assertNameFree(db, data.name);
  const [cluster] = await db.insert(clusters).values(data).returning();
  return cluster!;
}

export async function updateCluster(db: Queryable, id: number, input: unknown): Promise<Cluster> {
  const data = parse(clusterInput, input);
  await getCluster(db, id);
  await assertNameFree(db, data.name, id);
  const [cluster] = await db
    .update(clusters)
    .set({ ...data, updatedAt: new Date() })
    .where(eq(clusters.id, id))
    .returning();
  return cluster!;
}

/** Retires a cluster; refused while it still has active customers, which are named in the message. */
export async function deleteCluster(db: Queryable, id: number): Promise<void> {
  const cluster = await getCluster(db, id);
  const active = await db.query.customers.findMany({
    where: and(eq(customers.clusterId, id), eq(customers.isActive, true)),
    orderBy: asc(customers.name),
  });
  if (active.length > 0) {
    const names = active.map((customer) => `${customer.name} (${customer.namespace})`).join(', ');
    const noun = active.length === 1 ? 'customer' : 'customers';
    throw new RuleError(
      `Cluster "${cluster.name}" still has ${active.length} active ${noun}: ${names}. Delete those customers first.`,
    );
  }
  await db.update(clusters).set({ isActive: false, updatedAt: new Date() }).where(eq(clusters.id, id));
}

export async function restoreCluster(db: Queryable, id: number): Promise<void> {
  await getCluster(db, id);
  await db.update(clusters).set({ isActive: true, updatedAt: new Date() }).where(eq(clusters.id, id));
}

export function listClusters(db: Queryable): Promise<Cluster[]> {
  return db.query.clusters.findMany({ where: eq(clusters.isActive, true), orderBy: asc(clusters.name) });
}

export async function getClusterWithCustomers(db: Queryable, id: number) {
  const cluster = await db.query.clusters.findFirst({
    where: eq(clusters.id, id),
    with: { customers: { where: eq(customers.isActive, true), orderBy: asc(customers.name) } },
  });
  if (!cluster) throw new NotFoundError('Cluster', id);
  return cluster;
}
