'use client';

import { useRouter } from 'next/navigation';
import { useCallback, useEffect, useState, useTransition } from 'react';
import { Ban, Check, History, RotateCcw, Undo2 } from 'lucide-react';
import * as actions from '@/lib/actions/customer-steps';
import type { ActionResult } from '@/lib/actions/result';
import type { Serialized } from '@/lib/serialized';
import type { StepDetail } from '@/lib/services/customer-steps';
import { formatDateTime } from '@/lib/utils';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogDescription, DialogTitle } from '@/components/ui/dialog';
import { FormError, Input, Label, Textarea } from '@/components/ui/field';
import { StepStatusBadge } from '@/components/releases/release-badges';
import { CodeBlock } from './code-block';
import { StepSourceBadge } from './step-source';

type Detail = Serialized<StepDetail>;

function HistoryTimeline({ history }: { history: Detail['history'] }) {
  if (history.length === 0)
    return <p className="text-sm text-slate-500">Nothing has happened to this step yet.</p>;
  return (
    <ol className="grid gap-2 border-l border-slate-200 pl-3" aria-label="History">
      {history.map((entry) => (
        <li key={entry.id} className="text-sm">
          <p>
            <span className="font-medium">
              {entry.action === 'status' ? `${entry.fromStatus} → ${entry.toStatus}` : entry.action}
            </span>{' '}
            <span className="text-slate-500">
              by {entry.operator}, {formatDateTime(new Date(entry.createdAt))}
            </span>
          </p>
          {entry.detail ? <p className="whitespace-pre-wrap text-slate-600">{entry.detail}</p> : null}
        </li>
      ))}
    </ol>
  );
}

