// DIGIT's request and response envelopes.

export interface Role {
  name: string;
  code: string;
  tenantId: string;
}

export interface UserInfo {
  id?: number;
  uuid: string;
  userName?: string;
  name?: string;
  type?: string;
  mobileNumber?: string;
  emailId?: string | null;
  tenantId: string;
  roles: Role[];
}

export interface RequestInfo {
  apiId?: string;
  ver?: string;
  ts?: number;
  action?: string;
  did?: string;
  key?: string;
  msgId?: string;
  authToken?: string;
  correlationId?: string;
  userInfo?: UserInfo;
}

export interface ResponseInfo {
  apiId: string;
  ver: string;
  ts: number;
  status: 'successful' | 'failed';
}

export interface DigitErrorItem {
  code: string;
  message: string;
  description?: string | null;
  params?: string[] | null;
}

export function responseInfo(
  requestInfo: RequestInfo | undefined,
  status: ResponseInfo['status'] = 'successful',
): ResponseInfo {
  return { apiId: requestInfo?.apiId ?? '', ver: requestInfo?.ver ?? '', ts: Date.now(), status };
}

export function errorEnvelope(errors: DigitErrorItem[]): { ResponseInfo: null; Errors: DigitErrorItem[] } {
  return { ResponseInfo: null, Errors: errors };
}
