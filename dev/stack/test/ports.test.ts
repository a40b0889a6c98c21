// Ports of many stacks started at the same moment: services take a port the system chooses while they
// bind it and report it; PostgreSQL and Prometheus, which cannot, start again on another port when theirs
// was taken meanwhile.
import { afterAll, describe, expect, it } from '@jest/globals';
import { createHttpServer, createLogger, createPipelineMetrics } from '@campaign-pipeline/shared';
import type { FastifyInstance } from 'fastify';
import net, { type AddressInfo } from 'node:net';
import { onFreePort, SERVICES } from '../src/index.ts';

const STACKS = 50;
const logger = createLogger('ports-test', 'silent');
const { registry } = createPipelineMetrics('ports-test');
const servers: FastifyInstance[] = [];
const databases: net.Server[] = [];

/** Listens on exactly this port, as PostgreSQL does: fails with EADDRINUSE when it is taken. */
function listenLikePostgres(port: number): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  await Promise.all(databases.map((server) => new Promise((resolve) => server.close(resolve))));
});

describe('ports of stacks started at once', () => {
  it(`never gives two of ${STACKS} stacks' services and databases the same port`, async () => {
    const stacks = await Promise.all(
      Array.from({ length: STACKS }, async (_, stack) => {
        const services = await Promise.all(
          SERVICES.map(async ({ name }) => {
            const service = `${name}#${stack}`;
            const app = createHttpServer({
              identity: { service, pid: process.pid },
              logger,
              registry,
              readiness: [],
            });
            servers.push(app);
            await app.listen({ port: 0, host: '127.0.0.1' });
            return { service, port: (app.server.address() as AddressInfo).port };
          }),
        );
        const database = await onFreePort(listenLikePostgres);
        databases.push(database);
        return { services, databasePort: (database.address() as AddressInfo).port };
      }),
    );

    const ports = stacks.flatMap((stack) => [...stack.services.map((s) => s.port), stack.databasePort]);
    expect(ports).toHaveLength(STACKS * (SERVICES.length + 1));
    expect(new Set(ports).size).toBe(ports.length);
    // Each port is answered by the service that reported it, by name and process.
    for (const { service, port } of stacks.flatMap((stack) => stack.services)) {
      const ready = (await (await fetch(`http://127.0.0.1:${port}/ready`)).json()) as {
        service: string;
        pid: number;
      };
      expect(ready).toMatchObject({ service, pid: process.pid });
    }
  });

  it('starts a program that needs a given port again on another one when that port was taken', async () => {
    const taken = await listenLikePostgres(0);
    databases.push(taken);
    const takenPort = (taken.address() as AddressInfo).port;
    const offered = [takenPort];
    const database = await onFreePort((port) => listenLikePostgres(offered.shift() ?? port));
    databases.push(database);
    expect((database.address() as AddressInfo).port).not.toBe(takenPort);
    await expect(onFreePort(() => Promise.reject(new Error('initdb failed: disk full')))).rejects.toThrow(
      'disk full',
    );
  });
});
