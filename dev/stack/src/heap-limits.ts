import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { REPOSITORY_ROOT, SERVICES, type ServiceName } from './services.ts';

const CHART_VALUES = path.join(REPOSITORY_ROOT, 'deploy', 'helm', 'campaign-pipeline', 'values.yaml');

interface ChartValues {
  serviceDefaults?: { heapLimitMb?: number };
  services?: Partial<Record<ServiceName, { heapLimitMb?: number } | null>>;
}

/**
 * Each service's heap limit as the Helm chart sets it (a service's own value, else the default), so a
 * memory fault behaves the same on a laptop as in the cluster.
 */
export function chartHeapLimits(valuesFile = CHART_VALUES): Record<ServiceName, number> {
  const values = parse(readFileSync(valuesFile, 'utf8')) as ChartValues;
  const fallback = values.serviceDefaults?.heapLimitMb;
  if (!fallback) throw new Error(`${valuesFile} has no serviceDefaults.heapLimitMb`);
  return Object.fromEntries(
    SERVICES.map(({ name }) => [name, values.services?.[name]?.heapLimitMb ?? fallback]),
  ) as Record<ServiceName, number>;
}
