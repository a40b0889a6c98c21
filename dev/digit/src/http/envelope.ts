// DIGIT's response envelopes. Success: ResponseInfo with status "successful" beside the body. Failure:
// ResponseInfo null and an Errors list, with a 4xx/5xx status.

export interface DigitErrorEntry {
  code: string;
  message: string;
  description: string | null;
  params: string[] | null;
}

export interface ErrorEnvelope {
  ResponseInfo: null;
  Errors: DigitErrorEntry[];
}

export interface ResponseInfo {
  apiId: string;
  ver: string;
  ts: number;
  resMsgId: string;
  msgId: string;
  status: 'successful';
}

/** Thrown by handlers; the server turns it into the error envelope. */
export class DigitError extends Error {
  readonly status: number;
  readonly errors: DigitErrorEntry[];

  constructor(status: number, errors: Array<{ code: string; message: string }>) {
    super(errors.map((e) => `${e.code}: ${e.message}`).join('; '));
    this.status = status;
    this.errors = errors.map((e) => ({ code: e.code, message: e.message, description: null, params: null }));
  }
}

export function badRequest(code: string, message: string): DigitError {
  return new DigitError(400, [{ code, message }]);
}

export function errorEnvelope(errors: DigitErrorEntry[]): ErrorEnvelope {
  return { ResponseInfo: null, Errors: errors };
}

export function responseInfo(requestInfo: unknown): ResponseInfo {
  const info = fieldsOf(requestInfo);
  return {
    apiId: textOf(info.apiId),
    ver: textOf(info.ver),
    ts: Date.now(),
    resMsgId: 'uief87324',
    msgId: textOf(info.msgId),
    status: 'successful',
  };
}

/**
 * The answer of a health service's bulk endpoint: the controller sets apiId to the request URI, and the
 * health-services-common ResponseInfoFactory echoes msgId as resMsgId.
 */
export function acceptedInfo(requestInfo: unknown, path: string): ResponseInfo {
  const info = fieldsOf(requestInfo);
  const msgId = textOf(info.msgId);
  return { apiId: path, ver: textOf(info.ver), ts: Date.now(), resMsgId: msgId, msgId, status: 'successful' };
}

function fieldsOf(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

function textOf(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
