import net from 'node:net';

/**
 * A TCP port that was free a moment ago on the loopback interface. Only for programs that cannot choose
 * their own port and report it (PostgreSQL, Prometheus): start those with `onFreePort`.
 */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

const PORT_TAKEN = /EADDRINUSE|address already in use|could not bind/i;

/**
 * Starts something on a free port; when another process took the port between the choice and the
 * bind, starts it again on another one (bounded). Other failures are not retried.
 */
export async function onFreePort<T>(start: (port: number) => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start(await freePort());
    } catch (error) {
      if (attempt >= attempts || !PORT_TAKEN.test(String((error as Error).message ?? error))) throw error;
    }
  }
}
