'use client';

import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { Play, UserPlus } from 'lucide-react';
import { activateRelease, addCustomersToRelease } from '@/lib/actions/releases';
import type { ActionResult } from '@/lib/actions/result';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogDescription, DialogTitle, DialogTrigger } from '@/components/ui/dialog';
import { FormError } from '@/components/ui/field';
import { CustomerPicker, type PickableCustomer } from './customer-picker';

function CustomerChoiceDialog({
  trigger,
  title,
  description,
  confirm,
  customers,
  initiallySelected,
  submit,
}: {
  trigger: React.ReactNode;
  title: string;
  description: string;
  confirm: string;
  customers: PickableCustomer[];
  initiallySelected: boolean;
  submit: (customerIds: number[]) => Promise<ActionResult>;
}) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [selected, setSelected] = useState<Set<number>>(
    () => new Set(initiallySelected ? customers.map((c) => c.id) : []),
  );
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>{trigger}</DialogTrigger>
      <DialogContent>
        <DialogTitle>{title}</DialogTitle>
        <DialogDescription>{description}</DialogDescription>
        {customers.length === 0 ? (
          <p className="text-sm text-slate-600">No customers to choose from.</p>
        ) : (
          <CustomerPicker customers={customers} selected={selected} onChange={setSelected} />
        )}
        <FormError message={error} />
        <div className="flex justify-end gap-2">
          <Button type="button" variant="outline" onClick={() => setOpen(false)}>
            Cancel
          </Button>
          <Button
            type="button"
            disabled={selected.size === 0 || pending}
            onClick={() =>
              startTransition(async () => {
                const result = await submit([...selected]);
                if (!result.ok) return setError(result.error);
                setError(null);
                setOpen(false);
                router.refresh();
              })
            }
          >
            {confirm}
          </Button>
        </div>
      </DialogContent>
    </Dialog>
  );
}

export function ActivateReleaseDialog({
  releaseId,
  releaseName,
  customers,
}: {
  releaseId: number;
  releaseName: string;
  customers: PickableCustomer[];
}) {
  return (
    <CustomerChoiceDialog
      trigger={
        <Button>
          <Play className="h-4 w-4" /> Activate
        </Button>
      }
      title={`Activate ${releaseName}`}
      description="Each chosen customer gets its own pending copy of every step."
      confirm="Activate"
      customers={customers}
      initiallySelected
      submit={(ids) => activateRelease(releaseId, ids)}
    />
  );
}

export function AddCustomerDialog({
  releaseId,
  releaseName,
  availableCustomers,
}: {
  releaseId: number;
  releaseName: string;
  availableCustomers: PickableCustomer[];
}) {
  return (
    <CustomerChoiceDialog
      trigger={
        <Button variant="outline">
          <UserPlus className="h-4 w-4" /> Add customers
        </Button>
      }
      title={`Add customers to ${releaseName}`}
      description="Only customers not yet in this release are listed; they get the current template steps."
      confirm="Add"
      customers={availableCustomers}
      initiallySelected={false}
      submit={(ids) => addCustomersToRelease(releaseId, ids)}
    />
  );
}
