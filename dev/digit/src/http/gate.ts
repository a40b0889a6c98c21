// Stands in front of every simulated service: counts the call, turns it away when the service is at
// capacity, injects the configured faults and latency. Inspection routes (/_sim) pass untouched.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  callLatencyMs,
  isBulkCreatePath,
  type Behaviour,
  type FaultRule,
  type ServiceName,
} from '../behaviour.ts';
import type { Random } from '../seed/random.ts';
import type { CallCounters } from './counters.ts';
import { errorEnvelope } from './envelope.ts';

const SERVICE_PREFIXES: Array<[string, ServiceName]> = [
  ['/boundary-service/', 'boundary'],
  ['/egov-mdms-service/', 'mdms'],
  ['/mdms-v2/', 'mdms'],
  ['/filestore/', 'filestore'],
  ['/health-project/', 'project'],
  ['/facility/', 'facility'],
  ['/health-hrms/', 'hrms'],
  ['/product/', 'product'],
  ['/egov-idgen/', 'idgen'],
];

export function serviceOf(path: string): ServiceName | null {
  for (const [prefix, name] of SERVICE_PREFIXES) if (path.startsWith(prefix)) return name;
  return null;
}

export interface GateContext {
  behaviour: () => Behaviour;
  counters: CallCounters;
  random: Random;
  /** Timers holding requests for timeout faults, cleared when the server stops. */
  held: Set<NodeJS.Timeout>;
}

export function installGate(app: FastifyInstance, context: GateContext): void {
  // The simulator's own work per call, by route, as recent calls took it: how long before a call's answer
  // is due its work begins. A call that took longer counts at once, one that took less only slowly, so
  // that calls heavier than the average (a create carrying more, the event loop busy with others) are
  // not answered late. Routes are the simulator's own, so the map stays small.
  const workMs = new Map<string, number>();
  installAfterApplyFaults(app, context);
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const path = pathOf(request.url);
    const service = serviceOf(path);
    if (!service) return;
    const { counters } = context;
    const inFlight = counters.begin(service, `${request.method} ${path}`);
    arrivals.set(request, performance.now());
    // A server's worker is free once it hands its answer to the network, and a client that has read the
    // answer may call again before this process sees its own write complete ('finish', 'close' come
    // later): capacity is given back when the answer is handed over ('prefinish'), or the call dropped.
    let answered = false;
    const answer = () => {
      if (answered) return;
      answered = true;
      counters.answered(service);
    };
    reply.raw.once('prefinish', answer);
    reply.raw.once('close', () => {
      answer();
      counters.end(service, reply.raw.writableFinished ? String(reply.raw.statusCode) : 'dropped');
    });
    const behaviour = context.behaviour()[service];
    if (behaviour.capacity !== null && inFlight > behaviour.capacity) {
      counters.rejected(service);
      return reply.code(503).send(
        errorEnvelope([
          {
            code: 'SERVICE_UNAVAILABLE',
            message: `${service} is at capacity (${behaviour.capacity} concurrent calls)`,
            description: null,
            params: null,
          },
        ]),
      );
    }
    const fault = pickFault(behaviour.faults, path, context.random);
    if (fault) context.counters.fault(service, fault.kind);
    if (
      fault?.kind === 'lost-answer' ||
      fault?.kind === 'applied-then-error' ||
      fault?.kind === 'late-apply'
    ) {
      // Acted on once the body is read (late-apply) or the service has applied the call (the others).
      afterApply.set(request, fault);
    }
    if (fault?.kind === 'reset') {
      reply.hijack();
      request.raw.socket.destroy();
      return;
    }
    if (fault?.kind === 'timeout') {
      reply.hijack();
      const timer = setTimeout(() => {
        context.held.delete(timer);
        request.raw.socket.destroy();
      }, fault.holdMs ?? 30_000);
      timer.unref();
      context.held.add(timer);
      return;
    }
    if (fault?.kind === 'error') beforeApply.set(request, fault);
  });
  // Latency is served once the body is parsed, as it depends on the number of items the call carries. The
  // model prices the whole call, as a real service's latency includes its own work: the answer is due at
  // the call's arrival plus its latency, the simulator's own work (parsing, applying, answering) counted
  // within it, not on top. Applying waits until just before that time, by the work such calls took.
  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    const path = pathOf(request.url);
    const service = serviceOf(path);
    if (!service) return;
    const route = `${request.method} ${path}`;
    const items = itemCount(path, request.body);
    const bytes = Number(request.headers['content-length']);
    if (items > 0 && Number.isSafeInteger(bytes)) context.counters.carry(service, route, items, bytes);
    const behaviour = context.behaviour()[service];
    const delay = callLatencyMs(behaviour, items, context.random.next());
    context.counters.latency(service, delay);
    const due = (arrivals.get(request) ?? performance.now()) + delay;
    const wait = due - (workMs.get(route) ?? 0) - TIMER_LATENESS_MS - performance.now();
    if (wait > 0) await sleep(wait);
    answerDue.set(request, { due, route, workFrom: performance.now() });
    const fault = beforeApply.get(request);
    if (!fault) {
      if (isBulkCreatePath(path)) {
        const dropped = pickDroppedItems(behaviour.faults, path, items, context.random);
        if (dropped.size > 0) context.counters.fault(service, 'drop-items', dropped.size);
        droppedByFault.set(request, dropped);
      }
      return;
    }
    beforeApply.delete(request);
    return reply.code(fault.status ?? 500).send(
      errorEnvelope([
        {
          code: fault.code ?? 'INTERNAL_SERVER_ERROR',
          message: fault.message ?? 'Injected failure',
          description: null,
          params: null,
        },
      ]),
    );
  });
  // The answer leaves no earlier than it is due; the work it took updates the estimate applying starts by.
  app.addHook('onSend', async (request, _reply, payload) => {
    const pending = answerDue.get(request);
    if (!pending) return payload;
    answerDue.delete(request);
    const now = performance.now();
    const previous = workMs.get(pending.route);
    const work = now - pending.workFrom;
    workMs.set(
      pending.route,
      previous === undefined || work > previous ? work : previous + (work - previous) / 16,
    );
    await untilDue(pending.due);
    return payload;
  });
}

