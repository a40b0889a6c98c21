// Reading DIGIT requests: the body is `{ RequestInfo, <payload> }`, criteria often sit in the query string.
import { badRequest } from './envelope.ts';

export type Json = Record<string, unknown>;

export function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

export interface DigitRequest {
  body: Json;
  requestInfo: Json;
  /** uuid of the calling user, for audit details. */
  userUuid: string | null;
  /** The body's size in bytes as its Content-Length header declared it; undefined for a chunked body. */
  contentLength: number | undefined;
}

/** Every DIGIT JSON endpoint requires RequestInfo. `contentLength` is the request's header, if any. */
export function readRequest(body: unknown, contentLength?: string): DigitRequest {
  if (!isRecord(body)) throw badRequest('INVALID_REQUEST', 'Request body must be a JSON object');
  const requestInfo = body.RequestInfo;
  if (!isRecord(requestInfo)) throw badRequest('REQUEST_INFO', 'Request info is mandatory');
  const userInfo = requestInfo.userInfo;
  const userUuid = isRecord(userInfo) ? (text(userInfo.uuid) ?? null) : null;
  const declared = Number(contentLength);
  return {
    body,
    requestInfo,
    userUuid,
    contentLength:
      contentLength !== undefined && Number.isSafeInteger(declared) && declared >= 0 ? declared : undefined,
  };
}

/** Creating or changing data needs a user to audit it with. */
export function requireUser(request: DigitRequest): string {
  if (!isRecord(request.requestInfo.userInfo)) throw badRequest('USERINFO', 'UserInfo is mandatory');
  if (!request.userUuid) throw badRequest('USERINFO_UUID', 'UUID is mandatory');
  return request.userUuid;
}

export type Query = Record<string, string | undefined>;

export function queryOf(raw: unknown): Query {
  const query: Query = {};
  if (!isRecord(raw)) return query;
  for (const [key, value] of Object.entries(raw)) {
    query[key] = Array.isArray(value) ? value.map(String).join(',') : text(value);
  }
  return query;
}

/** Comma-separated list parameter (DIGIT accepts `codes=a,b`). */
export function listParam(value: string | undefined): string[] {
  if (!value) return [];
  return value
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

export function stringList(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(text).filter((v): v is string => v !== undefined);
  const single = text(value);
  return single === undefined ? [] : [single];
}

export function booleanParam(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  return value.toLowerCase() === 'true';
}

export interface Page {
  limit: number;
  offset: number;
}

/** The health services' URL parameters: tenantId, limit (0..1000) and offset (>= 0) are all mandatory. */
export function requirePage(query: Query, maxLimit = 1000): Page & { tenantId: string } {
  const tenantId = query.tenantId;
  if (!tenantId) throw badRequest('NotNull.urlParams.tenantId', 'tenantId must not be null');
  return { tenantId, ...readPage(query, maxLimit, true) };
}

export function readPage(query: Query, maxLimit: number, required: boolean, defaultLimit = 10): Page {
  const limit = intParam(query.limit, 'limit');
  const offset = intParam(query.offset, 'offset');
  if (required && limit === undefined) throw badRequest('NotNull.urlParams.limit', 'limit must not be null');
  if (required && offset === undefined)
    throw badRequest('NotNull.urlParams.offset', 'offset must not be null');
  if (limit !== undefined && (limit < 0 || limit > maxLimit)) {
    throw badRequest('Max.urlParams.limit', `limit must be between 0 and ${maxLimit}`);
  }
  if (offset !== undefined && offset < 0) throw badRequest('Min.urlParams.offset', 'offset must be >= 0');
  return { limit: limit ?? defaultLimit, offset: offset ?? 0 };
}

function intParam(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed))
    throw badRequest(`INVALID_${name.toUpperCase()}`, `${name} must be an integer`);
  return parsed;
}
