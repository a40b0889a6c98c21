import type { Kafka, Producer, IHeaders } from 'kafkajs';
import type { Logger } from '../logging/logger.ts';
import type { AvroCodec } from './avro.ts';
import type { AvroTopic } from './topology.ts';

export interface OutgoingMessage<T> {
  key: string;
  value: T;
  headers?: Record<string, string>;
}

export interface RawMessage {
  key: Buffer | string | null;
  value: Buffer | null;
  headers: IHeaders;
}

export interface PublisherOptions {
  /** Sends every message twice; a test switch proving that consumers are idempotent. */
  duplicateDelivery?: boolean;
}

/** Publishes Avro-encoded values through an idempotent producer (acks from all in-sync replicas). */
export class Publisher {
  readonly #producer: Producer;
  readonly #codec: AvroCodec;
  readonly #logger: Logger;
  readonly #copies: number;

  constructor(kafka: Kafka, codec: AvroCodec, logger: Logger, options: PublisherOptions = {}) {
    this.#producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
    });
    this.#codec = codec;
    this.#logger = logger;
    this.#copies = options.duplicateDelivery ? 2 : 1;
    if (options.duplicateDelivery) this.#logger.warn('duplicate delivery is on: every message is sent twice');
  }

  async connect(): Promise<void> {
    await this.#producer.connect();
  }

  async disconnect(): Promise<void> {
    await this.#producer.disconnect();
  }

  async publish<T>(topic: AvroTopic, messages: OutgoingMessage<T>[]): Promise<void> {
    if (messages.length === 0) return;
    const encoded = await Promise.all(
      messages.map(async (message) => ({
        key: message.key,
        value: await this.#codec.encode(topic, message.value),
        headers: message.headers,
      })),
    );
    const copies = this.#copies === 1 ? encoded : encoded.flatMap((message) => [message, message]);
    await this.#producer.send({ topic, acks: -1, messages: copies });
  }

  async publishRaw(topic: string, messages: RawMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await this.#producer.send({ topic, acks: -1, messages });
  }
}
