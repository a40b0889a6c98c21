import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  DigitClient,
  createDatabase,
  createLogger,
  createPipelineMetrics,
  postgresCallBudget,
  SessionLocks,
  type Database,
  type DigitServiceName,
} from '@campaign-pipeline/shared';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startScratchPostgres, type ScratchPostgres } from './support/scratch-postgres.ts';

// The deployment's budget of DIGIT calls against a real PostgreSQL: clients with slot connections of
// their own, as separate processes would have, share the slots of one DIGIT service.

const logger = createLogger('test', 'silent');
const requestInfo = { apiId: 'campaign-pipeline', userInfo: { uuid: 'u-1', tenantId: 'mz', roles: [] } };

let database: ScratchPostgres;
let admin: Database;
const pools: Database[] = [];
const slotLocks: SessionLocks[] = [];

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
  database = await startScratchPostgres('digit-call-budget');
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
  await Promise.all(slotLocks.map((locks) => locks.close()));
  await Promise.all([...pools, admin].filter(Boolean).map((pool) => pool.end()));
  await database?.stop();
});

beforeEach(() => {
  inFlight = 0;
  highestInFlight = 0;
  answered = 0;
  gate = null;
  held = [];
});

/** A process of its own: its slot connection, its client of `service` within `limit`. */
function worker(
  name: string,
  service: DigitServiceName,
  limit: number,
  {
    retries = 2,
    timeoutMs = 5000,
    poll,
  }: { retries?: number; timeoutMs?: number; poll?: { baseMs: number; maxMs: number } } = {},
) {
  const db = createDatabase(database.url, 1, logger);
  pools.push(db);
  const locks = new SessionLocks(db);
  slotLocks.push(locks);
  const budget = postgresCallBudget(locks, { service, slots: limit, poll });
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
  return { budget, client };
}

/** The slots of `service` held, as PostgreSQL shows them: slot n is the advisory lock (space, n). */
async function heldSlots(service: DigitServiceName): Promise<{ slot: number; pid: number }[]> {
  const { rows } = await admin.query<{ slot: number; pid: number }>(
    `SELECT objid::integer AS slot, pid FROM pg_locks
     WHERE locktype = 'advisory' AND objsubid = 2 AND granted
       AND classid = hashtext('digit-call-slot:' || $1)::oid
     ORDER BY slot`,
    [service],
  );
  return rows;
}

