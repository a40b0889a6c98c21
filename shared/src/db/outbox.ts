import type pg from 'pg';
import type { Logger } from '../logging/logger.ts';
import type { Publisher } from '../kafka/publisher.ts';
import type { AvroTopic } from '../kafka/topology.ts';
import { jsonb, type Database } from './database.ts';

type Queryable = Pick<pg.ClientBase, 'query'>;

export interface OutboxMessage {
  topic: AvroTopic;
  key: string;
  value: object;
}

const CHANNEL = 'campaign_outbox';

/**
 * Writes messages in the caller's transaction, so they are published if and only if the state they
 * announce is committed.
 */
export async function enqueueMessages(client: Queryable, messages: OutboxMessage[]): Promise<void> {
  if (messages.length === 0) return;
  await client.query(
    `INSERT INTO outbox (topic, message_key, payload)
     SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[])`,
    [messages.map((m) => m.topic), messages.map((m) => m.key), messages.map((m) => jsonb(m.value))],
  );
  await client.query(`SELECT pg_notify('${CHANNEL}', '')`);
}

/**
 * Publishes committed outbox rows and deletes them. Several relays may run (replicas): each batch is
 * locked with SKIP LOCKED. A crash between publishing and deleting publishes a batch again, which the
 * idempotent consumers absorb.
 */
export class OutboxRelay {
  readonly #db: Database;
  readonly #publisher: Publisher;
  readonly #logger: Logger;
  readonly #batchSize: number;
  readonly #pollMs: number;
  #listener: pg.PoolClient | undefined;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #stopped = false;

  constructor(
    db: Database,
    publisher: Publisher,
    logger: Logger,
    options: { batchSize?: number; pollMs?: number } = {},
  ) {
    this.#db = db;
    this.#publisher = publisher;
    this.#logger = logger.child({ component: 'outbox' });
    this.#batchSize = options.batchSize ?? 500;
    this.#pollMs = options.pollMs ?? 1000;
  }

  async start(): Promise<void> {
    this.#timer = setInterval(() => this.wake(), this.#pollMs);
    await this.#listen();
    this.wake();
  }

  /** LISTEN for low latency; the poll keeps publishing while the listening connection is being replaced. */
  async #listen(): Promise<void> {
    const listener = await this.#db.connect();
    this.#listener = listener;
    listener.on('notification', () => this.wake());
    listener.on('error', (error) => {
      this.#logger.warn({ err: error }, 'outbox listener connection lost');
      listener.release(error);
      this.#listener = undefined;
      if (!this.#stopped) setTimeout(() => void this.#listen().catch(() => undefined), this.#pollMs);
    });
    await listener.query(`LISTEN ${CHANNEL}`);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    await this.#running;
    if (this.#listener) {
      await this.#listener.query(`UNLISTEN ${CHANNEL}`).catch(() => undefined);
      this.#listener.release();
    }
  }

  /** Publishes everything pending now; resolves when the outbox was empty at least once. */
  async drain(): Promise<void> {
    while (await this.#publishBatch()) {
      // keep going until a batch comes back empty
    }
  }

  wake(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = (async () => {
      do {
        this.#again = false;
        try {
          await this.drain();
        } catch (error) {
          this.#logger.warn({ err: error }, 'publishing the outbox failed; retrying on the next poll');
        }
      } while (this.#again && !this.#stopped);
    })().finally(() => {
      this.#running = undefined;
      // Woken after the run last looked, while it was ending: that wake found it running and only
      // asked for another look, which would otherwise wait for the next poll.
      if (this.#again) this.wake();
    });
  }

  async #publishBatch(): Promise<boolean> {
    const client = await this.#db.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{
        id: string;
        topic: AvroTopic;
        message_key: string;
        payload: object;
      }>(`SELECT id, topic, message_key, payload FROM outbox ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`, [
        this.#batchSize,
      ]);
      if (rows.length === 0) {
        await client.query('COMMIT');
        return false;
      }
      const byTopic = new Map<AvroTopic, { key: string; value: object }[]>();
      for (const row of rows) {
        const list = byTopic.get(row.topic) ?? [];
        list.push({ key: row.message_key, value: row.payload });
        byTopic.set(row.topic, list);
      }
      for (const [topic, messages] of byTopic) await this.#publisher.publish(topic, messages);
      await client.query('DELETE FROM outbox WHERE id = ANY($1::bigint[])', [rows.map((row) => row.id)]);
      await client.query('COMMIT');
      return rows.length === this.#batchSize;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
