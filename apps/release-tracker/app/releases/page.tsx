import { PageHeader } from '@/components/page-header';
import { ReleaseCard } from '@/components/releases/release-card';
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
          <ReleaseCard key={release.id} release={release} />
        ))}
      </div>
    </>
  );
}
