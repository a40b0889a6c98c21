'use server';

import { currentOperator } from '../operator';
import * as templates from '../services/templates';
import { id, parse } from '../validation';
import { fields, perform, type ActionResult, type FormState } from './result';

export async function addTemplateStep(
  releaseId: number,
  _state: FormState,
  form: FormData,
): Promise<FormState> {
  const operator = await currentOperator();
  const result = await perform((db) =>
    templates.addTemplateStep(db, parse(id, releaseId), fields(form), operator),
  );
  return { error: result.ok ? null : result.error };
}

export async function updateTemplateStep(
  templateId: number,
  _state: FormState,
  form: FormData,
): Promise<FormState & { synced?: number }> {
  const operator = await currentOperator();
  const result = await perform((db) =>
    templates.updateTemplateStep(db, parse(id, templateId), fields(form), operator),
  );
  return result.ok ? { error: null, synced: result.data.updatedCustomerSteps } : { error: result.error };
}

export async function deleteTemplateStep(templateId: number): Promise<ActionResult> {
  return perform(async (db) => {
    await templates.deleteTemplateStep(db, parse(id, templateId));
    return null;
  });
}
