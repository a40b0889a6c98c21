import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { CHART_DIR } from './tools.ts';

export const DASHBOARD_FILE = path.join(CHART_DIR, 'dashboards', 'campaign-pipeline.json');
export const ALERTS_FILE = path.join(CHART_DIR, 'files', 'alerts.rules.yaml');

export interface DashboardTarget {
  refId?: string;
  expr?: string;
  datasource?: { type?: string; uid?: string };
}

export interface DashboardPanel {
  id?: number;
  type?: string;
  title?: string;
  datasource?: { type?: string; uid?: string };
  gridPos?: { h: number; w: number; x: number; y: number };
  targets?: DashboardTarget[];
}

export interface Dashboard {
  uid?: string;
  title?: string;
  schemaVersion?: number;
  panels?: DashboardPanel[];
  templating?: { list?: { name: string; type: string }[] };
}

export interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export async function loadDashboard(): Promise<Dashboard> {
  return JSON.parse(await readFile(DASHBOARD_FILE, 'utf8')) as Dashboard;
}

export async function loadAlertRules(): Promise<AlertRule[]> {
  const file = parse(await readFile(ALERTS_FILE, 'utf8')) as { groups: { rules: AlertRule[] }[] };
  return file.groups.flatMap((group) => group.rules);
}

/**
 * The dashboard's queries as Prometheus receives them: Grafana's variables replaced by what Grafana
 * sends (every namespace, a 1-minute rate window), so they can be parsed and run outside Grafana.
 */
export function dashboardQueries(dashboard: Dashboard): { panel: string; expr: string }[] {
  return (dashboard.panels ?? []).flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({
      panel: panel.title ?? String(panel.id),
      expr: (target.expr ?? '')
        .replaceAll('$namespace', '.*')
        .replaceAll('$__rate_interval', '1m')
        .replaceAll('$__range', '1h'),
    })),
  );
}

const KEYWORDS = new Set([
  'and',
  'or',
  'unless',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'offset',
]);

/** The metric names a PromQL expression reads (functions, keywords, labels and strings removed). */
export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const match of stripped.matchAll(/\b([a-zA-Z_:][a-zA-Z0-9_:]*)\b(\s*\()?/g)) {
    const [, name, call] = match;
    if (!name || call || KEYWORDS.has(name)) continue;
    names.add(name);
  }
  return [...names].sort();
}
