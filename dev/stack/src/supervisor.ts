import {
  exitReason,
  logTail,
  spawnService,
  stopService,
  waitUntilReady,
  type ServiceProcess,
  type SpawnOptions,
} from './services.ts';

/** What a supervisor reports about its service after the first start. */
export type SupervisionEvent =
  | { kind: 'exited'; name: string; reason: string; logTail: string; restartInMs: number; restarts: number }
  | { kind: 'restart-failed'; name: string; error: string; restartInMs: number; restarts: number }
  | { kind: 'ready-again'; name: string; restarts: number };

export interface SupervisorOptions extends SpawnOptions {
  onEvent(event: SupervisionEvent): void;
  /** First restart delay, doubled after each crash up to `maxBackoffMs`, as Kubernetes' CrashLoopBackOff. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Up-time after which a service counts as healthy again and the backoff starts over. */
  stableAfterMs?: number;
  readyTimeoutMs?: number;
  /** Abandons the first start: the process is stopped and the start rejects (another service failed). */
  abandon?: AbortSignal;
}

export interface SupervisedService {
  readonly name: string;
  /** The process running now (or the last one while it is down). */
  readonly current: ServiceProcess;
  readonly up: boolean;
  readonly restarts: number;
  stop(): Promise<void>;
}

function readyUnlessAbandoned(
  service: ServiceProcess,
  timeoutMs: number,
  options: SupervisorOptions,
): Promise<void> {
  const { abandon, name } = options;
  return new Promise<void>((resolve, reject) => {
    const abandoned = () => reject(new Error(`${name}: start abandoned`));
    if (abandon?.aborted) return abandoned();
    abandon?.addEventListener('abort', abandoned, { once: true });
    waitUntilReady(service, timeoutMs)
      .then(resolve, reject)
      .finally(() => abandon?.removeEventListener('abort', abandoned));
  });
}

/**
 * Starts a service and keeps it running like Kubernetes would: a first start that fails rejects at once
 * (with the service's name and log), a later death is reported with its exit reason and log and followed
 * by a restart after an exponential backoff.
 */
export async function superviseService(options: SupervisorOptions): Promise<SupervisedService> {
  const backoffMs = options.backoffMs ?? 1000;
  const maxBackoffMs = options.maxBackoffMs ?? 30_000;
  const stableAfterMs = options.stableAfterMs ?? 60_000;
  const readyTimeoutMs = options.readyTimeoutMs ?? 90_000;
  let current = await spawnService(options);
  try {
    await readyUnlessAbandoned(current, readyTimeoutMs, options);
  } catch (error) {
    await stopService(current, 5000);
    throw error;
  }
  let up = true;
  let restarts = 0;
  let stopping = false;
  let crashesInARow = 0;
  let startedAt = Date.now();
  let wake: (() => void) | undefined;
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const watch = async (): Promise<void> => {
    for (;;) {
      const code = await current.exited;
      up = false;
      if (stopping) return;
      crashesInARow = Date.now() - startedAt >= stableAfterMs ? 1 : crashesInARow + 1;
      let delay = Math.min(backoffMs * 2 ** (crashesInARow - 1), maxBackoffMs);
      options.onEvent({
        kind: 'exited',
        name: options.name,
        reason: exitReason(code),
        logTail: await logTail(current),
        restartInMs: delay,
        restarts,
      });
      for (;;) {
        await pause(delay);
        if (stopping) return;
        restarts += 1;
        // The same port again, also when the system chose it: the URLs printed at start stay right.
        current = await spawnService({ ...options, port: current.port || options.port });
        startedAt = Date.now();
        if (stopping) {
          await stopService(current, 5000);
          return;
        }
        try {
          await waitUntilReady(current, readyTimeoutMs);
          break;
        } catch (error) {
          await stopService(current, 5000);
          if (stopping) return;
          crashesInARow += 1;
          delay = Math.min(backoffMs * 2 ** (crashesInARow - 1), maxBackoffMs);
          options.onEvent({
            kind: 'restart-failed',
            name: options.name,
            error: (error as Error).message,
            restartInMs: delay,
            restarts,
          });
        }
      }
      up = true;
      options.onEvent({ kind: 'ready-again', name: options.name, restarts });
    }
  };
  const watching = watch();

  return {
    name: options.name,
    get current() {
      return current;
    },
    get up() {
      return up;
    },
    get restarts() {
      return restarts;
    },
    stop: async () => {
      stopping = true;
      wake?.();
      await stopService(current);
      await watching;
    },
  };
}