/** Everything about one customer step: its resolved content, what can be done with it, and its history. */
export function StepDetailPanel({ stepId, onClose }: { stepId: number | null; onClose: () => void }) {
  const router = useRouter();
  const [detail, setDetail] = useState<Detail | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [text, setText] = useState('');
  const [editing, setEditing] = useState<string | null>(null);
  const [showRaw, setShowRaw] = useState(false);
  const [pending, startTransition] = useTransition();

  const reload = useCallback(async (id: number) => {
    const response = await fetch(`/api/steps/${id}/detail`, { cache: 'no-store' });
    const body = (await response.json()) as Detail | { error: string };
    if ('error' in body) {
      setLoadError(body.error);
      setDetail(null);
    } else {
      setLoadError(null);
      setDetail(body);
    }
  }, []);

  useEffect(() => {
    setDetail(null);
    setError(null);
    setText('');
    setEditing(null);
    if (stepId !== null) void reload(stepId);
  }, [stepId, reload]);

  const run = (work: () => Promise<ActionResult>) =>
    startTransition(async () => {
      const result = await work();
      if (!result.ok) return setError(result.error);
      setError(null);
      setText('');
      setEditing(null);
      if (stepId !== null) await reload(stepId);
      router.refresh();
    });

  const step = detail;
  const note = text.trim() ? text.trim() : null;
  return (
    <Dialog open={stepId !== null} onOpenChange={(open) => (open ? null : onClose())}>
      <DialogContent side="right" aria-describedby={undefined}>
        {loadError ? <FormError message={loadError} /> : null}
        {!step ? (
          <DialogTitle>Loading step…</DialogTitle>
        ) : (
          <>
            <div className="grid gap-1">
              <DialogTitle>{step.name}</DialogTitle>
              <DialogDescription>
                {step.customer.name} · {step.customer.cluster.name}/{step.customer.namespace} ·{' '}
                {step.category}
              </DialogDescription>
              <div className="flex flex-wrap gap-1.5">
                <StepStatusBadge status={step.status} />
                <StepSourceBadge step={step} />
                {step.executedBy ? (
                  <span className="text-xs text-slate-500">
                    done by {step.executedBy}{' '}
                    {formatDateTime(step.executedAt ? new Date(step.executedAt) : null)}
                  </span>
                ) : null}
              </div>
              {step.skipReason ? <p className="text-sm text-amber-800">Skipped: {step.skipReason}</p> : null}
              {step.notes ? <p className="text-sm text-slate-700">Note: {step.notes}</p> : null}
            </div>

            {editing !== null ? (
              <div className="grid gap-2">
                <Label htmlFor="override-content">
                  {step.isCustom ? 'Content of this custom step' : 'Content for this customer only'}
                </Label>
                <Textarea
                  id="override-content"
                  value={editing}
                  onChange={(event) => setEditing(event.target.value)}
                  rows={8}
                />
                <div className="flex gap-2">
                  <Button
                    disabled={pending}
                    onClick={() =>
                      run(() =>
                        step.isCustom
                          ? actions.editCustomStep(step.id, {
                              name: step.name,
                              type: step.type,
                              content: editing,
                            })
                          : actions.overrideStepContent(step.id, editing),
                      )
                    }
                  >
                    Save content
                  </Button>
                  <Button variant="outline" onClick={() => setEditing(null)}>
                    Cancel
                  </Button>
                </div>
              </div>
            ) : (
              <div className="grid gap-1">
                <div className="flex items-center justify-between text-xs text-slate-500">
                  <span>
                    {showRaw ? 'As written' : 'Resolved for this customer'}
                    {step.unresolved.length > 0 ? ` · no value for ${step.unresolved.join(', ')}` : ''}
                  </span>
                  <button type="button" className="underline" onClick={() => setShowRaw(!showRaw)}>
                    {showRaw ? 'Show resolved' : 'Show variables'}
                  </button>
                </div>
                <CodeBlock code={showRaw ? step.content : step.resolvedContent} type={step.type} />
              </div>
            )}

            <div className="grid gap-2 rounded-md border border-slate-200 p-3">
              <Label htmlFor="step-text">Note or reason</Label>
              <Input
                id="step-text"
                value={text}
                onChange={(event) => setText(event.target.value)}
                placeholder="Required to skip; optional otherwise"
              />
              <div className="flex flex-wrap gap-2">
                {step.status !== 'done' ? (
                  <Button
                    variant="success"
                    disabled={pending}
                    onClick={() => run(() => actions.markStepDone(step.id, note))}
                  >
                    <Check className="h-4 w-4" /> Mark done
                  </Button>
                ) : null}
                {step.status === 'pending' || step.status === 'reverted' ? (
                  <Button
                    variant="outline"
                    disabled={pending}
                    onClick={() => run(() => actions.skipStep(step.id, text))}
                  >
                    <Ban className="h-4 w-4" /> Skip
                  </Button>
                ) : null}
                {step.status === 'done' ? (
                  <Button
                    variant="destructive"
                    disabled={pending}
                    onClick={() => run(() => actions.markStepReverted(step.id, note))}
                  >
                    <Undo2 className="h-4 w-4" /> Revert
                  </Button>
                ) : null}
                {step.status === 'skipped' || step.status === 'reverted' ? (
                  <Button
                    variant="outline"
                    disabled={pending}
                    onClick={() => run(() => actions.reopenStep(step.id))}
                  >
                    Reopen
                  </Button>
                ) : null}
                <Button
                  variant="ghost"
                  disabled={pending || !note}
                  onClick={() => run(() => actions.addNote(step.id, text))}
                >
                  Add note
                </Button>
              </div>
            </div>

            <div className="flex flex-wrap gap-2">
              {step.status !== 'done' && (step.templateId !== null || step.isCustom) ? (
                <Button variant="outline" onClick={() => setEditing(step.content)}>
                  {step.isCustom ? 'Edit content' : 'Override for this customer'}
                </Button>
              ) : null}
              {step.isOverridden && step.status !== 'done' ? (
                <Button
                  variant="outline"
                  disabled={pending}
                  onClick={() => run(() => actions.resetToTemplate(step.id))}
                >
                  <RotateCcw className="h-4 w-4" /> Reset to template
                </Button>
              ) : null}
              {step.isCustom && step.status !== 'done' ? (
                <Button
                  variant="destructive"
                  disabled={pending}
                  onClick={() =>
                    run(async () => {
                      const result = await actions.deleteCustomStep(step.id);
                      if (result.ok) onClose();
                      return result;
                    })
                  }
                >
                  Delete custom step
                </Button>
              ) : null}
            </div>
            <FormError message={error} />

            <section className="grid gap-2">
              <h3 className="flex items-center gap-1 font-semibold">
                <History className="h-4 w-4" /> History
              </h3>
              <HistoryTimeline history={step.history} />
            </section>
          </>
        )}
      </DialogContent>
    </Dialog>
  );
}
