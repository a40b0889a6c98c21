// Calls per second the simulator sustains at a given size with zero latency: a mix of creates and
// searches from concurrent clients over keep-alive HTTP. The simulator runs in its own process so the
// clients do not share its event loop.
//   node --conditions=development dev/digit/bench/throughput.ts [--size L] [--seconds 20] [--concurrency 32]
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { DEFAULT_TENANT } from '@campaign-pipeline/shared';
import { intArg, parseArgs, sizeArg } from '../src/cli-args.ts';
import { generateBoundaryHierarchy, uniquePhones, type HierarchySize } from '../src/index.ts';

export interface ThroughputOptions {
  size?: HierarchySize;
  seconds?: number;
  concurrency?: number;
  /** An already running simulator; otherwise one is started in a child process. */
  url?: string;
}

export interface ThroughputResult {
  size: HierarchySize;
  seconds: number;
  concurrency: number;
  calls: number;
  callsPerSecond: number;
  errors: number;
  byOperation: Record<string, { calls: number; meanMs: number }>;
  simulatorRssMb: number;
  /** CPU the simulator process spent per call (its own overhead, independent of the clients). */
  simulatorCpuMsPerCall: number;
  startupSeconds: number;
}

const REQUEST_INFO = {
  apiId: 'bench',
  ver: '1',
  msgId: '1|en_MZ',
  userInfo: { uuid: 'bench-user', tenantId: DEFAULT_TENANT, roles: [] },
};
const REFERENCE = 'CMP-BENCH-000001';

export async function runThroughput(options: ThroughputOptions = {}): Promise<ThroughputResult> {
  const size = options.size ?? 'L';
  const seconds = options.seconds ?? 20;
  const concurrency = options.concurrency ?? 32;
  const started = Date.now();
  const child = options.url ? null : await startChild(size);
  const url = options.url ?? child?.url ?? '';
  const startupSeconds = (Date.now() - started) / 1000;
  try {
    const http = jsonClient(url, concurrency);
    const leaves = generateBoundaryHierarchy({ size }).codesByType.get('LOCALITY') ?? [];
    const operations = createOperations(http, leaves);
    const stats = new Map<string, { calls: number; totalMs: number }>();
    let errors = 0;
    const deadline = Date.now() + seconds * 1000;
    let turn = 0;
    const worker = async (): Promise<void> => {
      while (Date.now() < deadline) {
        const operation = MIX[turn++ % MIX.length] ?? 'idgen';
        const begin = performance.now();
        const ok = await operations[operation]();
        const elapsed = performance.now() - begin;
        const entry = stats.get(operation) ?? { calls: 0, totalMs: 0 };
        entry.calls++;
        entry.totalMs += elapsed;
        stats.set(operation, entry);
        if (!ok) errors++;
      }
    };
    const cpuBefore = (await http.get('/_sim/process')).data.cpuMicros as number;
    const window = Date.now();
    await Promise.all(Array.from({ length: concurrency }, worker));
    const elapsedSeconds = (Date.now() - window) / 1000;
    const calls = [...stats.values()].reduce((n, s) => n + s.calls, 0);
    const simProcess = (await http.get('/_sim/process')).data as { rssBytes: number; cpuMicros: number };
    return {
      size,
      seconds: elapsedSeconds,
      concurrency,
      calls,
      callsPerSecond: Math.round(calls / elapsedSeconds),
      errors,
      byOperation: Object.fromEntries(
        [...stats].map(([name, s]) => [
          name,
          { calls: s.calls, meanMs: Number((s.totalMs / s.calls).toFixed(2)) },
        ]),
      ),
      simulatorRssMb: Math.round(simProcess.rssBytes / 1024 / 1024),
      simulatorCpuMsPerCall: Number(((simProcess.cpuMicros - cpuBefore) / 1000 / calls).toFixed(3)),
      startupSeconds,
    };
  } finally {
    child?.process.kill('SIGTERM');
  }
}

type Operation =
  | 'projectCreate'
  | 'projectSearch'
  | 'employeeCreate'
  | 'employeeSearch'
  | 'facilityCreate'
  | 'facilitySearch'
  | 'staffCreate'
  | 'staffSearch'
  | 'idgen';

/** Roughly what a campaign run does: as many searches (the retry identifiers) as creates. */
const MIX: Operation[] = [
  'projectCreate',
  'projectSearch',
  'employeeCreate',
  'employeeSearch',
  'facilityCreate',
  'facilitySearch',
  'staffCreate',
  'staffSearch',
  'projectSearch',
  'idgen',
];

interface JsonResponse {
  status: number;
  data: Record<string, unknown>;
}

interface JsonClient {
  get(path: string): Promise<JsonResponse>;
  post(path: string, body: unknown): Promise<JsonResponse>;
}

