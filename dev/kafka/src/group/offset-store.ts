// Committed offsets per group, kept verbatim (negative sentinels included). On disk they are an append-only
// journal of JSON lines, compacted when the store opens; a torn last line is dropped on recovery.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { FsyncScheduler } from '../log/fsync-scheduler.ts';
import { writeFileDurably } from '../log/fs-util.ts';

export type CommittedOffset = { offset: number; metadata: string | null };
export type OffsetCommitEntry = { topic: string; partition: number; offset: number; metadata: string | null };

type JournalLine =
  | { g: string; o: [string, number, number, string | null][] }
  | { deleteTopic: string }
  | { deleteGroup: string };

export class OffsetStore {
  private readonly groups = new Map<string, Map<string, Map<number, CommittedOffset>>>();
  private readonly path: string | undefined;
  private fd: number | null = null;
  private readonly fsync = new FsyncScheduler();

  constructor(dataDir?: string) {
    this.path = dataDir ? join(dataDir, 'groups', 'offsets.jsonl') : undefined;
  }

  open(): void {
    if (!this.path) return;
    mkdirSync(join(this.path, '..'), { recursive: true });
    if (existsSync(this.path)) {
      const text = readFileSync(this.path, 'utf8');
      for (const line of text.split('\n')) {
        if (!line) continue;
        let parsed: JournalLine;
        try {
          parsed = JSON.parse(line) as JournalLine;
        } catch {
          break; // torn tail
        }
        this.apply(parsed);
      }
    }
    writeFileDurably(this.path, this.snapshotLines());
    this.fd = openSync(this.path, 'a');
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private apply(line: JournalLine): void {
    if ('deleteTopic' in line) {
      for (const topics of this.groups.values()) topics.delete(line.deleteTopic);
    } else if ('deleteGroup' in line) {
      this.groups.delete(line.deleteGroup);
    } else {
      for (const [topic, partition, offset, metadata] of line.o)
        this.set(line.g, topic, partition, { offset, metadata });
    }
  }

  private set(group: string, topic: string, partition: number, value: CommittedOffset): void {
    let topics = this.groups.get(group);
    if (!topics) this.groups.set(group, (topics = new Map()));
    let partitions = topics.get(topic);
    if (!partitions) topics.set(topic, (partitions = new Map()));
    partitions.set(partition, value);
  }

  private snapshotLines(): string {
    const lines: string[] = [];
    for (const [g, topics] of this.groups) {
      const o: [string, number, number, string | null][] = [];
      for (const [topic, partitions] of topics) {
        for (const [p, v] of partitions) o.push([topic, p, v.offset, v.metadata]);
      }
      if (o.length > 0) lines.push(JSON.stringify({ g, o }));
    }
    return lines.map((l) => `${l}\n`).join('');
  }

  private journal(line: JournalLine): Promise<void> {
    if (this.fd === null) return Promise.resolve();
    writeSync(this.fd, `${JSON.stringify(line)}\n`);
    return this.fsync.sync({ fd: () => this.fd });
  }

  /** Stores the offsets; resolves once they are durable. */
  commit(group: string, entries: readonly OffsetCommitEntry[]): Promise<void> {
    for (const e of entries)
      this.set(group, e.topic, e.partition, { offset: e.offset, metadata: e.metadata });
    return this.journal({ g: group, o: entries.map((e) => [e.topic, e.partition, e.offset, e.metadata]) });
  }

  get(group: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.groups.get(group)?.get(topic)?.get(partition);
  }

  /** Every committed offset of a group, by topic. */
  all(group: string): Map<string, Map<number, CommittedOffset>> {
    return this.groups.get(group) ?? new Map();
  }

  groupIds(): string[] {
    return [...this.groups.keys()];
  }

  deleteTopic(topic: string): Promise<void> {
    this.apply({ deleteTopic: topic });
    return this.journal({ deleteTopic: topic });
  }

  deleteGroup(group: string): Promise<void> {
    this.apply({ deleteGroup: group });
    return this.journal({ deleteGroup: group });
  }
}
