import { describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import {
  ALERTS_FILE,
  dashboardQueries,
  loadAlertRules,
  loadDashboard,
  metricNames,
} from './support/observability.ts';
import { command, DEPLOY_ROOT, systemProgram } from './support/tools.ts';

const ALERTS_TEST_FILE = path.join(DEPLOY_ROOT, 'prometheus', 'alerts.test.yaml');

describe('alert rules', () => {
  it('pass promtool check rules', async () => {
    const result = await command(systemProgram('promtool', 'prometheus'), ['check', 'rules', ALERTS_FILE]);
    expect(result.stdout).toContain('SUCCESS: 5 rules found');
    expect(result.code).toBe(0);
  });

  it('cover a stuck campaign, a stalled step, DLQ growth, sustained lag and the DIGIT error rate', async () => {
    const rules = await loadAlertRules();
    expect(rules.map((rule) => rule.alert).sort()).toEqual([
      'CampaignDlqGrowing',
      'CampaignStepStalled',
      'CampaignStuckCreating',
      'DigitErrorRateHigh',
      'KafkaConsumerLagSustained',
    ]);
    for (const rule of rules) {
      expect(rule.labels?.severity).toMatch(/^(warning|critical)$/);
      expect(rule.annotations?.summary).toBeTruthy();
      expect(rule.annotations?.description).toBeTruthy();
    }
  });

  it('fire on the series that should trigger them and stay silent otherwise (promtool test rules)', async () => {
    const result = await command(
      systemProgram('promtool', 'prometheus'),
      ['test', 'rules', ALERTS_TEST_FILE],
      path.dirname(ALERTS_TEST_FILE),
    );
    expect(result.stdout + result.stderr).toContain('SUCCESS');
    expect(result.code).toBe(0);
  });
});

describe('Grafana dashboard', () => {
  it('is a dashboard model with a uid, a schema version and unique panel ids', async () => {
    const dashboard = await loadDashboard();
    expect(dashboard.uid).toBe('campaign-pipeline');
    expect(dashboard.title).toBeTruthy();
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    const panels = dashboard.panels ?? [];
    const ids = panels.map((panel) => panel.id);
    expect(ids.every((id) => Number.isInteger(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(dashboard.templating?.list?.find((variable) => variable.name === 'datasource')?.type).toBe(
      'datasource',
    );
  });

  it('has a Prometheus query and data source on every panel', async () => {
    const dashboard = await loadDashboard();
    const panels = (dashboard.panels ?? []).filter((panel) => panel.type !== 'row');
    expect(panels.length).toBeGreaterThanOrEqual(8);
    for (const panel of panels) {
      expect(panel.title).toBeTruthy();
      expect(panel.gridPos).toEqual(
        expect.objectContaining({ w: expect.any(Number), h: expect.any(Number) }),
      );
      expect(panel.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
      expect(panel.targets?.length).toBeGreaterThan(0);
      const refIds = (panel.targets ?? []).map((target) => target.refId);
      expect(new Set(refIds).size).toBe(refIds.length);
      for (const target of panel.targets ?? []) {
        expect(target.expr).toBeTruthy();
        expect(target.datasource?.type).toBe('prometheus');
      }
    }
  });

  it('shows step throughput, failures, durations, lag, DIGIT latency and errors, campaigns and the DLQ', async () => {
    const used = new Set(dashboardQueries(await loadDashboard()).flatMap(({ expr }) => metricNames(expr)));
    for (const metric of [
      'campaign_step_commands_total',
      'campaign_step_duration_seconds_bucket',
      'campaign_step_chunk_duration_seconds_bucket',
      'kafka_consumer_lag_messages',
      'digit_request_duration_seconds_bucket',
      'digit_request_errors_total',
      'campaigns_by_status',
      'campaign_dlq_messages_total',
      'campaign_worker_chunks',
    ]) {
      expect(used).toContain(metric);
    }
  });

  it('has only queries that parse as PromQL (checked by promtool)', async () => {
    const queries = dashboardQueries(await loadDashboard());
    const dir = await mkdtemp(path.join(os.tmpdir(), 'dashboard-queries-'));
    try {
      const file = path.join(dir, 'queries.yaml');
      const rules = queries.map(({ expr }, index) => ({ record: `dashboard:query_${index}`, expr }));
      await writeFile(file, stringify({ groups: [{ name: 'dashboard', rules }] }));
      const result = await command(systemProgram('promtool', 'prometheus'), ['check', 'rules', file]);
      expect(result.stderr).toBe('');
      expect(result.stdout).toContain(`SUCCESS: ${queries.length} rules found`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('finds the metric names of a query', () => {
    expect(
      metricNames(
        'histogram_quantile(0.95, sum by (le, step) (rate(campaign_step_duration_seconds_bucket{step="x"}[5m]))) and on() (up or vector(0))',
      ),
    ).toEqual(['campaign_step_duration_seconds_bucket', 'up']);
  });
});
