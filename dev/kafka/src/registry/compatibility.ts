// Avro compatibility rules as Confluent's registry applies them, on avsc's schema resolution: a reader
// schema is compatible with a writer schema when avsc can build a resolver from one to the other.
import avro from 'avsc';

export const COMPATIBILITY_LEVELS = [
  'NONE',
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
] as const;

export type CompatibilityLevel = (typeof COMPATIBILITY_LEVELS)[number];

export function isCompatibilityLevel(value: unknown): value is CompatibilityLevel {
  return typeof value === 'string' && (COMPATIBILITY_LEVELS as readonly string[]).includes(value);
}

export class InvalidSchemaError extends Error {}

/** Parses an Avro schema string; throws InvalidSchemaError when it is not a valid Avro schema. */
export function parseAvro(schema: string): avro.Type {
  try {
    return avro.Type.forSchema(JSON.parse(schema) as avro.Schema);
  } catch (e) {
    throw new InvalidSchemaError(`Invalid schema ${schema}: ${(e as Error).message}`);
  }
}

function canRead(reader: avro.Type, writer: avro.Type): boolean {
  try {
    reader.createResolver(writer);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether `candidate` may follow `previous` (oldest first) under `level`. Non-transitive levels only look at
 * the latest previous schema.
 */
export function isCompatible(
  level: CompatibilityLevel,
  candidate: avro.Type,
  previous: readonly avro.Type[],
): boolean {
  if (level === 'NONE' || previous.length === 0) return true;
  const against = level.endsWith('_TRANSITIVE') ? previous : previous.slice(-1);
  const backward = level.startsWith('BACKWARD') || level.startsWith('FULL');
  const forward = level.startsWith('FORWARD') || level.startsWith('FULL');
  return against.every(
    (old) => (!backward || canRead(candidate, old)) && (!forward || canRead(old, candidate)),
  );
}
