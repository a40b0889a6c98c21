import { CustomerForm } from '@/components/forms/entity-forms';
import { PageHeader } from '@/components/page-header';
import { updateCustomer } from '@/lib/actions/customers';
import { load, routeId } from '@/lib/pages';
import { listClusters } from '@/lib/services/clusters';
import { getCustomer } from '@/lib/services/customers';

export default async function EditCustomerPage({ params }: { params: Promise<{ id: string }> }) {
  const customerId = routeId((await params).id);
  const [customer, clusters] = await load((db) =>
    Promise.all([getCustomer(db, customerId), listClusters(db)]),
  );
  return (
    <>
      <PageHeader title={`Edit ${customer.name}`} />
      <CustomerForm
        action={updateCustomer.bind(null, customer.id)}
        clusters={clusters}
        values={customer}
        submit="Save customer"
      />
    </>
  );
}
