import { ApiKey } from '../protocol/api-keys.ts';
import type { ApiCodec } from './types.ts';

export type InitProducerIdRequest = { transactionalId: string | null; transactionTimeoutMs: number };
export type InitProducerIdResponse = { errorCode: number; producerId: number; producerEpoch: number };

export const initProducerIdCodec: ApiCodec<InitProducerIdRequest, InitProducerIdResponse> = {
  apiKey: ApiKey.InitProducerId,
  decode: (r) => ({ transactionalId: r.nullableString(), transactionTimeoutMs: r.int32() }),
  encode(w, _version, resp) {
    w.int32(0).int16(resp.errorCode).int64(resp.producerId).int16(resp.producerEpoch);
  },
  errorResponse: (_req, code) => ({ errorCode: code, producerId: -1, producerEpoch: -1 }),
};
