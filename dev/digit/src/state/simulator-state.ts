// Everything the simulator holds: seed data (boundaries, project types, product variants), the entities
// the services created, and the behaviour settings that shape how they answer.
import {
  defaultBehaviour,
  applyBehaviourPatch,
  type Behaviour,
  type BehaviourPatch,
  type ServiceName,
} from '../behaviour.ts';
import type { BoundaryHierarchy } from '../seed/hierarchy.ts';
import type { ProductVariant } from '../seed/product-variants.ts';
import type { SeedProjectType } from '../seed/project-types.ts';
import type { DroppedItem } from './dropped-items.ts';
import { EmployeeStore } from './employees.ts';
import { FacilityStore } from './facilities.ts';
import { FileStore } from './files.ts';
import { IdSequences } from './id-sequences.ts';
import { MappingStore, type Mapping } from './mappings.ts';
import { ProjectStore } from './projects.ts';
import { VisibilityClock } from './records.ts';

export interface SeedData {
  hierarchies: BoundaryHierarchy[];
  projectTypes: SeedProjectType[];
  productVariants: ProductVariant[];
}

export type EntityKind =
  'project' | 'facility' | 'employee' | 'projectStaff' | 'projectFacility' | 'projectResource';

const SERVICE_OF_KIND: Record<EntityKind, ServiceName> = {
  project: 'project',
  facility: 'facility',
  employee: 'hrms',
  projectStaff: 'project',
  projectFacility: 'project',
  projectResource: 'project',
};

export class SimulatorState {
  readonly hierarchies = new Map<string, BoundaryHierarchy>();
  readonly projectTypes: SeedProjectType[];
  readonly productVariants = new Map<string, ProductVariant>();
  readonly projects = new ProjectStore();
  readonly facilities = new FacilityStore();
  readonly employees = new EmployeeStore();
  readonly projectStaff = new MappingStore((m) => String(m.userId));
  readonly projectFacilities = new MappingStore((m) => String(m.facilityId));
  readonly projectResources = new MappingStore((m) => productVariantOf(m));
  readonly files = new FileStore();
  readonly ids = new IdSequences();
  /** Items of bulk creates left out for being invalid, oldest first. */
  readonly droppedItems: DroppedItem[] = [];
  /** Items of bulk creates accepted and not processed yet. */
  queuedItems = 0;
  behaviour: Behaviour;
  private readonly initialBehaviour: BehaviourPatch;
  private readonly clocks = new Map<EntityKind, VisibilityClock>();
  /**
   * Counts a service's push of the message saving `items` items created on `route`, `bytes` long: the
   * simulator points it at its call counters.
   */
  pushed: (service: ServiceName, route: string, items: number, bytes: number) => void = () => {};
  /** Work scheduled for later (deferred deletes), cancelled on reset and stop. */
  readonly timers = new Set<NodeJS.Timeout>();

  constructor(seed: SeedData, behaviour: BehaviourPatch = {}) {
    for (const hierarchy of seed.hierarchies) {
      this.hierarchies.set(hierarchyKey(hierarchy.tenantId, hierarchy.hierarchyType), hierarchy);
    }
    this.projectTypes = seed.projectTypes;
    for (const variant of seed.productVariants) this.productVariants.set(variant.id, variant);
    this.initialBehaviour = structuredClone(behaviour);
    this.behaviour = applyBehaviourPatch(defaultBehaviour(), structuredClone(behaviour));
  }

  hierarchy(tenantId: string, hierarchyType: string): BoundaryHierarchy | undefined {
    return this.hierarchies.get(hierarchyKey(tenantId, hierarchyType));
  }

  /** The boundary with this code in any hierarchy of the tenant. */
  boundary(tenantId: string, code: string): { boundaryType: string } | undefined {
    for (const hierarchy of this.hierarchies.values()) {
      if (hierarchy.tenantId !== tenantId) continue;
      const entry = hierarchy.byCode.get(code);
      if (entry) return entry.node;
    }
    return undefined;
  }

  /** When an entity of this kind created now becomes visible to search. */
  visibleAt(kind: EntityKind, now: number): number {
    let clock = this.clocks.get(kind);
    if (!clock) {
      clock = new VisibilityClock();
      this.clocks.set(kind, clock);
    }
    return clock.stamp(this.behaviour[SERVICE_OF_KIND[kind]].visibilityDelayMs, now);
  }

  /** Runs `work` once the service's visibility delay has passed (asynchronous processing). */
  later(service: ServiceName, work: () => void): void {
    const delay = this.behaviour[service].visibilityDelayMs;
    if (delay <= 0) {
      work();
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      work();
    }, delay);
    timer.unref();
    this.timers.add(timer);
  }

  /** Forgets every created entity and file, restarts id sequences, and restores the start behaviour. */
  reset(): void {
    this.clearEntities();
    this.behaviour = applyBehaviourPatch(defaultBehaviour(), structuredClone(this.initialBehaviour));
  }

  clearEntities(): void {
    this.cancelTimers();
    this.projects.clear();
    this.facilities.clear();
    this.employees.clear();
    this.projectStaff.clear();
    this.projectFacilities.clear();
    this.projectResources.clear();
    this.files.clear();
    this.droppedItems.length = 0;
    this.queuedItems = 0;
    // Id sequences live on, as DIGIT's database sequences do: a number is never handed out twice.
    this.clocks.clear();
  }

  cancelTimers(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}

export const hierarchyKey = (tenantId: string, hierarchyType: string): string =>
  `${tenantId}|${hierarchyType}`;

function productVariantOf(mapping: Mapping): string {
  const resource = mapping.resource;
  if (typeof resource === 'object' && resource !== null && 'productVariantId' in resource) {
    return String(resource.productVariantId);
  }
  return '';
}
