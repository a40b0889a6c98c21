import Link from 'next/link';
import { Pencil } from 'lucide-react';
import { ConfirmButton } from '@/components/forms/confirm-button';
import { PageHeader } from '@/components/page-header';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { ProgressBar } from '@/components/ui/progress-bar';
import { deleteCustomer, restoreCustomer } from '@/lib/actions/customers';
import { load, routeId } from '@/lib/pages';
import { getCustomer } from '@/lib/services/customers';
import { releasesForCustomer } from '@/lib/services/releases';

export default async function CustomerPage({ params }: { params: Promise<{ id: string }> }) {
  const customerId = routeId((await params).id);
  const [customer, releases] = await load((db) =>
    Promise.all([getCustomer(db, customerId), releasesForCustomer(db, customerId)]),
  );
  return (
    <>
      <PageHeader
        title={customer.name}
        description={
          <>
            <Link href={`/clusters/${customer.cluster.id}`} className="hover:underline">
              {customer.cluster.name}
            </Link>{' '}
            / <span className="font-mono">{customer.namespace}</span>
            {customer.isActive ? null : <span className="block text-red-700">Deleted</span>}
            {customer.description ? <span className="block">{customer.description}</span> : null}
          </>
        }
      >
        <Button variant="outline" asChild>
          <Link href={`/customers/${customer.id}/edit`}>
            <Pencil className="h-4 w-4" /> Edit
          </Link>
        </Button>
        {customer.isActive ? (
          <ConfirmButton
            kind="delete"
            label="Delete customer"
            confirm={`Delete customer ${customer.name}? Its steps in releases stay as a record.`}
            run={deleteCustomer.bind(null, customer.id)}
            then="/customers"
          />
        ) : (
          <ConfirmButton
            kind="restore"
            label="Restore customer"
            confirm={`Restore customer ${customer.name}?`}
            run={restoreCustomer.bind(null, customer.id)}
          />
        )}
      </PageHeader>
      <Card>
        <h2 className="mb-3 font-semibold">Releases</h2>
        {releases.length === 0 ? (
          <p className="text-sm text-slate-600">Not part of any release yet.</p>
        ) : null}
        <div className="grid gap-3">
          {releases.map((release) => (
            <div key={release.id} className="grid gap-1">
              <Link
                href={`/releases/${release.id}/customer/${customer.id}`}
                className="text-sky-800 hover:underline"
              >
                {release.name}
              </Link>
              <ProgressBar progress={release.progress} label={release.name} />
            </div>
          ))}
        </div>
      </Card>
    </>
  );
}
