import { and, eq } from 'drizzle-orm';
import type { Queryable } from '../db/client';
import {
  customerSteps,
  stepTemplates,
  type Release,
  type StepCategory,
  type StepTemplate,
} from '../db/schema';
import { changedTemplateFields } from '../domain/template-sync';
import { NotFoundError, RuleError } from '../errors';
import { parse, reorderInput, templateStepEdit, templateStepInput } from '../validation';
import { recordHistory } from './history';
import { getRelease } from './releases';
import {
  copyTemplatesToCustomers,
  customerIdsInRelease,
  followTemplateOrder,
  renumberTemplates,
  templatesOf,
} from './sequencing';

export async function getTemplateStep(db: Queryable, id: number): Promise<StepTemplate> {
  const template = await db.query.stepTemplates.findFirst({ where: eq(stepTemplates.id, id) });
  if (!template) throw new NotFoundError('Template step', id);
  return template;
}

function assertEditable(release: Release): void {
  if (release.status === 'archived') throw new RuleError(`Release "${release.name}" is archived`);
}

/**
 * Inserts a template step at a position in its category (the end by default) inside an open transaction.
 * In an active release every customer of the release gets a pending copy in the matching place.
 */
export async function insertTemplateStep(
  tx: Queryable,
  release: Release,
  data: {
    name: string;
    category: StepCategory;
    type: StepTemplate['type'];
    content: string;
    description?: string | null;
  },
  position: number | undefined,
  operator: string,
): Promise<StepTemplate> {
  const existing = await templatesOf(tx, release.id, data.category);
  const [template] = await tx
    .insert(stepTemplates)
    .values({ ...data, releaseId: release.id, orderIndex: existing.length })
    .returning();
  const place = Math.min(position ?? existing.length, existing.length);
  const order = existing.map((step) => step.id);
  order.splice(place, 0, template!.id);
  await renumberTemplates(tx, release.id, data.category, order);
  if (release.status === 'active') {
    const customerIds = await customerIdsInRelease(tx, release.id);
    const copies = await copyTemplatesToCustomers(tx, release.id, [template!], customerIds);
    await followTemplateOrder(tx, release.id, customerIds, data.category);
    await recordHistory(
      tx,
      operator,
      copies.map((customerStepId) => ({
        customerStepId,
        action: 'added',
        detail: 'Added from the template',
      })),
    );
  }
  return (await getTemplateStep(tx, template!.id))!;
}

export async function addTemplateStep(
  db: Queryable,
  releaseId: number,
  input: unknown,
  operator: string,
): Promise<StepTemplate> {
  const { position, ...data } = parse(templateStepInput, input);
  return db.transaction(async (tx) => {
    const release = await getRelease(tx, releaseId);
    assertEditable(release);
    return insertTemplateStep(tx, release, data, position, operator);
  });
}

/**
 * Edits a template step. Every copied field the edit changes (name, type, content) reaches the
 * customer steps that are still pending and not overridden; the others keep what they ran or were given.
 */
export async function updateTemplateStep(
  db: Queryable,
  id: number,
  input: unknown,
  operator: string,
): Promise<{ template: StepTemplate; updatedCustomerSteps: number }> {
  const edit = parse(templateStepEdit, input);
  return db.transaction(async (tx) => {
    const before = await getTemplateStep(tx, id);
    assertEditable(await getRelease(tx, before.releaseId));
    const [template] = await tx
      .update(stepTemplates)
      .set({ name: edit.name, type: edit.type, content: edit.content, description: edit.description })
      .where(eq(stepTemplates.id, id))
      .returning();
    const changed = changedTemplateFields(before, edit);
    if (Object.keys(changed).length === 0) return { template: template!, updatedCustomerSteps: 0 };
    const synced = await tx
      .update(customerSteps)
      .set({ ...changed, updatedAt: new Date() })
      .where(
        and(
          eq(customerSteps.templateId, id),
          eq(customerSteps.status, 'pending'),
          eq(customerSteps.isOverridden, false),
        ),
      )
      .returning({ id: customerSteps.id });
    const detail = `Template changed: ${Object.keys(changed).join(', ')}`;
    await recordHistory(
      tx,
      operator,
      synced.map((step) => ({ customerStepId: step.id, action: 'template-sync', detail })),
    );
    return { template: template!, updatedCustomerSteps: synced.length };
  });
}

/**
 * Removes a template step and its pending copies. Copies already acted upon stay as the record of
 * what happened and lose only their link to the template.
 */
export async function deleteTemplateStep(db: Queryable, id: number): Promise<void> {
  await db.transaction(async (tx) => {
    const template = await getTemplateStep(tx, id);
    assertEditable(await getRelease(tx, template.releaseId));
    await tx
      .delete(customerSteps)
      .where(and(eq(customerSteps.templateId, id), eq(customerSteps.status, 'pending')));
    await tx.update(customerSteps).set({ templateId: null }).where(eq(customerSteps.templateId, id));
    await tx.delete(stepTemplates).where(eq(stepTemplates.id, id));
    const rest = await templatesOf(tx, template.releaseId, template.category);
    await renumberTemplates(
      tx,
      template.releaseId,
      template.category,
      rest.map((step) => step.id),
    );
  });
}

/** Puts the template steps of a category in a new order, and every customer's copies with them, in one transaction. */
export async function reorderTemplateSteps(db: Queryable, input: unknown): Promise<void> {
  const { releaseId, category, orderedIds } = parse(reorderInput, input);
  await db.transaction(async (tx) => {
    assertEditable(await getRelease(tx, releaseId));
    await renumberTemplates(tx, releaseId, category, orderedIds);
    await followTemplateOrder(tx, releaseId, await customerIdsInRelease(tx, releaseId), category);
  });
}
