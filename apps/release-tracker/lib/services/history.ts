import type { Queryable } from '../db/client';
import { stepHistory, type HistoryAction, type StepStatus } from '../db/schema';

export interface HistoryEvent {
  customerStepId: number;
  action: HistoryAction;
  fromStatus?: StepStatus | null;
  toStatus?: StepStatus | null;
  detail?: string | null;
}

export async function recordHistory(
  db: Queryable,
  operator: string,
  events: readonly HistoryEvent[],
): Promise<void> {
  if (events.length === 0) return;
  await db.insert(stepHistory).values(events.map((event) => ({ ...event, operator })));
}
