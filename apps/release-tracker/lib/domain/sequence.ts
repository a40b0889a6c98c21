/** One customer step as far as ordering is concerned: template-linked or the customer's own. */
export interface SequencedStep {
  id: number;
  templateId: number | null;
}

/**
 * Orders one customer's steps of a category after the template order changed.
 *
 * Template-linked steps follow the template order. A custom step stays right after the template step
 * it followed before (or at the head when nothing preceded it), so an operator's insertion keeps its
 * meaning when the template is reordered or grows.
 */
export function arrangeCustomerSequence<T extends SequencedStep>(
  current: readonly T[],
  templateOrder: readonly number[],
): T[] {
  const head: T[] = [];
  const byTemplate = new Map<number, T[]>();
  const customsAfter = new Map<number, T[]>();
  let anchor: number | null = null;
  for (const step of current) {
    if (step.templateId === null) {
      if (anchor === null) head.push(step);
      else customsAfter.set(anchor, [...(customsAfter.get(anchor) ?? []), step]);
    } else {
      byTemplate.set(step.templateId, [...(byTemplate.get(step.templateId) ?? []), step]);
      anchor = step.templateId;
    }
  }
  const arranged: T[] = [...head];
  const placed = new Set<number>();
  for (const templateId of templateOrder) {
    arranged.push(...(byTemplate.get(templateId) ?? []), ...(customsAfter.get(templateId) ?? []));
    placed.add(templateId);
  }
  // Steps whose template is no longer in the order keep their relative place at the end.
  for (const step of current) {
    if (!arranged.includes(step)) arranged.push(step);
  }
  return arranged;
}

/** How many template-linked steps come before a position in a customer's sequence. */
export function templatePositionAt(sequence: readonly SequencedStep[], position: number): number {
  return sequence.slice(0, position).filter((step) => step.templateId !== null).length;
}
