import Link from 'next/link';
import { Plus } from 'lucide-react';
import { PageHeader } from '@/components/page-header';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { load } from '@/lib/pages';
import { groupByCluster, listCustomers } from '@/lib/services/customers';

export default async function CustomersPage() {
  const customers = await load(listCustomers);
  return (
    <>
      <PageHeader title="Customers" description="Each customer is a namespace on a cluster.">
        <Button asChild>
          <Link href="/customers/new">
            <Plus className="h-4 w-4" /> New customer
          </Link>
        </Button>
      </PageHeader>
      {customers.length === 0 ? <p className="text-slate-600">No customers yet.</p> : null}
      <div className="grid gap-3">
        {groupByCluster(customers).map(({ cluster, items }) => (
          <Card key={cluster.id} aria-label={`Cluster ${cluster.name}`}>
            <h2 className="mb-2 font-semibold">
              <Link href={`/clusters/${cluster.id}`} className="hover:underline">
                {cluster.name}
              </Link>
            </h2>
            <ul className="grid gap-1">
              {items.map((customer) => (
                <li key={customer.id}>
                  <Link href={`/customers/${customer.id}`} className="text-sky-800 hover:underline">
                    {customer.name}
                  </Link>{' '}
                  <span className="font-mono text-xs text-slate-500">{customer.namespace}</span>
                </li>
              ))}
            </ul>
          </Card>
        ))}
      </div>
    </>
  );
}
