// Subjects, versions and schema ids of the schema registry, persisted as one JSON document in the data dir.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileDurably } from '../log/fs-util.ts';
import type { CompatibilityLevel } from './compatibility.ts';
import { isCompatible, parseAvro } from './compatibility.ts';

export type StoredSchema = { id: number; schema: string; schemaType: string };
export type SubjectVersion = { version: number; id: number; deleted: boolean };
type Subject = { versions: SubjectVersion[]; compatibility: CompatibilityLevel | null };

type Document = {
  nextId: number;
  compatibility: CompatibilityLevel;
  schemas: StoredSchema[];
  subjects: Record<string, Subject>;
};

export class RegistryError extends Error {
  readonly status: number;
  readonly errorCode: number;

  constructor(status: number, errorCode: number, message: string) {
    super(message);
    this.status = status;
    this.errorCode = errorCode;
  }
}

export const subjectNotFound = (s: string) => new RegistryError(404, 40401, `Subject '${s}' not found.`);
export const versionNotFound = (s: string, v: string | number) =>
  new RegistryError(404, 40402, `Version ${v} not found for subject '${s}'.`);
export const schemaNotFound = () => new RegistryError(404, 40403, 'Schema not found');

/** Whitespace-insensitive form used to recognise the same schema registered twice. */
function canonical(schema: string): string {
  return JSON.stringify(JSON.parse(schema));
}

export class SchemaStore {
  private doc: Document = { nextId: 1, compatibility: 'BACKWARD', schemas: [], subjects: {} };
  private readonly path: string | undefined;

  constructor(dataDir?: string) {
    this.path = dataDir ? join(dataDir, 'registry', 'registry.json') : undefined;
  }

  open(): void {
    if (!this.path) return;
    mkdirSync(join(this.path, '..'), { recursive: true });
    if (existsSync(this.path)) this.doc = JSON.parse(readFileSync(this.path, 'utf8')) as Document;
  }

  private save(): void {
    if (this.path) writeFileDurably(this.path, JSON.stringify(this.doc));
  }

  get globalCompatibility(): CompatibilityLevel {
    return this.doc.compatibility;
  }

  setGlobalCompatibility(level: CompatibilityLevel): void {
    this.doc.compatibility = level;
    this.save();
  }

  subjectCompatibility(subject: string): CompatibilityLevel | null {
    return this.doc.subjects[subject]?.compatibility ?? null;
  }

  setSubjectCompatibility(subject: string, level: CompatibilityLevel): void {
    const s = (this.doc.subjects[subject] ??= { versions: [], compatibility: null });
    s.compatibility = level;
    this.save();
  }

  effectiveCompatibility(subject: string): CompatibilityLevel {
    return this.subjectCompatibility(subject) ?? this.doc.compatibility;
  }

  subjects(): string[] {
    return Object.entries(this.doc.subjects)
      .filter(([, s]) => s.versions.some((v) => !v.deleted))
      .map(([name]) => name)
      .sort();
  }

  private liveVersions(subject: string): SubjectVersion[] {
    const versions = this.doc.subjects[subject]?.versions.filter((v) => !v.deleted) ?? [];
    if (versions.length === 0) throw subjectNotFound(subject);
    return versions;
  }

  versions(subject: string): number[] {
    return this.liveVersions(subject).map((v) => v.version);
  }

  version(
    subject: string,
    version: string,
  ): { subject: string; version: number; id: number; schema: string } {
    const versions = this.liveVersions(subject);
    let found: SubjectVersion | undefined;
    if (version === 'latest' || version === '-1') found = versions[versions.length - 1];
    else {
      const n = Number(version);
      if (!Number.isInteger(n) || n < 1) {
        throw new RegistryError(422, 42202, `The specified version '${version}' is not a valid version id.`);
      }
      found = versions.find((v) => v.version === n);
    }
    if (!found) throw versionNotFound(subject, version);
    return { subject, version: found.version, id: found.id, schema: this.schemaById(found.id).schema };
  }

