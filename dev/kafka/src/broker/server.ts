// The Kafka-protocol TCP server: accepts connections and hands them the broker's API table.
import type { AddressInfo, Server, Socket } from 'node:net';
import { createServer } from 'node:net';
import { Connection } from './connection.ts';
import type { FaultInjector } from './faults.ts';
import type { AnyApi } from './handlers.ts';

export type KafkaServerOptions = {
  host: string;
  port: number;
  /** Host name advertised in Metadata and FindCoordinator; defaults to the address a client connected to. */
  advertisedHost?: string;
  apis: Map<number, AnyApi>;
  faults: FaultInjector;
  log: (fields: Record<string, unknown>) => void;
};

export class KafkaServer {
  private readonly server: Server;
  private readonly connections = new Set<Connection>();
  private readonly options: KafkaServerOptions;

  constructor(options: KafkaServerOptions) {
    this.options = options;
    this.server = createServer((socket) => this.accept(socket));
  }

  async listen(): Promise<AddressInfo> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    return this.server.address() as AddressInfo;
  }

  private accept(socket: Socket): void {
    const port = (this.server.address() as AddressInfo).port;
    const connection = new Connection(socket, {
      apis: this.options.apis,
      faults: this.options.faults,
      advertised: (s) => ({ host: this.options.advertisedHost ?? s.localAddress ?? this.options.host, port }),
      log: this.options.log,
    });
    this.connections.add(connection);
    socket.on('close', () => this.connections.delete(connection));
  }

  /** Drops every client connection (clients reconnect on their own). */
  dropConnections(): number {
    const n = this.connections.size;
    for (const c of this.connections) c.close();
    this.connections.clear();
    return n;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.dropConnections();
    await closed;
  }
}
