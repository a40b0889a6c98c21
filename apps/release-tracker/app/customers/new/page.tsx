import { CustomerForm } from '@/components/forms/entity-forms';
import { PageHeader } from '@/components/page-header';
import { createCustomer } from '@/lib/actions/customers';
import { load } from '@/lib/pages';
import { listClusters } from '@/lib/services/clusters';
import { id } from '@/lib/validation';

export default async function NewCustomerPage({
  searchParams,
}: {
  searchParams: Promise<{ clusterId?: string }>;
}) {
  const clusters = await load(listClusters);
  const preset = id.safeParse((await searchParams).clusterId);
  return (
    <>
      <PageHeader title="New customer" />
      <CustomerForm
        action={createCustomer}
        clusters={clusters}
        values={preset.success ? { clusterId: preset.data } : undefined}
        submit="Create customer"
      />
    </>
  );
}
