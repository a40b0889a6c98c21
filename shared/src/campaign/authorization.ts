import type { FastifyRequest } from 'fastify';
import type { RequestInfo } from '../digit/envelope.ts';
import { ApiError } from '../http/api-error.ts';

export const CAMPAIGN_MANAGER_ROLE = 'CAMPAIGN_MANAGER';

/** A role given for a state-level tenant (`mz`) also holds for its cities (`mz.maputo`). */
function tenantCovers(roleTenant: string, tenantId: string): boolean {
  return roleTenant === tenantId || tenantId.startsWith(`${roleTenant}.`);
}

/** The caller must belong to the campaign's tenant; changes need the campaign-manager role there. */
export function authorize(
  requestInfo: RequestInfo | undefined,
  tenantId: string,
  access: 'read' | 'write',
): void {
  const user = requestInfo?.userInfo;
  if (!user?.uuid)
    throw ApiError.of(403, 'UNAUTHORIZED', 'RequestInfo.userInfo with a user uuid is required');
  if (
    !tenantCovers(user.tenantId, tenantId) &&
    !user.roles.some((role) => tenantCovers(role.tenantId, tenantId))
  ) {
    throw ApiError.of(403, 'TENANT_MISMATCH', `user ${user.uuid} does not belong to tenant ${tenantId}`);
  }
  if (access === 'write') {
    const manager = user.roles.some(
      (role) => role.code === CAMPAIGN_MANAGER_ROLE && tenantCovers(role.tenantId, tenantId),
    );
    if (!manager) {
      throw ApiError.of(
        403,
        'ACCESS_DENIED',
        `the ${CAMPAIGN_MANAGER_ROLE} role for tenant ${tenantId} is required`,
      );
    }
  }
}

/** The caller as an unvalidated body states it: only well-formed roles count. */
function statedCaller(body: unknown): RequestInfo | undefined {
  const requestInfo = (body as { RequestInfo?: unknown } | null)?.RequestInfo as
    { userInfo?: { uuid?: unknown; tenantId?: unknown; roles?: unknown } } | undefined;
  const user = requestInfo?.userInfo;
  if (typeof user?.uuid !== 'string' || typeof user.tenantId !== 'string') return undefined;
  const roles = (Array.isArray(user.roles) ? user.roles : []).filter(
    (role: unknown): role is { code: string; tenantId: string } =>
      typeof (role as { code?: unknown })?.code === 'string' &&
      typeof (role as { tenantId?: unknown })?.tenantId === 'string',
  );
  return { userInfo: { ...user, uuid: user.uuid, tenantId: user.tenantId, roles } } as RequestInfo;
}

/**
 * Authorization before validation, as a route's preValidation hook: a caller without the role or from
 * another tenant gets 403 whatever the body holds, and so never learns the schema from a 400. The tenant
 * is the one the body names; without one, a change needs the campaign-manager role somewhere, and the
 * schema then reports the missing tenant.
 */
export function authorizeBeforeValidation(access: 'read' | 'write') {
  return async (request: FastifyRequest): Promise<void> => {
    const caller = statedCaller(request.body);
    if (!caller) throw ApiError.of(403, 'UNAUTHORIZED', 'RequestInfo.userInfo with a user uuid is required');
    const tenantId = (request.body as { CampaignDetails?: { tenantId?: unknown } }).CampaignDetails?.tenantId;
    if (typeof tenantId === 'string' && tenantId.length > 0) {
      authorize(caller, tenantId, access);
    } else if (
      access === 'write' &&
      !caller.userInfo?.roles.some((role) => role.code === CAMPAIGN_MANAGER_ROLE)
    ) {
      throw ApiError.of(403, 'ACCESS_DENIED', `the ${CAMPAIGN_MANAGER_ROLE} role is required`);
    }
  };
}

/** JSON schema of a tenant id, as every campaign API takes it. */
export const tenantIdSchema = {
  type: 'string',
  minLength: 1,
  maxLength: 256,
  pattern: '^[A-Za-z0-9._-]+$',
} as const;

/** JSON schema of a campaign id: any string, as project-factory takes it; one that is no campaign's is a 404. */
export const campaignIdSchema = { type: 'string', minLength: 1, maxLength: 64 } as const;

/** JSON schema of RequestInfo as every campaign API expects it. */
export const requestInfoSchema = {
  type: 'object',
  required: ['userInfo'],
  properties: {
    apiId: { type: 'string', maxLength: 128 },
    ver: { type: 'string', maxLength: 32 },
    ts: { type: 'number' },
    action: { type: 'string', maxLength: 64 },
    did: { type: 'string', maxLength: 128 },
    key: { type: 'string', maxLength: 128 },
    msgId: { type: 'string', maxLength: 256 },
    authToken: { type: 'string', maxLength: 4096 },
    correlationId: { type: 'string', maxLength: 256 },
    userInfo: {
      type: 'object',
      required: ['uuid', 'tenantId', 'roles'],
      properties: {
        id: { type: 'number' },
        uuid: { type: 'string', minLength: 1, maxLength: 128 },
        userName: { type: 'string', maxLength: 256 },
        name: { type: 'string', maxLength: 256 },
        type: { type: 'string', maxLength: 64 },
        mobileNumber: { type: ['string', 'null'], maxLength: 32 },
        emailId: { type: ['string', 'null'], maxLength: 256 },
        tenantId: { type: 'string', minLength: 1, maxLength: 256 },
        roles: {
          type: 'array',
          maxItems: 200,
          items: {
            type: 'object',
            required: ['code', 'tenantId'],
            properties: {
              name: { type: 'string', maxLength: 256 },
              code: { type: 'string', minLength: 1, maxLength: 128 },
              tenantId: { type: 'string', minLength: 1, maxLength: 256 },
            },
          },
        },
      },
    },
  },
} as const;
