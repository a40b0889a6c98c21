/**
 * When each milestone of a service's start was reached, in milliseconds since the process started: `load`
 * is when its code was loaded (the clock made), the others as marked. A restart's time can then be read
 * from its 'service ready' line.
 */
export class StartupClock {
  readonly #milestones: Record<string, number> = { load: Math.round(performance.now()) };

  mark(milestone: string): void {
    this.#milestones[milestone] = Math.round(performance.now());
  }

  milestones(): Record<string, number> {
    return { ...this.#milestones };
  }
}
