'use client';

import * as Collapsible from '@radix-ui/react-collapsible';
import { useRouter } from 'next/navigation';
import { useState, useTransition, type KeyboardEvent } from 'react';
import { Ban, Check, ChevronDown, Circle, Undo2 } from 'lucide-react';
import { bulkMarkDone, markStepDone } from '@/lib/actions/customer-steps';
import type { CustomerStep, StepStatus } from '@/lib/db/schema';
import type { MatrixCluster, MatrixRow } from '@/lib/services/matrix';
import { cn } from '@/lib/utils';
import { Button } from '@/components/ui/button';
import { FormError } from '@/components/ui/field';
import { ProgressBar } from '@/components/ui/progress-bar';
import { StepDetailPanel } from '@/components/steps/step-detail-panel';

const statusLook: Record<StepStatus, { icon: typeof Check; className: string }> = {
  pending: { icon: Circle, className: 'bg-white text-slate-500 border-slate-300' },
  done: { icon: Check, className: 'bg-green-100 text-green-800 border-green-300' },
  skipped: { icon: Ban, className: 'bg-amber-100 text-amber-800 border-amber-300' },
  reverted: { icon: Undo2, className: 'bg-red-100 text-red-800 border-red-300' },
};

const finishable = (step: CustomerStep) => step.status !== 'done';

/**
 * Steps × customers of one cluster. Arrow keys move between cells, Home/End to the row's ends,
 * Enter opens the step, Space selects it for a bulk action.
 */
