export type StepSource = 'custom' | 'template' | 'overridden' | 'template removed';

/** Where a customer step's content comes from, as the matrix, side panel and export name it. */
export function stepSource(step: {
  isCustom: boolean;
  isOverridden: boolean;
  templateId: number | null;
}): StepSource {
  if (step.isCustom) return 'custom';
  if (step.templateId === null) return 'template removed';
  return step.isOverridden ? 'overridden' : 'template';
}