/** A lean keep-alive JSON client, so the clients cost the shared CPUs as little as possible. */
function jsonClient(baseUrl: string, sockets: number): JsonClient {
  const agent = new Agent({ keepAlive: true, maxSockets: sockets });
  const call = (method: string, path: string, body?: unknown): Promise<JsonResponse> =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = request(
        `${baseUrl}${path}`,
        {
          method,
          agent,
          headers: payload
            ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
            : {},
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString();
            resolve({
              status: res.statusCode ?? 0,
              data: text ? (JSON.parse(text) as Record<string, unknown>) : {},
            });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  return { get: (path) => call('GET', path), post: (path, body) => call('POST', path, body) };
}

function createOperations(http: JsonClient, leaves: string[]): Record<Operation, () => Promise<boolean>> {
  const phone = uniquePhones(99);
  const projects: string[] = [];
  const users: string[] = [];
  let p = 0;
  let e = 0;
  let f = 0;
  let s = 0;
  const post = async (
    path: string,
    body: Record<string, unknown>,
    expected = 200,
  ): Promise<{ ok: boolean; data: Record<string, unknown> }> => {
    const response = await http.post(path, { RequestInfo: REQUEST_INFO, ...body });
    return { ok: response.status === expected, data: response.data };
  };
  const leaf = (i: number): string => leaves[i % leaves.length] ?? '';
  const page = `tenantId=${DEFAULT_TENANT}&limit=100&offset=0`;
  return {
    projectCreate: async () => {
      const boundary = leaf(p++);
      const result = await post('/health-project/v1/_create', {
        Projects: [
          {
            tenantId: DEFAULT_TENANT,
            projectType: 'LLIN-mz',
            name: boundary,
            referenceID: REFERENCE,
            address: { tenantId: DEFAULT_TENANT, boundary, boundaryType: 'LOCALITY' },
            targets: [{ beneficiaryType: 'HOUSEHOLD', targetNo: 100 }],
          },
        ],
      });
      const created = (result.data.Project as Array<{ id: string }> | undefined)?.[0];
      if (created) projects.push(created.id);
      return result.ok;
    },
    projectSearch: async () =>
      (
        await post(`/health-project/v1/_search?${page}`, {
          Projects: [
            {
              tenantId: DEFAULT_TENANT,
              referenceID: REFERENCE,
              address: { boundary: leaf(Math.max(0, p - 1)) },
            },
          ],
        })
      ).ok,
    employeeCreate: async () => {
      const index = e++;
      const result = await post('/health-hrms/employees/_create', {
        Employees: [
          {
            tenantId: DEFAULT_TENANT,
            employeeType: 'TEMPORARY',
            user: {
              name: `Bench ${index}`,
              mobileNumber: phone(index),
              roles: [{ name: 'Distributor', code: 'DISTRIBUTOR', tenantId: DEFAULT_TENANT }],
              tenantId: DEFAULT_TENANT,
            },
            jurisdictions: [
              {
                boundary: leaf(index),
                boundaryType: 'LOCALITY',
                hierarchy: 'ADMIN',
                tenantId: DEFAULT_TENANT,
              },
            ],
          },
        ],
      });
      const created = (result.data.Employees as Array<{ user: { uuid: string } }> | undefined)?.[0];
      if (created) users.push(created.user.uuid);
      return result.ok;
    },
    employeeSearch: async () =>
      (
        await http.post(
          `/health-hrms/employees/_search?tenantId=${DEFAULT_TENANT}&phone=${phone(Math.max(0, e - 1))}`,
          { RequestInfo: REQUEST_INFO },
        )
      ).status === 200,
    facilityCreate: async () =>
      (
        await post('/facility/v1/_create', {
          Facility: {
            tenantId: DEFAULT_TENANT,
            name: `Bench Facility ${f++}`,
            usage: 'Warehouse',
            storageCapacity: 10,
          },
        })
      ).ok,
    facilitySearch: async () =>
      (
        await post(`/facility/v1/_search?${page}`, {
          Facility: { name: `Bench Facility ${Math.max(0, f - 1)}` },
        })
      ).ok,
    staffCreate: async () => {
      const projectId = projects[s % Math.max(1, projects.length)];
      const userId = users[s % Math.max(1, users.length)];
      s++;
      if (!projectId || !userId) return true;
      const result = await post('/health-project/staff/v1/_create', {
        ProjectStaff: { tenantId: DEFAULT_TENANT, projectId, userId },
      });
      // The mix can pair the same project and user twice; DUPLICATE_ENTITY is a correct answer then.
      return result.ok || JSON.stringify(result.data).includes('DUPLICATE_ENTITY');
    },
    staffSearch: async () =>
      (
        await post(`/health-project/staff/v1/_search?${page}`, {
          ProjectStaff: { projectId: [projects[projects.length - 1] ?? 'none'] },
        })
      ).ok,
    idgen: async () =>
      (
        await post('/egov-idgen/id/_generate', {
          idRequests: [{ idName: 'bench', tenantId: DEFAULT_TENANT, format: 'B-[cy:yyyy-MM-dd]-[SEQ_B]' }],
        })
      ).ok,
  };
}

async function startChild(size: HierarchySize): Promise<{ url: string; process: ChildProcess }> {
  const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
  const child = spawn(process.execPath, ['--conditions=development', main, '--port', '0', '--size', size], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (\S+)/.exec(output);
      if (match?.[1]) resolve({ url: match[1], process: child });
    });
    child.once('exit', (code) => reject(new Error(`simulator exited with ${code}: ${output}`)));
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = parseArgs(process.argv.slice(2));
  const result = await runThroughput({
    size: sizeArg(args.get('size') ?? 'L'),
    seconds: intArg(args, 'seconds', 20),
    concurrency: intArg(args, 'concurrency', 32),
    url: args.get('url'),
  });
  console.log(JSON.stringify(result, null, 2));
  console.log(
    `${result.callsPerSecond} calls/s at size ${result.size} (${result.calls} calls, ${result.errors} errors)`,
  );
}