function ClusterMatrix({
  releaseId,
  group,
  rows,
  selected,
  onToggle,
  onOpen,
  onQuickDone,
}: {
  releaseId: number;
  group: MatrixCluster;
  rows: MatrixRow[];
  selected: Set<number>;
  onToggle: (ids: number[], on?: boolean) => void;
  onOpen: (stepId: number) => void;
  onQuickDone: (stepId: number) => void;
}) {
  const [focus, setFocus] = useState({ row: 0, col: 0 });
  const visibleRows = rows.filter((row) => group.customers.some((customer) => row.cells[customer.id]));
  const cellId = (row: number, col: number) => `cell-${group.cluster.id}-${row}-${col}`;

  const move = (row: number, col: number) => {
    const next = {
      row: Math.max(0, Math.min(visibleRows.length - 1, row)),
      col: Math.max(0, Math.min(group.customers.length - 1, col)),
    };
    setFocus(next);
    document.getElementById(cellId(next.row, next.col))?.focus();
  };

  const onKeyDown = (
    event: KeyboardEvent<HTMLElement>,
    row: number,
    col: number,
    step: CustomerStep | undefined,
  ) => {
    const keys: Record<string, () => void> = {
      ArrowRight: () => move(row, col + 1),
      ArrowLeft: () => move(row, col - 1),
      ArrowDown: () => move(row + 1, col),
      ArrowUp: () => move(row - 1, col),
      Home: () => move(row, 0),
      End: () => move(row, group.customers.length - 1),
      Enter: () => step && onOpen(step.id),
      ' ': () => step && onToggle([step.id]),
    };
    const action = keys[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  };

  return (
    <div className="overflow-x-auto">
      <table
        role="grid"
        aria-label={`Steps of cluster ${group.cluster.name}`}
        className="w-full border-collapse text-sm"
      >
        <thead>
          <tr>
            <th scope="col" className="sticky left-0 bg-white p-2 text-left font-medium text-slate-500">
              Step
            </th>
            {group.customers.map((customer) => {
              const ids = visibleRows.flatMap((row) => {
                const step = row.cells[customer.id];
                return step && finishable(step) ? [step.id] : [];
              });
              const allSelected = ids.length > 0 && ids.every((id) => selected.has(id));
              return (
                <th key={customer.id} scope="col" className="min-w-36 p-2 text-left align-bottom font-medium">
                  <a href={`/releases/${releaseId}/customer/${customer.id}`} className="hover:underline">
                    {customer.name}
                  </a>
                  <div className="font-mono text-xs font-normal text-slate-500">{customer.namespace}</div>
                  <div
                    className="text-xs font-normal text-slate-600"
                    data-testid={`customer-progress-${customer.namespace}`}
                  >
                    {customer.progress.done + customer.progress.skipped}/{customer.progress.total} ·{' '}
                    {customer.progress.percentage}%
                  </div>
                  <label className="mt-1 flex items-center gap-1 text-xs font-normal text-slate-600">
                    <input
                      type="checkbox"
                      checked={allSelected}
                      disabled={ids.length === 0}
                      onChange={(event) => onToggle(ids, event.target.checked)}
                    />
                    select open
                  </label>
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {visibleRows.map((row, rowIndex) => (
            <tr key={row.key} className="border-t border-slate-100">
              <th scope="row" className="sticky left-0 bg-white p-2 text-left font-normal">
                <span className="mr-1 text-xs text-slate-400 uppercase">{row.category}</span>
                {row.name}
                {row.template ? null : <span className="ml-1 text-xs text-sky-700">(custom)</span>}
              </th>
              {group.customers.map((customer, colIndex) => {
                const step = row.cells[customer.id];
                const focused = focus.row === rowIndex && focus.col === colIndex;
                if (!step) {
                  return (
                    <td
                      key={customer.id}
                      id={cellId(rowIndex, colIndex)}
                      tabIndex={focused ? 0 : -1}
                      onKeyDown={(event) => onKeyDown(event, rowIndex, colIndex, undefined)}
                      onFocus={() => setFocus({ row: rowIndex, col: colIndex })}
                      className="p-1 text-center text-slate-300"
                      aria-label={`${row.name} does not apply to ${customer.name}`}
                    >
                      –
                    </td>
                  );
                }
                const look = statusLook[step.status];
                const Icon = look.icon;
                const isSelected = selected.has(step.id);
                return (
                  <td key={customer.id} className="p-1">
                    <div className="flex items-center gap-1">
                      <button
                        type="button"
                        id={cellId(rowIndex, colIndex)}
                        tabIndex={focused ? 0 : -1}
                        aria-label={`${row.name} for ${customer.name}: ${step.status}${step.isOverridden ? ', overridden' : ''}`}
                        aria-pressed={isSelected}
                        data-status={step.status}
                        data-step-id={step.id}
                        onClick={(event) =>
                          event.ctrlKey || event.metaKey ? onToggle([step.id]) : onOpen(step.id)
                        }
                        onKeyDown={(event) => onKeyDown(event, rowIndex, colIndex, step)}
                        onFocus={() => setFocus({ row: rowIndex, col: colIndex })}
                        className={cn(
                          'flex flex-1 items-center gap-1 rounded border px-2 py-1 text-xs focus-visible:outline-2 focus-visible:outline-sky-600',
                          look.className,
                          isSelected && 'ring-2 ring-sky-500',
                        )}
                      >
                        <Icon className="h-3 w-3" /> {step.status}
                        {step.isOverridden ? <span title="overridden">*</span> : null}
                      </button>
                      {finishable(step) ? (
                        <button
                          type="button"
                          tabIndex={-1}
                          onClick={() => onQuickDone(step.id)}
                          className="rounded p-1 text-slate-400 hover:bg-green-100 hover:text-green-700"
                          aria-label={`Mark ${row.name} done for ${customer.name}`}
                        >
                          <Check className="h-3 w-3" />
                        </button>
                      ) : null}
                    </div>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The release matrix: one collapsible section per cluster, quick actions in cells, bulk done for a selection. */
export function ReleaseMatrix({
  releaseId,
  rows,
  clusters,
}: {
  releaseId: number;
  rows: MatrixRow[];
  clusters: MatrixCluster[];
}) {
  const router = useRouter();
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [openStep, setOpenStep] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  const toggle = (ids: number[], on?: boolean) =>
    setSelected((current) => {
      const next = new Set(current);
      for (const id of ids) {
        const add = on ?? !next.has(id);
        if (add) next.add(id);
        else next.delete(id);
      }
      return next;
    });

  const act = (work: () => Promise<{ ok: boolean; error?: string }>) =>
    startTransition(async () => {
      const result = await work();
      if (!result.ok) return setError(result.error ?? 'Failed');
      setError(null);
      router.refresh();
    });

  return (
    <div className="grid gap-4">
      <div className="flex flex-wrap items-center gap-2" role="toolbar" aria-label="Selection">
        <span className="text-sm text-slate-600" aria-live="polite">
          {selected.size} selected
        </span>
        <Button
          size="sm"
          variant="success"
          disabled={selected.size === 0 || pending}
          onClick={() =>
            act(async () => {
              const result = await bulkMarkDone([...selected]);
              if (result.ok) setSelected(new Set());
              return result;
            })
          }
        >
          <Check className="h-3 w-3" /> Mark selected done
        </Button>
        <Button
          size="sm"
          variant="outline"
          disabled={selected.size === 0}
          onClick={() => setSelected(new Set())}
        >
          Clear selection
        </Button>
        <span className="text-xs text-slate-500">
          Arrows move · Enter opens · Space or Ctrl+click selects
        </span>
      </div>
      <FormError message={error} />
      {clusters.map((group) => (
        <Collapsible.Root
          key={group.cluster.id}
          defaultOpen
          className="rounded-lg border border-slate-200 bg-white"
        >
          <div className="flex items-center gap-3 p-3">
            <Collapsible.Trigger
              className="group flex items-center gap-1 font-semibold"
              aria-label={`Cluster ${group.cluster.name}`}
            >
              <ChevronDown className="h-4 w-4 transition-transform group-data-[state=closed]:-rotate-90" />
              {group.cluster.name}
            </Collapsible.Trigger>
            <div className="w-64">
              <ProgressBar progress={group.progress} label={group.cluster.name} />
            </div>
          </div>
          <Collapsible.Content className="border-t border-slate-100 p-2">
            <ClusterMatrix
              releaseId={releaseId}
              group={group}
              rows={rows}
              selected={selected}
              onToggle={toggle}
              onOpen={setOpenStep}
              onQuickDone={(id) => act(() => markStepDone(id, null))}
            />
          </Collapsible.Content>
        </Collapsible.Root>
      ))}
      <StepDetailPanel stepId={openStep} onClose={() => setOpenStep(null)} />
    </div>
  );
}
