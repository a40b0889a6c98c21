'use client';

import { useRouter } from 'next/navigation';
import { useActionState, useEffect, useState, useTransition } from 'react';
import { Pencil, Trash2 } from 'lucide-react';
import { addTemplateStep, deleteTemplateStep, updateTemplateStep } from '@/lib/actions/step-templates';
import type { StepCategory, StepTemplate } from '@/lib/db/schema';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardTitle } from '@/components/ui/card';
import { Field, FormError, Input, Select, Textarea } from '@/components/ui/field';
import { CodeBlock } from './code-block';
import { DraggableStepList } from './draggable-step-list';

function EditTemplateForm({ template, onDone }: { template: StepTemplate; onDone: () => void }) {
  const [state, action, pending] = useActionState(updateTemplateStep.bind(null, template.id), {
    error: null,
  });
  useEffect(() => {
    if (state.error === null && state.synced !== undefined) onDone();
  }, [state, onDone]);
  return (
    <form action={action} className="grid gap-2" aria-label={`Edit ${template.name}`}>
      <FormError message={state.error} />
      <Field label="Name" htmlFor={`name-${template.id}`}>
        <Input id={`name-${template.id}`} name="name" defaultValue={template.name} required />
      </Field>
      <Field label="Type" htmlFor={`type-${template.id}`}>
        <Select id={`type-${template.id}`} name="type" defaultValue={template.type}>
          <option value="bash">bash</option>
          <option value="sql">sql</option>
          <option value="text">text</option>
        </Select>
      </Field>
      <Field
        label="Content"
        htmlFor={`content-${template.id}`}
        hint="Reaches customers whose copy is still pending and not overridden."
      >
        <Textarea
          id={`content-${template.id}`}
          name="content"
          defaultValue={template.content}
          rows={6}
          required
        />
      </Field>
      <Field label="Description" htmlFor={`description-${template.id}`}>
        <Input
          id={`description-${template.id}`}
          name="description"
          defaultValue={template.description ?? ''}
        />
      </Field>
      <div className="flex gap-2">
        <Button type="submit" size="sm" disabled={pending}>
          Save step
        </Button>
        <Button type="button" size="sm" variant="outline" onClick={onDone}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

function AddTemplateForm({ releaseId, counts }: { releaseId: number; counts: Record<StepCategory, number> }) {
  const [state, action, pending] = useActionState(addTemplateStep.bind(null, releaseId), { error: null });
  const [category, setCategory] = useState<StepCategory>('deploy');
  return (
    <Card>
      <CardTitle className="mb-3">Add a step</CardTitle>
      <form action={action} className="grid gap-3" aria-label="Add a step">
        <FormError message={state.error} />
        <div className="grid gap-3 md:grid-cols-3">
          <Field label="Name" htmlFor="new-name">
            <Input id="new-name" name="name" required />
          </Field>
          <Field label="Category" htmlFor="new-category">
            <Select
              id="new-category"
              name="category"
              value={category}
              onChange={(event) => setCategory(event.target.value as StepCategory)}
            >
              <option value="deploy">deploy</option>
              <option value="verify">verify</option>
            </Select>
          </Field>
          <Field label="Type" htmlFor="new-type">
            <Select id="new-type" name="type" defaultValue="bash">
              <option value="bash">bash</option>
              <option value="sql">sql</option>
              <option value="text">text</option>
            </Select>
          </Field>
        </div>
        <Field
          label="Content"
          htmlFor="new-content"
          hint="Variables {{cluster}}, {{namespace}}, {{customer}} and {{version}} are filled in per customer."
        >
          <Textarea id="new-content" name="content" rows={5} required />
        </Field>
        <div className="grid gap-3 md:grid-cols-2">
          <Field label="Description" htmlFor="new-description">
            <Input id="new-description" name="description" />
          </Field>
          <Field label="Position" htmlFor="new-position">
            <Select id="new-position" name="position" defaultValue="" key={category}>
              <option value="">At the end</option>
              {Array.from({ length: counts[category] }, (_, index) => (
                <option key={index} value={index}>
                  Before step {index + 1}
                </option>
              ))}
            </Select>
          </Field>
        </div>
        <Button type="submit" disabled={pending} className="w-fit">
          Add step
        </Button>
      </form>
    </Card>
  );
}

/** The template of a release: steps per category, reordered by drag, edited in place. */
export function TemplateStepsEditor({
  releaseId,
  templates,
  editable,
}: {
  releaseId: number;
  templates: StepTemplate[];
  editable: boolean;
}) {
  const router = useRouter();
  const [editing, setEditing] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [order, setOrder] = useState<Record<StepCategory, number[] | null>>({ deploy: null, verify: null });
  const [pending, startTransition] = useTransition();
  useEffect(() => setOrder({ deploy: null, verify: null }), [templates]);

  const reorder = (category: StepCategory, orderedIds: number[]) => {
    setOrder((current) => ({ ...current, [category]: orderedIds }));
    startTransition(async () => {
      const response = await fetch('/api/steps/reorder', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ releaseId, category, orderedIds }),
      });
      const body = (await response.json()) as { error?: string };
      setError(response.ok ? null : (body.error ?? 'Reordering failed'));
      router.refresh();
    });
  };

  const remove = (template: StepTemplate) => {
    if (!window.confirm(`Delete step "${template.name}"? Pending copies of it are removed too.`)) return;
    startTransition(async () => {
      const result = await deleteTemplateStep(template.id);
      setError(result.ok ? null : result.error);
      router.refresh();
    });
  };

  const of = (category: StepCategory) => {
    const own = templates.filter((template) => template.category === category);
    const custom = order[category];
    return custom ? custom.map((id) => own.find((template) => template.id === id)!).filter(Boolean) : own;
  };

  return (
    <div className="grid gap-5">
      <FormError message={error} />
      {(['deploy', 'verify'] as const).map((category) => (
        <section key={category} className="grid gap-2" aria-busy={pending}>
          <h2 className="text-lg font-semibold capitalize">{category} steps</h2>
          {of(category).length === 0 ? <p className="text-sm text-slate-500">None yet.</p> : null}
          <DraggableStepList
            label={`${category} steps`}
            steps={of(category)}
            onReorder={(ids) => (editable ? reorder(category, ids) : setError('This release is archived'))}
            renderStep={(template, index) =>
              editing === template.id ? (
                <EditTemplateForm template={template} onDone={() => setEditing(null)} />
              ) : (
                <div className="grid gap-2">
                  <div className="flex flex-wrap items-center gap-2">
                    <span className="text-sm text-slate-400">{index + 1}.</span>
                    <span className="font-medium">{template.name}</span>
                    <Badge>{template.type}</Badge>
                    {editable ? (
                      <span className="ml-auto flex gap-1">
                        <Button
                          size="sm"
                          variant="ghost"
                          onClick={() => setEditing(template.id)}
                          aria-label={`Edit ${template.name}`}
                        >
                          <Pencil className="h-3 w-3" />
                        </Button>
                        <Button
                          size="sm"
                          variant="ghost"
                          onClick={() => remove(template)}
                          aria-label={`Delete ${template.name}`}
                        >
                          <Trash2 className="h-3 w-3" />
                        </Button>
                      </span>
                    ) : null}
                  </div>
                  {template.description ? (
                    <p className="text-sm text-slate-600">{template.description}</p>
                  ) : null}
                  <CodeBlock
                    code={template.content}
                    type={template.type}
                    label={`Content of ${template.name}`}
                  />
                </div>
              )
            }
          />
        </section>
      ))}
      {editable ? (
        <AddTemplateForm
          releaseId={releaseId}
          counts={{ deploy: of('deploy').length, verify: of('verify').length }}
        />
      ) : null}
    </div>
  );
}
