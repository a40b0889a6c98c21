'use client';

import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { Plus } from 'lucide-react';
import { addCustomStep } from '@/lib/actions/customer-steps';
import type { StepCategory, StepType } from '@/lib/db/schema';
import { Button } from '@/components/ui/button';
import { Checkbox } from '@/components/ui/checkbox';
import { Dialog, DialogContent, DialogDescription, DialogTitle, DialogTrigger } from '@/components/ui/dialog';
import { Field, FormError, Input, Select, Textarea } from '@/components/ui/field';

/** A step for one customer at a chosen place; optionally added to the template for the whole release. */
export function AddCustomStepDialog({
  releaseId,
  customerId,
  category,
  existingSteps,
}: {
  releaseId: number;
  customerId: number;
  category: StepCategory;
  existingSteps: { id: number; name: string }[];
}) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [type, setType] = useState<StepType>('bash');
  const [content, setContent] = useState('');
  const [position, setPosition] = useState(existingSteps.length);
  const [addToTemplate, setAddToTemplate] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const prefix = `custom-${category}`;
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>
        <Button variant="outline" size="sm">
          <Plus className="h-3 w-3" /> Add {category} step
        </Button>
      </DialogTrigger>
      <DialogContent>
        <DialogTitle>Add a {category} step</DialogTitle>
        <DialogDescription>For this customer only, unless you add it to the template.</DialogDescription>
        <form
          className="grid gap-3"
          onSubmit={(event) => {
            event.preventDefault();
            startTransition(async () => {
              const result = await addCustomStep(releaseId, customerId, {
                name,
                category,
                type,
                content,
                insertPosition: position,
                addToTemplate,
              });
              if (!result.ok) return setError(result.error);
              setOpen(false);
              setName('');
              setContent('');
              setError(null);
              router.refresh();
            });
          }}
        >
          <FormError message={error} />
          <Field label="Name" htmlFor={`${prefix}-name`}>
            <Input id={`${prefix}-name`} value={name} onChange={(event) => setName(event.target.value)} />
          </Field>
          <Field label="Type" htmlFor={`${prefix}-type`}>
            <Select
              id={`${prefix}-type`}
              value={type}
              onChange={(event) => setType(event.target.value as StepType)}
            >
              <option value="bash">bash</option>
              <option value="sql">sql</option>
              <option value="text">text</option>
            </Select>
          </Field>
          <Field label="Content" htmlFor={`${prefix}-content`}>
            <Textarea
              id={`${prefix}-content`}
              value={content}
              rows={5}
              onChange={(event) => setContent(event.target.value)}
            />
          </Field>
          <Field label="Insert position" htmlFor={`${prefix}-position`}>
            <Select
              id={`${prefix}-position`}
              value={position}
              onChange={(event) => setPosition(Number(event.target.value))}
            >
              {existingSteps.map((step, index) => (
                <option key={step.id} value={index}>
                  Before {step.name}
                </option>
              ))}
              <option value={existingSteps.length}>At the end</option>
            </Select>
          </Field>
          <div className="flex items-center gap-2">
            <Checkbox
              id={`${prefix}-template`}
              checked={addToTemplate}
              onCheckedChange={(state) => setAddToTemplate(state === true)}
            />
            <label htmlFor={`${prefix}-template`} className="text-sm">
              Add to template (every customer in this release gets it)
            </label>
          </div>
          <div className="flex justify-end gap-2">
            <Button type="button" variant="outline" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button type="submit" disabled={pending}>
              Add step
            </Button>
          </div>
        </form>
      </DialogContent>
    </Dialog>
  );
}
