'use client';

import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { Archive, ArchiveRestore, Trash2 } from 'lucide-react';
import type { ActionResult } from '@/lib/actions/result';
import { Button } from '@/components/ui/button';
import { FormError } from '@/components/ui/field';

const icons = { delete: Trash2, archive: Archive, restore: ArchiveRestore };

/** Deletes, archives or restores after a confirmation, and shows why when the server refuses. */
export function ConfirmButton({
  kind,
  label,
  confirm,
  run,
  then,
}: {
  kind: keyof typeof icons;
  label: string;
  confirm: string;
  run: () => Promise<ActionResult>;
  /** Where to go afterwards; the current page is refreshed when there is none. */
  then?: string;
}) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const Icon = icons[kind];
  return (
    <div className="grid gap-2">
      <Button
        variant={kind === 'delete' ? 'destructive' : 'outline'}
        disabled={pending}
        onClick={() => {
          if (!window.confirm(confirm)) return;
          startTransition(async () => {
            const result = await run();
            if (!result.ok) return setError(result.error);
            if (then) router.push(then);
            else router.refresh();
          });
        }}
      >
        <Icon className="h-4 w-4" /> {label}
      </Button>
      <FormError message={error} />
    </div>
  );
}
