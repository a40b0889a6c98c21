import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import net from 'node:net';
import { AvroCodec, UndecodableMessageError } from '../src/kafka/avro.ts';

// A schema registry that accepts connections and never answers, as a hung one does.
describe('the Avro codec against a registry that does not answer', () => {
  let registry: net.Server;
  let url: string;
  const sockets = new Set<net.Socket>();

  beforeAll(async () => {
    registry = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => registry.listen(0, '127.0.0.1', resolve));
    const { port } = registry.address() as net.AddressInfo;
    url = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => registry.close(resolve));
  });

  it('fails a decode after its timeouts, as for an unreachable registry, instead of waiting forever', async () => {
    const codec = new AvroCodec(url, { timeoutMs: 200 });
    const value = Buffer.from([0, 0, 0, 0, 7, 2, 0]);
    const started = Date.now();
    const outcome = await codec.decode(value).then(
      () => 'decoded',
      (error: unknown) => error,
    );
    expect(outcome).toBeInstanceOf(Error);
    // Not poison: the message is read again once the registry answers.
    expect(outcome).not.toBeInstanceOf(UndecodableMessageError);
    expect(Date.now() - started).toBeLessThan(10_000);
  }, 20_000);
});
