import type { VersionRange } from '../protocol/api-keys.ts';
import { ApiKey } from '../protocol/api-keys.ts';
import type { Writer } from '../protocol/writer.ts';
import type { ApiCodec } from './types.ts';

export type ApiVersionsRequest = Record<string, never>;
export type ApiVersionsResponse = { errorCode: number; apiKeys: readonly VersionRange[] };

export function encodeApiVersionsBody(w: Writer, version: number, resp: ApiVersionsResponse): void {
  w.int16(resp.errorCode);
  w.array(resp.apiKeys, (w, k) => w.int16(k.apiKey).int16(k.minVersion).int16(k.maxVersion));
  if (version >= 1) w.int32(0);
}

export const apiVersionsCodec: ApiCodec<ApiVersionsRequest, ApiVersionsResponse> = {
  apiKey: ApiKey.ApiVersions,
  decode: () => ({}),
  encode: encodeApiVersionsBody,
  errorResponse: (_req, code) => ({ errorCode: code, apiKeys: [] }),
};
