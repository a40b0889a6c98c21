'use client';

import { Button } from '@/components/ui/button';
import { Checkbox } from '@/components/ui/checkbox';

export interface PickableCustomer {
  id: number;
  name: string;
  namespace: string;
  cluster: { id: number; name: string };
}

/** Customers grouped by cluster with select all, and a count of what is chosen. */
export function CustomerPicker({
  customers,
  selected,
  onChange,
}: {
  customers: PickableCustomer[];
  selected: Set<number>;
  onChange: (next: Set<number>) => void;
}) {
  const clusters = [
    ...new Map(customers.map((customer) => [customer.cluster.id, customer.cluster])).values(),
  ];
  const toggle = (id: number, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(id);
    else next.delete(id);
    onChange(next);
  };
  return (
    <div className="grid gap-3">
      <div className="flex items-center gap-2">
        <Button
          type="button"
          size="sm"
          variant="outline"
          onClick={() => onChange(new Set(customers.map((c) => c.id)))}
        >
          Select all
        </Button>
        <Button type="button" size="sm" variant="outline" onClick={() => onChange(new Set())}>
          Deselect all
        </Button>
        <span className="ml-auto text-sm text-slate-600" aria-live="polite">
          Selected {selected.size} of {customers.length} customers
        </span>
      </div>
      {clusters.map((cluster) => (
        <fieldset key={cluster.id} className="grid gap-1.5 rounded-md border border-slate-200 p-3">
          <legend className="px-1 text-sm font-semibold">{cluster.name}</legend>
          {customers
            .filter((customer) => customer.cluster.id === cluster.id)
            .map((customer) => (
              <div key={customer.id} className="flex items-center gap-2">
                <Checkbox
                  id={`pick-${customer.id}`}
                  checked={selected.has(customer.id)}
                  onCheckedChange={(state) => toggle(customer.id, state === true)}
                />
                <label htmlFor={`pick-${customer.id}`} className="text-sm">
                  {customer.name}{' '}
                  <span className="font-mono text-xs text-slate-500">{customer.namespace}</span>
                </label>
              </div>
            ))}
        </fieldset>
      ))}
    </div>
  );
}
