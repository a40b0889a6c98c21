// A budget of concurrent calls to one DIGIT service. The client takes a slot for each HTTP attempt and
// gives it back when the attempt ends, so the service never has more calls in flight than the budget
// holds, whichever processes make them.

/** A slot taken from a budget, held for one HTTP attempt. */
export interface CallSlot {
  /** Gives the slot back; a second call does nothing. */
  release(): Promise<void>;
}

export interface CallBudget {
  /**
   * Waits until a slot is free and takes it; a process's calls waiting at once get slots by `order`, the
   * lowest first (see call-order.ts), and in the order they asked among equals.
   */
  take(order?: number): Promise<CallSlot>;
}
