// Registers DIGIT-style JSON endpoints: RequestInfo is checked, the handler's body is wrapped in the
// success envelope.
import type { FastifyInstance } from 'fastify';
import { acceptedInfo, responseInfo } from './envelope.ts';
import { itemsDroppedByFault } from './gate.ts';
import { queryOf, readRequest, type DigitRequest, type Json, type Query } from './request.ts';

export type DigitHandler = (request: DigitRequest, query: Query) => Json;

/**
 * A value of an answer already written as JSON: a create's enriched records, written once for the message
 * that saves them and answered as they are, not serialised a second time.
 */
export class JsonText {
  readonly text: string;

  constructor(text: string) {
    this.text = text;
  }
}

export function digitPost(app: FastifyInstance, path: string, handler: DigitHandler, status = 200): void {
  app.post(path, async (request, reply) => {
    const digit = readRequest(request.body, request.headers['content-length']);
    const answer = {
      ResponseInfo: responseInfo(digit.requestInfo),
      ...handler(digit, queryOf(request.query)),
    };
    if (!Object.values(answer).some((value) => value instanceof JsonText))
      return reply.code(status).send(answer);
    const fields = Object.entries(answer).flatMap(([key, value]) =>
      value === undefined
        ? []
        : [`${JSON.stringify(key)}:${value instanceof JsonText ? value.text : JSON.stringify(value)}`],
    );
    return reply
      .code(status)
      .type('application/json; charset=utf-8')
      .send(`{${fields.join(',')}}`);
  });
}

/** A bulk request as its endpoint accepted it. */
export interface AcceptedBulk {
  path: string;
  /** Positions of the items a `drop-items` fault struck: processing drops them. */
  droppedByFault: ReadonlySet<number>;
  /** The request's RequestInfo, which the message saving its items carries too. */
  requestInfo: Json;
}

/**
 * A health service's bulk endpoint: the handler queues the request, the answer is 202 with the bare
 * ResponseInfo as body (the controllers return `ResponseEntity<ResponseInfo>`, e.g.
 * health-services/project/.../web/controllers/ProjectApiController.java).
 */
export function digitAccept(
  app: FastifyInstance,
  path: string,
  handler: (request: DigitRequest, accepted: AcceptedBulk) => void,
): void {
  app.post(path, async (request, reply) => {
    const digit = readRequest(request.body, request.headers['content-length']);
    handler(digit, { path, droppedByFault: itemsDroppedByFault(request), requestInfo: digit.requestInfo });
    return reply.code(202).send(acceptedInfo(digit.requestInfo, path));
  });
}
