import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { TOPIC_SCHEMA_FILES, valueSubject, type AvroTopic } from './topology.ts';

export const SCHEMAS_DIR = fileURLToPath(new URL('../../schemas', import.meta.url));

export async function readSchemaFile(file: string): Promise<string> {
  return readFile(`${SCHEMAS_DIR}/${file}`, 'utf8');
}

type RegistryMiddleware = NonNullable<
  NonNullable<ConstructorParameters<typeof SchemaRegistry>[0]>['middlewares']
>[number];

/** Gives each registry call that has none a timeout (mappersmith, under the registry client, sets none). */
function registryTimeout(timeoutMs: number): RegistryMiddleware {
  return () => ({
    async prepareRequest(next) {
      const request = await next();
      return request.timeout() ? request : request.enhance({ timeout: timeoutMs });
    },
  });
}

/** Why a message could not be decoded: it is not in the wire format, or its schema id is unknown. */
export class UndecodableMessageError extends Error {
  readonly reason: 'undecodable' | 'unknown-schema';
  constructor(reason: 'undecodable' | 'unknown-schema', message: string) {
    super(message);
    this.name = 'UndecodableMessageError';
    this.reason = reason;
  }
}

/**
 * Avro values in the Confluent wire format. Schemas are registered once at start under `<topic>-value`
 * and values are encoded by id afterwards (registering is not cached by the client).
 */
export class AvroCodec {
  readonly registry: SchemaRegistry;
  readonly #ids = new Map<string, number>();

  /**
   * `timeoutMs` bounds each registry call: without it, a call that gets no answer (a registry that
   * accepted the connection and hangs) would hold a service's start, or a partition's next message,
   * forever. A call that times out fails like an unreachable registry: a starting service tries again,
   * and the message is read again later.
   */
  constructor(registryUrl: string, options: { timeoutMs?: number } = {}) {
    this.registry = new SchemaRegistry({
      host: registryUrl,
      retry: { retries: 3 },
      middlewares: [registryTimeout(options.timeoutMs ?? 10_000)],
    });
  }

  /** Registers the topics' schemas side by side: a restarted service waits for the slowest, not the sum. */
  async registerTopics(topics: readonly AvroTopic[]): Promise<void> {
    await Promise.all(
      topics
        .filter((topic) => !this.#ids.has(topic))
        .map(async (topic) => {
          const schema = await readSchemaFile(TOPIC_SCHEMA_FILES[topic]);
          const { id } = await this.registry.register(
            { type: SchemaType.AVRO, schema },
            { subject: valueSubject(topic) },
          );
          this.#ids.set(topic, id);
        }),
    );
  }

  schemaId(topic: AvroTopic): number {
    const id = this.#ids.get(topic);
    if (id === undefined) throw new Error(`schema of topic ${topic} was not registered at start`);
    return id;
  }

  async encode(topic: AvroTopic, value: unknown): Promise<Buffer> {
    return this.registry.encode(this.schemaId(topic), value);
  }

  /**
   * Decodes a value in the Confluent wire format. Bytes that are not, or a schema id the registry does
   * not know, are undecodable (the message is poison); a registry that cannot be reached is not: that
   * error is thrown as it is, and the message is read again later.
   */
  async decode<T>(bytes: Buffer | null): Promise<T> {
    if (bytes === null || bytes.length < 5 || bytes[0] !== 0) {
      throw new UndecodableMessageError('undecodable', 'value is not in the Confluent Avro wire format');
    }
    const id = bytes.readInt32BE(1);
    let schema;
    try {
      schema = await this.registry.getSchema(id);
    } catch (error) {
      if ((error as { status?: number }).status === 404) {
        throw new UndecodableMessageError('unknown-schema', `schema id ${id} is unknown`);
      }
      throw error;
    }
    try {
      return schema.fromBuffer(bytes.subarray(5)) as T;
    } catch (error) {
      throw new UndecodableMessageError('undecodable', (error as Error).message);
    }
  }
}