  schemaById(id: number): StoredSchema {
    const s = this.doc.schemas.find((x) => x.id === id);
    if (!s) throw schemaNotFound();
    return s;
  }

  private findSchema(schema: string, schemaType: string): StoredSchema | undefined {
    const form = canonical(schema);
    return this.doc.schemas.find((s) => s.schemaType === schemaType && canonical(s.schema) === form);
  }

  /** The version of `schema` under `subject`, if it was registered there. */
  lookup(subject: string, schema: string, schemaType: string) {
    const versions = this.liveVersions(subject);
    parseChecked(schema, schemaType);
    const stored = this.findSchema(schema, schemaType);
    const v = stored && versions.find((x) => x.id === stored.id);
    if (!stored || !v) throw schemaNotFound();
    return { subject, version: v.version, id: stored.id, schema: stored.schema };
  }

  /** Registers a schema under a subject; the same schema keeps its id and version. */
  register(subject: string, schema: string, schemaType: string): number {
    const type = parseChecked(schema, schemaType);
    const entry = (this.doc.subjects[subject] ??= { versions: [], compatibility: null });
    const live = entry.versions.filter((v) => !v.deleted);
    const existing = this.findSchema(schema, schemaType);
    if (existing && live.some((v) => v.id === existing.id)) return existing.id;
    const previous = live.map((v) => parseAvro(this.schemaById(v.id).schema));
    if (!isCompatible(this.effectiveCompatibility(subject), type, previous)) {
      throw new RegistryError(
        409,
        409,
        `Schema being registered is incompatible with an earlier schema for subject "${subject}"`,
      );
    }
    let id = existing?.id;
    if (id === undefined) {
      id = this.doc.nextId++;
      this.doc.schemas.push({ id, schema: canonical(schema), schemaType });
    }
    const lastVersion = entry.versions[entry.versions.length - 1]?.version ?? 0;
    entry.versions.push({ version: lastVersion + 1, id, deleted: false });
    this.save();
    return id;
  }

  /** Whether `schema` is compatible with one version (or, for 'latest', with the subject's history). */
  testCompatibility(subject: string, version: string, schema: string, schemaType: string): boolean {
    const type = parseChecked(schema, schemaType);
    const level = this.effectiveCompatibility(subject);
    if (version === 'latest') {
      const history = this.liveVersions(subject).map((v) => parseAvro(this.schemaById(v.id).schema));
      return isCompatible(level, type, history);
    }
    const target = this.version(subject, version);
    return isCompatible(level, type, [parseAvro(target.schema)]);
  }

  /** Soft-deletes (or with `permanent` removes) a subject; returns the versions it had. */
  deleteSubject(subject: string, permanent: boolean): number[] {
    const entry = this.doc.subjects[subject];
    if (!entry || entry.versions.length === 0) throw subjectNotFound(subject);
    const live = entry.versions.filter((v) => !v.deleted);
    if (permanent) {
      if (live.length > 0) {
        throw new RegistryError(
          404,
          40405,
          `Subject '${subject}' was not deleted first before being permanently deleted`,
        );
      }
      const versions = entry.versions.map((v) => v.version);
      delete this.doc.subjects[subject];
      this.save();
      return versions;
    }
    if (live.length === 0) throw new RegistryError(404, 40404, `Subject '${subject}' was soft deleted.`);
    for (const v of live) v.deleted = true;
    this.save();
    return live.map((v) => v.version);
  }
}

function parseChecked(schema: unknown, schemaType: string) {
  if (schemaType !== 'AVRO') {
    throw new RegistryError(
      422,
      42201,
      `Unsupported schema type ${schemaType}: this registry serves Avro only`,
    );
  }
  if (typeof schema !== 'string') throw new RegistryError(422, 42201, 'Empty schema');
  try {
    return parseAvro(schema);
  } catch (e) {
    throw new RegistryError(422, 42201, (e as Error).message);
  }
}
