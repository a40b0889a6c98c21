import type { StepStatus } from '../db/schema';

// A reverted step can be done again; a done step is undone by reverting it, not by skipping it.
const allowed: Record<StepStatus, readonly StepStatus[]> = {
  pending: ['done', 'skipped'],
  done: ['reverted'],
  skipped: ['done', 'pending'],
  reverted: ['done', 'skipped', 'pending'],
};

export function canTransition(from: StepStatus, to: StepStatus): boolean {
  return allowed[from].includes(to);
}

/** Why the change is refused, or null when it is allowed. */
export function transitionProblem(from: StepStatus, to: StepStatus): string | null {
  if (canTransition(from, to)) return null;
  const options = allowed[from].join(', ');
  return `A ${from} step cannot become ${to} (from ${from} it can become: ${options})`;
}
