import Link from 'next/link';
import { CustomerList } from '@/components/customers/customer-list';
import { PageHeader } from '@/components/page-header';
import { Card } from '@/components/ui/card';
import { load } from '@/lib/pages';
import { groupByCluster, listCustomers } from '@/lib/services/customers';

export default async function CustomersPage() {
  const customers = await load(listCustomers);
  return (
    <>
      <PageHeader
        title="Customers"
        description="Each customer is a namespace on a cluster."
        create={{ href: '/customers/new', label: 'New customer' }}
      />
      {customers.length === 0 ? <p className="text-slate-600">No customers yet.</p> : null}
      <div className="grid gap-3">
        {groupByCluster(customers).map(({ cluster, items }) => (
          <Card key={cluster.id} aria-label={`Cluster ${cluster.name}`}>
            <h2 className="mb-2 font-semibold">
              <Link href={`/clusters/${cluster.id}`} className="hover:underline">
                {cluster.name}
              </Link>
            </h2>
            <CustomerList customers={items} />
          </Card>
        ))}
      </div>
    </>
  );
}
