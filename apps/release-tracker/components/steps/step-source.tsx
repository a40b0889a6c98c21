import { Badge } from '@/components/ui/badge';

export function stepSource(step: { isCustom: boolean; isOverridden: boolean; templateId: number | null }) {
  if (step.isCustom) return 'custom';
  if (step.templateId === null) return 'template removed';
  return step.isOverridden ? 'overridden' : 'template';
}

export function StepSourceBadge({ step }: { step: Parameters<typeof stepSource>[0] }) {
  const source = stepSource(step);
  return <Badge tone={source === 'template' ? 'neutral' : 'info'}>{source}</Badge>;
}
