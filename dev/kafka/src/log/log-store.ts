// All topics and partitions of the broker, on disk under <dataDir>/topics or in memory, plus the cluster
// metadata that must survive restarts (cluster id, next producer id).
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode } from '../protocol/error-codes.ts';
import { FsyncScheduler } from './fsync-scheduler.ts';
import { fsyncDir, writeFileDurably } from './fs-util.ts';
import { PartitionLog } from './partition-log.ts';
import { isValidTopicName } from './topic-names.ts';

const SEGMENT_NAME = '00000000000000000000.log';

export type TopicConfig = { name: string; partitions: number; configs: Record<string, string> };
export type Topic = TopicConfig & { logs: PartitionLog[] };

type Meta = { clusterId: string; nextProducerId: number };

export type LogStoreOptions = { dataDir?: string; log?: (fields: Record<string, unknown>) => void };

export type AppendListener = (topic: string, partition: number) => void;

export class LogStore {
  private readonly topicMap = new Map<string, Topic>();
  private readonly dataDir: string | undefined;
  private readonly log: (fields: Record<string, unknown>) => void;
  private readonly fsync = new FsyncScheduler();
  private meta: Meta = { clusterId: '', nextProducerId: 1000 };
  private readonly listeners = new Set<AppendListener>();

  constructor(options: LogStoreOptions) {
    this.dataDir = options.dataDir;
    this.log = options.log ?? (() => undefined);
  }

  get clusterId(): string {
    return this.meta.clusterId;
  }

  get durable(): boolean {
    return this.dataDir !== undefined;
  }

  /** Loads every topic from the data directory, recovering each segment. */
  open(): void {
    if (!this.dataDir) {
      this.meta.clusterId = newClusterId();
      return;
    }
    mkdirSync(join(this.dataDir, 'topics'), { recursive: true });
    const metaPath = join(this.dataDir, 'meta.json');
    if (existsSync(metaPath)) this.meta = JSON.parse(readFileSync(metaPath, 'utf8')) as Meta;
    else {
      this.meta.clusterId = newClusterId();
      writeFileDurably(metaPath, JSON.stringify(this.meta));
    }
    for (const entry of readdirSync(join(this.dataDir, 'topics'), { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const dir = join(this.dataDir, 'topics', entry.name);
      if (entry.name.includes('.deleted-')) {
        rmSync(dir, { recursive: true, force: true });
        continue;
      }
      const configPath = join(dir, 'topic.json');
      if (!existsSync(configPath)) {
        // created but never confirmed: the topic does not exist
        rmSync(dir, { recursive: true, force: true });
        continue;
      }
      const config = JSON.parse(readFileSync(configPath, 'utf8')) as TopicConfig;
      const logs: PartitionLog[] = [];
      for (let p = 0; p < config.partitions; p++) {
        const partitionDir = join(dir, String(p));
        mkdirSync(partitionDir, { recursive: true });
        const { log, report } = PartitionLog.open(join(partitionDir, SEGMENT_NAME));
        if (report.truncatedBytes > 0) {
          this.log({
            msg: 'truncated torn log tail',
            topic: config.name,
            partition: p,
            bytes: report.truncatedBytes,
          });
        }
        logs.push(log);
      }
      this.topicMap.set(config.name, { ...config, logs });
    }
  }

  close(): void {
    for (const t of this.topicMap.values()) for (const l of t.logs) l.close();
    this.topicMap.clear();
  }

  topics(): Topic[] {
    return [...this.topicMap.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  topic(name: string): Topic | undefined {
    return this.topicMap.get(name);
  }

  partition(topic: string, partition: number): PartitionLog | undefined {
    return this.topicMap.get(topic)?.logs[partition];
  }

  /** Creates a topic; its config file is durable before this returns. */
  createTopic(name: string, partitions: number, configs: Record<string, string> = {}): number {
    if (!isValidTopicName(name)) return ErrorCode.INVALID_TOPIC_EXCEPTION;
    if (this.topicMap.has(name)) return ErrorCode.TOPIC_ALREADY_EXISTS;
    if (partitions < 1) return ErrorCode.INVALID_PARTITIONS;
    const logs: PartitionLog[] = [];
    if (this.dataDir) {
      const dir = join(this.dataDir, 'topics', name);
      rmSync(dir, { recursive: true, force: true });
      for (let p = 0; p < partitions; p++) {
        const partitionDir = join(dir, String(p));
        mkdirSync(partitionDir, { recursive: true });
        logs.push(PartitionLog.open(join(partitionDir, SEGMENT_NAME)).log);
        fsyncDir(partitionDir);
      }
      writeFileDurably(join(dir, 'topic.json'), JSON.stringify({ name, partitions, configs }));
      fsyncDir(join(this.dataDir, 'topics'));
    } else {
      for (let p = 0; p < partitions; p++) logs.push(PartitionLog.inMemory());
    }
    this.topicMap.set(name, { name, partitions, configs, logs });
    this.log({ msg: 'topic created', topic: name, partitions });
    return ErrorCode.NONE;
  }

  deleteTopic(name: string): number {
    const topic = this.topicMap.get(name);
    if (!topic) return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
    this.topicMap.delete(name);
    for (const l of topic.logs) l.close();
    if (this.dataDir) {
      const dir = join(this.dataDir, 'topics', name);
      const doomed = `${dir}.deleted-${Date.now()}`;
      renameSync(dir, doomed);
      fsyncDir(join(this.dataDir, 'topics'));
      rmSync(doomed, { recursive: true, force: true });
    }
    this.log({ msg: 'topic deleted', topic: name });
    for (let p = 0; p < topic.partitions; p++) this.notify(name, p);
    return ErrorCode.NONE;
  }

  onAppend(listener: AppendListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  notify(topic: string, partition: number): void {
    for (const l of this.listeners) l(topic, partition);
  }

  /** Resolves once everything appended so far to these partitions is on stable storage. */
  async flush(logs: Iterable<PartitionLog>): Promise<void> {
    if (!this.dataDir) return;
    await Promise.all([...new Set(logs)].map((l) => this.fsync.sync(l.syncTarget())));
  }

  allocateProducerId(): number {
    const id = this.meta.nextProducerId++;
    if (this.dataDir) writeFileDurably(join(this.dataDir, 'meta.json'), JSON.stringify(this.meta));
    return id;
  }
}

function newClusterId(): string {
  return randomUUID().replaceAll('-', '').slice(0, 22);
}
