import Link from 'next/link';
import { PageHeader } from '@/components/page-header';
import { ReleaseStatusBadge, ReleaseTypeBadge } from '@/components/releases/release-badges';
import { Card } from '@/components/ui/card';
import { ProgressBar } from '@/components/ui/progress-bar';
import { load } from '@/lib/pages';
import { listClusters } from '@/lib/services/clusters';
import { listCustomers } from '@/lib/services/customers';
import { listReleases } from '@/lib/services/releases';

export default async function DashboardPage() {
  const [releases, clusters, customers] = await load((db) =>
    Promise.all([listReleases(db), listClusters(db), listCustomers(db)]),
  );
  const active = releases.filter((release) => release.status === 'active');
  const counts = [
    { label: 'Active releases', value: active.length, href: '/releases' },
    {
      label: 'Draft releases',
      value: releases.filter((r) => r.status === 'draft').length,
      href: '/releases',
    },
    { label: 'Clusters', value: clusters.length, href: '/clusters' },
    { label: 'Customers', value: customers.length, href: '/customers' },
  ];
  return (
    <>
      <PageHeader title="Dashboard" />
      <div className="mb-6 grid grid-cols-2 gap-3 md:grid-cols-4">
        {counts.map((count) => (
          <Link key={count.label} href={count.href}>
            <Card className="hover:border-slate-400">
              <p className="text-2xl font-semibold">{count.value}</p>
              <p className="text-sm text-slate-600">{count.label}</p>
            </Card>
          </Link>
        ))}
      </div>
      <h2 className="mb-2 text-lg font-semibold">Active releases</h2>
      {active.length === 0 ? <p className="text-slate-600">Nothing is rolling out.</p> : null}
      <div className="grid gap-3">
        {active.map((release) => (
          <Card key={release.id} className="grid gap-2">
            <div className="flex items-center gap-2">
              <Link href={`/releases/${release.id}`} className="font-semibold text-sky-800 hover:underline">
                {release.name}
              </Link>
              <ReleaseTypeBadge type={release.type} />
              <ReleaseStatusBadge status={release.status} />
            </div>
            <ProgressBar progress={release.progress} label={release.name} />
          </Card>
        ))}
      </div>
    </>
  );
}
