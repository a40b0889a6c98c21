import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import type { Queryable } from '../db/client';
import { customerSteps, stepHistory, type CustomerStep, type StepStatus } from '../db/schema';
import { templatePositionAt } from '../domain/sequence';
import { transitionProblem } from '../domain/transitions';
import { resolveVariables, unresolvedVariables } from '../domain/variables';
import { InvalidInputError, NotFoundError, RuleError, UserFacingError } from '../errors';
import {
  customStepEdit,
  customStepInput,
  idList,
  noteInput,
  optionalNote,
  overrideInput,
  parse,
  skipReason,
} from '../validation';
import { recordHistory } from './history';
import { getRelease } from './releases';
import { customerIdsInRelease, customerSequence, writeSequence } from './sequencing';
import { insertTemplateStep } from './templates';

export async function getCustomerStep(db: Queryable, id: number): Promise<CustomerStep> {
  const step = await db.query.customerSteps.findFirst({ where: eq(customerSteps.id, id) });
  if (!step) throw new NotFoundError('Step', id);
  return step;
}

export function getCustomerSteps(
  db: Queryable,
  releaseId: number,
  customerId: number,
): Promise<CustomerStep[]> {
  return db.query.customerSteps.findMany({
    where: and(eq(customerSteps.releaseId, releaseId), eq(customerSteps.customerId, customerId)),
    orderBy: [asc(customerSteps.category), asc(customerSteps.orderIndex)],
  });
}

/** A step with its customer, cluster, release, template and history, and its content with variables resolved. */
export async function getStepDetail(db: Queryable, id: number) {
  const step = await db.query.customerSteps.findFirst({
    where: eq(customerSteps.id, id),
    with: {
      customer: { with: { cluster: true } },
      release: true,
      template: true,
      history: { orderBy: [desc(stepHistory.createdAt), desc(stepHistory.id)] },
    },
  });
  if (!step) throw new NotFoundError('Step', id);
  const values = {
    cluster: step.customer.cluster.name,
    namespace: step.customer.namespace,
    customer: step.customer.name,
    version: step.release.versionNumber,
  };
  return {
    ...step,
    resolvedContent: resolveVariables(step.content, values),
    unresolved: unresolvedVariables(step.content, values),
  };
}
export type StepDetail = Awaited<ReturnType<typeof getStepDetail>>;

async function assertReleaseOpen(db: Queryable, releaseId: number): Promise<void> {
  const release = await getRelease(db, releaseId);
  if (release.status !== 'active') {
    throw new RuleError(
      `Release "${release.name}" is ${release.status}; steps change only in an active release`,
    );
  }
}

async function applyStatus(
  tx: Queryable,
  step: CustomerStep,
  to: StepStatus,
  text: string | null,
  operator: string,
): Promise<CustomerStep> {
  const problem = transitionProblem(step.status, to);
  if (problem) throw new RuleError(`${step.name}: ${problem}`);
  const now = new Date();
  const changes: Partial<CustomerStep> = { status: to, updatedAt: now };
  if (to === 'done') Object.assign(changes, { executedAt: now, executedBy: operator, skipReason: null });
  if (to === 'skipped') Object.assign(changes, { skipReason: text, executedAt: null, executedBy: null });
  if (to === 'reverted' || to === 'pending') Object.assign(changes, { executedAt: null, executedBy: null });
  if (text !== null && to !== 'skipped') changes.notes = text;
  const [updated] = await tx
    .update(customerSteps)
    .set(changes)
    .where(eq(customerSteps.id, step.id))
    .returning();
  await recordHistory(tx, operator, [
    { customerStepId: step.id, action: 'status', fromStatus: step.status, toStatus: to, detail: text },
  ]);
  return updated!;
}

async function changeStatus(
  db: Queryable,
  id: number,
  to: StepStatus,
  text: string | null,
  operator: string,
): Promise<CustomerStep> {
  return db.transaction(async (tx) => {
    const step = await getCustomerStep(tx, id);
    await assertReleaseOpen(tx, step.releaseId);
    return applyStatus(tx, step, to, text, operator);
  });
}

export async function markStepDone(db: Queryable, id: number, note: unknown, operator: string) {
  return changeStatus(db, id, 'done', parse(optionalNote, note), operator);
}

export async function skipStep(db: Queryable, id: number, reason: unknown, operator: string) {
  return changeStatus(db, id, 'skipped', parse(skipReason, reason), operator);
}

export async function markStepReverted(db: Queryable, id: number, reason: unknown, operator: string) {
  return changeStatus(db, id, 'reverted', parse(optionalNote, reason), operator);
}

export async function reopenStep(db: Queryable, id: number, operator: string) {
  return changeStatus(db, id, 'pending', null, operator);
}

/** Marks many steps done in one transaction; steps already done are left as they are. */
export async function bulkMarkDone(
  db: Queryable,
  ids: unknown,
  operator: string,
): Promise<{ updated: number; unchanged: number }> {
  const stepIds = [...new Set(parse(idList, ids))];
  return db.transaction(async (tx) => {
    const steps = await tx.query.customerSteps.findMany({ where: inArray(customerSteps.id, stepIds) });
    const missing = stepIds.find((id) => !steps.some((step) => step.id === id));
    if (missing !== undefined) throw new NotFoundError('Step', missing);
    for (const releaseId of new Set(steps.map((step) => step.releaseId)))
      await assertReleaseOpen(tx, releaseId);
    let updated = 0;
    for (const step of steps) {
      if (step.status === 'done') continue;
      await applyStatus(tx, step, 'done', null, operator);
      updated += 1;
    }
    return { updated, unchanged: steps.length - updated };
  });
}

