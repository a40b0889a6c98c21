import { and, asc, eq } from 'drizzle-orm';
import type { Queryable } from '../db/client';
import { customerSteps, stepTemplates, type StepCategory, type StepTemplate } from '../db/schema';
import { InvalidInputError } from '../errors';
import { arrangeCustomerSequence, type SequencedStep } from '../domain/sequence';

export function templatesOf(
  db: Queryable,
  releaseId: number,
  category: StepCategory,
): Promise<StepTemplate[]> {
  return db.query.stepTemplates.findMany({
    where: and(eq(stepTemplates.releaseId, releaseId), eq(stepTemplates.category, category)),
    orderBy: asc(stepTemplates.orderIndex),
  });
}

/**
 * Gives the templates of a category the order 0..n-1 in two phases: first to negative placeholders,
 * then to their final places, so no intermediate state breaks the unique (release, category, order) index.
 */
export async function renumberTemplates(
  db: Queryable,
  releaseId: number,
  category: StepCategory,
  orderedIds: readonly number[],
): Promise<void> {
  const current = await templatesOf(db, releaseId, category);
  const expected = new Set(current.map((template) => template.id));
  const given = new Set(orderedIds);
  if (
    given.size !== orderedIds.length ||
    given.size !== expected.size ||
    ![...given].every((id) => expected.has(id))
  ) {
    throw new InvalidInputError(
      `The new order must list each of the ${expected.size} ${category} steps of release ${releaseId} exactly once`,
    );
  }
  const scope = (id: number) =>
    and(
      eq(stepTemplates.id, id),
      eq(stepTemplates.releaseId, releaseId),
      eq(stepTemplates.category, category),
    );
  for (const [index, id] of orderedIds.entries()) {
    await db
      .update(stepTemplates)
      .set({ orderIndex: -(index + 1) })
      .where(scope(id));
  }
  for (const [index, id] of orderedIds.entries()) {
    await db.update(stepTemplates).set({ orderIndex: index }).where(scope(id));
  }
}

export async function customerSequence(
  db: Queryable,
  releaseId: number,
  customerId: number,
  category: StepCategory,
): Promise<(SequencedStep & { orderIndex: number })[]> {
  return db
    .select({
      id: customerSteps.id,
      templateId: customerSteps.templateId,
      orderIndex: customerSteps.orderIndex,
    })
    .from(customerSteps)
    .where(
      and(
        eq(customerSteps.releaseId, releaseId),
        eq(customerSteps.customerId, customerId),
        eq(customerSteps.category, category),
      ),
    )
    .orderBy(asc(customerSteps.orderIndex), asc(customerSteps.id));
}

/** Writes 0..n-1 as the order of a customer's steps, touching only the rows whose place changed. */
export async function writeSequence(
  db: Queryable,
  sequence: readonly (SequencedStep & { orderIndex: number })[],
): Promise<void> {
  for (const [index, step] of sequence.entries()) {
    if (step.orderIndex !== index) {
      await db.update(customerSteps).set({ orderIndex: index }).where(eq(customerSteps.id, step.id));
    }
  }
}

/** Re-sorts the given customers' steps of a category to follow the current template order. */
export async function followTemplateOrder(
  db: Queryable,
  releaseId: number,
  customerIds: readonly number[],
  category: StepCategory,
): Promise<void> {
  const order = (await templatesOf(db, releaseId, category)).map((template) => template.id);
  for (const customerId of customerIds) {
    const sequence = await customerSequence(db, releaseId, customerId, category);
    await writeSequence(db, arrangeCustomerSequence(sequence, order));
  }
}

export async function customerIdsInRelease(db: Queryable, releaseId: number): Promise<number[]> {
  const rows = await db
    .selectDistinct({ customerId: customerSteps.customerId })
    .from(customerSteps)
    .where(eq(customerSteps.releaseId, releaseId));
  return rows.map((row) => row.customerId);
}

/** Pending copies of templates for customers, placed after the customers' existing steps. */
export async function copyTemplatesToCustomers(
  db: Queryable,
  releaseId: number,
  templates: readonly StepTemplate[],
  customerIds: readonly number[],
): Promise<number[]> {
  if (templates.length === 0 || customerIds.length === 0) return [];
  const rows = customerIds.flatMap((customerId) =>
    templates.map((template) => ({
      releaseId,
      customerId,
      templateId: template.id,
      name: template.name,
      category: template.category,
      type: template.type,
      content: template.content,
      // Placed at the end for now; the caller puts each step in its place.
      orderIndex: 1_000_000 + template.orderIndex,
      status: 'pending' as const,
      isCustom: false,
      isOverridden: false,
    })),
  );
  const inserted = await db.insert(customerSteps).values(rows).returning({ id: customerSteps.id });
  return inserted.map((row) => row.id);
}
