import Link from 'next/link';
import { PageHeader } from '@/components/page-header';
import { TemplateStepsEditor } from '@/components/steps/template-steps-editor';
import { load, routeId } from '@/lib/pages';
import { getReleaseMatrix } from '@/lib/services/matrix';

export default async function ReleaseStepsPage({ params }: { params: Promise<{ id: string }> }) {
  const releaseId = routeId((await params).id);
  const { release, templates } = await load((db) => getReleaseMatrix(db, releaseId));
  return (
    <>
      <PageHeader
        title={`Steps of ${release.name}`}
        description={
          release.status === 'active'
            ? 'The release is active: new steps reach every customer in it; edits reach pending, non-overridden copies.'
            : 'Drag the handle to reorder.'
        }
      >
        <Link href={`/releases/${release.id}`} className="text-sm text-sky-800 underline">
          Back to the matrix
        </Link>
      </PageHeader>
      <TemplateStepsEditor
        releaseId={release.id}
        templates={templates}
        editable={release.status !== 'archived'}
      />
    </>
  );
}
