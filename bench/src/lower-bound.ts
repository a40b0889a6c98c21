import { FLOWS, type FlowName, type StepName } from '@campaign-pipeline/shared';

// The fastest any client could set a campaign up against DIGIT, given how DIGIT answers: the fewest calls
// the work needs at each service's batch limits, each call costing the simulator's latency model (a fixed
// part plus a part per item it carries), at most `concurrency` calls in flight per service, steps in the
// flow's order, and steps that use the same service sharing its capacity.

export type DigitServiceName = 'project' | 'facility' | 'hrms';

/** How a DIGIT service answers: a call carrying n items takes fixedMs + n × perItemMs. */
export interface ServiceModel {
  fixedMs: number;
  perItemMs: number;
  concurrency: number;
}

/**
 * Calls of one kind: `items` carried by calls of at most `batch` items each. A search costs its fixed part
 * only (`perItem: false`): DIGIT answers it with one indexed query whatever its id list holds.
 */
export interface CallDemand {
  what: string;
  items: number;
  batch: number;
  perItem?: boolean;
}

/**
 * A step's work on its DIGIT service, in phases that cannot overlap (project creation: a level of the
 * boundary tree only once its parents exist).
 */
export interface StepDemand {
  step: Exclude<StepName, 'end'>;
  service: DigitServiceName;
  phases: CallDemand[][];
}

export interface LowerBound {
  ms: number;
  steps: { step: StepName; startMs: number; ms: number; finishMs: number }[];
  services: { service: DigitServiceName; calls: number; busyMs: number; boundMs: number }[];
}

export function minimalCalls(demand: CallDemand): number {
  return demand.items <= 0 ? 0 : Math.ceil(demand.items / demand.batch);
}

const pricedItems = (demand: CallDemand) => (demand.perItem === false ? 0 : Math.max(0, demand.items));

/** Milliseconds of one call slot the demand occupies in total, with the fewest calls. */
function busyMs(demand: CallDemand, model: ServiceModel): number {
  return minimalCalls(demand) * model.fixedMs + pricedItems(demand) * model.perItemMs;
}

/**
 * A phase takes at least its work spread over all of the service's slots, and at least what its busiest
 * slot must carry: one call's fixed part and a concurrency's share of the items.
 */
function phaseMs(phase: CallDemand[], model: ServiceModel): number {
  const spread = phase.reduce((total, demand) => total + busyMs(demand, model), 0) / model.concurrency;
  const items = phase.reduce((total, demand) => total + pricedItems(demand), 0);
  const calls = phase.reduce((total, demand) => total + minimalCalls(demand), 0);
  const busiestSlot =
    calls === 0 ? 0 : model.fixedMs + Math.ceil(items / model.concurrency) * model.perItemMs;
  return Math.max(spread, busiestSlot);
}

/**
 * The bound: each step alone takes at least the sum of its phases with its service to itself, and starts
 * when the steps it needs have finished (and the one it follows has started); and each service finishes no earlier than the earliest start of a
 * step using it plus all the work of its steps spread over its concurrency. The larger of the two holds.
 */
export function lowerBound(
  flow: FlowName,
  demands: readonly StepDemand[],
  models: Record<DigitServiceName, ServiceModel>,
): LowerBound {
  const demandOf = new Map(demands.map((demand) => [demand.step, demand]));
  const finish = new Map<StepName, number>();
  const steps: LowerBound['steps'] = [];
  for (const entry of FLOWS[flow]) {
    // A step that follows another starts no earlier than it (its chunks then wait for that step's).
    const followedStart = steps.find((step) => step.step === entry.follows)?.startMs ?? 0;
    const startMs = Math.max(followedStart, ...entry.needs.map((need) => finish.get(need) ?? 0));
    const demand = entry.step === 'end' ? undefined : demandOf.get(entry.step);
    const ms = demand
      ? demand.phases.reduce((total, phase) => total + phaseMs(phase, models[demand.service]), 0)
      : 0;
    finish.set(entry.step, startMs + ms);
    steps.push({ step: entry.step, startMs, ms, finishMs: startMs + ms });
  }
  const services = (Object.keys(models) as DigitServiceName[]).map((service) => {
    const own = demands.filter((demand) => demand.service === service);
    const model = models[service];
    const calls = own.flatMap((demand) => demand.phases.flat()).reduce((n, d) => n + minimalCalls(d), 0);
    const busy = own
      .flatMap((demand) => demand.phases.flat())
      .reduce((total, demand) => total + busyMs(demand, model), 0);
    const earliest = Math.min(
      ...own.map((demand) => steps.find((step) => step.step === demand.step)?.startMs ?? 0),
    );
    return {
      service,
      calls,
      busyMs: busy,
      boundMs: own.length === 0 ? 0 : earliest + busy / model.concurrency,
    };
  });
  const ms = Math.max(...steps.map((step) => step.finishMs), ...services.map((service) => service.boundMs));
  return { ms, steps, services };
}
