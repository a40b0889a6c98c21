import Link from 'next/link';
import { PageHeader } from '@/components/page-header';
import { Card } from '@/components/ui/card';
import { load } from '@/lib/pages';
import { listClusters } from '@/lib/services/clusters';
import { listCustomers } from '@/lib/services/customers';

export default async function ClustersPage() {
  const [clusters, customers] = await load((db) => Promise.all([listClusters(db), listCustomers(db)]));
  return (
    <>
      <PageHeader
        title="Clusters"
        description="Kubernetes clusters whose namespaces are customers."
        create={{ href: '/clusters/new', label: 'New cluster' }}
      />
      {clusters.length === 0 ? <p className="text-slate-600">No clusters yet.</p> : null}
      <div className="grid gap-3 md:grid-cols-2">
        {clusters.map((cluster) => (
          <Card key={cluster.id}>
            <Link href={`/clusters/${cluster.id}`} className="font-semibold text-sky-800 hover:underline">
              {cluster.name}
            </Link>
            <p className="text-sm text-slate-600">{cluster.description}</p>
            <p className="mt-2 text-xs text-slate-500">
              {customers.filter((customer) => customer.clusterId === cluster.id).length} customers
            </p>
          </Card>
        ))}
      </div>
    </>
  );
}
