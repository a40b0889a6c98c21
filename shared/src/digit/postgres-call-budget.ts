// The deployment's budget of concurrent calls to a DIGIT service, kept in PostgreSQL so that it holds
// across workers and replicas: slot n of service s is the session advisory lock
// (hashtext('digit-call-slot:' || s), n), held on the process's slot connection for one HTTP attempt.
// A process that dies, or whose connection breaks, holds no slot any more: PostgreSQL frees its locks
// when the session ends. A call still in flight on a process whose connection broke has lost its slot,
// so the service may briefly have more calls than the limit until that call ends. A slot's release is
// announced to every process (SessionLocks.onRelease): one waiting for a slot of the service looks again
// at once, whichever process gave it back.
import type { SessionLocks } from '../db/session-locks.ts';
import { backoffDelay, type BackoffPolicy } from '../retry/backoff.ts';
import { enqueueByOrder } from '../retry/ordered-queue.ts';
import type { CallBudget, CallSlot } from './call-budget.ts';

export interface PostgresCallBudgetOptions {
  service: string;
  /** Calls the DIGIT service may have in flight from the whole deployment. */
  slots: number;
  /** Delays between looks for a free slot while all are held and no release is heard of. */
  poll?: BackoffPolicy;
}

/**
 * Delays between looks for a free slot while all are held: releases are announced, so a look in between
 * only finds slots freed unannounced (a process's connection ended) or an announcement missed (this
 * process's connection was being replaced).
 */
const POLL: BackoffPolicy = { baseMs: 5, maxMs: 100 };

interface Waiter {
  order: number;
  resolve: (slot: CallSlot) => void;
  reject: (error: unknown) => void;
}

/**
 * The process's calls wait in line, and only the first looks for a free slot: one query at a time per
 * service and process however many calls wait, and slots go to calls by their order (call-order.ts), in
 * the order they asked among equals. A slot given back, by this process or another, is looked for as soon
 * as its release is heard of.
 */
export function postgresCallBudget(locks: SessionLocks, options: PostgresCallBudgetOptions): CallBudget {
  const { service, slots, poll = POLL } = options;
  if (!Number.isInteger(slots) || slots < 1) throw new Error(`${service}: slots must be >= 1, got ${slots}`);
  const space = `digit-call-slot:${service}`;
  // Each take starts at the next slot, so the processes' takes spread over the slots instead of all
  // trying slot 1 first; the start differs between processes.
  let next = Math.floor(Math.random() * slots);
  const order = () => {
    next = (next + 1) % slots;
    return Array.from({ length: slots }, (_, index) => ((next + index) % slots) + 1);
  };
  const waiting: Waiter[] = [];
  let serving = false;
  let wake: (() => void) | undefined;
  /** A release was heard of since the last look began: look again rather than wait. */
  let released = false;
  const heard = () => {
    released = true;
    wake?.();
  };
  locks.onRelease(space, heard);

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });

  const slotOf = (release: () => Promise<void>): CallSlot => ({
    release: async () => {
      await release();
      heard();
    },
  });

  async function serve(): Promise<void> {
    serving = true;
    try {
      for (let look = 1; waiting.length > 0;) {
        let lock;
        released = false;
        try {
          lock = await locks.tryTake(space, order(), { announceRelease: true });
        } catch (error) {
          waiting.shift()?.reject(error);
          continue;
        }
        if (lock) {
          waiting.shift()?.resolve(slotOf(() => lock.release()));
          look = 1;
          continue;
        }
        if (released) continue;
        await pause(Math.max(poll.baseMs, backoffDelay(look++, poll)));
      }
    } finally {
      serving = false;
    }
  }

  return {
    take(order = 0): Promise<CallSlot> {
      return new Promise<CallSlot>((resolve, reject) => {
        enqueueByOrder(waiting, { order, resolve, reject });
        if (!serving) void serve();
      });
    },
  };
}
