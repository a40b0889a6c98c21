import { asc, eq } from 'drizzle-orm';
import type { Queryable } from '../db/client';
import {
  STEP_CATEGORIES,
  customerSteps,
  stepTemplates,
  type Cluster,
  type Customer,
  type CustomerStep,
  type Release,
  type StepCategory,
  type StepTemplate,
} from '../db/schema';
import { calculateProgress, type Progress } from '../domain/progress';
import { getRelease } from './releases';

/** A matrix row: a template step, or a step only some customers have (custom, or left by a deleted template). */
export interface MatrixRow {
  key: string;
  category: StepCategory;
  name: string;
  template: StepTemplate | null;
  /** The customer's step in this row, by customer id. */
  cells: Record<number, CustomerStep>;
}

export interface MatrixCustomer extends Customer {
  progress: Progress;
}

export interface MatrixCluster {
  cluster: Cluster;
  customers: MatrixCustomer[];
  progress: Progress;
}

export interface ReleaseMatrix {
  release: Release;
  templates: StepTemplate[];
  rows: MatrixRow[];
  clusters: MatrixCluster[];
  progress: Progress;
}

function rowsOf(category: StepCategory, templates: readonly StepTemplate[], steps: readonly CustomerStep[]) {
  const own = templates.filter((template) => template.category === category);
  const templateRows = new Map<number, MatrixRow>(
    own.map((template) => [
      template.id,
      { key: `t${template.id}`, category, name: template.name, template, cells: {} },
    ]),
  );
  // Steps without a template sit after the template step they follow in their customer's sequence.
  const loose = new Map<number | 'head', MatrixRow[]>();
  const byCustomer = new Map<number, CustomerStep[]>();
  for (const step of steps.filter((candidate) => candidate.category === category)) {
    byCustomer.set(step.customerId, [...(byCustomer.get(step.customerId) ?? []), step]);
  }
  for (const sequence of byCustomer.values()) {
    let anchor: number | 'head' = 'head';
    for (const step of sequence) {
      const row = step.templateId === null ? undefined : templateRows.get(step.templateId);
      if (row) {
        row.cells[step.customerId] = step;
        anchor = step.templateId!;
      } else {
        const looseRow: MatrixRow = {
          key: `s${step.id}`,
          category,
          name: step.name,
          template: null,
          cells: { [step.customerId]: step },
        };
        loose.set(anchor, [...(loose.get(anchor) ?? []), looseRow]);
      }
    }
  }
  return [
    ...(loose.get('head') ?? []),
    ...own.flatMap((template) => [templateRows.get(template.id)!, ...(loose.get(template.id) ?? [])]),
  ];
}

export async function getReleaseMatrix(db: Queryable, releaseId: number): Promise<ReleaseMatrix> {
  const release = await getRelease(db, releaseId);
  const templates = await db.query.stepTemplates.findMany({
    where: eq(stepTemplates.releaseId, releaseId),
    orderBy: [asc(stepTemplates.category), asc(stepTemplates.orderIndex)],
  });
  const steps = await db.query.customerSteps.findMany({
    where: eq(customerSteps.releaseId, releaseId),
    orderBy: [asc(customerSteps.customerId), asc(customerSteps.orderIndex), asc(customerSteps.id)],
    with: { customer: { with: { cluster: true } } },
  });
  const clusters = new Map<number, { cluster: Cluster; customers: Map<number, Customer> }>();
  for (const step of steps) {
    const { cluster, ...customer } = step.customer;
    const group = clusters.get(cluster.id) ?? { cluster, customers: new Map<number, Customer>() };
    group.customers.set(customer.id, customer);
    clusters.set(cluster.id, group);
  }
  const plainSteps: CustomerStep[] = steps.map(({ customer: _customer, ...step }) => step);
  const statusesOf = (customerIds: Set<number>) =>
    plainSteps.filter((step) => customerIds.has(step.customerId)).map((step) => step.status);
  const matrixClusters = [...clusters.values()]
    .sort((a, b) => a.cluster.name.localeCompare(b.cluster.name))
    .map(({ cluster, customers }) => {
      const list = [...customers.values()].sort((a, b) => a.name.localeCompare(b.name));
      return {
        cluster,
        customers: list.map((customer) => ({
          ...customer,
          progress: calculateProgress(statusesOf(new Set([customer.id]))),
        })),
        progress: calculateProgress(statusesOf(new Set(list.map((customer) => customer.id)))),
      };
    });
  return {
    release,
    templates,
    rows: STEP_CATEGORIES.flatMap((category) => rowsOf(category, templates, plainSteps)),
    clusters: matrixClusters,
    progress: calculateProgress(plainSteps.map((step) => step.status)),
  };
}
