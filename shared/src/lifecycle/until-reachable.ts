import type { Logger } from '../logging/logger.ts';
import { backoffDelay, sleep } from '../retry/backoff.ts';

/**
 * Runs a start-up step that needs another service (Kafka, the schema registry) again until it succeeds
 * or `withinMs` has passed. A process started while its broker restarts waits for it: exiting would cost
 * a whole new start, and in Kubernetes a crash-loop back-off on top.
 */
export async function untilReachable<T>(
  what: string,
  step: () => Promise<T>,
  options: { withinMs: number; logger: Logger },
): Promise<T> {
  const deadline = Date.now() + options.withinMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      if (Date.now() >= deadline) throw error;
      options.logger.warn({ err: error, attempt }, `${what} not reachable yet, trying again`);
      await sleep(100 + backoffDelay(attempt, { baseMs: 200, maxMs: 2000 }));
    }
  }
}
