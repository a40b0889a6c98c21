'use client';

import { useState } from 'react';
import type { CustomerStep } from '@/lib/db/schema';
import { StepDetailPanel } from './step-detail-panel';
import { StepCard } from './step-card';

/** One customer's steps as cards; opening one shows the side panel. */
export function CustomerStepList({
  steps,
  resolved,
}: {
  steps: CustomerStep[];
  resolved: Record<number, string>;
}) {
  const [open, setOpen] = useState<number | null>(null);
  return (
    <>
      <ol className="grid gap-2">
        {steps.map((step, index) => (
          <li key={step.id}>
            <StepCard
              step={step}
              position={index + 1}
              content={resolved[step.id] ?? step.content}
              onOpen={setOpen}
            />
          </li>
        ))}
      </ol>
      <StepDetailPanel stepId={open} onClose={() => setOpen(null)} />
    </>
  );
}
