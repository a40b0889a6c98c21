import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { REPOSITORY_ROOT, SERVICES, type ServiceName } from './services.ts';

const CHART_VALUES = path.join(REPOSITORY_ROOT, 'deploy', 'helm', 'campaign-pipeline', 'values.yaml');

interface ServiceValues {
  heapLimitMb?: number;
  semiSpaceMb?: number;
  mallocMmapThresholdBytes?: number;
  replicas?: number;
}

interface ChartValues {
  serviceDefaults?: ServiceValues;
  services?: Partial<Record<ServiceName, ServiceValues | null>>;
}

/** The memory settings of a service process, as the chart sets them: V8's in NODE_OPTIONS, and glibc's. */
export interface MemorySettings {
  /** --max-old-space-size */
  heapLimitMb: number;
  /** --max-semi-space-size */
  semiSpaceMb: number;
  /** MALLOC_MMAP_THRESHOLD_ */
  mallocMmapThresholdBytes: number;
}

function chartValues(valuesFile: string): ChartValues {
  return parse(readFileSync(valuesFile, 'utf8')) as ChartValues;
}

/**
 * Each service's memory settings as the Helm chart sets them (a service's own values, else the
 * defaults), so memory behaves the same on a laptop as in the cluster.
 */
export function chartMemorySettings(valuesFile = CHART_VALUES): Record<ServiceName, MemorySettings> {
  const values = chartValues(valuesFile);
  const setting = (name: ServiceName, key: keyof MemorySettings): number => {
    const value = values.services?.[name]?.[key] ?? values.serviceDefaults?.[key];
    if (!value) throw new Error(`${valuesFile} has no serviceDefaults.${key}`);
    return value;
  };
  return Object.fromEntries(
    SERVICES.map(({ name }) => [
      name,
      {
        heapLimitMb: setting(name, 'heapLimitMb'),
        semiSpaceMb: setting(name, 'semiSpaceMb'),
        mallocMmapThresholdBytes: setting(name, 'mallocMmapThresholdBytes'),
      },
    ]),
  ) as Record<ServiceName, MemorySettings>;
}

/** How many processes of each service the chart runs (its own `replicas`, else the default, else 1). */
export function chartReplicas(valuesFile = CHART_VALUES): Record<ServiceName, number> {
  const values = chartValues(valuesFile);
  const fallback = values.serviceDefaults?.replicas ?? 1;
  return Object.fromEntries(
    SERVICES.map(({ name }) => [name, values.services?.[name]?.replicas ?? fallback]),
  ) as Record<ServiceName, number>;
}
