import { describe, expect, it } from '@jest/globals';
import { OutboxRelay, Topic, createLogger, type Database, type Publisher } from '../src/index.ts';
import { microtasks, until } from './support/turns.ts';

interface OutboxRow {
  id: string;
  topic: string;
  message_key: string;
  payload: object;
}

/**
 * The outbox table as the relay queries it, in memory: its rows, what was published, and a hook run
 * when a transaction commits (its answer read together with a notification of new rows).
 */
class MemoryOutbox {
  rows: OutboxRow[] = [];
  readonly published: string[] = [];
  onNextCommit: (() => void) | undefined;

  readonly database = {
    connect: async () => ({
      on: () => undefined,
      release: () => undefined,
      query: async (sql: string, params: unknown[] = []) => this.#query(sql, params),
    }),
  } as unknown as Database;

  readonly publisher = {
    publish: async (_topic: string, messages: { key: string }[]) => {
      this.published.push(...messages.map((message) => message.key));
    },
  } as unknown as Publisher;

  #query(sql: string, params: unknown[]): { rows: OutboxRow[] } {
    if (sql.startsWith('SELECT id')) return { rows: this.rows.slice(0, params[0] as number) };
    if (sql.startsWith('DELETE')) {
      const ids = params[0] as string[];
      this.rows = this.rows.filter((row) => !ids.includes(row.id));
    }
    if (sql === 'COMMIT') {
      const next = this.onNextCommit;
      this.onNextCommit = undefined;
      next?.();
    }
    return { rows: [] };
  }
}

describe('the outbox relay', () => {
  it('publishes a message announced while it finishes a run, whenever the announcement lands', async () => {
    // The poll is far off: only the announcement can have the message published in time.
    for (let turns = 0; turns <= 30; turns++) {
      const outbox = new MemoryOutbox();
      const relay = new OutboxRelay(outbox.database, outbox.publisher, createLogger('test', 'silent'), {
        pollMs: 60_000,
      });
      // The first run finds the outbox empty; a message is committed and announced as it ends.
      outbox.onNextCommit = () => {
        void microtasks(turns).then(() => {
          outbox.rows.push({ id: '1', topic: Topic.stepProject, message_key: 'announced', payload: {} });
          relay.wake();
        });
      };
      await relay.start();
      const published = await until(() => outbox.published.includes('announced'), 1000);
      await relay.stop();
      expect({ turns, published }).toEqual({ turns, published: true });
    }
  });
});
