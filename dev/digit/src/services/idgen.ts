// Id generator: ids from a format, one sequence per idName.
import type { FastifyInstance } from 'fastify';
import { badRequest } from '../http/envelope.ts';
import { isRecord, text } from '../http/request.ts';
import { digitPost } from '../http/routes.ts';
import { formatId } from '../state/id-sequences.ts';
import type { SimulatorState } from '../state/simulator-state.ts';

export function registerIdgenService(app: FastifyInstance, state: SimulatorState): void {
  digitPost(app, '/egov-idgen/id/_generate', (digit) => {
    const requests = digit.body.idRequests;
    if (!Array.isArray(requests) || requests.length === 0) {
      throw badRequest('NotNull.idGenerationRequest.idRequests', 'idRequests must not be empty');
    }
    const now = new Date();
    const idResponses: Array<{ id: string }> = [];
    for (const request of requests) {
      if (!isRecord(request)) throw badRequest('NotNull.idRequests', 'idRequest must be an object');
      const idName = text(request.idName);
      const tenantId = text(request.tenantId);
      if (!idName) throw badRequest('NotNull.idRequests.idName', 'idName must not be null');
      if (!tenantId) throw badRequest('NotNull.idRequests.tenantId', 'tenantId must not be null');
      const format = text(request.format);
      if (!format) {
        throw badRequest('ID_NOT_FOUND', 'No Format is available in the MDMS for the given name and tenant');
      }
      const count = typeof request.count === 'number' && request.count > 0 ? Math.floor(request.count) : 1;
      for (let i = 0; i < count; i++) {
        idResponses.push({ id: formatId(format, () => state.ids.next(`idgen|${idName}`), tenantId, now) });
      }
    }
    return { idResponses };
  });
}
