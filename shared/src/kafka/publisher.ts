import { Partitioners, type IHeaders, type Kafka, type Producer, type ProducerRecord } from 'kafkajs';
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

/**
 * Publishes Avro-encoded values through an idempotent producer (acks from all in-sync replicas), one send
 * at a time. A send that fails may still have been written: the broker knows it by its producer id and
 * sequence number, which the producer does not move on after a failure, so the next send would reuse the
 * sequence and be acknowledged as a duplicate of the failed one without being written (a message lost
 * after a broker restart). After a failed send the producer is replaced, and the next send goes out under
 * a new producer id.
 */
export class Publisher {
  readonly #kafka: Kafka;
  #producer: Producer;
  #connected = false;
  /** The sends in order: each waits for the one before it. */
  #sending: Promise<unknown> = Promise.resolve();
  readonly #codec: AvroCodec;
  readonly #logger: Logger;
  readonly #copies: number;

  constructor(kafka: Kafka, codec: AvroCodec, logger: Logger, options: PublisherOptions = {}) {
    this.#kafka = kafka;
    this.#producer = Publisher.#newProducer(kafka);
    this.#codec = codec;
    this.#logger = logger;
    this.#copies = options.duplicateDelivery ? 2 : 1;
    if (options.duplicateDelivery) this.#logger.warn('duplicate delivery is on: every message is sent twice');
  }

  static #newProducer(kafka: Kafka): Producer {
    return kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // kafkajs' default (Java's murmur2 placement), named so that kafkajs does not warn at every start.
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  async connect(): Promise<void> {
    await this.#producer.connect();
    this.#connected = true;
  }

  async disconnect(): Promise<void> {
    await this.#sending;
    await this.#producer.disconnect();
    this.#connected = false;
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
    await this.#send({ topic, acks: -1, messages: copies });
  }

  async publishRaw(topic: string, messages: RawMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await this.#send({ topic, acks: -1, messages });
  }

  #send(record: ProducerRecord): Promise<void> {
    const sent = this.#sending.then(async () => {
      try {
        if (!this.#connected) await this.connect();
        await this.#producer.send(record);
      } catch (error) {
        const failed = this.#producer;
        this.#producer = Publisher.#newProducer(this.#kafka);
        this.#connected = false;
        await failed.disconnect().catch(() => undefined);
        this.#logger.warn(
          { err: error, topic: record.topic },
          'send failed; the next one goes out under a new producer id',
        );
        throw error;
      }
    });
    this.#sending = sent.catch(() => undefined);
    return sent;
  }
}
