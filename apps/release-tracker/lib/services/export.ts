import { toCsv } from '../domain/csv';
import { stepSource } from '../domain/step-source';
import type { ReleaseMatrix } from './matrix';

export const EXPORT_COLUMNS = [
  'cluster',
  'namespace',
  'customer',
  'category',
  'position',
  'step',
  'source',
  'status',
  'executed_at',
  'executed_by',
  'skip_reason',
  'notes',
] as const;

export type ExportRow = Record<(typeof EXPORT_COLUMNS)[number], string | number | null>;

/** One row per customer step: clusters and customers in matrix order, steps in their customer's order. */
export function exportRows(matrix: ReleaseMatrix): ExportRow[] {
  return matrix.clusters.flatMap(({ cluster, customers }) =>
    customers.flatMap((customer) => {
      const steps = matrix.rows.flatMap((row) => {
        const step = row.cells[customer.id];
        return step ? [step] : [];
      });
      // Positions count within a category, as the customer view numbers them.
      return steps.map((step) => ({
        cluster: cluster.name,
        namespace: customer.namespace,
        customer: customer.name,
        category: step.category,
        position: steps.filter((other) => other.category === step.category).indexOf(step) + 1,
        step: step.name,
        source: stepSource(step),
        status: step.status,
        executed_at: step.executedAt ? step.executedAt.toISOString() : null,
        executed_by: step.executedBy,
        skip_reason: step.skipReason,
        notes: step.notes,
      }));
    }),
  );
}

export function matrixCsv(matrix: ReleaseMatrix): string {
  return toCsv(
    EXPORT_COLUMNS,
    exportRows(matrix).map((row) => EXPORT_COLUMNS.map((column) => row[column])),
  );
}

export function matrixJson(matrix: ReleaseMatrix) {
  const { release, progress } = matrix;
  return {
    release: {
      id: release.id,
      name: release.name,
      type: release.type,
      status: release.status,
      version: release.versionNumber,
    },
    progress,
    clusters: matrix.clusters.map(({ cluster, customers, progress: clusterProgress }) => ({
      name: cluster.name,
      progress: clusterProgress,
      customers: customers.map((customer) => ({
        name: customer.name,
        namespace: customer.namespace,
        progress: customer.progress,
      })),
    })),
    steps: exportRows(matrix),
  };
}
