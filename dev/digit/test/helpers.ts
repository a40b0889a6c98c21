// Shared test helpers: a DIGIT-speaking axios client that never throws on status, and request envelopes.
import axios, { type AxiosInstance } from 'axios';

export const TENANT = 'mz';
export const USER_UUID = '6f1a2b3c-0000-4000-8000-000000000042';

export function requestInfo(): Record<string, unknown> {
  return {
    apiId: 'Rainmaker',
    ver: '.01',
    ts: Date.now(),
    action: '_create',
    did: '1',
    key: '',
    msgId: '1713593588138|en_MZ',
    authToken: 'token',
    correlationId: 'c-1',
    userInfo: {
      id: 42,
      uuid: USER_UUID,
      userName: 'campaign-manager',
      name: 'Campaign Manager',
      type: 'EMPLOYEE',
      mobileNumber: '9999999999',
      emailId: null,
      tenantId: TENANT,
      roles: [{ name: 'Campaign Manager', code: 'CAMPAIGN_MANAGER', tenantId: TENANT }],
    },
  };
}

/** A POST whose answer may never come: the axios error code, or the status when one came. */
export async function postOutcome(url: string, body: unknown, timeout = 10_000): Promise<number | string> {
  try {
    return (await axios.post(url, body, { timeout, validateStatus: () => true })).status;
  } catch (error) {
    return axios.isAxiosError(error) ? String(error.code) : 'unknown';
  }
}

export function facilityPayload(name: string, locality: string, extra: Record<string, unknown> = {}) {
  return {
    tenantId: TENANT,
    name,
    isPermanent: true,
    usage: 'Warehouse',
    storageCapacity: 500,
    address: { tenantId: TENANT, locality: { code: locality } },
    ...extra,
  };
}

export function digitClient(baseURL: string): AxiosInstance {
  return axios.create({ baseURL, validateStatus: () => true });
}

/** POST with the RequestInfo envelope around the payload. */
export function envelope(payload: Record<string, unknown> = {}): Record<string, unknown> {
  return { RequestInfo: requestInfo(), ...payload };
}

export function expectErrorEnvelope(body: unknown): { code: string; message: string }[] {
  const value = body as { ResponseInfo: unknown; Errors: Array<{ code: string; message: string }> };
  if (value.ResponseInfo !== null || !Array.isArray(value.Errors) || value.Errors.length === 0) {
    throw new Error(`not an error envelope: ${JSON.stringify(body)}`);
  }
  for (const error of value.Errors) {
    if (!('description' in error) || !('params' in error) || typeof error.code !== 'string') {
      throw new Error(`malformed error entry: ${JSON.stringify(error)}`);
    }
  }
  return value.Errors;
}

export function errorCodes(body: unknown): string[] {
  return expectErrorEnvelope(body).map((e) => e.code);
}

export function projectPayload(boundary: string, boundaryType: string, extra: Record<string, unknown> = {}) {
  return {
    tenantId: TENANT,
    projectType: 'LLIN-mz',
    projectSubType: 'LLIN-mz',
    name: `Campaign - ${boundary}`,
    description: 'bednet distribution',
    referenceID: 'CMP-2026-11-21-000001',
    startDate: Date.UTC(2026, 11, 1),
    endDate: Date.UTC(2026, 11, 31),
    address: { tenantId: TENANT, boundary, boundaryType },
    parent: null,
    targets: [{ beneficiaryType: 'HOUSEHOLD', targetNo: 120 }],
    additionalDetails: {},
    ...extra,
  };
}

export function employeePayload(
  phone: string,
  boundary: string,
  boundaryType: string,
  extra: Record<string, unknown> = {},
) {
  return {
    tenantId: TENANT,
    employeeType: 'TEMPORARY',
    user: {
      name: `Worker ${phone}`,
      mobileNumber: phone,
      password: 'Secret@123',
      roles: [{ name: 'Distributor', code: 'DISTRIBUTOR', tenantId: TENANT }],
      tenantId: TENANT,
    },
    jurisdictions: [{ boundary, boundaryType, hierarchy: 'ADMIN', tenantId: TENANT }],
    status: 'ACTIVE',
    ...extra,
  };
}
