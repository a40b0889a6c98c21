import { and, asc, eq } from 'drizzle-orm';
import type { Queryable } from '../db/client';
import { clusters, customers, type Cluster, type Customer } from '../db/schema';
import { ConflictError, NotFoundError, RuleError } from '../errors';
import { customerInput, parse } from '../validation';
import { getCluster } from './clusters';

export type CustomerWithCluster = Customer & { cluster: Cluster };

async function assertNamespaceFree(
  db: Queryable,
  cluster: Cluster,
  namespace: string,
  exceptId?: number,
): Promise<void> {
  const holder = await db.query.customers.findFirst({
    where: and(eq(customers.clusterId, cluster.id), eq(customers.namespace, namespace)),
  });
  if (holder && holder.id !== exceptId) {
    const state = holder.isActive ? '' : `, which is deleted (restore it on /customers/${holder.id})`;
    throw new ConflictError(
      `Namespace "${namespace}" is already used in cluster "${cluster.name}" by customer "${holder.name}"${state}`,
    );
  }
}

async function activeCluster(db: Queryable, clusterId: number): Promise<Cluster> {
  const cluster = await getCluster(db, clusterId);
  if (!cluster.isActive) throw new RuleError(`Cluster "${cluster.name}" is deleted`);
  return cluster;
}

export async function getCustomer(db: Queryable, id: number): Promise<CustomerWithCluster> {
  const customer = await db.query.customers.findFirst({
    where: eq(customers.id, id),
    with: { cluster: true },
  });
  if (!customer) throw new NotFoundError('Customer', id);
  return customer;
}

export async function createCustomer(db: Queryable, input: unknown): Promise<Customer> {
  const data = parse(customerInput, input);
  const cluster = await activeCluster(db, data.clusterId);
  await assertNamespaceFree(db, cluster, data.namespace);
  const [customer] = await db.insert(customers).values(data).returning();
  return customer!;
}

export async function updateCustomer(db: Queryable, id: number, input: unknown): Promise<Customer> {
  const data = parse(customerInput, input);
  await getCustomer(db, id);
  const cluster = await activeCluster(db, data.clusterId);
  await assertNamespaceFree(db, cluster, data.namespace, id);
  const [customer] = await db
    .update(customers)
    .set({ ...data, updatedAt: new Date() })
    .where(eq(customers.id, id))
    .returning();
  return customer!;
}

/** Retires a customer; its steps in releases stay as the record of what was done. */
export async function deleteCustomer(db: Queryable, id: number): Promise<void> {
  await getCustomer(db, id);
  await db.update(customers).set({ isActive: false, updatedAt: new Date() }).where(eq(customers.id, id));
}

/** Brings a deleted customer back, as long as its cluster is not deleted too. */
export async function restoreCustomer(db: Queryable, id: number): Promise<void> {
  const customer = await getCustomer(db, id);
  await activeCluster(db, customer.clusterId);
  await db.update(customers).set({ isActive: true, updatedAt: new Date() }).where(eq(customers.id, id));
}

export async function listCustomers(db: Queryable): Promise<CustomerWithCluster[]> {
  const rows = await db
    .select({ customer: customers, cluster: clusters })
    .from(customers)
    .innerJoin(clusters, eq(customers.clusterId, clusters.id))
    .where(and(eq(customers.isActive, true), eq(clusters.isActive, true)))
    .orderBy(asc(clusters.name), asc(customers.name));
  return rows.map((row) => ({ ...row.customer, cluster: row.cluster }));
}

/** Active customers grouped by their cluster, clusters and customers by name. */
export function groupByCluster<T extends { cluster: Cluster }>(items: readonly T[]) {
  const groups = new Map<number, { cluster: Cluster; items: T[] }>();
  for (const item of items) {
    const group = groups.get(item.cluster.id) ?? { cluster: item.cluster, items: [] };
    group.items.push(item);
    groups.set(item.cluster.id, group);
  }
  return [...groups.values()];
}
