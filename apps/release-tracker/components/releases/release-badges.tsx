import { Badge } from '@/components/ui/badge';
import type { ReleaseStatus, ReleaseType, StepStatus } from '@/lib/db/schema';

export function ReleaseTypeBadge({ type }: { type: ReleaseType }) {
  const tone = type === 'hotfix' ? 'reverted' : type === 'onboarding' ? 'info' : 'neutral';
  return <Badge tone={tone}>{type}</Badge>;
}

export function ReleaseStatusBadge({ status }: { status: ReleaseStatus }) {
  return <Badge tone={status}>{status}</Badge>;
}

export function StepStatusBadge({ status }: { status: StepStatus }) {
  return <Badge tone={status}>{status}</Badge>;
}
