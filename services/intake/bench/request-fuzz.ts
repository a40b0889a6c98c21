import {
  ApiError,
  createHttpServer,
  createLogger,
  createPipelineMetrics,
  type DigitClients,
} from '@campaign-pipeline/shared';
import fc from 'fast-check';
import { fileURLToPath } from 'node:url';
import { createRoute } from '../src/handlers/create-route.ts';
import type { IntakeParts } from '../src/domain/intake-campaign.ts';

// Property-based fuzzing of the create route: random request bodies, JSON or not. DIGIT and the database
// are stand-ins that refuse every lookup with a 400, so whatever passes validation ends there: any 5xx or
// crash is the route's own. The jest suite runs it with a fixed seed; `npm run bench -- fuzz` longer.
//
//   node --conditions=development services/intake/bench/request-fuzz.ts [runs] [seed]

const refuse = () => Promise.reject(ApiError.of(400, 'LOOKUP_REFUSED', 'the stand-in DIGIT refuses lookups'));
const digit = new Proxy({} as DigitClients, {
  get: () => ({
    post: refuse,
    postStreamed: refuse,
    get: refuse,
    write: refuse,
    getBytes: refuse,
    postForm: refuse,
  }),
});
const parts = {
  db: { query: async () => ({ rows: [], rowCount: 0 }), connect: refuse },
  digit,
  logger: createLogger('intake', 'silent'),
} as unknown as IntakeParts;

const app = createHttpServer({
  identity: { service: 'intake', pid: process.pid },
  logger: createLogger('intake', 'silent'),
  registry: createPipelineMetrics('intake').registry,
  readiness: [],
});
createRoute(app, parts, () => undefined);

const requestInfo = {
  apiId: 'fuzz',
  userInfo: { uuid: 'manager-1', tenantId: 'mz', roles: [{ code: 'CAMPAIGN_MANAGER', tenantId: 'mz' }] },
};
const details = {
  tenantId: 'mz',
  campaignName: 'LLIN 2026',
  projectType: 'LLIN-mz',
  hierarchyType: 'ADMIN',
  startDate: 1_900_000_000_000,
  endDate: 1_900_100_000_000,
  boundaries: [{ code: 'MZ_P01', type: 'PROVINCE', isRoot: true, includeAllChildren: true }],
  resources: [
    { type: 'facility', filestoreId: 'f', filename: 'f.xlsx' },
    { type: 'user', filestoreId: 'u', filename: 'u.xlsx' },
    { type: 'boundaryWithTarget', filestoreId: 't', filename: 't.xlsx' },
  ],
  deliveryRules: [],
};

/** A valid value most of the time, anything at all sometimes. */
function sometimes<T>(valid: T): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 3, arbitrary: fc.constant(valid) }, { weight: 1, arbitrary: fc.anything() });
}

const campaignDetails = fc.record(
  Object.fromEntries(Object.entries(details).map(([key, value]) => [key, sometimes(value)])),
  { requiredKeys: [] },
);
const body = fc.oneof(
  fc.anything(),
  fc.record({ RequestInfo: sometimes(requestInfo), CampaignDetails: campaignDetails }),
);

async function status(payload: string): Promise<number> {
  const answer = await app.inject({
    method: 'POST',
    url: '/project-factory/v1/project-type/create',
    payload,
    headers: { 'content-type': 'application/json' },
  });
  return answer.statusCode;
}

export interface FuzzReport {
  tried: number;
  failures: { property: string; counterexample: string; error: string }[];
}

/** Runs both properties `runs` times each with `seed`; reports instead of throwing. */
export async function fuzzCreateRoute(runs: number, seed: number): Promise<FuzzReport> {
  const report: FuzzReport = { tried: 0, failures: [] };
  const answered = async (payload: string) => {
    report.tried++;
    const code = await status(payload);
    if (code >= 500) throw new Error(`answered ${code}`);
  };
  const check = async <T extends unknown[]>(property: string, checked: fc.IAsyncProperty<T>) => {
    const result = await fc.check(checked, { numRuns: runs, seed });
    if (!result.failed) return;
    report.failures.push({
      property,
      counterexample: JSON.stringify(result.counterexample).slice(0, 500),
      error: String(result.errorInstance),
    });
  };
  await check(
    'JSON bodies',
    fc.asyncProperty(body, (payload) => answered(JSON.stringify(payload) ?? 'null')),
  );
  await check('bodies that are not JSON', fc.asyncProperty(fc.string({ maxLength: 200 }), answered));
  return report;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const runs = Number(process.argv[2] ?? 5000);
  const seed = Number(process.argv[3] ?? Date.now() % 2 ** 31);
  const started = performance.now();
  const report = await fuzzCreateRoute(runs, seed);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `create route: ${report.tried} inputs tried in ${seconds} s (seed ${seed}), ${report.failures.length} failures`,
  );
  for (const failure of report.failures)
    console.log(`  ${failure.property}: ${failure.error}\n    ${failure.counterexample}`);
  if (report.failures.length > 0) process.exitCode = 1;
}
