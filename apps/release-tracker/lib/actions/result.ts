import { revalidatePath } from 'next/cache';
import type { Db } from '../db/client';
import { getDb } from '../db';
import { UserFacingError } from '../errors';

export type ActionResult<T = null> = { ok: true; data: T } | { ok: false; error: string };
/** What a form shows after submitting: nothing yet, or the problem to fix. */
export type FormState = { error: string | null };

/** Runs an operation, turns refusals into messages and refreshes the pages that show its data. */
export async function perform<T>(
  operation: (db: Db) => Promise<T>,
  paths: readonly string[] = ['/', '/releases'],
): Promise<ActionResult<T>> {
  try {
    const data = await operation(await getDb());
    for (const path of paths) revalidatePath(path, 'layout');
    return { ok: true, data };
  } catch (error) {
    if (error instanceof UserFacingError) return { ok: false, error: error.message };
    console.error('release-tracker action failed', error instanceof Error ? error.message : error);
    return { ok: false, error: 'Something went wrong; nothing was saved. Try again.' };
  }
}

/** FormData as a plain object of its text fields, for zod to validate. */
export function fields(form: FormData): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of form.entries()) if (typeof value === 'string') result[key] = value;
  return result;
}