/** How late a timer may fire on a busy event loop: the work begins this much earlier still. */
const TIMER_LATENESS_MS = 2;

/** When each call arrived at the gate. */
const arrivals = new WeakMap<FastifyRequest, number>();

/** When each call's answer is due, its route, and when its own work began. */
const answerDue = new WeakMap<FastifyRequest, { due: number; route: string; workFrom: number }>();

/**
 * The items a call carries: the length of the list beside RequestInfo (projects, employees, bulk mappings
 * and facilities, id requests). Searches are priced as one query whatever their criteria hold: DIGIT
 * answers them with one indexed database query, and what they return is bounded by their page.
 */
export function itemCount(path: string, body: unknown): number {
  if (path.endsWith('/_search') || typeof body !== 'object' || body === null) return 0;
  for (const [key, value] of Object.entries(body)) {
    if (key !== 'RequestInfo' && Array.isArray(value)) return value.length;
  }
  return 0;
}

/** Error faults, answered once the call has been delayed by its latency. */
const beforeApply = new WeakMap<FastifyRequest, FaultRule>();

/** Faults that strike after the service applied the call. */
const afterApply = new WeakMap<FastifyRequest, FaultRule>();

/** Positions of a bulk create's items that `drop-items` faults struck. */
const droppedByFault = new WeakMap<FastifyRequest, ReadonlySet<number>>();

/** The items of this bulk create that its processing must drop for a `drop-items` fault, by position. */
export function itemsDroppedByFault(request: FastifyRequest): ReadonlySet<number> {
  return droppedByFault.get(request) ?? new Set();
}

/**
 * Faults that leave the call applied: held past the caller's timeout before the service runs it, or its
 * answer lost (the socket is destroyed instead) or replaced by a gateway's 502/504, as when a proxy gives
 * up on an upstream that did the work.
 */
function installAfterApplyFaults(app: FastifyInstance, context: GateContext): void {
  app.addHook('preHandler', async (request) => {
    const fault = afterApply.get(request);
    if (fault?.kind !== 'late-apply') return;
    afterApply.delete(request);
    // The caller gives up meanwhile; the call is applied all the same and its answer goes nowhere.
    await holdFor(context, fault.holdMs ?? 20_000);
  });
  app.addHook('onSend', async (request, reply, payload) => {
    const fault = afterApply.get(request);
    if (!fault) return payload;
    afterApply.delete(request);
    if (fault.kind === 'lost-answer') {
      request.raw.socket.destroy();
      return payload;
    }
    const status = fault.status ?? 502;
    reply.code(status);
    return JSON.stringify(
      errorEnvelope([
        {
          code: status === 504 ? 'GATEWAY_TIMEOUT' : 'BAD_GATEWAY',
          message: fault.message ?? `Injected gateway failure ${status} after the call was applied`,
          description: null,
          params: null,
        },
      ]),
    );
  });
}

async function holdFor(context: GateContext, ms: number): Promise<void> {
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      context.held.delete(timer);
      resolve();
    }, ms);
    context.held.add(timer);
  });
}

/**
 * The first rule that applies to this call; counted rules are spent as they hit. `drop-items` rules are
 * left to the items of the call (pickDroppedItems).
 */
export function pickFault(rules: FaultRule[], path: string, random: Random): FaultRule | null {
  for (const rule of rules) {
    if (rule.kind !== 'drop-items' && hits(rule, path, random)) return rule;
  }
  return null;
}

/** Positions among a bulk create's `items` that a `drop-items` rule strikes, each by the first that applies. */
export function pickDroppedItems(
  rules: FaultRule[],
  path: string,
  items: number,
  random: Random,
): Set<number> {
  const dropped = new Set<number>();
  const dropRules = rules.filter((rule) => rule.kind === 'drop-items');
  if (dropRules.length === 0) return dropped;
  for (let index = 0; index < items; index++) {
    if (dropRules.some((rule) => hits(rule, path, random))) dropped.add(index);
  }
  return dropped;
}

/** Whether a rule strikes this call or item; a counted rule is spent as it hits. */
function hits(rule: FaultRule, path: string, random: Random): boolean {
  if (rule.path !== undefined && rule.path !== path) return false;
  if (rule.count !== undefined) {
    if (rule.count <= 0) return false;
    rule.count--;
    return true;
  }
  return rule.rate !== undefined && random.next() < rule.rate;
}

export function pathOf(url: string): string {
  const at = url.indexOf('?');
  return at < 0 ? url : url.slice(0, at);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Waits until `due` (performance.now()'s clock). A timer counts whole milliseconds of the event loop's own
 * clock, so it can fire up to a millisecond before the time asked for: it is set again until due has come.
 */
async function untilDue(due: number): Promise<void> {
  for (let left = due - performance.now(); left > 0; left = due - performance.now())
    await sleep(Math.ceil(left));
}
