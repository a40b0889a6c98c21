// Waiting in tests for work that runs in later turns of the event loop.

/** Lets `count` turns of the microtask queue pass. */
export async function microtasks(count: number): Promise<void> {
  for (let turn = 0; turn < count; turn++) await Promise.resolve();
}

/** Whether `condition` holds within `timeoutMs`, looked at every 5 ms. */
export async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
  return condition();
}
