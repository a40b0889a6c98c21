// DIGIT services simulator: start it embedded (tests, the development stack, benchmarks) or through main.ts.
import type { AddressInfo } from 'node:net';
import { applyBehaviourPatch, type Behaviour, type BehaviourPatch } from './behaviour.ts';
import { CallCounters } from './http/counters.ts';
import { buildServer } from './http/server.ts';
import { SimulatorClient } from './inspection/client.ts';
import { createRandom } from './seed/random.ts';
import { generateSeed, type SeedOptions } from './seed/seed.ts';
import type { BoundaryHierarchy } from './seed/hierarchy.ts';
import type { ProductVariant } from './seed/product-variants.ts';
import type { SeedProjectType } from './seed/project-types.ts';
import { SimulatorState } from './state/simulator-state.ts';

export interface DigitSimulatorOptions {
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  seed?: SeedOptions;
  behaviour?: BehaviourPatch;
  /** Seed of the random source behind fault rates and latency jitter. */
  randomSeed?: number;
  /** Id sequences (idgen, project numbers, ...) continue after this value; default 0. */
  idSequenceStart?: number;
  log?: boolean;
}

export interface DigitSimulator {
  url: string;
  port: number;
  hierarchy: BoundaryHierarchy;
  projectTypes: SeedProjectType[];
  productVariants: ProductVariant[];
  /** Direct access to the in-memory state, for assertions that need more than the /_sim API. */
  state: SimulatorState;
  client: SimulatorClient;
  setBehaviour(patch: BehaviourPatch): Behaviour;
  /** Forgets created entities and counters; restores the start behaviour. */
  reset(): void;
  stop(): Promise<void>;
}

export async function startDigitSimulator(options: DigitSimulatorOptions = {}): Promise<DigitSimulator> {
  const seed = generateSeed(options.seed);
  const state = new SimulatorState(seed, options.behaviour);
  if (options.idSequenceStart) state.ids.startAfter(options.idSequenceStart);
  const counters = new CallCounters();
  state.pushed = (service, route, items, bytes) => counters.push(service, route, items, bytes);
  const held = new Set<NodeJS.Timeout>();
  const app = await buildServer({
    state,
    counters,
    random: createRandom(options.randomSeed ?? 1),
    held,
    log: options.log ?? false,
  });
  const host = options.host ?? '127.0.0.1';
  await app.listen({ host, port: options.port ?? 0 });
  const port = (app.server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const hierarchy = seed.hierarchies[0];
  if (!hierarchy) throw new Error('seed without a hierarchy');
  return {
    url,
    port,
    hierarchy,
    projectTypes: seed.projectTypes,
    productVariants: seed.productVariants,
    state,
    client: new SimulatorClient(url),
    setBehaviour: (patch) => applyBehaviourPatch(state.behaviour, patch),
    reset: () => {
      state.reset();
      counters.reset();
    },
    stop: async () => {
      for (const timer of held) clearTimeout(timer);
      held.clear();
      state.cancelTimers();
      await app.close();
    },
  };
}

export * from './behaviour.ts';
export type { CallReport, ServiceCalls } from './http/counters.ts';
export type { DigitErrorEntry, ErrorEnvelope } from './http/envelope.ts';
export { SimulatorClient } from './inspection/client.ts';
export type { DuplicateReport } from './inspection/duplicates.ts';
export type { PlantRequest, PlantResult } from './inspection/plant.ts';
export type { EntityCounts, Listing } from './inspection/routes.ts';
export {
  HIERARCHY_SHAPES,
  ancestryOf,
  campaignBoundaries,
  generateBoundaryHierarchy,
  leavesUnder,
  type BoundaryEntry,
  type BoundaryHierarchy,
  type HierarchyOptions,
  type HierarchySize,
} from './seed/hierarchy.ts';
export { generateProductVariants, type ProductVariant } from './seed/product-variants.ts';
export { generateProjectTypes, type SeedProjectType } from './seed/project-types.ts';
export { createRandom, type Random } from './seed/random.ts';
export { generateSeed, type SeedOptions } from './seed/seed.ts';
export { BULK_REQUEST_MAX_BYTES } from './http/bulk.ts';
export { itemCount } from './http/gate.ts';
export type { DroppedItem } from './state/dropped-items.ts';
export type { Employee } from './state/employees.ts';
export type { Facility } from './state/facilities.ts';
export type { Mapping } from './state/mappings.ts';
export type { Project } from './state/projects.ts';
export { SimulatorState } from './state/simulator-state.ts';
export { hierarchyFromTree } from './seed/hierarchy.ts';
export {
  FACILITY_DEFECTS,
  TARGET_DEFECTS,
  UNKNOWN_BOUNDARY_CODE,
  USER_DEFECTS,
  type DefectRequest,
  type FacilityDefect,
  type PlantedDefect,
  type TargetDefect,
  type UserDefect,
} from './sheets/defects.ts';
export { fetchHierarchy, fetchProjectType } from './sheets/from-simulator.ts';
export {
  generateCampaignSheets,
  uniquePhones,
  type CampaignSheetOptions,
  type CampaignSheets,
} from './sheets/generate.ts';
export { uploadCampaignSheets, uploadFile, type CampaignResource } from './sheets/upload.ts';
export {
  HOSTILE_CONTEXT,
  ZIP_BOMBS,
  hostileWorkbooks,
  manySharedStringsWorkbook,
  writeSharedStringsBomb,
  type ExpectedProblem,
  type HostileResource,
  type HostileWorkbook,
} from './sheets/hostile/corpus.ts';
