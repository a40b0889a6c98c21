import type { Reader } from '../protocol/reader.ts';
import type { Writer } from '../protocol/writer.ts';

/** Decoder of one API's requests and encoder of its responses, for every version the broker advertises. */
export type ApiCodec<Req, Resp> = {
  apiKey: number;
  decode(r: Reader, version: number): Req;
  encode(w: Writer, version: number, resp: Resp): void;
  /** The response that reports `code` for everything the request asked about. */
  errorResponse(req: Req, code: number): Resp;
};
