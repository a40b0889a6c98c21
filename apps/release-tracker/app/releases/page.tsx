import Link from 'next/link';
import { PageHeader } from '@/components/page-header';
import { ReleaseStatusBadge, ReleaseTypeBadge } from '@/components/releases/release-badges';
import { Card } from '@/components/ui/card';
import { ProgressBar } from '@/components/ui/progress-bar';
import { load } from '@/lib/pages';
import { listReleases } from '@/lib/services/releases';

export default async function ReleasesPage() {
  const releases = await load(listReleases);
  return (
    <>
      <PageHeader
        title="Releases"
        description="Onboardings, releases and hotfixes, newest first."
        create={{ href: '/releases/new', label: 'New release' }}
      />
      {releases.length === 0 ? <p className="text-slate-600">No releases yet.</p> : null}
      <div className="grid gap-3">
        {releases.map((release) => (
          <Card key={release.id} className="grid gap-2">
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
        ))}
      </div>
    </>
  );
}
