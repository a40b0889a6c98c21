// Registers DIGIT-style JSON endpoints: RequestInfo is checked, the handler's body is wrapped in the
// success envelope.
import type { FastifyInstance } from 'fastify';
import { responseInfo } from './envelope.ts';
import { queryOf, readRequest, type DigitRequest, type Json, type Query } from './request.ts';

export type DigitHandler = (request: DigitRequest, query: Query) => Json;

export function digitPost(app: FastifyInstance, path: string, handler: DigitHandler, status = 200): void {
  app.post(path, async (request, reply) => {
    const digit = readRequest(request.body);
    const body = handler(digit, queryOf(request.query));
    return reply.code(status).send({ ResponseInfo: responseInfo(digit.requestInfo), ...body });
  });
}
