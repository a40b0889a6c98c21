// A minimal Kafka protocol client for tests that need exact requests (duplicates, bad versions, acks=0).
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { FrameDecoder } from '../../src/broker/frame-decoder.ts';

export class RawClient {
  private readonly socket: Socket;
  private readonly decoder = new FrameDecoder(1 << 30);
  private readonly waiting = new Map<number, (body: Buffer) => void>();
  private correlation = 0;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (data) => {
      for (const frame of this.decoder.push(data)) {
        const id = frame.readInt32BE(0);
        this.waiting.get(id)?.(frame.subarray(4));
        this.waiting.delete(id);
      }
    });
  }

  static async connect(address: string): Promise<RawClient> {
    const [host, port] = address.split(':');
    const socket = connect(Number(port), host);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new RawClient(socket);
  }

  /** Sends a request with header v1; resolves with the response body, or never for acks=0 produce. */
  request(
    apiKey: number,
    version: number,
    body: Buffer,
  ): { correlationId: number; response: Promise<Buffer> } {
    const correlationId = ++this.correlation;
    const clientId = Buffer.from('raw');
    const head = Buffer.alloc(14 + clientId.length);
    head.writeInt32BE(10 + clientId.length + body.length, 0);
    head.writeInt16BE(apiKey, 4);
    head.writeInt16BE(version, 6);
    head.writeInt32BE(correlationId, 8);
    head.writeInt16BE(clientId.length, 12);
    clientId.copy(head, 14);
    const response = new Promise<Buffer>((resolve) => this.waiting.set(correlationId, resolve));
    this.socket.write(Buffer.concat([head, body]));
    return { correlationId, response };
  }

  get closed(): boolean {
    return this.socket.destroyed;
  }

  close(): void {
    this.socket.destroy();
  }
}
