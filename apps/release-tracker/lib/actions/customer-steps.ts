'use server';

import type { Db } from '../db/client';
import { currentOperator } from '../operator';
import * as steps from '../services/customer-steps';
import { id, parse } from '../validation';
import { perform, type ActionResult } from './result';

async function onStep(
  stepId: number,
  work: (db: Db, stepId: number, operator: string) => Promise<unknown>,
): Promise<ActionResult> {
  const operator = await currentOperator();
  return perform(async (db) => {
    await work(db, parse(id, stepId), operator);
    return null;
  });
}

export async function markStepDone(stepId: number, note: string | null) {
  return onStep(stepId, (db, step, operator) => steps.markStepDone(db, step, note, operator));
}

export async function skipStep(stepId: number, reason: string) {
  return onStep(stepId, (db, step, operator) => steps.skipStep(db, step, reason, operator));
}

export async function markStepReverted(stepId: number, reason: string | null) {
  return onStep(stepId, (db, step, operator) => steps.markStepReverted(db, step, reason, operator));
}

export async function reopenStep(stepId: number) {
  return onStep(stepId, (db, step, operator) => steps.reopenStep(db, step, operator));
}

export async function overrideStepContent(stepId: number, content: string) {
  return onStep(stepId, (db, step, operator) => steps.overrideStepContent(db, step, { content }, operator));
}

export async function resetToTemplate(stepId: number) {
  return onStep(stepId, (db, step, operator) => steps.resetToTemplate(db, step, operator));
}

export async function addNote(stepId: number, note: string) {
  return onStep(stepId, (db, step, operator) => steps.addNote(db, step, note, operator));
}

export async function editCustomStep(stepId: number, input: { name: string; type: string; content: string }) {
  return onStep(stepId, (db, step, operator) => steps.editCustomStep(db, step, input, operator));
}

export async function deleteCustomStep(stepId: number) {
  return onStep(stepId, (db, step) => steps.deleteCustomStep(db, step));
}

export async function bulkMarkDone(
  stepIds: number[],
): Promise<ActionResult<{ updated: number; unchanged: number }>> {
  const operator = await currentOperator();
  return perform((db) => steps.bulkMarkDone(db, stepIds, operator));
}

export async function addCustomStep(
  releaseId: number,
  customerId: number,
  input: {
    name: string;
    category: string;
    type: string;
    content: string;
    insertPosition: number;
    addToTemplate: boolean;
  },
): Promise<ActionResult> {
  const operator = await currentOperator();
  return perform(async (db) => {
    await steps.addCustomStep(db, parse(id, releaseId), parse(id, customerId), input, operator);
    return null;
  });
}
