import type { StepTemplate, StepType } from '../db/schema';

/** The template fields a customer step copies, and so the ones an edit must carry over. */
export interface TemplateFields {
  name: string;
  type: StepType;
  content: string;
}

/** The copied fields an edit changes; only these reach pending, non-overridden customer steps. */
export function changedTemplateFields(
  before: Pick<StepTemplate, keyof TemplateFields>,
  edit: Partial<TemplateFields>,
): Partial<TemplateFields> {
  const changed: Partial<TemplateFields> = {};
  if (edit.name !== undefined && edit.name !== before.name) changed.name = edit.name;
  if (edit.type !== undefined && edit.type !== before.type) changed.type = edit.type;
  if (edit.content !== undefined && edit.content !== before.content) changed.content = edit.content;
  return changed;
}
