import { eq } from 'drizzle-orm';
import type { Db, Queryable } from '../db/client';
import { appMeta, customerSteps, type StepCategory, type StepType } from '../db/schema';
import { createCluster } from './clusters';
import { createCustomer } from './customers';
import { addTemplateStep } from './templates';
import { activateRelease, createRelease } from './releases';
import { bulkMarkDone, markStepDone, skipStep } from './customer-steps';

const SEEDED = 'example-seeded';
const SEED_OPERATOR = 'example';

interface ExampleStep {
  name: string;
  category: StepCategory;
  type: StepType;
  content: string;
  description: string;
}

const context = '--kube-context {{cluster}} --namespace {{namespace}}';

/** The rollout of this repository's own Helm chart, one namespace at a time. */
export const exampleSteps: ExampleStep[] = [
  {
    name: 'Render the chart with the tenant values',
    category: 'deploy',
    type: 'bash',
    content: [
      'helm lint --strict deploy/helm/campaign-pipeline \\',
      '  -f deploy/values/{{cluster}}/{{namespace}}.yaml',
      'helm diff upgrade campaign-pipeline deploy/helm/campaign-pipeline \\',
      `  ${context} \\`,
      '  -f deploy/values/{{cluster}}/{{namespace}}.yaml --set image.tag={{version}}',
    ].join('\n'),
    description: 'Catch schema errors and review the change before touching the cluster.',
  },
  {
    name: 'Helm upgrade',
    category: 'deploy',
    type: 'bash',
    content: [
      'helm upgrade --install campaign-pipeline deploy/helm/campaign-pipeline \\',
      `  ${context} \\`,
      '  -f deploy/values/{{cluster}}/{{namespace}}.yaml \\',
      '  --set image.tag={{version}} --wait --timeout 10m',
    ].join('\n'),
    description: 'The pre-upgrade hook runs the database migrations before new pods start.',
  },
  {
    name: 'Migration job succeeded',
    category: 'deploy',
    type: 'bash',
    content: [
      '# The hook deletes the Job once it succeeds; its events remain. Expect "Completed".',
      'kubectl --context {{cluster}} -n {{namespace}} get events \\',
      '  --field-selector involvedObject.kind=Job,involvedObject.name=campaign-pipeline-migrate \\',
      '  --sort-by=.lastTimestamp',
    ].join('\n'),
    description: 'A failed migration leaves the old release running; check before verifying.',
  },
  {
    name: 'Migrations recorded',
    category: 'deploy',
    type: 'sql',
    content: 'SELECT name, run_on\nFROM pgmigrations\nORDER BY run_on DESC\nLIMIT 5;',
    description: "Run against the tenant's database: the newest migration of {{version}} is listed.",
  },
  {
    name: 'Deployments available',
    category: 'verify',
    type: 'bash',
    content: [
      'kubectl --context {{cluster}} -n {{namespace}} wait deployment \\',
      '  -l app.kubernetes.io/instance=campaign-pipeline \\',
      '  --for=condition=Available --timeout=5m',
    ].join('\n'),
    description: 'All six workers roll out.',
  },
  {
    name: 'Readiness probes pass',
    category: 'verify',
    type: 'bash',
    content: [
      'kubectl --context {{cluster}} -n {{namespace}} get pods \\',
      '  -l app.kubernetes.io/instance=campaign-pipeline \\',
      "  -o custom-columns='POD:.metadata.name,READY:.status.containerStatuses[*].ready,RESTARTS:.status.containerStatuses[*].restartCount'",
    ].join('\n'),
    description: 'Every pod ready, no restarts since the upgrade.',
  },
  {
    name: 'Grafana look',
    category: 'verify',
    type: 'text',
    content: [
      'Open the "Campaign pipeline" dashboard (uid campaign-pipeline), namespace {{namespace}} on {{cluster}}.',
      'For 15 minutes after the upgrade: campaigns by status keep moving, the dead-letter count stays flat,',
      'and no alert of the chart fires.',
    ].join('\n'),
    description: 'The last word before calling the tenant done.',
  },
];

/**
 * Seeds the example once per database; a database that already holds data is left alone. One
 * transaction, so a server stopped half-way leaves no half example behind.
 */
export async function seedExampleOnce(db: Db): Promise<void> {
  await db.transaction(async (tx) => {
    const marker = await tx.query.appMeta.findFirst({ where: eq(appMeta.key, SEEDED) });
    if (marker) return;
    const existing = await tx.query.clusters.findFirst();
    if (!existing) await seedExample(tx);
    await tx.insert(appMeta).values({ key: SEEDED, value: new Date().toISOString() });
  });
}

export async function seedExample(db: Queryable): Promise<void> {
  const europe = await createCluster(db, {
    name: 'prod-eu-west',
    kubeconfigPath: '~/.kube/prod-eu-west.yaml',
    description: 'Production tenants hosted in Europe',
  });
  const africa = await createCluster(db, {
    name: 'prod-af-south',
    kubeconfigPath: '~/.kube/prod-af-south.yaml',
    description: 'Production tenants hosted in South Africa',
  });
  const tenants = [
    { clusterId: europe.id, name: 'Mozambique MoH', namespace: 'digit-mz' },
    { clusterId: europe.id, name: 'Sierra Leone MoHS', namespace: 'digit-sl' },
    { clusterId: africa.id, name: 'Nigeria NPHCDA', namespace: 'digit-ng' },
    { clusterId: africa.id, name: 'Kenya MoH', namespace: 'digit-ke' },
    { clusterId: africa.id, name: 'Malawi MoH', namespace: 'digit-mw' },
  ];
  const customerIds: number[] = [];
  for (const tenant of tenants) customerIds.push((await createCustomer(db, tenant)).id);
  const release = await createRelease(db, {
    name: 'campaign-pipeline 0.2.0 rollout',
    type: 'release',
    versionNumber: '0.2.0',
    description: 'Rolls the campaign-pipeline Helm chart out to every tenant, one namespace at a time.',
  });
  for (const step of exampleSteps) await addTemplateStep(db, release.id, step, SEED_OPERATOR);
  await activateRelease(db, release.id, customerIds);
  // Some progress so the matrix shows every state: Mozambique done, Sierra Leone half-way.
  const steps = await db.query.customerSteps.findMany({ where: eq(customerSteps.releaseId, release.id) });
  const of = (customerId: number) => steps.filter((step) => step.customerId === customerId);
  await bulkMarkDone(
    db,
    of(customerIds[0]!).map((step) => step.id),
    SEED_OPERATOR,
  );
  const sierraLeone = of(customerIds[1]!).filter((step) => step.category === 'deploy');
  for (const step of sierraLeone.slice(0, 2)) await markStepDone(db, step.id, null, SEED_OPERATOR);
  const sql = sierraLeone.find((step) => step.type === 'sql');
  if (sql) await skipStep(db, sql.id, 'Database access pending from the tenant DBA', SEED_OPERATOR);
}
