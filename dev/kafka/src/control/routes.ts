// Test control API under /_control: drop connections, inject faults, inspect topics, groups and offsets.
import type { FaultInjector } from '../broker/faults.ts';
import type { GroupCoordinator } from '../group/coordinator.ts';
import type { OffsetStore } from '../group/offset-store.ts';
import type { JsonReply, JsonRequest, Route } from '../http/json-server.ts';
import { HttpError } from '../http/json-server.ts';
import type { LogStore } from '../log/log-store.ts';
import { apiKeyByName, apiName, versionRange } from '../protocol/api-keys.ts';

export const CONTROL_PREFIX = '/_control';

export type ControlDeps = {
  store: LogStore;
  offsets: OffsetStore;
  coordinator: GroupCoordinator;
  faults: FaultInjector;
  dropConnections: () => number;
};

type FaultBody = { api?: unknown; count?: unknown; errorCode?: unknown; delayMs?: unknown };

function badRequest(message: string): HttpError {
  return new HttpError(400, { error_code: 400, message });
}

function parseFault(body: unknown) {
  const b = (body ?? {}) as FaultBody;
  const apiKey =
    typeof b.api === 'number' ? b.api : typeof b.api === 'string' ? apiKeyByName(b.api) : undefined;
  if (apiKey === undefined || !versionRange(apiKey)) throw badRequest(`unknown api ${String(b.api)}`);
  const count = b.count === undefined ? 1 : b.count;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1)
    throw badRequest('count must be >= 1');
  if (b.errorCode !== undefined && typeof b.errorCode !== 'number')
    throw badRequest('errorCode must be a number');
  if (b.delayMs !== undefined && typeof b.delayMs !== 'number') throw badRequest('delayMs must be a number');
  if (b.errorCode === undefined && b.delayMs === undefined) throw badRequest('give errorCode and/or delayMs');
  return { apiKey, count, errorCode: b.errorCode, delayMs: b.delayMs };
}

export function committedOffsets(offsets: OffsetStore, group: string) {
  const out: Record<string, Record<string, { offset: number; metadata: string | null }>> = {};
  for (const [topic, partitions] of offsets.all(group)) {
    out[topic] = Object.fromEntries([...partitions].map(([p, v]) => [String(p), v]));
  }
  return out;
}

export function controlRoutes(deps: ControlDeps): Route {
  return (req: JsonRequest): JsonReply | null => {
    if (!req.path.startsWith(CONTROL_PREFIX)) return null;
    const path = req.path.slice(CONTROL_PREFIX.length);
    const key = `${req.method} ${path}`;
    switch (key) {
      case 'POST /drop-connections':
        return { status: 200, body: { dropped: deps.dropConnections() } };
      case 'POST /faults': {
        const fault = parseFault(req.body);
        deps.faults.add(fault);
        return { status: 200, body: { ...fault, api: apiName(fault.apiKey) } };
      }
      case 'GET /faults':
        return { status: 200, body: deps.faults.list().map((f) => ({ ...f, api: apiName(f.apiKey) })) };
      case 'DELETE /faults':
        deps.faults.clear();
        return { status: 200, body: {} };
      case 'GET /topics':
        return {
          status: 200,
          body: deps.store.topics().map((t) => ({
            name: t.name,
            configs: t.configs,
            partitions: t.logs.map((log, partition) => ({
              partition,
              logStartOffset: log.logStartOffset,
              highWatermark: log.highWatermark,
              bytes: log.sizeInBytes,
            })),
          })),
        };
      case 'GET /groups':
        return {
          status: 200,
          body: deps.coordinator
            .snapshot()
            .map((g) => ({ ...g, offsets: committedOffsets(deps.offsets, g.groupId) })),
        };
      case 'GET /offsets':
        return {
          status: 200,
          body: Object.fromEntries(
            deps.offsets.groupIds().map((g) => [g, committedOffsets(deps.offsets, g)]),
          ),
        };
      default:
        return null;
    }
  };
}
