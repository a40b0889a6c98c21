// MDMS v2 search over the seeded masters (project types under HCM-PROJECT-TYPES.projectTypes).
import { PROJECT_TYPE_SCHEMA_CODE } from '@campaign-pipeline/shared';
import type { FastifyInstance } from 'fastify';
import { badRequest } from '../http/envelope.ts';
import { isRecord, stringList, text, type Json } from '../http/request.ts';
import { digitPost, type DigitHandler } from '../http/routes.ts';
import type { SimulatorState } from '../state/simulator-state.ts';

const SEED_AUDIT = { createdBy: 'seed', lastModifiedBy: 'seed', createdTime: 0, lastModifiedTime: 0 };

interface MasterRecord {
  uniqueIdentifier: string;
  data: Json;
}

export function registerMdmsService(app: FastifyInstance, state: SimulatorState): void {
  const masters = (schemaCode: string): MasterRecord[] => {
    if (schemaCode !== PROJECT_TYPE_SCHEMA_CODE) return [];
    return state.projectTypes.map((type) => ({ uniqueIdentifier: type.code, data: { ...type } }));
  };
  const seedTenants = new Set([...state.hierarchies.values()].map((h) => h.tenantId));

  const search: DigitHandler = (digit) => {
    const criteria = digit.body.MdmsCriteria;
    if (!isRecord(criteria)) throw badRequest('NotNull.mdmsCriteria', 'MdmsCriteria must not be null');
    const tenantId = text(criteria.tenantId);
    if (!tenantId) throw badRequest('NotNull.mdmsCriteria.tenantId', 'tenantId must not be null');
    const schemaCode = text(criteria.schemaCode);
    if (!schemaCode) throw badRequest('NotNull.mdmsCriteria.schemaCode', 'schemaCode must not be null');
    // MDMS falls back to the state-level tenant (mz.district → mz).
    const rootTenant = tenantId.split('.')[0] ?? tenantId;
    if (!seedTenants.has(rootTenant)) return { mdms: [] };
    const identifiers = new Set(stringList(criteria.uniqueIdentifiers));
    const filters = isRecord(criteria.filters) ? criteria.filters : {};
    const isActive = criteria.isActive;
    const limit = typeof criteria.limit === 'number' ? criteria.limit : 1000;
    const offset = typeof criteria.offset === 'number' ? criteria.offset : 0;
    const matches = masters(schemaCode).filter(
      (record) =>
        (identifiers.size === 0 || identifiers.has(record.uniqueIdentifier)) &&
        Object.entries(filters).every(([field, value]) => String(record.data[field]) === String(value)) &&
        isActive !== false,
    );
    return {
      mdms: matches.slice(offset, offset + limit).map((record) => ({
        id: `${schemaCode}.${record.uniqueIdentifier}`,
        tenantId: rootTenant,
        schemaCode,
        uniqueIdentifier: record.uniqueIdentifier,
        data: record.data,
        isActive: true,
        auditDetails: SEED_AUDIT,
      })),
    };
  };
  digitPost(app, '/egov-mdms-service/v2/_search', search);
  digitPost(app, '/mdms-v2/v2/_search', search);
}
