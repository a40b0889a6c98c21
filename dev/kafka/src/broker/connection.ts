// One client connection: frames in, one request at a time, responses out in request order.
import type { Socket } from 'node:net';
import { encodeApiVersionsBody } from '../codecs/api-versions.ts';
import { ApiKey, apiName, SUPPORTED_VERSIONS, versionRange } from '../protocol/api-keys.ts';
import { ErrorCode } from '../protocol/error-codes.ts';
import { ProtocolError, Reader } from '../protocol/reader.ts';
import { Writer } from '../protocol/writer.ts';
import type { FaultInjector } from './faults.ts';
import { FrameDecoder, FrameTooLargeError } from './frame-decoder.ts';
import type { AnyApi, RequestContext } from './handlers.ts';

const MAX_FRAME_BYTES = 100 * 1024 * 1024;

export type ConnectionDeps = {
  apis: Map<number, AnyApi>;
  faults: FaultInjector;
  advertised: (socket: Socket) => { host: string; port: number };
  log: (fields: Record<string, unknown>) => void;
};

export class Connection {
  private readonly socket: Socket;
  private readonly deps: ConnectionDeps;
  private readonly decoder = new FrameDecoder(MAX_FRAME_BYTES);
  private readonly queue: Buffer[] = [];
  private processing = false;
  private closed = false;

  constructor(socket: Socket, deps: ConnectionDeps) {
    this.socket = socket;
    this.deps = deps;
    socket.setNoDelay(true);
    socket.on('data', (data) => this.onData(data));
    socket.on('error', () => this.close());
    socket.on('close', () => {
      this.closed = true;
    });
  }

  close(): void {
    this.closed = true;
    this.socket.destroy();
  }

  private onData(data: Buffer): void {
    let frames: Buffer[];
    try {
      frames = this.decoder.push(data);
    } catch (e) {
      if (e instanceof FrameTooLargeError) this.deps.log({ msg: 'closing connection', reason: e.message });
      this.close();
      return;
    }
    this.queue.push(...frames);
    if (!this.processing) void this.drainQueue();
  }

  private async drainQueue(): Promise<void> {
    this.processing = true;
    try {
      while (this.queue.length > 0 && !this.closed) {
        await this.handle(this.queue.shift()!);
        if (this.socket.writableNeedDrain) await new Promise((r) => this.socket.once('drain', r));
      }
    } finally {
      this.processing = false;
    }
  }

  private async handle(frame: Buffer): Promise<void> {
    const r = new Reader(frame);
    let apiKey = -1;
    try {
      apiKey = r.int16();
      const version = r.int16();
      const correlationId = r.int32();
      const clientId = r.nullableString() ?? '';
      const range = versionRange(apiKey);
      if (!range || version < range.minVersion || version > range.maxVersion) {
        this.unsupported(apiKey, version, correlationId, clientId);
        return;
      }
      const api = this.deps.apis.get(apiKey)!;
      const req = api.codec.decode(r, version);
      const ctx: RequestContext = {
        version,
        clientId,
        clientHost: this.socket.remoteAddress ?? '',
        advertised: this.deps.advertised(this.socket),
      };
      const fault = this.deps.faults.take(apiKey);
      if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
      let resp: unknown;
      if (fault?.errorCode !== undefined) {
        const acksZero = apiKey === ApiKey.Produce && (req as { acks: number }).acks === 0;
        resp = acksZero ? null : api.codec.errorResponse(req, fault.errorCode);
      } else {
        resp = await api.handle(req, ctx);
      }
      if (resp === null) return;
      const w = new Writer();
      api.codec.encode(w, version, resp);
      this.send(correlationId, w);
    } catch (e) {
      if (e instanceof ProtocolError) {
        this.deps.log({
          msg: 'malformed request, closing connection',
          api: apiName(apiKey),
          error: e.message,
        });
      } else {
        this.deps.log({ msg: 'request failed, closing connection', api: apiName(apiKey), error: String(e) });
      }
      this.close();
    }
  }

  /**
   * Unknown API keys and versions get UNSUPPORTED_VERSION. ApiVersions answers in its v0 layout with the
   * supported ranges, so clients that start with a newer (flexible) ApiVersions retry with one we speak.
   */
  private unsupported(apiKey: number, version: number, correlationId: number, clientId: string): void {
    // a newer ApiVersions is ordinary negotiation (librdkafka starts with v3), not worth a log line
    if (apiKey !== ApiKey.ApiVersions) {
      this.deps.log({ msg: 'unsupported request', api: apiName(apiKey), version, clientId });
    }
    const w = new Writer();
    if (apiKey === ApiKey.ApiVersions) {
      encodeApiVersionsBody(w, 0, { errorCode: ErrorCode.UNSUPPORTED_VERSION, apiKeys: SUPPORTED_VERSIONS });
    } else {
      w.int16(ErrorCode.UNSUPPORTED_VERSION);
    }
    this.send(correlationId, w);
  }

  private send(correlationId: number, body: Writer): void {
    if (this.closed) return;
    const head = Buffer.allocUnsafe(8);
    head.writeInt32BE(body.length + 4, 0);
    head.writeInt32BE(correlationId, 4);
    const chunks = body.toChunks();
    this.socket.cork();
    this.socket.write(head);
    for (const c of chunks) this.socket.write(c);
    this.socket.uncork();
  }
}
