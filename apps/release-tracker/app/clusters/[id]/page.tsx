import Link from 'next/link';
import { Pencil, Plus } from 'lucide-react';
import { ConfirmButton } from '@/components/forms/confirm-button';
import { CustomerList } from '@/components/customers/customer-list';
import { PageHeader } from '@/components/page-header';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { deleteCluster, restoreCluster } from '@/lib/actions/clusters';
import { load, routeId } from '@/lib/pages';
import { getClusterWithCustomers } from '@/lib/services/clusters';

export default async function ClusterPage({ params }: { params: Promise<{ id: string }> }) {
  const clusterId = routeId((await params).id);
  const cluster = await load((db) => getClusterWithCustomers(db, clusterId));
  return (
    <>
      <PageHeader
        title={cluster.name}
        description={
          <>
            {cluster.description}
            {cluster.kubeconfigPath ? (
              <span className="block font-mono text-xs">{cluster.kubeconfigPath}</span>
            ) : null}
            {cluster.isActive ? null : <span className="block text-red-700">Deleted</span>}
          </>
        }
      >
        <Button variant="outline" asChild>
          <Link href={`/clusters/${cluster.id}/edit`}>
            <Pencil className="h-4 w-4" /> Edit
          </Link>
        </Button>
        <Button variant="outline" asChild>
          <Link href={`/customers/new?clusterId=${cluster.id}`}>
            <Plus className="h-4 w-4" /> Add customer
          </Link>
        </Button>
        {cluster.isActive ? (
          <ConfirmButton
            kind="delete"
            label="Delete cluster"
            confirm={`Delete cluster ${cluster.name}?`}
            run={deleteCluster.bind(null, cluster.id)}
            then="/clusters"
          />
        ) : (
          <ConfirmButton
            kind="restore"
            label="Restore cluster"
            confirm={`Restore cluster ${cluster.name}?`}
            run={restoreCluster.bind(null, cluster.id)}
          />
        )}
      </PageHeader>
      <Card>
        <h2 className="mb-2 font-semibold">Customers</h2>
        {cluster.customers.length === 0 ? <p className="text-sm text-slate-600">No customers.</p> : null}
        <CustomerList customers={cluster.customers} />
      </Card>
    </>
  );
}
