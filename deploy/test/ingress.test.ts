import { beforeAll, describe, expect, it } from '@jest/globals';
import { PROJECT_FACTORY_ROUTES, owningService } from '@campaign-pipeline/shared';
import { find, renderChart, type Manifest, type Rendered } from './support/manifests.ts';

const PREFIX = 'campaign-pipeline';
const PORTS = { intake: 3001, status: 3006 };

interface IngressPath {
  pathType: 'Exact' | 'Prefix';
  path: string;
  backend: { service: { name: string; port: { number: number } } };
}

function ingressPaths(manifest: Manifest): IngressPath[] {
  const spec = manifest.spec as { rules: { http: { paths: IngressPath[] } }[] };
  return spec.rules.flatMap((rule) => rule.http.paths);
}

/** Kubernetes' matching: an Exact path first, then the longest Prefix matching whole path elements. */
function backendFor(paths: readonly IngressPath[], requestPath: string): IngressPath['backend'] | undefined {
  const exact = paths.find((entry) => entry.pathType === 'Exact' && entry.path === requestPath);
  if (exact) return exact.backend;
  return paths
    .filter(
      (entry) =>
        entry.pathType === 'Prefix' &&
        (requestPath === entry.path || requestPath.startsWith(`${entry.path.replace(/\/$/, '')}/`)),
    )
    .sort((a, b) => b.path.length - a.path.length)[0]?.backend;
}

describe('one base URL for project-factory', () => {
  let defaults: Rendered;

  beforeAll(async () => {
    defaults = await renderChart({
      set: ['credentials.keySecret.name=campaign-pipeline-credentials', 'ingress.host=console.example.org'],
    });
  });

  it('routes every project-factory path to the Service that owns it, and any other to status', () => {
    expect(defaults.code).toBe(0);
    const paths = ingressPaths(find(defaults.manifests, 'Ingress', PREFIX));
    const unknown = [
      '/project-factory/v1/project-type/add-resources',
      '/project-factory/v1/crypto/_bulkDecrypt',
    ];
    for (const path of [...Object.keys(PROJECT_FACTORY_ROUTES), ...unknown]) {
      const owner = owningService(path) as keyof typeof PORTS;
      expect([path, backendFor(paths, path)]).toEqual([
        path,
        { service: { name: `${PREFIX}-${owner}`, port: { number: PORTS[owner] } } },
      ]);
    }
    expect(backendFor(paths, '/other-service/v1/_search')).toBeUndefined();
  });

  it('takes the credentials key from a Secret and the workbook lifetime from the ConfigMap', () => {
    const config = find(defaults.manifests, 'ConfigMap', `${PREFIX}-config`).data ?? {};
    expect(config).toMatchObject({ CREDENTIALS_TTL_MS: '3600000' });
    const deployment = find(defaults.manifests, 'Deployment', `${PREFIX}-intake`);
    const env = (deployment.spec as { template: { spec: { containers: { env?: unknown[] }[] } } }).template
      .spec.containers[0]?.env;
    expect(env).toContainEqual({
      name: 'CREDENTIALS_KEY',
      valueFrom: { secretKeyRef: { name: 'campaign-pipeline-credentials', key: 'CREDENTIALS_KEY' } },
    });
  });

  it('can leave the Ingress out', async () => {
    const rendered = await renderChart({ set: ['ingress.enabled=false'] });
    expect(rendered.manifests.filter((manifest) => manifest.kind === 'Ingress')).toEqual([]);
  });
});
