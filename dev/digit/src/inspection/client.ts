// Typed client for the simulator's /_sim API, for tests and benchmarks.
import axios, { type AxiosInstance } from 'axios';
import type { Behaviour, BehaviourPatch } from '../behaviour.ts';
import type { CallReport } from '../http/counters.ts';
import type { DroppedItem } from '../state/dropped-items.ts';
import type { Employee } from '../state/employees.ts';
import type { Facility } from '../state/facilities.ts';
import type { Mapping } from '../state/mappings.ts';
import type { Project } from '../state/projects.ts';
import type { DuplicateReport } from './duplicates.ts';
import type { PlantRequest, PlantResult } from './plant.ts';
import type { EntityCounts, Listing } from './routes.ts';

type Filter = Record<string, string | number | boolean | undefined>;

export class SimulatorClient {
  private readonly http: AxiosInstance;

  constructor(baseURL: string) {
    this.http = axios.create({ baseURL: `${baseURL}/_sim` });
  }

  async counts(): Promise<EntityCounts> {
    return (await this.http.get<EntityCounts>('/counts')).data;
  }

  async duplicates(): Promise<DuplicateReport> {
    return (await this.http.get<DuplicateReport>('/duplicates')).data;
  }

  /** Items bulk creates left out for being invalid, oldest first (DIGIT's error-details records). */
  async droppedItems(): Promise<DroppedItem[]> {
    return (await this.http.get<DroppedItem[]>('/dropped-items')).data;
  }

  async calls(): Promise<CallReport> {
    return (await this.http.get<CallReport>('/calls')).data;
  }

  async resetCalls(): Promise<void> {
    await this.http.post('/calls/reset', {});
  }

  /** Forgets all created entities and files, and restores the start behaviour. */
  async reset(): Promise<void> {
    await this.http.post('/reset', {});
  }

  async behaviour(): Promise<Behaviour> {
    return (await this.http.get<Behaviour>('/behaviour')).data;
  }

  async setBehaviour(patch: BehaviourPatch): Promise<Behaviour> {
    return (await this.http.put<Behaviour>('/behaviour', patch)).data;
  }

  async plant(request: PlantRequest): Promise<PlantResult> {
    return (await this.http.post<PlantResult>('/plant', request)).data;
  }

  /** Filters: tenantId, id, referenceID, boundary, parent (an id or `null`), includeDeleted, limit, offset. */
  async projects(filter: Filter = {}): Promise<Listing<Project>> {
    return this.list<Project>('/entities/projects', filter);
  }

  /** Filters: tenantId, id, name, usage. */
  async facilities(filter: Filter = {}): Promise<Listing<Facility>> {
    return this.list<Facility>('/entities/facilities', filter);
  }

  /** Filters: tenantId, phone, code, uuid. */
  async employees(filter: Filter = {}): Promise<Listing<Employee>> {
    return this.list<Employee>('/entities/employees', filter);
  }

  /** Filters: tenantId, id, projectId, userId, includeDeleted. */
  async projectStaff(filter: Filter = {}): Promise<Listing<Mapping>> {
    return this.list<Mapping>('/entities/project-staff', filter);
  }

  /** Filters: tenantId, id, projectId, facilityId, includeDeleted. */
  async projectFacilities(filter: Filter = {}): Promise<Listing<Mapping>> {
    return this.list<Mapping>('/entities/project-facilities', filter);
  }

  /** Filters: tenantId, id, projectId, productVariantId, includeDeleted. */
  async projectResources(filter: Filter = {}): Promise<Listing<Mapping>> {
    return this.list<Mapping>('/entities/project-resources', filter);
  }

  private async list<T>(path: string, filter: Filter): Promise<Listing<T>> {
    return (await this.http.get<Listing<T>>(path, { params: filter })).data;
  }
}
