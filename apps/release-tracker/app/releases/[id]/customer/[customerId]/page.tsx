import Link from 'next/link';
import { PageHeader } from '@/components/page-header';
import { AddCustomStepDialog } from '@/components/steps/add-custom-step-dialog';
import { CustomerStepList } from '@/components/steps/customer-step-list';
import { Card } from '@/components/ui/card';
import { ProgressBar } from '@/components/ui/progress-bar';
import { calculateProgress } from '@/lib/domain/progress';
import { resolveVariables } from '@/lib/domain/variables';
import { load, routeId } from '@/lib/pages';
import { getCustomerSteps } from '@/lib/services/customer-steps';
import { getCustomer } from '@/lib/services/customers';
import { getRelease } from '@/lib/services/releases';

export default async function CustomerStepsPage({
  params,
}: {
  params: Promise<{ id: string; customerId: string }>;
}) {
  const raw = await params;
  const releaseId = routeId(raw.id);
  const customerId = routeId(raw.customerId);
  const [release, customer, steps] = await load((db) =>
    Promise.all([
      getRelease(db, releaseId),
      getCustomer(db, customerId),
      getCustomerSteps(db, releaseId, customerId),
    ]),
  );
  const values = {
    cluster: customer.cluster.name,
    namespace: customer.namespace,
    customer: customer.name,
    version: release.versionNumber,
  };
  const resolved = Object.fromEntries(steps.map((step) => [step.id, resolveVariables(step.content, values)]));
  return (
    <>
      <PageHeader
        title={`${customer.name} in ${release.name}`}
        description={
          <>
            {customer.cluster.name} / <span className="font-mono">{customer.namespace}</span>
          </>
        }
      >
        <Link href={`/releases/${release.id}`} className="text-sm text-sky-800 underline">
          Back to the matrix
        </Link>
      </PageHeader>
      {steps.length === 0 ? (
        <p className="text-slate-600">This customer is not part of the release.</p>
      ) : (
        <>
          <Card className="mb-4">
            <ProgressBar
              progress={calculateProgress(steps.map((step) => step.status))}
              label={customer.name}
            />
          </Card>
          {(['deploy', 'verify'] as const).map((category) => {
            const own = steps.filter((step) => step.category === category);
            return (
              <section key={category} className="mb-6 grid gap-2">
                <div className="flex items-center gap-3">
                  <h2 className="text-lg font-semibold capitalize">{category}</h2>
                  {release.status === 'active' ? (
                    <AddCustomStepDialog
                      releaseId={release.id}
                      customerId={customer.id}
                      category={category}
                      existingSteps={own.map(({ id, name }) => ({ id, name }))}
                    />
                  ) : null}
                </div>
                <CustomerStepList steps={own} resolved={resolved} />
              </section>
            );
          })}
        </>
      )}
    </>
  );
}
