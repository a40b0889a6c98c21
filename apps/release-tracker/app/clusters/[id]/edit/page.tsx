import { ClusterForm } from '@/components/forms/entity-forms';
import { PageHeader } from '@/components/page-header';
import { updateCluster } from '@/lib/actions/clusters';
import { load, routeId } from '@/lib/pages';
import { getCluster } from '@/lib/services/clusters';

export default async function EditClusterPage({ params }: { params: Promise<{ id: string }> }) {
  const clusterId = routeId((await params).id);
  const cluster = await load((db) => getCluster(db, clusterId));
  return (
    <>
      <PageHeader title={`Edit ${cluster.name}`} />
      <ClusterForm action={updateCluster.bind(null, cluster.id)} values={cluster} submit="Save cluster" />
    </>
  );
}
