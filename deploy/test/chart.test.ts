import { beforeAll, describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { find, renderChart, validateManifest, type Manifest, type Rendered } from './support/manifests.ts';
import { CHART_DIR, helm } from './support/tools.ts';

const PRODUCTION_VALUES = path.join(CHART_DIR, 'ci', 'production-values.yaml');
const SERVICES = ['intake', 'project-sync', 'facility-sync', 'user-sync', 'mapping-sync', 'status'];
const WORKERS = ['project-sync', 'facility-sync', 'user-sync', 'mapping-sync'];
const PREFIX = 'campaign-pipeline';

interface Container {
  name: string;
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  envFrom?: { configMapRef?: { name: string } }[];
  livenessProbe?: { httpGet?: { path: string; port: string | number } };
  readinessProbe?: { httpGet?: { path: string; port: string | number } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: { allowPrivilegeEscalation?: boolean; readOnlyRootFilesystem?: boolean };
}

interface PodSpec {
  terminationGracePeriodSeconds?: number;
  securityContext?: { runAsNonRoot?: boolean };
  containers: Container[];
}

function podSpec(manifest: Manifest): PodSpec {
  return (manifest.spec as { template: { spec: PodSpec } }).template.spec;
}

function container(manifest: Manifest): Container {
  const [first] = podSpec(manifest).containers;
  if (!first) throw new Error(`${manifest.metadata.name} has no container`);
  return first;
}

function kinds(manifests: Manifest[], kind: string): string[] {
  return manifests
    .filter((manifest) => manifest.kind === kind)
    .map((manifest) => manifest.metadata.name)
    .sort();
}

function named(names: string[]): string[] {
  return names.map((name) => `${PREFIX}-${name}`).sort();
}

describe('helm chart', () => {
  let defaults: Rendered;
  let production: Rendered;

  beforeAll(async () => {
    [defaults, production] = await Promise.all([
      renderChart(),
      renderChart({ valuesFiles: [PRODUCTION_VALUES] }),
    ]);
  });

  it('passes helm lint --strict with the default and the production-like values', async () => {
    for (const extra of [[], ['--values', PRODUCTION_VALUES]]) {
      const result = await helm(['lint', '--strict', CHART_DIR, ...extra]);
      expect(result.stderr + result.stdout).toContain('0 chart(s) failed');
      expect(result.code).toBe(0);
    }
  });

  it('renders manifests that validate against the Kubernetes, KEDA and Prometheus operator schemas', () => {
    for (const rendered of [defaults, production]) {
      expect(rendered.stderr).toBe('');
      expect(rendered.code).toBe(0);
      expect(rendered.manifests.length).toBeGreaterThan(20);
      for (const manifest of rendered.manifests) validateManifest(manifest);
    }
    expect(new Set(production.manifests.map((manifest) => manifest.kind))).toEqual(
      new Set([
        'ConfigMap',
        'Deployment',
        'HorizontalPodAutoscaler',
        'Ingress',
        'Job',
        'PodDisruptionBudget',
        'PrometheusRule',
        'ScaledObject',
        'Service',
        'ServiceAccount',
        'ServiceMonitor',
      ]),
    );
  });

  it('fails validation of a manifest that breaks its schema', () => {
    const deployment = find(defaults.manifests, 'Deployment', `${PREFIX}-intake`);
    const broken = structuredClone(deployment);
    (broken.spec as { replicas: unknown }).replicas = 'two';
    expect(() => validateManifest(broken)).toThrow(/Deployment campaign-pipeline-intake is invalid/);
  });

  it('runs every service from the one image with probes, resources and a grace period beyond the shutdown bound', () => {
    for (const rendered of [defaults, production]) {
      expect(kinds(rendered.manifests, 'Deployment')).toEqual(named(SERVICES));
      const config = find(rendered.manifests, 'ConfigMap', `${PREFIX}-config`);
      const shutdownMs = Number(config.data?.SHUTDOWN_TIMEOUT_MS);
      expect(shutdownMs).toBeGreaterThan(0);
      for (const name of SERVICES) {
        const deployment = find(rendered.manifests, 'Deployment', `${PREFIX}-${name}`);
        const spec = podSpec(deployment);
        const main = container(deployment);
        expect(main.args).toEqual([name]);
        expect(main.livenessProbe?.httpGet?.path).toBe('/health');
        expect(main.readinessProbe?.httpGet?.path).toBe('/ready');
        expect(main.resources?.requests?.memory).toBeDefined();
        expect(main.resources?.limits?.memory).toBeDefined();
        expect((spec.terminationGracePeriodSeconds ?? 30) * 1000).toBeGreaterThan(shutdownMs);
        expect(spec.securityContext?.runAsNonRoot).toBe(true);
        expect(main.securityContext?.allowPrivilegeEscalation).toBe(false);
        expect(main.envFrom?.[0]?.configMapRef?.name).toBe(`${PREFIX}-config`);
        expect(
          main.env?.find((variable) => variable.name === 'DATABASE_URL')?.valueFrom?.secretKeyRef,
        ).toBeDefined();
      }
    }
    const production45s = find(production.manifests, 'Deployment', `${PREFIX}-user-sync`);
    expect(podSpec(production45s).terminationGracePeriodSeconds).toBeGreaterThan(45);
    expect(container(production45s).resources?.limits?.cpu).toBe('1');
  });

  it('exposes intake and status as Services and configures the pipeline through a ConfigMap and Secret references', async () => {
    expect(kinds(defaults.manifests, 'Service')).toEqual(named(['intake', 'status']));
    const config = find(defaults.manifests, 'ConfigMap', `${PREFIX}-config`).data ?? {};
    expect(config).toMatchObject({
      KAFKA_BROKERS: 'kafka:9092',
      SCHEMA_REGISTRY_URL: 'http://schema-registry:8081',
      DIGIT_HOST: 'http://digit-gateway:8080',
      SHUTDOWN_TIMEOUT_MS: '20000',
    });
    expect(config).not.toHaveProperty('DATABASE_URL');
    // Unset, the services hold twice the largest DIGIT concurrency in chunks; set, the value is passed on.
    expect(config).not.toHaveProperty('KAFKA_PARTITIONS_CONSUMED_CONCURRENTLY');
    const chunksSet = find(
      (await renderChart({ set: ['kafka.partitionsConsumedConcurrently=12'] })).manifests,
      'ConfigMap',
      `${PREFIX}-config`,
    ).data;
    expect(chunksSet?.KAFKA_PARTITIONS_CONSUMED_CONCURRENTLY).toBe('12');

    const productionConfig = find(production.manifests, 'ConfigMap', `${PREFIX}-config`).data ?? {};
    expect(productionConfig).toMatchObject({
      DIGIT_HRMS_HOST: 'http://egov-hrms.egov:8080',
      DIGIT_HRMS_CONCURRENCY: '4',
      DIGIT_SEARCH_CONSISTENCY_MS: '8000',
      KAFKA_CREATE_TOPICS: 'false',
    });
    expect(productionConfig).not.toHaveProperty('SCHEMA_REGISTRY_URL');
    const env = container(find(production.manifests, 'Deployment', `${PREFIX}-status`)).env ?? [];
    const fromSecret = Object.fromEntries(
      env
        .filter((variable) => variable.valueFrom)
        .map((variable) => [variable.name, variable.valueFrom?.secretKeyRef]),
    );
    expect(fromSecret).toEqual({
      DATABASE_URL: { name: 'campaign-pipeline-postgres', key: 'url' },
      SCHEMA_REGISTRY_URL: { name: 'campaign-pipeline-schema-registry', key: 'url' },
      DIGIT_AUTH_TOKEN: { name: 'campaign-pipeline-digit', key: 'auth-token' },
    });
  });

  it('holds no password or credential in any rendered object', () => {
    for (const rendered of [defaults, production]) {
      expect(kinds(rendered.manifests, 'Secret')).toEqual([]);
      for (const manifest of rendered.manifests.filter(
        (m) => m.kind === 'ConfigMap' || m.kind === 'Deployment',
      )) {
        const text = JSON.stringify(manifest);
        expect(text).not.toMatch(/:\/\/[^/"\s:@]+:[^/"\s@]+@/);
        expect(text).not.toMatch(/password/i);
      }
    }
  });

  it("sets each service's V8 heap limit and young generation in NODE_OPTIONS, a service's own over the default", async () => {
    const nodeOptions = (rendered: Rendered, name: string) =>
      container(find(rendered.manifests, 'Deployment', `${PREFIX}-${name}`)).env?.find(
        (variable) => variable.name === 'NODE_OPTIONS',
      )?.value;
    expect(nodeOptions(defaults, 'project-sync')).toBe('--max-old-space-size=384 --max-semi-space-size=16');
    expect(nodeOptions(defaults, 'facility-sync')).toBe('--max-old-space-size=384 --max-semi-space-size=4');
    expect(nodeOptions(defaults, 'intake')).toBe('--max-old-space-size=320 --max-semi-space-size=4');
    const tuned = await renderChart({ set: ['services.status.semiSpaceMb=32'] });
    expect(nodeOptions(tuned, 'status')).toBe('--max-old-space-size=384 --max-semi-space-size=32');
    expect(nodeOptions(tuned, 'user-sync')).toBe('--max-old-space-size=384 --max-semi-space-size=4');
  });

  it("sets each service's glibc allocator to give large freed blocks back, a service's own over the default", async () => {
    const threshold = (rendered: Rendered, name: string) =>
      container(find(rendered.manifests, 'Deployment', `${PREFIX}-${name}`)).env?.find(
        (variable) => variable.name === 'MALLOC_MMAP_THRESHOLD_',
      )?.value;
    expect(SERVICES.map((name) => threshold(defaults, name))).toEqual(SERVICES.map(() => '131072'));
    const tuned = await renderChart({ set: ['services.intake.mallocMmapThresholdBytes=65536'] });
    expect(threshold(tuned, 'intake')).toBe('65536');
    expect(threshold(tuned, 'status')).toBe('131072');
  });

  it('autoscales each worker with an HPA, or with a KEDA ScaledObject on consumer lag instead', () => {
    expect(kinds(defaults.manifests, 'HorizontalPodAutoscaler')).toEqual(named(WORKERS));
    expect(kinds(defaults.manifests, 'ScaledObject')).toEqual([]);
    expect(kinds(production.manifests, 'HorizontalPodAutoscaler')).toEqual(named(['facility-sync']));
    expect(kinds(production.manifests, 'ScaledObject')).toEqual(
      named(['project-sync', 'user-sync', 'mapping-sync']),
    );
    const scaled = find(production.manifests, 'ScaledObject', `${PREFIX}-user-sync`);
    expect(scaled.spec).toMatchObject({
      scaleTargetRef: { name: `${PREFIX}-user-sync` },
      maxReplicaCount: 12,
      triggers: [
        {
          type: 'kafka',
          metadata: { consumerGroup: 'user-sync', topic: 'campaign.step.user', lagThreshold: '20' },
        },
      ],
    });
    // An autoscaled Deployment leaves its replica count to the autoscaler.
    expect(find(production.manifests, 'Deployment', `${PREFIX}-user-sync`).spec).not.toHaveProperty(
      'replicas',
    );
    expect(find(production.manifests, 'Deployment', `${PREFIX}-intake`).spec).toMatchObject({ replicas: 3 });
  });

  it('protects every service with a PodDisruptionBudget matching its pods', () => {
    expect(kinds(defaults.manifests, 'PodDisruptionBudget')).toEqual(named(SERVICES));
    for (const name of SERVICES) {
      const budget = find(defaults.manifests, 'PodDisruptionBudget', `${PREFIX}-${name}`);
      const deployment = find(defaults.manifests, 'Deployment', `${PREFIX}-${name}`);
      expect((budget.spec as { selector: unknown }).selector).toEqual(
        (deployment.spec as { selector: unknown }).selector,
      );
    }
    const disabled = renderChart({ set: ['services.status.podDisruptionBudget.enabled=false'] });
    return disabled.then((rendered) =>
      expect(kinds(rendered.manifests, 'PodDisruptionBudget')).not.toContain(`${PREFIX}-status`),
    );
  });

  it('runs the migrations as a pre-install/pre-upgrade hook Job that runs migrate', () => {
    const job = find(defaults.manifests, 'Job', `${PREFIX}-migrate`);
    expect(job.metadata.annotations?.['helm.sh/hook']).toBe('pre-install,pre-upgrade');
    expect(container(job).args).toEqual(['migrate']);
    // The hook runs before the chart's ConfigMap exists: it may only use the Secret.
    expect(container(job).envFrom).toBeUndefined();
    expect(container(job).env?.find((variable) => variable.name === 'DATABASE_URL')?.valueFrom).toBeDefined();
  });

  it('ships the ServiceMonitor, the PrometheusRule from the alert rules file and the Grafana dashboard ConfigMap', async () => {
    expect(kinds(defaults.manifests, 'ServiceMonitor')).toEqual([]);
    const monitor = find(production.manifests, 'ServiceMonitor', PREFIX);
    expect(monitor.metadata.labels?.release).toBe('kube-prometheus-stack');
    expect(monitor.spec).toMatchObject({ endpoints: [{ port: 'http', path: '/metrics', interval: '15s' }] });
    // Every service, workers included, has a Service the monitor selects.
    const selector = (monitor.spec as { selector: { matchLabels: Record<string, string> } }).selector
      .matchLabels;
    const selected = production.manifests.filter(
      (m) =>
        m.kind === 'Service' &&
        Object.entries(selector).every(([key, value]) => m.metadata.labels?.[key] === value),
    );
    expect(selected.map((service) => service.metadata.name).sort()).toEqual(named(SERVICES));

    const rule = find(production.manifests, 'PrometheusRule', PREFIX);
    const rulesFile: unknown = parse(
      await readFile(path.join(CHART_DIR, 'files', 'alerts.rules.yaml'), 'utf8'),
    );
    expect(rule.spec).toEqual(rulesFile);

    const dashboard = find(defaults.manifests, 'ConfigMap', `${PREFIX}-dashboard`);
    expect(dashboard.metadata.labels?.grafana_dashboard).toBe('1');
    const json = await readFile(path.join(CHART_DIR, 'dashboards', 'campaign-pipeline.json'), 'utf8');
    expect(JSON.parse(dashboard.data?.['campaign-pipeline.json'] ?? '')).toEqual(JSON.parse(json));
  });

  it.each([
    ['a replica count that is not a number', 'services.intake.replicas=two', 'replicas'],
    ['an unknown flow', 'pipeline.flow=fast', 'flow'],
    ['a malformed broker list', 'kafka.brokers=kafka', 'brokers'],
    ['a misspelt value', 'services.intake.replica=2', 'replica'],
    ['a negative shutdown bound', 'pipeline.shutdownTimeoutMs=-1', 'shutdownTimeoutMs'],
    ['a missing database Secret name', 'database.urlSecret.name=', 'name'],
    ['an unknown DIGIT service host', 'digit.hosts.billing=http://billing:8080', 'billing'],
    ['an unknown DIGIT call budget', 'digit.budget=cluster', 'budget'],
    ['a young generation of no size', 'serviceDefaults.semiSpaceMb=0', 'semiSpaceMb'],
    [
      'an allocator threshold beyond glibc',
      'serviceDefaults.mallocMmapThresholdBytes=67108864',
      'mallocMmapThresholdBytes',
    ],
  ])('rejects %s through values.schema.json', async (_label, value, mentioned) => {
    const rendered = await renderChart({ set: [value] });
    expect(rendered.code).not.toBe(0);
    expect(rendered.stderr).toMatch(/values don't meet the specifications of the schema/);
    expect(rendered.stderr).toContain(mentioned);
  });

  it('documents every value in the chart README', async () => {
    const values: unknown = parse(await readFile(path.join(CHART_DIR, 'values.yaml'), 'utf8'));
    const readme = await readFile(path.join(CHART_DIR, 'README.md'), 'utf8');
    const keys: string[] = [];
    const walk = (node: unknown, prefix: string) => {
      if (node && typeof node === 'object' && !Array.isArray(node) && Object.keys(node).length > 0) {
        for (const [key, child] of Object.entries(node)) walk(child, prefix ? `${prefix}.${key}` : key);
      } else keys.push(prefix);
    };
    walk(values, '');
    expect(keys.length).toBeGreaterThan(50);
    const undocumented = keys.filter((key) => !readme.includes(`\`${key}\``));
    expect(undocumented).toEqual([]);
  });
});
