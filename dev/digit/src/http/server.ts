// Builds the HTTP server: the gate in front, every simulated service, the /_sim inspection API, and DIGIT
// error envelopes for every failure.
import multipart from '@fastify/multipart';
import Fastify, { type FastifyInstance } from 'fastify';
import { registerInspection } from '../inspection/routes.ts';
import type { Random } from '../seed/random.ts';
import { registerBoundaryService } from '../services/boundary.ts';
import { registerFacilityService } from '../services/facility.ts';
import { registerFilestoreService } from '../services/filestore.ts';
import { registerHrmsService } from '../services/hrms.ts';
import { registerIdgenService } from '../services/idgen.ts';
import { registerMdmsService } from '../services/mdms.ts';
import { registerProductService } from '../services/product.ts';
import { registerProjectMappings } from '../services/project-mappings.ts';
import { registerProjectService } from '../services/project.ts';
import type { SimulatorState } from '../state/simulator-state.ts';
import type { CallCounters } from './counters.ts';
import { DigitError, errorEnvelope } from './envelope.ts';
import { installGate } from './gate.ts';

export interface ServerParts {
  state: SimulatorState;
  counters: CallCounters;
  random: Random;
  held: Set<NodeJS.Timeout>;
  log: boolean;
}

const MAX_BODY_BYTES = 256 * 1024 * 1024;

export async function buildServer(parts: ServerParts): Promise<FastifyInstance> {
  const app = Fastify({
    logger: parts.log,
    bodyLimit: MAX_BODY_BYTES,
    forceCloseConnections: true,
    keepAliveTimeout: 65_000,
  });
  await app.register(multipart, { limits: { fileSize: MAX_BODY_BYTES, files: 20 } });
  installGate(app, {
    behaviour: () => parts.state.behaviour,
    counters: parts.counters,
    random: parts.random,
    held: parts.held,
  });

  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof DigitError) return reply.code(error.status).send(errorEnvelope(error.errors));
    const failure = error as { statusCode?: unknown; message?: unknown };
    const status =
      typeof failure.statusCode === 'number' && failure.statusCode >= 400 ? failure.statusCode : 500;
    const code = status < 500 ? 'INVALID_REQUEST' : 'INTERNAL_SERVER_ERROR';
    const message = typeof failure.message === 'string' ? failure.message : 'Unexpected failure';
    return reply.code(status).send(errorEnvelope([{ code, message, description: null, params: null }]));
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send(
      errorEnvelope([
        {
          code: 'NOT_FOUND',
          message: `No endpoint ${request.method} ${request.url}`,
          description: null,
          params: null,
        },
      ]),
    ),
  );

  const { state } = parts;
  registerBoundaryService(app, state);
  registerMdmsService(app, state);
  registerFilestoreService(app, state);
  registerProjectService(app, state);
  registerProjectMappings(app, state);
  registerFacilityService(app, state);
  registerHrmsService(app, state);
  registerProductService(app, state);
  registerIdgenService(app, state);
  registerInspection(app, state, parts.counters);
  return app;
}