/** Gives one customer's template step its own content; later template edits no longer reach it. */
export async function overrideStepContent(db: Queryable, id: number, input: unknown, operator: string) {
  const { content } = parse(overrideInput, input);
  return db.transaction(async (tx) => {
    const step = await getCustomerStep(tx, id);
    await assertReleaseOpen(tx, step.releaseId);
    if (step.templateId === null) throw new RuleError(`${step.name} is not a template step; edit it instead`);
    if (step.status === 'done')
      throw new RuleError(`${step.name} is done; revert it before changing what it runs`);
    const [updated] = await tx
      .update(customerSteps)
      .set({ content, isOverridden: true, updatedAt: new Date() })
      .where(eq(customerSteps.id, id))
      .returning();
    await recordHistory(tx, operator, [{ customerStepId: id, action: 'override', detail: content }]);
    return updated!;
  });
}

/** Brings back the template's name, type and content and lets template edits reach the step again. */
export async function resetToTemplate(db: Queryable, id: number, operator: string) {
  return db.transaction(async (tx) => {
    const step = await tx.query.customerSteps.findFirst({
      where: eq(customerSteps.id, id),
      with: { template: true },
    });
    if (!step) throw new NotFoundError('Step', id);
    await assertReleaseOpen(tx, step.releaseId);
    if (!step.template) throw new RuleError(`${step.name} has no template to reset to`);
    if (step.status === 'done')
      throw new RuleError(`${step.name} is done; revert it before changing what it runs`);
    const [updated] = await tx
      .update(customerSteps)
      .set({
        name: step.template.name,
        type: step.template.type,
        content: step.template.content,
        isOverridden: false,
        updatedAt: new Date(),
      })
      .where(eq(customerSteps.id, id))
      .returning();
    await recordHistory(tx, operator, [
      { customerStepId: id, action: 'reset', detail: 'Reset to the template' },
    ]);
    return updated!;
  });
}

export async function addNote(db: Queryable, id: number, note: unknown, operator: string) {
  const text = parse(noteInput, note);
  return db.transaction(async (tx) => {
    await getCustomerStep(tx, id);
    const [updated] = await tx
      .update(customerSteps)
      .set({ notes: text, updatedAt: new Date() })
      .where(eq(customerSteps.id, id))
      .returning();
    await recordHistory(tx, operator, [{ customerStepId: id, action: 'note', detail: text }]);
    return updated!;
  });
}

/**
 * Adds a step for one customer at a position of its sequence. With "add to template" the step becomes
 * a template step instead, and every customer already in this release gets a pending copy — customers
 * outside the release are not touched.
 */
export async function addCustomStep(
  db: Queryable,
  releaseId: number,
  customerId: number,
  input: unknown,
  operator: string,
): Promise<CustomerStep> {
  const { addToTemplate, insertPosition, ...data } = parse(customStepInput, input);
  return db.transaction(async (tx) => {
    const release = await getRelease(tx, releaseId);
    await assertReleaseOpen(tx, releaseId);
    if (!(await customerIdsInRelease(tx, releaseId)).includes(customerId)) {
      throw new UserFacingError(`Customer ${customerId} is not part of release "${release.name}"`, 404);
    }
    const before = await customerSequence(tx, releaseId, customerId, data.category);
    const position = Math.min(insertPosition, before.length);
    let stepId: number;
    if (addToTemplate) {
      const template = await insertTemplateStep(
        tx,
        release,
        data,
        templatePositionAt(before, position),
        operator,
      );
      const own = await tx.query.customerSteps.findFirst({
        where: and(eq(customerSteps.templateId, template.id), eq(customerSteps.customerId, customerId)),
      });
      stepId = own!.id;
    } else {
      const [created] = await tx
        .insert(customerSteps)
        .values({
          ...data,
          releaseId,
          customerId,
          templateId: null,
          orderIndex: before.length,
          isCustom: true,
        })
        .returning();
      stepId = created!.id;
      await recordHistory(tx, operator, [
        { customerStepId: stepId, action: 'added', detail: 'Custom step added' },
      ]);
    }
    // The requesting customer gets the step exactly where the operator put it.
    const current = await customerSequence(tx, releaseId, customerId, data.category);
    const sequence = current.filter((step) => step.id !== stepId);
    sequence.splice(
      position,
      0,
      current.find((step) => step.id === stepId)!,
    );
    await writeSequence(tx, sequence);
    return getCustomerStep(tx, stepId);
  });
}

export async function editCustomStep(db: Queryable, id: number, input: unknown, operator: string) {
  const data = parse(customStepEdit, input);
  return db.transaction(async (tx) => {
    const step = await getCustomerStep(tx, id);
    await assertReleaseOpen(tx, step.releaseId);
    if (!step.isCustom) throw new RuleError(`${step.name} comes from the template; override it instead`);
    if (step.status === 'done')
      throw new RuleError(`${step.name} is done; revert it before changing what it runs`);
    const [updated] = await tx
      .update(customerSteps)
      .set({ ...data, updatedAt: new Date() })
      .where(eq(customerSteps.id, id))
      .returning();
    await recordHistory(tx, operator, [{ customerStepId: id, action: 'override', detail: data.content }]);
    return updated!;
  });
}

export async function deleteCustomStep(db: Queryable, id: number): Promise<void> {
  await db.transaction(async (tx) => {
    const step = await getCustomerStep(tx, id);
    await assertReleaseOpen(tx, step.releaseId);
    if (!step.isCustom) throw new RuleError(`${step.name} comes from the template; skip it instead`);
    if (step.status === 'done')
      throw new InvalidInputError(`${step.name} is done; revert it before deleting it`);
    await tx.delete(customerSteps).where(eq(customerSteps.id, id));
  });
}
