/**
 * Puts `entry` into `queue` after every entry of the same or a lower order and before the higher ones:
 * the lowest order is served first, and among equals the first to come.
 */
export function enqueueByOrder<T extends { order: number }>(queue: T[], entry: T): void {
  let at = queue.length;
  while (at > 0 && (queue[at - 1] as T).order > entry.order) at--;
  queue.splice(at, 0, entry);
}
