import type { Database, DatabaseClient } from './database.ts';

// Two-key PostgreSQL session advisory locks `(hashtext(space), key)` of one process, all held on one
// connection of its own: when the process dies, or the connection breaks, PostgreSQL frees them at once.
// They never collide with one-key locks (`pg_try_advisory_lock(bigint)`): PostgreSQL keeps the two forms
// in different key spaces.

/** Where a release is announced, for the locks taken to be announced: its payload is the lock's space. */
const RELEASED_CHANNEL = 'session_lock_released';

/** A lock taken by `SessionLocks.tryTake`. */
export interface SessionLock {
  /** False once given back, or once its connection was lost (PostgreSQL freed it then). */
  readonly held: boolean;
  /** Unlocks it; nothing to do when it is given back already or its connection was lost. */
  release(): Promise<void>;
}

interface Session {
  readonly client: DatabaseClient;
  /** Set once the connection is gone: PostgreSQL has freed its locks. */
  lost: boolean;
  /** Keys held per space. A session lock is re-entrant, so the process must not take one it holds. */
  readonly held: Map<string, Set<number>>;
  /** Whether it hears announced releases: only once someone listens for them (onRelease). */
  listening: boolean;
}

/**
 * The server closes the connection of a client that vanished without closing it (its host lost) after
 * about 25 s instead of the kernel's default of hours: its locks would be held until then.
 */
const KEEPALIVES =
  'SET tcp_keepalives_idle = 10; SET tcp_keepalives_interval = 5; SET tcp_keepalives_count = 3';

export class SessionLocks {
  readonly #db: Database;
  #session: Session | undefined;
  /**
   * The session's queries, takes and releases alike, run one after another: two takes at once could both
   * pick a key neither holds yet, and a connection runs one query at a time.
   */
  #turn: Promise<unknown> = Promise.resolve();
  /** Who hears of the announced releases of each space, in any process. */
  readonly #releaseListeners = new Map<string, Set<() => void>>();

  /** `db` is a pool of its own: one of its connections is held for as long as the locks are used. */
  constructor(db: Database) {
    this.#db = db;
  }

  /**
   * Takes the first lock of `space` among `keys`, in their order, that no session holds, skipping those
   * this process holds; none when every one is held. A connection found broken is replaced once. With
   * `announceRelease`, its release is announced to every process listening to the space (onRelease).
   */
  tryTake(
    space: string,
    keys: readonly number[],
    options: { announceRelease?: boolean } = {},
  ): Promise<SessionLock | undefined> {
    return this.#inTurn(async () => {
      for (let attempt = 1; ; attempt++) {
        const session = await this.#connect();
        try {
          return await this.#tryTake(session, space, keys, options.announceRelease === true);
        } catch (error) {
          this.#drop(session);
          if (attempt >= 2) throw error;
        }
      }
    });
  }

  /**
   * Calls `listener` whenever a lock of `space` taken with `announceRelease` is given back, by any process
   * (this one included), while this process's connection is up: a process waiting for one of them takes
   * it then instead of at its next look. The connection listens from the first listener on; a process's
   * locks nobody listens for (its chunk runs') hear nothing.
   */
  onRelease(space: string, listener: () => void): void {
    const listeners = this.#releaseListeners.get(space) ?? new Set();
    listeners.add(listener);
    this.#releaseListeners.set(space, listeners);
    const session = this.#session;
    if (session && !session.lost && !session.listening)
      void this.#inTurn(() => this.#listen(session)).catch(() => this.#drop(session));
  }

  /**
   * Opens the session's connection now, so the first lock does not wait for PostgreSQL to start a
   * connection (100-150 ms on a busy machine, on the path of a campaign's first chunks).
   */
  async open(): Promise<void> {
    await this.#inTurn(() => this.#connect());
  }

  /** Ends the connection once the queries under way are done: PostgreSQL frees whatever locks it holds. */
  async close(): Promise<void> {
    await this.#turn;
    if (this.#session) this.#drop(this.#session);
  }

  #inTurn<T>(work: () => Promise<T>): Promise<T> {
    const turn = this.#turn.then(work);
    this.#turn = turn.catch(() => undefined);
    return turn;
  }

  async #tryTake(
    session: Session,
    space: string,
    keys: readonly number[],
    announceRelease: boolean,
  ): Promise<SessionLock | undefined> {
    const held = session.held.get(space) ?? new Set<number>();
    const candidates = keys.filter((key) => !held.has(key));
    if (candidates.length === 0) return undefined;
    // Without ORDER BY the rows are filtered in the array's order and LIMIT stops at the first lock
    // taken: no other key is tried.
    const { rows } = await session.client.query<{ key: number }>(
      `SELECT key FROM unnest($2::integer[]) AS key
       WHERE pg_try_advisory_lock(hashtext($1), key)
       LIMIT 1`,
      [space, candidates],
    );
    const key = rows[0]?.key;
    if (key === undefined) return undefined;
    session.held.set(space, held.add(key));
    return this.#lock(session, space, key, announceRelease);
  }

  #lock(session: Session, space: string, key: number, announceRelease: boolean): SessionLock {
    // The announcement is sent when the unlock commits: whoever hears it finds the lock free.
    const unlock = announceRelease
      ? `SELECT pg_advisory_unlock(hashtext($1), $2), pg_notify('${RELEASED_CHANNEL}', $1)`
      : 'SELECT pg_advisory_unlock(hashtext($1), $2)';
    let released = false;
    return {
      get held() {
        return !released && !session.lost;
      },
      release: async () => {
        if (released || session.lost) return;
        released = true;
        await this.#inTurn(async () => {
          if (session.lost) return;
          try {
            await session.client.query(unlock, [space, key]);
            // Forgotten only once unlocked: a take meanwhile must not lock it a second time.
            session.held.get(space)?.delete(key);
          } catch {
            // Whether it is still held is unknown: ending the connection frees it for sure.
            this.#drop(session);
          }
        });
      },
    };
  }

  /** The current session, or a new one once it is lost; only takes call it, one at a time. */
  async #connect(): Promise<Session> {
    if (this.#session && !this.#session.lost) return this.#session;
    const client = await this.#db.connect();
    const session: Session = { client, lost: false, held: new Map(), listening: false };
    const lose = () => this.#drop(session);
    client.on('error', lose);
    client.on('end', lose);
    client.on('notification', (notice) => {
      if (notice.channel !== RELEASED_CHANNEL) return;
      for (const listener of this.#releaseListeners.get(notice.payload ?? '') ?? []) listener();
    });
    try {
      await client.query(KEEPALIVES);
      if (this.#releaseListeners.size > 0) await this.#listen(session);
    } catch (error) {
      lose();
      throw error;
    }
    this.#session = session;
    return session;
  }

  /** Hears announced releases on the session's connection from now on. */
  async #listen(session: Session): Promise<void> {
    await session.client.query(`LISTEN ${RELEASED_CHANNEL}`);
    session.listening = true;
  }

  /** Ends a session: its locks are free and its slots' releases do nothing. */
  #drop(session: Session): void {
    if (session.lost) return;
    session.lost = true;
    if (this.#session === session) this.#session = undefined;
    session.client.release(true);
  }
}
