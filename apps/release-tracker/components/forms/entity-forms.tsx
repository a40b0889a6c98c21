'use client';

import { useActionState } from 'react';
import type { FormState } from '@/lib/actions/result';
import { Button } from '@/components/ui/button';
import { Field, FormError, Input, Select, Textarea } from '@/components/ui/field';

type FormAction = (state: FormState, form: FormData) => Promise<FormState>;

/** A form whose server action answers with the problem to show, or redirects when it succeeds. */
function EntityForm({
  action,
  label,
  submit,
  children,
}: {
  action: FormAction;
  label: string;
  submit: string;
  children: React.ReactNode;
}) {
  const [state, formAction, pending] = useActionState(action, { error: null });
  return (
    <form action={formAction} className="grid max-w-xl gap-4" aria-label={label}>
      <FormError message={state.error} />
      {children}
      <Button type="submit" disabled={pending} className="w-fit">
        {submit}
      </Button>
    </form>
  );
}

function NameField({ value, maxLength }: { value: string | undefined; maxLength: number }) {
  return (
    <Field label="Name" htmlFor="name">
      <Input id="name" name="name" required maxLength={maxLength} defaultValue={value} />
    </Field>
  );
}

function DescriptionField({ value }: { value: string | null | undefined }) {
  return (
    <Field label="Description" htmlFor="description">
      <Textarea id="description" name="description" defaultValue={value ?? ''} className="font-sans" />
    </Field>
  );
}

interface ClusterValues {
  name: string;
  kubeconfigPath: string | null;
  description: string | null;
}

export function ClusterForm({
  action,
  values,
  submit,
}: {
  action: FormAction;
  values?: ClusterValues;
  submit: string;
}) {
  return (
    <EntityForm action={action} label="Cluster" submit={submit}>
      <NameField value={values?.name} maxLength={100} />
      <Field
        label="Kubeconfig path"
        htmlFor="kubeconfigPath"
        hint="Used as the --kube-context reference in steps."
      >
        <Input id="kubeconfigPath" name="kubeconfigPath" defaultValue={values?.kubeconfigPath ?? ''} />
      </Field>
      <DescriptionField value={values?.description} />
    </EntityForm>
  );
}

interface CustomerValues {
  clusterId: number;
  name: string;
  namespace: string;
  description: string | null;
}

export function CustomerForm({
  action,
  values,
  clusters,
  submit,
}: {
  action: FormAction;
  values?: Partial<CustomerValues>;
  clusters: { id: number; name: string }[];
  submit: string;
}) {
  return (
    <EntityForm action={action} label="Customer" submit={submit}>
      <NameField value={values?.name} maxLength={100} />
      <Field label="Cluster" htmlFor="clusterId">
        <Select id="clusterId" name="clusterId" required defaultValue={values?.clusterId ?? ''}>
          <option value="" disabled>
            Choose a cluster
          </option>
          {clusters.map((cluster) => (
            <option key={cluster.id} value={cluster.id}>
              {cluster.name}
            </option>
          ))}
        </Select>
      </Field>
      <Field label="Namespace" htmlFor="namespace" hint="Lower-case letters, digits and -, as in Kubernetes.">
        <Input id="namespace" name="namespace" required maxLength={63} defaultValue={values?.namespace} />
      </Field>
      <DescriptionField value={values?.description} />
    </EntityForm>
  );
}

interface ReleaseValues {
  name: string;
  type: string;
  versionNumber: string | null;
  releaseDate: Date | null;
  description: string | null;
}

export function ReleaseForm({
  action,
  values,
  submit,
}: {
  action: FormAction;
  values?: ReleaseValues;
  submit: string;
}) {
  return (
    <EntityForm action={action} label="Release" submit={submit}>
      <NameField value={values?.name} maxLength={200} />
      <Field label="Type" htmlFor="type">
        <Select id="type" name="type" defaultValue={values?.type ?? 'release'}>
          <option value="onboarding">Onboarding</option>
          <option value="release">Release</option>
          <option value="hotfix">Hotfix</option>
        </Select>
      </Field>
      <Field label="Version" htmlFor="versionNumber" hint="Fills {{version}} in step content.">
        <Input id="versionNumber" name="versionNumber" defaultValue={values?.versionNumber ?? ''} />
      </Field>
      <Field label="Release date" htmlFor="releaseDate">
        <Input
          id="releaseDate"
          name="releaseDate"
          type="date"
          defaultValue={values?.releaseDate ? values.releaseDate.toISOString().slice(0, 10) : ''}
        />
      </Field>
      <DescriptionField value={values?.description} />
    </EntityForm>
  );
}
