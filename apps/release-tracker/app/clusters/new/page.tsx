import { ClusterForm } from '@/components/forms/entity-forms';
import { PageHeader } from '@/components/page-header';
import { createCluster } from '@/lib/actions/clusters';

export default function NewClusterPage() {
  return (
    <>
      <PageHeader title="New cluster" />
      <ClusterForm action={createCluster} submit="Create cluster" />
    </>
  );
}
