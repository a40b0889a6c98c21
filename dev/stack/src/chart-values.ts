import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { REPOSITORY_ROOT, SERVICES, type ServiceName } from './services.ts';

const CHART_VALUES = path.join(REPOSITORY_ROOT, 'deploy', 'helm', 'campaign-pipeline', 'values.yaml');

interface ChartValues {
  serviceDefaults?: { heapLimitMb?: number; replicas?: number };
  services?: Partial<Record<ServiceName, { heapLimitMb?: number; replicas?: number } | null>>;
}

function chartValues(valuesFile: string): ChartValues {
  return parse(readFileSync(valuesFile, 'utf8')) as ChartValues;
}

/**
 * Each service's heap limit as the Helm chart sets it (a service's own value, else the default), so a
 * memory fault behaves the same on a laptop as in the cluster.
 */
export function chartHeapLimits(valuesFile = CHART_VALUES): Record<ServiceName, number> {
  const values = chartValues(valuesFile);
  const fallback = values.serviceDefaults?.heapLimitMb;
  if (!fallback) throw new Error(`${valuesFile} has no serviceDefaults.heapLimitMb`);
  return Object.fromEntries(
    SERVICES.map(({ name }) => [name, values.services?.[name]?.heapLimitMb ?? fallback]),
  ) as Record<ServiceName, number>;
}

/** How many processes of each service the chart runs (its own `replicas`, else the default, else 1). */
export function chartReplicas(valuesFile = CHART_VALUES): Record<ServiceName, number> {
  const values = chartValues(valuesFile);
  const fallback = values.serviceDefaults?.replicas ?? 1;
  return Object.fromEntries(
    SERVICES.map(({ name }) => [name, values.services?.[name]?.replicas ?? fallback]),
  ) as Record<ServiceName, number>;
}
