'use client';

import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { Check, Database, FileText, PanelRightOpen, Terminal } from 'lucide-react';
import { markStepDone } from '@/lib/actions/customer-steps';
import type { CustomerStep, StepType } from '@/lib/db/schema';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { FormError } from '@/components/ui/field';
import { StepStatusBadge } from '@/components/releases/release-badges';
import { CodeBlock } from './code-block';
import { StepSourceBadge } from './step-source';

export function StepTypeIcon({ type }: { type: StepType }) {
  const Icon = type === 'bash' ? Terminal : type === 'sql' ? Database : FileText;
  return <Icon className="h-4 w-4 text-slate-500" aria-label={type} />;
}

/** A customer step with its resolved content and the quickest action; the rest is in the side panel. */
export function StepCard({
  step,
  position,
  content,
  onOpen,
}: {
  step: CustomerStep;
  position: number;
  content: string;
  onOpen: (id: number) => void;
}) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  return (
    <Card className="grid gap-2" aria-label={`Step ${step.name}`}>
      <div className="flex flex-wrap items-center gap-2">
        <span className="text-sm text-slate-400">{position}.</span>
        <StepTypeIcon type={step.type} />
        <span className="font-medium">{step.name}</span>
        <StepStatusBadge status={step.status} />
        <StepSourceBadge step={step} />
        <span className="ml-auto flex gap-1">
          {step.status !== 'done' ? (
            <Button
              size="sm"
              variant="success"
              disabled={pending}
              onClick={() =>
                startTransition(async () => {
                  const result = await markStepDone(step.id, null);
                  setError(result.ok ? null : result.error);
                  router.refresh();
                })
              }
            >
              <Check className="h-3 w-3" /> Done
            </Button>
          ) : null}
          <Button size="sm" variant="outline" onClick={() => onOpen(step.id)}>
            <PanelRightOpen className="h-3 w-3" /> Details
          </Button>
        </span>
      </div>
      <FormError message={error} />
      {step.skipReason ? <p className="text-sm text-amber-800">Skipped: {step.skipReason}</p> : null}
      <CodeBlock code={content} type={step.type} label={`Content of ${step.name}`} />
    </Card>
  );
}
