import { describe, expect, it } from '@jest/globals';
// @ts-expect-error: kafkajs publishes types for its public API only
import RequestQueueClass from 'kafkajs/src/network/requestQueue/index.js';
import '../src/index.ts';

/** The part of kafkajs' per-connection request queue these tests drive: the one every client uses. */
interface RequestQueue {
  pending: unknown[];
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  push(pushed: PushedRequest): void;
  fulfillRequest(answer: { correlationId: number; payload: Buffer; size: number }): void;
  maybeThrottle(ms: number): void;
  checkPendingRequests(): void;
  destroy(): void;
}

interface PushedRequest {
  entry: { correlationId: number };
  expectResponse: boolean;
  sendRequest(): void;
}

const silent = { debug() {}, info() {}, warn() {}, error() {} };

function requestQueue(maxInFlightRequests: number): RequestQueue {
  const Queue = RequestQueueClass as unknown as new (options: object) => RequestQueue;
  return new Queue({
    maxInFlightRequests,
    requestTimeout: 30_000,
    enforceRequestTimeout: false,
    clientId: 'test',
    broker: 'localhost:9092',
    logger: silent,
  });
}

/** A Metadata request as a connection pushes it; `sent` records when it goes out. */
function request(correlationId: number, sent: number[]): PushedRequest {
  const entry = { apiKey: 3, apiName: 'Metadata', apiVersion: 6, correlationId, resolve() {}, reject() {} };
  return { entry, expectResponse: true, sendRequest: () => sent.push(correlationId) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("a broker connection's request queue", () => {
  it('has no timer armed and checks nothing while no request waits', async () => {
    const queue = requestQueue(5);
    const sent: number[] = [];
    queue.push(request(1, sent));
    queue.fulfillRequest({ correlationId: 1, payload: Buffer.alloc(0), size: 0 });
    let checks = 0;
    const check = queue.checkPendingRequests.bind(queue);
    queue.checkPendingRequests = () => {
      checks++;
      check();
    };
    await sleep(50);
    expect(sent).toEqual([1]);
    // kafkajs as published checks the empty queue about every millisecond.
    expect(checks).toBe(0);
    expect(queue.throttleCheckTimeoutId === null).toBe(true);
    queue.destroy();
  });

  it('sends a request held back by a throttle once the throttle ends', async () => {
    const queue = requestQueue(5);
    const sent: number[] = [];
    queue.maybeThrottle(30);
    queue.push(request(1, sent));
    expect(sent).toEqual([]);
    expect(queue.pending).toHaveLength(1);
    await sleep(80);
    expect(sent).toEqual([1]);
    expect(queue.pending).toHaveLength(0);
    expect(queue.throttleCheckTimeoutId === null).toBe(true);
    queue.destroy();
  });

  it('sends a request that waits for a free place in flight when an answer frees one', () => {
    const queue = requestQueue(1);
    const sent: number[] = [];
    queue.push(request(1, sent));
    queue.push(request(2, sent));
    expect(sent).toEqual([1]);
    queue.fulfillRequest({ correlationId: 1, payload: Buffer.alloc(0), size: 0 });
    expect(sent).toEqual([1, 2]);
    queue.destroy();
  });
});
