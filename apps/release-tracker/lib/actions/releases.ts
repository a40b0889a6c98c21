'use server';

import { redirect } from 'next/navigation';
import * as releases from '../services/releases';
import { id, parse } from '../validation';
import { fields, perform, type ActionResult, type FormState } from './result';

export async function createRelease(_state: FormState, form: FormData): Promise<FormState> {
  const result = await perform((db) => releases.createRelease(db, fields(form)));
  if (!result.ok) return { error: result.error };
  redirect(`/releases/${result.data.id}/steps`);
}

export async function updateRelease(
  releaseId: number,
  _state: FormState,
  form: FormData,
): Promise<FormState> {
  const result = await perform((db) => releases.updateRelease(db, parse(id, releaseId), fields(form)));
  if (!result.ok) return { error: result.error };
  redirect(`/releases/${result.data.id}`);
}

export async function activateRelease(releaseId: number, customerIds: number[]): Promise<ActionResult> {
  return perform(async (db) => {
    await releases.activateRelease(db, parse(id, releaseId), customerIds);
    return null;
  });
}

export async function addCustomersToRelease(releaseId: number, customerIds: number[]): Promise<ActionResult> {
  return perform(async (db) => {
    await releases.addCustomersToRelease(db, parse(id, releaseId), customerIds);
    return null;
  });
}

export async function archiveRelease(releaseId: number): Promise<ActionResult> {
  return perform(async (db) => {
    await releases.archiveRelease(db, parse(id, releaseId));
    return null;
  });
}
