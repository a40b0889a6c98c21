// kafkajs 2.2.4 keeps a timer armed on every broker connection for as long as it is open: its request queue
// re-schedules its check for pending requests after each check, at a negative delay (that Node runs after
// 1 ms) when nothing is throttled. Every connection of every service thus woke up about a thousand times a
// second with nothing to do: about 4 % of a core per idle service (tulios/kafkajs#1556, still open).
// @ts-expect-error: kafkajs publishes types for its public API only
import RequestQueueClass from 'kafkajs/src/network/requestQueue/index.js';

/** What the check needs of a connection's request queue (kafkajs/src/network/requestQueue). */
interface RequestQueueState {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
}

/** kafkajs' wait between checks of requests that are held back while nothing is throttled. */
const CHECK_PENDING_REQUESTS_INTERVAL_MS = 10;

/**
 * Arms the queue's check only while requests wait in it: until its throttle ends, or soon when they wait
 * for a request in flight (whose answer checks the queue again anyway). A queue with nothing waiting needs
 * no timer: a request pushed later, or an answer, checks it.
 */
function scheduleCheckPendingRequests(this: RequestQueueState): void {
  if (this.throttleCheckTimeoutId || this.pending.length === 0) return;
  const untilUnthrottled = this.throttledUntil - Date.now();
  this.throttleCheckTimeoutId = setTimeout(
    () => {
      this.throttleCheckTimeoutId = null;
      this.checkPendingRequests();
    },
    untilUnthrottled > 0 ? untilUnthrottled : CHECK_PENDING_REQUESTS_INTERVAL_MS,
  );
}

const RequestQueue = RequestQueueClass as unknown as {
  prototype: { scheduleCheckPendingRequests(this: RequestQueueState): void };
};
RequestQueue.prototype.scheduleCheckPendingRequests = scheduleCheckPendingRequests;
