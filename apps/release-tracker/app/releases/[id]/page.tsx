import Link from 'next/link';
import { Download, ListOrdered, Pencil } from 'lucide-react';
import { PageHeader } from '@/components/page-header';
import { archiveRelease } from '@/lib/actions/releases';
import { ConfirmButton } from '@/components/forms/confirm-button';
import { ActivateReleaseDialog, AddCustomerDialog } from '@/components/releases/customer-dialogs';
import { ReleaseStatusBadge, ReleaseTypeBadge } from '@/components/releases/release-badges';
import { ReleaseMatrix } from '@/components/releases/release-matrix';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { ProgressBar } from '@/components/ui/progress-bar';
import { load, routeId } from '@/lib/pages';
import { listCustomers } from '@/lib/services/customers';
import { getReleaseMatrix } from '@/lib/services/matrix';
import { id } from '@/lib/validation';

export default async function ReleasePage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ cluster?: string }>;
}) {
  const releaseId = routeId((await params).id);
  const clusterFilter = id.safeParse((await searchParams).cluster);
  const [matrix, customers] = await load((db) =>
    Promise.all([getReleaseMatrix(db, releaseId), listCustomers(db)]),
  );
  const { release } = matrix;
  const inRelease = new Set(
    matrix.clusters.flatMap((group) => group.customers.map((customer) => customer.id)),
  );
  const pickable = customers.map((customer) => ({
    id: customer.id,
    name: customer.name,
    namespace: customer.namespace,
    cluster: { id: customer.cluster.id, name: customer.cluster.name },
  }));
  const shownClusters = clusterFilter.success
    ? matrix.clusters.filter((group) => group.cluster.id === clusterFilter.data)
    : matrix.clusters;
  return (
    <>
      <PageHeader
        title={release.name}
        description={
          <span className="flex flex-wrap items-center gap-2">
            <ReleaseTypeBadge type={release.type} />
            <ReleaseStatusBadge status={release.status} />
            {release.versionNumber ? <span>version {release.versionNumber}</span> : null}
            {release.description ? <span>{release.description}</span> : null}
          </span>
        }
      >
        <Button variant="outline" asChild>
          <Link href={`/releases/${release.id}/steps`}>
            <ListOrdered className="h-4 w-4" /> Steps ({matrix.templates.length})
          </Link>
        </Button>
        <Button variant="outline" asChild>
          <Link href={`/releases/${release.id}/edit`}>
            <Pencil className="h-4 w-4" /> Edit
          </Link>
        </Button>
        {release.status === 'draft' ? (
          <ActivateReleaseDialog releaseId={release.id} releaseName={release.name} customers={pickable} />
        ) : null}
        {release.status === 'active' ? (
          <>
            <AddCustomerDialog
              releaseId={release.id}
              releaseName={release.name}
              availableCustomers={pickable.filter((customer) => !inRelease.has(customer.id))}
            />
            <ConfirmButton
              kind="archive"
              label="Archive"
              confirm="Archive this release? Its steps can no longer change."
              run={archiveRelease.bind(null, release.id)}
            />
          </>
        ) : null}
        <Button variant="outline" asChild>
          <a href={`/api/releases/${release.id}/export?format=csv`} download>
            <Download className="h-4 w-4" /> Export CSV
          </a>
        </Button>
        <Button variant="outline" asChild>
          <a href={`/api/releases/${release.id}/export?format=json`} download>
            <Download className="h-4 w-4" /> Export JSON
          </a>
        </Button>
      </PageHeader>
      <Card className="mb-4">
        <ProgressBar progress={matrix.progress} label="Release" />
      </Card>
      {release.status === 'draft' ? (
        <p className="text-slate-600">
          This release is a draft: add its steps, then activate it for the customers it should reach.
        </p>
      ) : (
        <>
          {matrix.clusters.length > 1 ? (
            <nav aria-label="Clusters shown" className="mb-3 flex flex-wrap gap-2 text-sm">
              {[{ id: null, name: 'All clusters' }, ...matrix.clusters.map((group) => group.cluster)].map(
                (cluster) => {
                  const current = clusterFilter.success
                    ? cluster.id === clusterFilter.data
                    : cluster.id === null;
                  return (
                    <Link
                      key={cluster.id ?? 'all'}
                      href={`/releases/${release.id}${cluster.id === null ? '' : `?cluster=${cluster.id}`}`}
                      aria-current={current ? 'page' : undefined}
                      className={current ? 'font-semibold text-slate-900' : 'text-sky-800 hover:underline'}
                    >
                      {cluster.name}
                    </Link>
                  );
                },
              )}
            </nav>
          ) : null}
          <ReleaseMatrix releaseId={release.id} rows={matrix.rows} clusters={shownClusters} />
        </>
      )}
    </>
  );
}
