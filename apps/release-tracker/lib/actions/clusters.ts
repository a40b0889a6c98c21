'use server';

import { redirect } from 'next/navigation';
import * as clusters from '../services/clusters';
import { id, parse } from '../validation';
import { fields, perform, type ActionResult, type FormState } from './result';

export async function createCluster(_state: FormState, form: FormData): Promise<FormState> {
  const result = await perform((db) => clusters.createCluster(db, fields(form)), ['/clusters', '/customers']);
  if (!result.ok) return { error: result.error };
  redirect(`/clusters/${result.data.id}`);
}

export async function updateCluster(
  clusterId: number,
  _state: FormState,
  form: FormData,
): Promise<FormState> {
  const result = await perform(
    (db) => clusters.updateCluster(db, parse(id, clusterId), fields(form)),
    ['/clusters', '/customers', '/releases'],
  );
  if (!result.ok) return { error: result.error };
  redirect(`/clusters/${result.data.id}`);
}

export async function deleteCluster(clusterId: number): Promise<ActionResult> {
  return perform(
    async (db) => {
      await clusters.deleteCluster(db, parse(id, clusterId));
      return null;
    },
    ['/clusters', '/customers'],
  );
}

export async function restoreCluster(clusterId: number): Promise<ActionResult> {
  return perform(
    async (db) => {
      await clusters.restoreCluster(db, parse(id, clusterId));
      return null;
    },
    ['/clusters', '/customers'],
  );
}
