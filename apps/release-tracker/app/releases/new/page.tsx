import { ReleaseForm } from '@/components/forms/entity-forms';
import { PageHeader } from '@/components/page-header';
import { createRelease } from '@/lib/actions/releases';

export default function NewReleasePage() {
  return (
    <>
      <PageHeader
        title="New release"
        description="Name it first; the next page takes its deploy and verify steps, then you activate it for customers."
      />
      <ReleaseForm action={createRelease} submit="Create release and add steps" />
    </>
  );
}
