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
