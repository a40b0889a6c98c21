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
  const info =
    typeof requestInfo === 'object' && requestInfo !== null ? (requestInfo as Record<string, unknown>) : {};
  const text = (value: unknown): string => (typeof value === 'string' ? value : '');
  return {
    apiId: text(info.apiId),
    ver: text(info.ver),
    ts: Date.now(),
    resMsgId: 'uief87324',
    msgId: text(info.msgId),
    status: 'successful',
  };
}