/** Whether `promise` settled within `ms`: a settled one is left as is. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms).unref();
  });
  const settled = await Promise.race([promise.then(() => true), late]);
  clearTimeout(timer);
  return settled;
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

  it('locks one slot per take, never one the worker holds already', async () => {
    const { budget } = worker('product-sync', 'product', 3);
    const first = await budget.take();
    expect(await heldSlots('product')).toHaveLength(1);
    const taken = [first, await budget.take(), await budget.take()];
    const slots = await heldSlots('product');
    expect(slots.map(({ slot }) => slot)).toEqual([1, 2, 3]);
    expect(new Set(slots.map(({ pid }) => pid)).size).toBe(1);
    const fourth = budget.take();
    expect(await settlesWithin(fourth, 300)).toBe(false);
    await taken[1]?.release();
    await (await fourth).release();
    await Promise.all(taken.map((slot) => slot.release()));
    expect(await heldSlots('product')).toEqual([]);
  });

  it("gives a slot given back to the worker's waiting take of the lowest order, the asking order among equals", async () => {
    const { budget } = worker('mapping-sync', 'mdms', 1);
    const held = await budget.take();
    const granted: string[] = [];
    const waiting = (
      [
        [9, 'chunk 9'],
        [2, 'chunk 2'],
        [7, 'chunk 7'],
        [2, 'chunk 2, again'],
      ] as const
    ).map(([order, name]) =>
      budget.take(order).then(async (slot) => {
        granted.push(name);
        await slot.release();
      }),
    );
    expect(await settlesWithin(Promise.race(waiting), 300)).toBe(false);
    await held.release();
    await Promise.all(waiting);
    expect(granted).toEqual(['chunk 2', 'chunk 2, again', 'chunk 7', 'chunk 9']);
    expect(await heldSlots('mdms')).toEqual([]);
  });

  it('gives a slot another worker gives back to a waiting worker at once, not at its next look', async () => {
    // Looks 10 s apart: only the release's announcement can hand the slot over within the second.
    const slow = { baseMs: 10_000, maxMs: 10_000 };
    const holder = worker('project-sync', 'boundary', 1, { poll: slow });
    const waiter = worker('mapping-sync', 'boundary', 1, { poll: slow });
    const held = await holder.budget.take();
    const [first] = await heldSlots('boundary');
    const taking = waiter.budget.take();
    // Its first look found the slot held: it now waits for its next one.
    expect(await settlesWithin(taking, 300)).toBe(false);
    await held.release();
    expect(await settlesWithin(taking, 1000)).toBe(true);
    const [taken] = await heldSlots('boundary');
    expect(taken?.pid).not.toBe(first?.pid);
    await (await taking).release();
    expect(await heldSlots('boundary')).toEqual([]);
  });

  it('hands the slot over at once to a worker whose connection was open before it began to wait', async () => {
    const slow = { baseMs: 10_000, maxMs: 10_000 };
    const holder = worker('project-sync', 'idgen', 1, { poll: slow });
    const db = createDatabase(database.url, 1, logger);
    pools.push(db);
    const locks = new SessionLocks(db);
    slotLocks.push(locks);
    // Open, as a service opens its slot connection once started, before its first budget listens.
    await locks.open();
    const budget = postgresCallBudget(locks, { service: 'idgen', slots: 1, poll: slow });
    const held = await holder.budget.take();
    const taking = budget.take();
    expect(await settlesWithin(taking, 300)).toBe(false);
    await held.release();
    expect(await settlesWithin(taking, 1000)).toBe(true);
    await (await taking).release();
    expect(await heldSlots('idgen')).toEqual([]);
  });

  it('frees the slots of a worker whose connection ends at once, and the worker goes on with a new one', async () => {
    const cut = worker('user-sync', 'hrms', 1);
    const other = worker('user-sync-2', 'hrms', 1);
    const cutSlot = await cut.budget.take();
    const taking = other.budget.take();
    expect(await settlesWithin(taking, 300)).toBe(false);
    // The connection holding the slot ends, as a killed process's does.
    const [holder] = await heldSlots('hrms');
    await admin.query('SELECT pg_terminate_backend($1)', [holder?.pid]);
    expect(await settlesWithin(taking, 1000)).toBe(true);
    const otherSlot = await taking;
    const [taken] = await heldSlots('hrms');
    expect(taken?.pid).not.toBe(holder?.pid);
    // The lost slot's release does not free the slot the other worker holds now.
    await cutSlot.release();
    expect(await heldSlots('hrms')).toEqual([taken]);
    await otherSlot.release();
    const again = await cut.budget.take();
    const [retaken] = await heldSlots('hrms');
    expect([holder?.pid, taken?.pid]).not.toContain(retaken?.pid);
    await again.release();
    await cut.client.post('/egov-hrms/employees/_search', requestInfo, {});
    expect(answered).toBe(1);
    expect(await heldSlots('hrms')).toEqual([]);
  });

  it('frees the slot after a failed call, refused or cut off by its timeout', async () => {
    const { client } = worker('intake', 'mdms', 1, { retries: 0, timeoutMs: 300 });
    await expect(client.post('/fail', requestInfo, {})).rejects.toMatchObject({ status: 400 });
    expect(await heldSlots('mdms')).toEqual([]);
    await expect(client.write('/hang', requestInfo, {})).rejects.toMatchObject({ outcomeUnknown: true });
    expect(await heldSlots('mdms')).toEqual([]);
  });
});
