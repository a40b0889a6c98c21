// Confluent Schema Registry REST endpoints over the schema store.
import type { JsonReply, JsonRequest, Route } from '../http/json-server.ts';
import { HttpError, match } from '../http/json-server.ts';
import type { CompatibilityLevel } from './compatibility.ts';
import { isCompatibilityLevel } from './compatibility.ts';
import type { SchemaStore } from './store.ts';
import { RegistryError } from './store.ts';

type SchemaBody = { schema?: unknown; schemaType?: unknown };

function ok(body: unknown): JsonReply {
  return { status: 200, body };
}

function schemaBody(req: JsonRequest): { schema: string; schemaType: string } {
  const body = (req.body ?? {}) as SchemaBody;
  if (typeof body.schema !== 'string') throw new RegistryError(422, 42201, 'Empty schema');
  return { schema: body.schema, schemaType: typeof body.schemaType === 'string' ? body.schemaType : 'AVRO' };
}

function compatibilityBody(req: JsonRequest): CompatibilityLevel {
  const level = (req.body as { compatibility?: unknown } | undefined)?.compatibility;
  const upper = typeof level === 'string' ? level.toUpperCase() : level;
  if (!isCompatibilityLevel(upper)) {
    throw new RegistryError(
      422,
      42203,
      'Invalid compatibility level. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive',
    );
  }
  return upper;
}

export function registryRoutes(store: SchemaStore): Route {
  const handle = (req: JsonRequest): JsonReply | null => {
    const { method, path } = req;
    let m: Record<string, string> | null;
    if (method === 'GET' && (m = match('/schemas/ids/{id}', path))) {
      const s = store.schemaById(Number(m.id));
      return ok(
        s.schemaType === 'AVRO' ? { schema: s.schema } : { schema: s.schema, schemaType: s.schemaType },
      );
    }
    if (method === 'GET' && path === '/subjects') return ok(store.subjects());
    if (method === 'GET' && path === '/schemas/types') return ok(['AVRO']);
    if ((m = match('/subjects/{subject}/versions', path))) {
      if (method === 'GET') return ok(store.versions(m.subject!));
      if (method === 'POST') {
        const { schema, schemaType } = schemaBody(req);
        return ok({ id: store.register(m.subject!, schema, schemaType) });
      }
    }
    if (method === 'GET' && (m = match('/subjects/{subject}/versions/{version}', path))) {
      return ok(store.version(m.subject!, m.version!));
    }
    if (method === 'GET' && (m = match('/subjects/{subject}/versions/{version}/schema', path))) {
      return ok(JSON.parse(store.version(m.subject!, m.version!).schema));
    }
    if ((m = match('/subjects/{subject}', path))) {
      if (method === 'POST') {
        const { schema, schemaType } = schemaBody(req);
        return ok(store.lookup(m.subject!, schema, schemaType));
      }
      if (method === 'DELETE')
        return ok(store.deleteSubject(m.subject!, req.query.get('permanent') === 'true'));
    }
    if (path === '/config') {
      if (method === 'GET') return ok({ compatibilityLevel: store.globalCompatibility });
      if (method === 'PUT') {
        const level = compatibilityBody(req);
        store.setGlobalCompatibility(level);
        return ok({ compatibility: level });
      }
    }
    if ((m = match('/config/{subject}', path))) {
      if (method === 'GET') {
        const level = store.subjectCompatibility(m.subject!);
        if (level) return ok({ compatibilityLevel: level });
        if (req.query.get('defaultToGlobal') === 'true')
          return ok({ compatibilityLevel: store.globalCompatibility });
        throw new RegistryError(
          404,
          40408,
          `Subject '${m.subject}' does not have subject-level compatibility configured`,
        );
      }
      if (method === 'PUT') {
        const level = compatibilityBody(req);
        store.setSubjectCompatibility(m.subject!, level);
        return ok({ compatibility: level });
      }
    }
    if (method === 'POST' && (m = match('/compatibility/subjects/{subject}/versions/{version}', path))) {
      const { schema, schemaType } = schemaBody(req);
      return ok({ is_compatible: store.testCompatibility(m.subject!, m.version!, schema, schemaType) });
    }
    return null;
  };
  return (req) => {
    try {
      return handle(req);
    } catch (e) {
      if (e instanceof RegistryError)
        throw new HttpError(e.status, { error_code: e.errorCode, message: e.message });
      throw e;
    }
  };
}
