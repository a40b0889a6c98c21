import { parseAllDocuments } from 'yaml';
import { ConfigMap, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Job } from 'kubernetes-models/batch/v1';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import {
  PrometheusRule,
  ServiceMonitor,
} from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { CHART_DIR, helm } from './tools.ts';

/** A rendered Kubernetes object; fields are read through the typed accessors of each test. */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
}

interface Validatable {
  validate(): void;
}

/** The schema models of every kind the chart may render; a kind missing here fails validation. */
const MODELS: Record<string, new (data: never) => Validatable> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'batch/v1/Job': Job,
  'networking.k8s.io/v1/Ingress': Ingress,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'keda.sh/v1alpha1/ScaledObject': ScaledObject,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
  'monitoring.coreos.com/v1/PrometheusRule': PrometheusRule,
};

/** Validates a manifest against its Kubernetes (or CRD) schema; throws naming the object on failure. */
export function validateManifest(manifest: Manifest): void {
  const Model = MODELS[`${manifest.apiVersion}/${manifest.kind}`];
  if (!Model)
    throw new Error(`no schema for ${manifest.apiVersion} ${manifest.kind} (${manifest.metadata.name})`);
  try {
    new Model(manifest as never).validate();
  } catch (error) {
    throw new Error(`${manifest.kind} ${manifest.metadata.name} is invalid: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

export interface Rendered {
  code: number;
  stderr: string;
  manifests: Manifest[];
}

/** `helm template` of the chart with the given values files and --set flags. */
export async function renderChart(
  options: { valuesFiles?: string[]; set?: string[] } = {},
): Promise<Rendered> {
  const args = ['template', 'campaign-pipeline', CHART_DIR, '--namespace', 'campaigns'];
  for (const file of options.valuesFiles ?? []) args.push('--values', file);
  for (const value of options.set ?? []) args.push('--set', value);
  const result = await helm(args);
  const manifests = parseAllDocuments(result.stdout)
    .map((document) => document.toJS() as Manifest | null)
    .filter((manifest): manifest is Manifest => manifest !== null);
  return { code: result.code, stderr: result.stderr, manifests };
}

export function find(manifests: Manifest[], kind: string, name: string): Manifest {
  const found = manifests.find((manifest) => manifest.kind === kind && manifest.metadata.name === name);
  if (!found)
    throw new Error(`no ${kind} ${name} among ${manifests.map((m) => `${m.kind}/${m.metadata.name}`)}`);
  return found;
}
