import { ReleaseForm } from '@/components/forms/entity-forms';
import { PageHeader } from '@/components/page-header';
import { updateRelease } from '@/lib/actions/releases';
import { load, routeId } from '@/lib/pages';
import { getRelease } from '@/lib/services/releases';

export default async function EditReleasePage({ params }: { params: Promise<{ id: string }> }) {
  const releaseId = routeId((await params).id);
  const release = await load((db) => getRelease(db, releaseId));
  return (
    <>
      <PageHeader title={`Edit ${release.name}`} />
      <ReleaseForm action={updateRelease.bind(null, release.id)} values={release} submit="Save release" />
    </>
  );
}
