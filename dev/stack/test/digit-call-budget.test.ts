import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  DigitClient,
  createDatabase,
  createLogger,
  createPipelineMetrics,
  migrate,
  postgresCallBudget,
  processName,
  releaseCallSlots,
  sleep,
  type Database,
  type DigitServiceName,
} from '@campaign-pipeline/shared';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { onFreePort, startPostgresProcess, type EmbeddedDatabase } from '../src/index.ts';

// The deployment's budget of DIGIT calls against a real PostgreSQL: clients with pools and holders of
// their own, as separate processes would have, share the slots of one DIGIT service.

const logger = createLogger('test', 'silent');
const requestInfo = { apiId: 'campaign-pipeline', userInfo: { uuid: 'u-1', tenantId: 'mz', roles: [] } };

let dir: string;
let database: EmbeddedDatabase;
let admin: Database;
const pools: Database[] = [];

// A DIGIT-like service counting the calls in flight: each is answered after a delay, or, while a gate is
// set, once that many are in flight together. `/fail` is refused at once; `/hang` is never answered.
let server: http.Server;
let baseUrl: string;
let inFlight = 0;
let highestInFlight = 0;
let answered = 0;
let gate: number | null = null;
let held: (() => void)[] = [];
const DELAY_MS = 20;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'digit-call-budget-'));
  await chmod(dir, 0o755);
  database = await onFreePort((port) => startPostgresProcess({ dataDir: path.join(dir, 'postgres'), port }));
  await migrate(database.url, logger);
  admin = createDatabase(database.url, 2, logger);
  server = http.createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      if (request.url === '/hang') return;
      if (request.url === '/fail') {
        response.writeHead(400, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ Errors: [{ code: 'INVALID', message: 'refused' }] }));
        return;
      }
      inFlight++;
      highestInFlight = Math.max(highestInFlight, inFlight);
      // Counted out before the answer leaves, so a caller's next call is never counted beside it.
      const answer = () => {
        inFlight--;
        answered++;
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ ResponseInfo: { status: 'successful' } }));
      };
      if (gate === null) {
        setTimeout(answer, DELAY_MS);
        return;
      }
      held.push(answer);
      if (held.length >= gate) for (const waiting of held.splice(0)) waiting();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await Promise.all([...pools, admin].filter(Boolean).map((pool) => pool.end()));
  await database?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

beforeEach(() => {
  inFlight = 0;
  highestInFlight = 0;
  answered = 0;
  gate = null;
  held = [];
});

/** A process of its own: its pool, its name as holder, its client of `service` within `limit`. */
function worker(
  name: string,
  service: DigitServiceName,
  limit: number,
  { retries = 2, timeoutMs = 5000 }: { retries?: number; timeoutMs?: number } = {},
) {
  const db = createDatabase(database.url, 3, logger);
  pools.push(db);
  const holder = processName(name, 1);
  const budget = postgresCallBudget(db, { service, slots: limit, holder, leaseMs: 60_000 });
  const client = new DigitClient({
    service,
    baseUrl,
    concurrency: limit,
    timeoutMs,
    retries,
    metrics: createPipelineMetrics(name),
    logger,
    backoff: { baseMs: 1, maxMs: 5 },
    budget,
  });
  return { db, holder, budget, client };
}

async function heldSlots(service: DigitServiceName): Promise<{ slot: number; holder: string }[]> {
  const { rows } = await admin.query<{ slot: number; holder: string }>(
    'SELECT slot, holder FROM digit_call_slot WHERE service = $1 AND holder IS NOT NULL ORDER BY slot',
    [service],
  );
  return rows;
}

describe('deployment-wide budget of DIGIT calls', () => {
  it('keeps three workers together within the limit of the service, and all their calls finish', async () => {
    const limit = 3;
    const workers = ['project-sync', 'mapping-sync', 'mapping-sync-2'].map((name) =>
      worker(name, 'project', limit),
    );
    const calls = workers.flatMap(({ client }) =>
      Array.from({ length: 12 }, () => client.post('/health-project/v1/_search', requestInfo, {})),
    );
    await Promise.all(calls);
    expect(answered).toBe(36);
    expect(highestInFlight).toBeLessThanOrEqual(limit);
    expect(await heldSlots('project')).toEqual([]);
  });

  it('lets one busy worker use every slot of the limit', async () => {
    const limit = 3;
    const busy = worker('facility-sync', 'facility', limit);
    // Answered only once `limit` calls are in flight together: a worker held to fewer slots never finishes.
    gate = limit;
    await Promise.all(
      Array.from({ length: 9 }, () => busy.client.post('/facility/v1/_search', requestInfo, {})),
    );
    expect(answered).toBe(9);
    expect(highestInFlight).toBe(limit);
  }, 20_000);

  it('takes over a slot whose holder died once its lease has run out, not before', async () => {
    const dead = worker('user-sync', 'hrms', 1);
    const live = worker('user-sync-2', 'hrms', 1);
    // Taken and never given back: its process died mid-call.
    const deadSlot = await dead.budget.take();
    const { rows } = await admin.query<{ lasting: boolean }>(
      `SELECT lease_until > now() + interval '50 seconds' AS lasting FROM digit_call_slot
       WHERE service = 'hrms' AND holder = $1`,
      [dead.holder],
    );
    expect(rows).toEqual([{ lasting: true }]);
    let taken = false;
    const taking = live.budget.take().then((slot) => {
      taken = true;
      return slot;
    });
    await sleep(300);
    expect(taken).toBe(false);
    // The lease runs out.
    await admin.query(
      `UPDATE digit_call_slot SET lease_until = now() - interval '1 second' WHERE service = 'hrms'`,
    );
    const liveSlot = await taking;
    expect(await heldSlots('hrms')).toEqual([{ slot: 1, holder: live.holder }]);
    // A late release of the dead lease does not free the slot its successor holds.
    await deadSlot.release();
    expect(await heldSlots('hrms')).toEqual([{ slot: 1, holder: live.holder }]);
    await liveSlot.release();
    expect(await heldSlots('hrms')).toEqual([]);
  });

  it('frees the slot after a failed call, refused or cut off by its timeout', async () => {
    const { client } = worker('intake', 'mdms', 1, { retries: 0, timeoutMs: 300 });
    await expect(client.post('/fail', requestInfo, {})).rejects.toMatchObject({ status: 400 });
    expect(await heldSlots('mdms')).toEqual([]);
    await expect(client.write('/hang', requestInfo, {})).rejects.toMatchObject({ outcomeUnknown: true });
    expect(await heldSlots('mdms')).toEqual([]);
  });

  it('frees at start the slots an earlier process of the same name still held', async () => {
    const earlier = worker('status', 'idgen', 2);
    await earlier.budget.take();
    await earlier.budget.take();
    expect(await heldSlots('idgen')).toHaveLength(2);
    expect(await releaseCallSlots(admin, earlier.holder)).toBe(2);
    expect(await heldSlots('idgen')).toEqual([]);
  });
});
