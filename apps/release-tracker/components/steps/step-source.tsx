import { stepSource } from '@/lib/domain/step-source';
import { Badge } from '@/components/ui/badge';

export function StepSourceBadge({ step }: { step: Parameters<typeof stepSource>[0] }) {
  const source = stepSource(step);
  return <Badge tone={source === 'template' ? 'neutral' : 'info'}>{source}</Badge>;
}
