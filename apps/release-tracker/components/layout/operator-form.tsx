'use client';

import { useActionState } from 'react';
import { UserRound } from 'lucide-react';
import { setOperator } from '@/lib/actions/operator';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/field';

export function OperatorForm({ operator }: { operator: string }) {
  const [state, action, pending] = useActionState(setOperator, { error: null });
  return (
    <form action={action} className="grid gap-1" aria-label="Operator">
      <label htmlFor="operator" className="flex items-center gap-1 text-xs text-slate-400">
        <UserRound className="h-3 w-3" /> Acting as
      </label>
      <div className="flex gap-1">
        <Input
          id="operator"
          name="operator"
          defaultValue={operator}
          className="h-7 bg-slate-800 text-white"
        />
        <Button type="submit" size="sm" variant="outline" disabled={pending}>
          Set
        </Button>
      </div>
      {state.error ? (
        <p role="alert" className="text-xs text-red-300">
          {state.error}
        </p>
      ) : null}
    </form>
  );
}
