import Link from 'next/link';
import { PageHeader } from '@/components/page-header';
import { ReleaseCard } from '@/components/releases/release-card';
import { Card } from '@/components/ui/card';
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
          <ReleaseCard key={release.id} release={release} />
        ))}
      </div>
    </>
  );
}
