'use client';

import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { Trash2 } from 'lucide-react';
import type { ActionResult } from '@/lib/actions/result';
import { Button } from '@/components/ui/button';
import { FormError } from '@/components/ui/field';

/** Deletes after a confirmation and shows why when the deletion is refused. */
export function DeleteButton({
  label,
  confirm,
  run,
  then,
}: {
  label: string;
  confirm: string;
  run: () => Promise<ActionResult>;
  then: string;
}) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  return (
    <div className="grid gap-2">
      <Button
        variant="destructive"
        disabled={pending}
        onClick={() => {
          if (!window.confirm(confirm)) return;
          startTransition(async () => {
            const result = await run();
            if (result.ok) router.push(then);
            else setError(result.error);
          });
        }}
      >
        <Trash2 className="h-4 w-4" /> {label}
      </Button>
      <FormError message={error} />
    </div>
  );
}
