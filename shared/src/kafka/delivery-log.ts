// Durable count of how many times the handling of a message has started, kept in PostgreSQL, so that a
// message whose handling kills the process (out of memory, a native crash) is recognised after the
// restart instead of being handled, and killing the consumer, forever.
import type { Queryable } from '../db/database.ts';

export interface DeliveryKey {
  groupId: string;
  topic: string;
  partition: number;
  offset: string;
}

export interface DeliveryLog {
  /** Records that handling of the message starts; returns how many times it has started, this one included. */
  started(key: DeliveryKey): Promise<number>;
  /** Takes back a start that ended without a crash (the consumer stopped before handling finished). */
  abandoned(key: DeliveryKey): Promise<void>;
  /**
   * Handling ended: a redelivery of the same offset (the process died before its commit) is no sign that
   * the message kills the process, so it starts counting afresh.
   */
  finished(key: DeliveryKey): Promise<void>;
}

/**
 * One upsert per message: the row of the partition is replaced when the offset moves on, or its count
 * raised when the same offset is delivered again.
 */
export function postgresDeliveryLog(db: Queryable): DeliveryLog {
  return {
    async started({ groupId, topic, partition, offset }) {
      const { rows } = await db.query<{ deliveries: number }>(
        `INSERT INTO consumer_delivery AS delivery (group_id, topic, partition, message_offset, deliveries)
         VALUES ($1, $2, $3, $4, 1)
         ON CONFLICT (group_id, topic, partition) DO UPDATE
           SET deliveries = CASE WHEN delivery.message_offset = EXCLUDED.message_offset
                                 THEN delivery.deliveries + 1 ELSE 1 END,
               message_offset = EXCLUDED.message_offset
         RETURNING deliveries`,
        [groupId, topic, partition, offset],
      );
      return rows[0]?.deliveries ?? 1;
    },
    async abandoned({ groupId, topic, partition, offset }) {
      await db.query(
        `UPDATE consumer_delivery SET deliveries = deliveries - 1
         WHERE group_id = $1 AND topic = $2 AND partition = $3 AND message_offset = $4 AND deliveries > 0`,
        [groupId, topic, partition, offset],
      );
    },
    async finished({ groupId, topic, partition, offset }) {
      await db.query(
        `UPDATE consumer_delivery SET deliveries = 0
         WHERE group_id = $1 AND topic = $2 AND partition = $3 AND message_offset = $4`,
        [groupId, topic, partition, offset],
      );
    },
  };
}
