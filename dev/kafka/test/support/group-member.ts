// A consumer-group member in its own process. It reports every message it processes to the parent over IPC
// before the offset is resolved, and leaves the group cleanly when told to stop.
// argv: <brokers> <topic> <groupId> <name> [sessionTimeoutMs]
import kafkajs from 'kafkajs';

const { Kafka, logLevel } = kafkajs;
const [brokers = '', topic = '', groupId = '', name = '', sessionTimeout = '6000'] = process.argv.slice(2);

type ToParent =
  | { type: 'ready' }
  | { type: 'message'; member: string; partition: number; offset: string; value: string }
  | { type: 'stopped' };

function tell(message: ToParent): Promise<void> {
  return new Promise((resolve, reject) =>
    process.send!(message, (err: Error | null) => (err ? reject(err) : resolve())),
  );
}

const kafka = new Kafka({ brokers: brokers.split(','), clientId: name, logLevel: logLevel.NOTHING });
const consumer = kafka.consumer({
  groupId,
  maxWaitTimeInMs: 200,
  heartbeatInterval: 300,
  sessionTimeout: Number(sessionTimeout),
  rebalanceTimeout: 10000,
});

await consumer.connect();
await consumer.subscribe({ topic, fromBeginning: true });
await consumer.run({
  eachMessage: async ({ partition, message }) => {
    await tell({
      type: 'message',
      member: name,
      partition,
      offset: message.offset,
      value: message.value!.toString(),
    });
  },
});
await tell({ type: 'ready' });

process.on('message', (msg: { type: string }) => {
  if (msg.type !== 'stop') return;
  void consumer.disconnect().then(async () => {
    await tell({ type: 'stopped' });
    process.exit(0);
  });
});
