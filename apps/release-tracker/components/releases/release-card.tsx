import Link from 'next/link';
import type { ReleaseSummary } from '@/lib/services/releases';
import { Card } from '@/components/ui/card';
import { ProgressBar } from '@/components/ui/progress-bar';
import { ReleaseStatusBadge, ReleaseTypeBadge } from './release-badges';

/** A release with its type, status, version, customer count and progress, linking to its matrix. */
export function ReleaseCard({ release }: { release: ReleaseSummary }) {
  return (
    <Card className="grid gap-2">
      <div className="flex flex-wrap items-center gap-2">
        <Link href={`/releases/${release.id}`} className="font-semibold text-sky-800 hover:underline">
          {release.name}
        </Link>
        <ReleaseTypeBadge type={release.type} />
        <ReleaseStatusBadge status={release.status} />
        {release.versionNumber ? (
          <span className="text-xs text-slate-500">v{release.versionNumber}</span>
        ) : null}
        <span className="text-xs text-slate-500">{release.customerCount} customers</span>
      </div>
      <ProgressBar progress={release.progress} label={release.name} />
    </Card>
  );
}
