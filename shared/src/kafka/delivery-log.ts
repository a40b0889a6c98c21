// Durable record, kept in PostgreSQL, of the message each consumer is handling and of the fatal crashes
// (out of memory, an abort) of processes that were handling it, so that a message whose handling kills
// the process is recognised after the restart instead of being handled, and killing the consumer,
// forever. A process killed from outside (eviction, a node lost) leaves no crash report and charges
// nothing: the message it was handling is not to blame.
import type { Queryable } from '../db/database.ts';

export interface DeliveryKey {
  groupId: string;
  topic: string;
  partition: number;
  offset: string;
}

export interface DeliveryLog {
  /** Records that `process` starts handling the message; answers the fatal crashes charged to it so far. */
  started(key: DeliveryKey, process: string): Promise<number>;
  /** Handling ended (handled, dead-lettered, or left for redelivery by a consumer stopping). */
  ended(key: DeliveryKey): Promise<void>;
  /** Charges a fatal crash of `process` to the messages it was handling; answers them. */
  chargeCrash(process: string): Promise<DeliveryKey[]>;
  /** Forgets what an earlier process of the same name was handling (it ended without a crash report). */
  release(process: string): Promise<void>;
}

/**
 * A row per message being handled (several of a partition may be), kept while it carries a crash and
 * removed once the message is handled.
 */
export function postgresDeliveryLog(db: Queryable): DeliveryLog {
  return {
    async started({ groupId, topic, partition, offset }, process) {
      const { rows } = await db.query<{ crashes: number }>(
        `INSERT INTO consumer_delivery AS delivery
           (group_id, topic, partition, message_offset, handled_by, handling, crashes)
         VALUES ($1, $2, $3, $4, $5, true, 0)
         ON CONFLICT (group_id, topic, partition, message_offset) DO UPDATE
           SET handled_by = EXCLUDED.handled_by, handling = true
         RETURNING crashes`,
        [groupId, topic, partition, offset, process],
      );
      return rows[0]?.crashes ?? 0;
    },
    async ended({ groupId, topic, partition, offset }) {
      await db.query(
        `DELETE FROM consumer_delivery
         WHERE group_id = $1 AND topic = $2 AND partition = $3 AND message_offset = $4`,
        [groupId, topic, partition, offset],
      );
    },
    async chargeCrash(process) {
      const { rows } = await db.query<DeliveryKey>(
        `UPDATE consumer_delivery SET crashes = crashes + 1, handling = false
         WHERE handled_by = $1 AND handling
         RETURNING group_id AS "groupId", topic, partition, message_offset::text AS "offset"`,
        [process],
      );
      return rows;
    },
    async release(process) {
      await db.query(`UPDATE consumer_delivery SET handling = false WHERE handled_by = $1 AND handling`, [
        process,
      ]);
    },
  };
}
