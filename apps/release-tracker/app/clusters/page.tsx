import Link from 'next/link';
import { Plus } from 'lucide-react';
import { PageHeader } from '@/components/page-header';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { load } from '@/lib/pages';
import { listClusters } from '@/lib/services/clusters';
import { listCustomers } from '@/lib/services/customers';

export default async function ClustersPage() {
  const [clusters, customers] = await load((db) => Promise.all([listClusters(db), listCustomers(db)]));
  return (
    <>
      <PageHeader title="Clusters" description="Kubernetes clusters whose namespaces are customers.">
        <Button asChild>
          <Link href="/clusters/new">
            <Plus className="h-4 w-4" /> New cluster
          </Link>
        </Button>
      </PageHeader>
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
