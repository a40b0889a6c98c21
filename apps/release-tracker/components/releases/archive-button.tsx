'use client';

import { useRouter } from 'next/navigation';
import { useTransition } from 'react';
import { Archive } from 'lucide-react';
import { archiveRelease } from '@/lib/actions/releases';
import { Button } from '@/components/ui/button';

export function ArchiveButton({ releaseId }: { releaseId: number }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  return (
    <Button
      variant="outline"
      disabled={pending}
      onClick={() => {
        if (!window.confirm('Archive this release? Its steps can no longer change.')) return;
        startTransition(async () => {
          await archiveRelease(releaseId);
          router.refresh();
        });
      }}
    >
      <Archive className="h-4 w-4" /> Archive
    </Button>
  );
}
