// The deployment's budget of concurrent calls to a DIGIT service, kept in PostgreSQL (digit_call_slot)
// so that it holds across workers and replicas. A slot is taken in one statement that skips the rows
// other takers have locked; a process that dies mid-call holds its slot only until the lease runs out.
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/database.ts';
import { backoffDelay, sleep, type BackoffPolicy } from '../retry/backoff.ts';
import type { CallBudget, CallSlot } from './call-budget.ts';

export interface PostgresCallBudgetOptions {
  service: string;
  /** Calls the DIGIT service may have in flight from the whole deployment. */
  slots: number;
  /** The process taking slots, as `processName` names it. */
  holder: string;
  /** How long a taken slot stays held if it is never given back: longer than any one attempt. */
  leaseMs: number;
}

/** Delays between looks for a free slot while all are held: short, jittered, bounded. */
const POLL: BackoffPolicy = { baseMs: 5, maxMs: 100 };

export function postgresCallBudget(db: Queryable, options: PostgresCallBudgetOptions): CallBudget {
  const { service, slots, holder, leaseMs } = options;
  if (!Number.isInteger(slots) || slots < 1) throw new Error(`${service}: slots must be >= 1, got ${slots}`);
  let provisioned: Promise<void> | undefined;
  // Each process adds the slots of its limit, once; slots above it, added under a higher one, stay unused.
  const provision = () =>
    (provisioned ??= db
      .query(
        `INSERT INTO digit_call_slot (service, slot)
         SELECT $1, generate_series(1, $2::integer)
         ON CONFLICT DO NOTHING`,
        [service, slots],
      )
      .then(
        () => undefined,
        (error: unknown) => {
          provisioned = undefined;
          throw error;
        },
      ));

  const tryTake = async (lease: string): Promise<boolean> => {
    const { rowCount } = await db.query(
      `UPDATE digit_call_slot AS held
       SET holder = $3, lease = $4, lease_until = now() + $5::integer * interval '1 millisecond'
       FROM (SELECT slot FROM digit_call_slot
             WHERE service = $1 AND slot <= $2 AND (holder IS NULL OR lease_until < now())
             ORDER BY slot
             LIMIT 1
             FOR UPDATE SKIP LOCKED) AS free
       WHERE held.service = $1 AND held.slot = free.slot`,
      [service, slots, holder, lease, leaseMs],
    );
    return rowCount === 1;
  };

  const release = async (lease: string) => {
    // Matched by lease: a slot whose lease ran out and was taken by another call is not freed.
    await db.query(
      `UPDATE digit_call_slot SET holder = NULL, lease = NULL, lease_until = NULL
       WHERE service = $1 AND lease = $2`,
      [service, lease],
    );
  };

  return {
    async take(): Promise<CallSlot> {
      await provision();
      const lease = randomUUID();
      for (let look = 1; !(await tryTake(lease)); look++) {
        await sleep(Math.max(POLL.baseMs, backoffDelay(look, POLL)));
      }
      let released = false;
      return {
        release: async () => {
          if (released) return;
          released = true;
          await release(lease);
        },
      };
    },
  };
}

/** Frees the slots an earlier process of the same name still held when it ended. */
export async function releaseCallSlots(db: Queryable, holder: string): Promise<number> {
  const { rowCount } = await db.query(
    `UPDATE digit_call_slot SET holder = NULL, lease = NULL, lease_until = NULL WHERE holder = $1`,
    [holder],
  );
  return rowCount ?? 0;
}
