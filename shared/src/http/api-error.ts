import type { FastifyError, FastifyInstance } from 'fastify';
import { errorEnvelope, type DigitErrorItem } from '../digit/envelope.ts';

/** An API answer other than success, sent in DIGIT's error envelope with a proper HTTP status. */
export class ApiError extends Error {
  readonly status: number;
  readonly errors: DigitErrorItem[];
  /** More fields of the error answer, e.g. the processed sheets that show each row's errors. */
  readonly extra: Record<string, unknown>;
  constructor(status: number, errors: DigitErrorItem[], extra: Record<string, unknown> = {}) {
    super(errors.map((error) => `${error.code}: ${error.message}`).join('; '));
    this.name = 'ApiError';
    this.status = status;
    this.errors = errors;
    this.extra = extra;
  }

  static of(status: number, code: string, message: string, params: string[] | null = null): ApiError {
    return new ApiError(status, [{ code, message, description: null, params }]);
  }
}

/** Validation failures name the field; anything unexpected is a 500 without internals. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | ApiError, request, reply) => {
    if (error instanceof ApiError)
      return reply.code(error.status).send({ ...errorEnvelope(error.errors), ...error.extra });
    if ('validation' in error && error.validation) {
      const errors = error.validation.map((issue) => {
        const field = `${error.validationContext ?? 'body'}${issue.instancePath.replaceAll('/', '.')}`;
        const missing = (issue.params as { missingProperty?: string }).missingProperty;
        const name = missing ? `${field}.${missing}` : field;
        return {
          code: 'VALIDATION_ERROR',
          message: `${name} ${issue.message ?? 'is invalid'}`,
          description: null,
          params: [name],
        };
      });
      return reply.code(400).send(errorEnvelope(errors));
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return reply
        .code(error.statusCode)
        .send(
          errorEnvelope([
            { code: error.code ?? 'BAD_REQUEST', message: error.message, description: null, params: null },
          ]),
        );
    }
    request.log.error({ err: error, url: request.url }, 'request failed');
    return reply.code(500).send(
      errorEnvelope([
        {
          code: 'INTERNAL_SERVER_ERROR',
          message: 'the request could not be completed',
          description: null,
          params: null,
        },
      ]),
    );
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send(
      errorEnvelope([
        {
          code: 'NOT_FOUND',
          message: `no route ${request.method} ${request.url.split('?')[0]}`,
          description: null,
          params: null,
        },
      ]),
    ),
  );
}
