// Development Kafka broker and schema registry, embeddable: `const kafka = await startDevKafka()`.
import type { Server } from 'node:http';
import { FaultInjector } from './broker/faults.ts';
import { FetchWaiters } from './broker/fetch-waiters.ts';
import { brokerApis } from './broker/handlers.ts';
import { KafkaServer } from './broker/server.ts';
import { CONTROL_PREFIX, controlRoutes } from './control/routes.ts';
import { GroupCoordinator } from './group/coordinator.ts';
import { OffsetStore } from './group/offset-store.ts';
import { createJsonServer, listen } from './http/json-server.ts';
import { lockDataDir } from './log/data-dir-lock.ts';
import { LogStore } from './log/log-store.ts';
import { registryRoutes } from './registry/routes.ts';
import { SchemaStore } from './registry/store.ts';

export type DevKafkaOptions = {
  /** Interface to listen on; also the advertised host unless it is a wildcard. Default 127.0.0.1. */
  host?: string;
  /** Kafka port; 0 (the default) picks a free port. */
  port?: number;
  /** Schema registry (and control API) port; 0 (the default) picks a free port. */
  registryPort?: number;
  /** Data directory; without one everything is kept in memory. */
  dataDir?: string;
  autoCreateTopics?: boolean;
  defaultPartitions?: number;
  initialRebalanceDelayMs?: number;
  log?: (line: Record<string, unknown>) => void;
};

export type DevKafka = {
  brokers: string[];
  registryUrl: string;
  controlUrl: string;
  stop(): Promise<void>;
};

const WILDCARDS = new Set(['0.0.0.0', '::', '']);

export async function startDevKafka(options: DevKafkaOptions = {}): Promise<DevKafka> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? (() => undefined);
  const unlock = options.dataDir ? lockDataDir(options.dataDir) : () => undefined;
  const store = new LogStore({ dataDir: options.dataDir, log });
  const offsets = new OffsetStore(options.dataDir);
  const schemas = new SchemaStore(options.dataDir);
  try {
    store.open();
    offsets.open();
    schemas.open();
  } catch (e) {
    store.close();
    offsets.close();
    unlock();
    throw e;
  }
  const waiters = new FetchWaiters();
  let closing = false;
  const coordinator = new GroupCoordinator({
    offsets,
    initialRebalanceDelayMs: options.initialRebalanceDelayMs ?? 100,
    onRebalance: () => waiters.wakeAll('rebalance'),
    log,
  });
  store.onAppend((topic, partition) => waiters.wake(topic, partition));
  const faults = new FaultInjector();
  const apis = brokerApis({
    store,
    offsets,
    coordinator,
    waiters,
    settings: {
      autoCreateTopics: options.autoCreateTopics ?? true,
      defaultPartitions: options.defaultPartitions ?? 1,
    },
    isClosing: () => closing,
  });
  const kafka = new KafkaServer({
    host,
    port: options.port ?? 0,
    advertisedHost: WILDCARDS.has(host) ? undefined : host,
    apis,
    faults,
    log,
  });
  let http: Server | undefined;
  try {
    const kafkaAddress = await kafka.listen();
    http = createJsonServer(
      [
        controlRoutes({
          store,
          offsets,
          coordinator,
          faults,
          dropConnections: () => kafka.dropConnections(),
        }),
        registryRoutes(schemas),
      ],
      (e) => log({ msg: 'http handler failed', error: String(e) }),
    );
    const httpAddress = await listen(http, options.registryPort ?? 0, host);
    const urlHost = WILDCARDS.has(host) ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
    const registryUrl = `http://${urlHost}:${httpAddress.port}`;
    const brokers = [`${urlHost.replace(/^\[|\]$/g, '')}:${kafkaAddress.port}`];
    log({ msg: 'dev kafka started', brokers, registryUrl, dataDir: options.dataDir ?? null });
    const httpServer = http;
    return {
      brokers,
      registryUrl,
      controlUrl: `${registryUrl}${CONTROL_PREFIX}`,
      async stop() {
        if (closing) return;
        closing = true;
        waiters.wakeAll('closed');
        coordinator.close();
        httpServer.closeAllConnections();
        await Promise.all([kafka.close(), new Promise<void>((resolve) => httpServer.close(() => resolve()))]);
        store.close();
        offsets.close();
        unlock();
        log({ msg: 'dev kafka stopped' });
      },
    };
  } catch (e) {
    closing = true;
    coordinator.close();
    await kafka.close().catch(() => undefined);
    http?.close();
    store.close();
    offsets.close();
    unlock();
    throw e;
  }
}

export { DataDirInUseError } from './log/data-dir-lock.ts';
export { startBrokerProcess } from './testing/child-broker.ts';
export type { BrokerProcess, BrokerProcessOptions } from './testing/child-broker.ts';
